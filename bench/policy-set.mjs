/**
 * Synthetic but realistic policy sets for the benchmark: the shapes of the example policies
 * (steady state, strict multi-gate canary with shadow and drift, sticky recommender with cohorts,
 * slow batch scorer), varied by a seeded generator so every run writes the same files, with
 * unique names, hosts and model names so the set validates without errors.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const NAMESPACES = ['risk', 'feed', 'search', 'ads', 'payments', 'growth', 'trust', 'ml-platform', 'support', 'maps'];
const OWNERS = ['acme/risk-ml', 'acme/recsys', 'alice-chen', 'bo-li', 'dana-okafor', 'acme/search-relevance'];
/** Schedules long enough for the traffic they are paired with, so schedule-power stays quiet. */
const FAST_SCHEDULES = [
  ['{ weight: 1%, hold: 30m }', '{ weight: 5%, hold: 30m }', '{ weight: 25%, hold: 1h }', '{ weight: 50%, hold: 1h }', '{ weight: 100% }'],
  ['{ weight: 2%, hold: 45m }', '{ weight: 10%, hold: 30m }', '{ weight: 50%, hold: manual }', '{ weight: 100% }'],
  ['{ weight: 5%, hold: 1h }', '{ weight: 20%, hold: 1h }', '{ weight: 100% }'],
];

/** Deterministic PRNG (mulberry32), so a policy set is the same on every run and machine. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = (next, list) => list[Math.floor(next() * list.length)];

function header(name, namespace, owner) {
  return `# yaml-language-server: $schema=../schemas/release-policy.schema.json
# Synthetic policy ${name} for the modelgate benchmark.
apiVersion: modelgate.io/v1alpha1
kind: ReleasePolicy
metadata:
  name: ${name}
  namespace: ${namespace}
  owners: [${owner}]
`;
}

function steadyState(next, name, namespace, model, stable) {
  return `${header(name, namespace, pick(next, OWNERS))}spec:
  model:
    name: ${model}
    basePath: gs://acme-models/${model}
  versions:
    stable: ${stable}
    previous: [${stable - 1}]
    retain: 2
  traffic:
    host: ${name}.${namespace}.svc.cluster.local
    expectedRps: ${2000 + Math.floor(next() * 2000)}
`;
}

function strictCanary(next, name, namespace, model, stable) {
  const steps = pick(next, FAST_SCHEDULES);
  const segment = next() < 0.5 ? `\n      - { metric: errorRate, name: segment-error-rate, maxIncrease: 1pp, segment: merchant_category }` : '';
  return `${header(name, namespace, pick(next, OWNERS))}spec:
  model:
    name: ${model}
    basePath: gs://acme-models/${model}
    image: tensorflow/serving:2.14.1
    replicas: ${2 + Math.floor(next() * 6)}
    resources: { cpu: "2", memory: 4Gi }
    warmup:
      requests: 200
      pause: 2m
  versions:
    stable: ${stable}
    candidate: ${stable + 1}
    previous: [${stable - 1}, ${stable - 2}]
    retain: 3
    info:
      "${stable}": { name: 1.3.3-20250320, commit: 4be21f0, offlineMetrics: { auc: 0.941 } }
      "${stable + 1}": { name: 1.4.0-20250405, commit: 77d0c3e, offlineMetrics: { auc: 0.947 } }
    offlineChecks:
      - { metric: auc, better: higher, severity: error }
  traffic:
    host: ${name}.${namespace}.svc.cluster.local
    expectedRps: ${1200 + Math.floor(next() * 4000)}
    timeout: 300ms
    retries: { attempts: 2, perTryTimeout: 100ms }
${segment ? '    segments: [{ label: merchant_category, header: x-merchant-category }]\n' : ''}${next() < 0.5 ? '  shadow:\n    mirror: 100%\n    duration: 1h\n' : ''}  canary:
    steps:
${steps.map((step) => `      - ${step}`).join('\n')}
    scaleDownDelay: 30m
  gates:
    interval: 5m
    failureLimit: 1
    runbook: https://runbooks.acme.example/${name}
    checks:
      - { metric: latency, percentile: 99, maxIncrease: 10% }
      - { metric: errorRate, maxIncrease: 0.5pp }
      - metric: drift
        name: score-drift
        method: ${pick(next, ['psi', 'jsd'])}
        max: 0.05
        histogram: fraud_score
        buckets: [0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9, 1]${segment}
  rollback:
    automatic: true
    to: ${stable}
`;
}

function stickyCohorts(next, name, namespace, model, stable) {
  return `${header(name, namespace, pick(next, OWNERS))}spec:
  model:
    name: ${model}
    basePath: gs://acme-models/${model}
    image: tensorflow/serving:2.14.1-gpu
    resources: { gpu: 1 }
    replicas: ${2 + Math.floor(next() * 8)}
  versions:
    stable: ${stable}
    candidate: ${stable + 1}
    previous: [${stable - 1}]
    retain: 3
  traffic:
    host: ${name}.${namespace}.svc.cluster.local
    gateways: [mesh, ${namespace}/public-gateway]
    expectedRps: ${3000 + Math.floor(next() * 3000)}
    sticky:
      header: x-user-id
      idAlphabet: ${pick(next, ['hex', 'decimal'])}
    cohorts:
      - name: staff
        header: x-acme-staff
        exact: "true"
${next() < 0.5 ? '      - name: beta\n        header: x-beta-user\n        prefix: "opt-in"\n' : ''}  canary:
    steps:
      - { weight: 1%, hold: 20m }
      - { weight: 5%, hold: 20m }
      - { weight: 25%, hold: 30m }
      - { weight: 50%, hold: manual }
      - { weight: 100% }
  gates:
    interval: 2m
    failureLimit: 2
    checks:
      - { metric: latency, percentile: ${pick(next, [95, 99])}, maxIncrease: 10% }
      - { metric: errorRate, maxIncrease: 0.5pp }
      - metric: drift
        method: jsd
        max: 0.05
        histogram: recommender_top_score
        buckets: [0.1, 0.2, 0.4, 0.6, 0.8, 1]
`;
}

function batchScorer(next, name, namespace, model, stable) {
  return `${header(name, namespace, pick(next, OWNERS))}spec:
  model:
    name: ${model}
    basePath: /models/${model}
    replicas: 1
  versions:
    stable: ${stable}
    candidate: ${stable + 1}
  traffic:
    host: ${name}.${namespace}.svc.cluster.local
    expectedRps: ${5 + Math.floor(next() * 10)}
  canary:
    steps:
      - { weight: 50%, hold: 12h }
      - { weight: 100% }
  gates:
    interval: 1h
    failureLimit: 1
    checks:
      - { metric: errorRate, max: 2% }
`;
}

const SHAPES = [
  ['ranker', steadyState],
  ['fraud', strictCanary],
  ['recommender', stickyCohorts],
  ['scorer', batchScorer],
];

/**
 * The cluster the set is written for, as the example repository's profile describes its own:
 * serving pods read gs:// as a workload-identity service account, each namespace's public
 * gateway strips the cohort headers and sets the user id, and the score exporter emits the two
 * histograms the drift gates read (scraped by a PodMonitor per policy).
 */
function platformProfile() {
  return `apiVersion: modelgate.io/v1alpha1
kind: PlatformProfile
spec:
  gateways:
${NAMESPACES.map((namespace) => `    - { name: ${namespace}/public-gateway, stripsHeaders: [x-acme-staff, x-beta-user], setsHeaders: [x-user-id] }\n`).join('')}  modelStorage:
    - { scheme: gs, serviceAccount: model-reader }
  prometheus:
    podMonitor: { labels: { release: kube-prometheus-stack } }
  scoreExporter:
    image: registry.acme.example/ml-platform/score-exporter:1.4.2
    port: 9102
    metrics: [{ name: fraud_score }, { name: recommender_top_score }]
`;
}

/**
 * Make `project` a modelgate project: `count` policies in `project/policies/` and the platform
 * profile at `project/modelgate.config.yaml`. Returns the policies' paths. Nothing is written
 * outside `project`: a profile dropped in a shared parent such as the tmp folder would make every
 * folder under it look like a project to the upward project-root search.
 */
export function writePolicySet(project, count, seed = 7) {
  const next = random(seed);
  const dir = join(project, 'policies');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(project, 'modelgate.config.yaml'), platformProfile());
  const files = [];
  for (let index = 0; index < count; index++) {
    const [kind, shape] = SHAPES[index % SHAPES.length];
    const name = `${kind}-${String(index).padStart(5, '0')}`;
    const stable = 10 + Math.floor(next() * 5000);
    const text = shape(next, name, pick(next, NAMESPACES), `${kind}_${index}`, stable);
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, text);
    files.push(file);
  }
  return files;
}
