/**
 * `status` reading the Rollout and its AnalysisRun from the Kubernetes API stand-in
 * (test/models/kube-apiserver.ts), whose bodies the upstream CRD schemas accept: the Rollout is
 * the one compiled from the fraud-detector example, its status what Argo Rollouts writes mid-canary,
 * paused on an inconclusive analysis, and aborted.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/status.js';
import { KubeClient } from '../../src/kube/client.js';
import type { KubeConnection } from '../../src/kube/kubeconfig.js';
import { formatRollout, readRollout } from '../../src/status/rollout.js';
import { targets } from '../../src/targets/index.js';
import { examplePolicy, repoRoot } from '../gates/example-policies.js';
import { KubeApiStandIn, type AnalysisRun, type Rollout } from '../models/kube-apiserver.js';
import { readmeRolePermissions } from '../support/readme-rbac.js';

type Json = Record<string, any>;
const NAMESPACE = 'risk';
const RUN = 'fraud-detector-6d4f9c8b7-42-1';

let api: KubeApiStandIn | null = null;
let prometheus: Server | null = null;
afterEach(async () => {
  vi.restoreAllMocks();
  await api?.close();
  api = null;
  await new Promise<void>((resolve) => (prometheus ? prometheus.close(() => resolve()) : resolve()));
  prometheus = null;
});

const compiledDocuments = new Map<string, Json[]>();
function compiled(kind: string, file = 'fraud-detector.yaml'): Json {
  if (!compiledDocuments.has(file)) compiledDocuments.set(file, targets.flatMap((target) => target.build(examplePolicy(file))).flatMap((output) => output.documents ?? []) as Json[]);
  return structuredClone(compiledDocuments.get(file)!.find((document) => document.kind === kind)!);
}

function rollout(status: Json, spec: Json = {}): Rollout {
  const object = compiled('Rollout');
  return { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'fraud-detector', namespace: NAMESPACE }, spec: { ...object.spec, ...spec }, status };
}

/** An AnalysisRun as the controller creates it from the compiled template: its metrics, the versions as arguments. */
function analysisRun(status: Json): AnalysisRun {
  const template = compiled('AnalysisTemplate');
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisRun',
    metadata: { name: RUN, namespace: NAMESPACE },
    spec: { metrics: template.spec.metrics, args: [{ name: 'stable-version', value: '41' }, { name: 'canary-version', value: '42' }] },
    status,
  };
}

const START = '2026-11-30T03:00:00Z';
const weights = (canary: number) => ({ canary: { weight: canary, serviceName: 'fraud-detector-canary', podTemplateHash: '6d4f9c8b7' }, stable: { weight: 100 - canary, serviceName: 'fraud-detector', podTemplateHash: '5b8c7d6f4' } });
const backgroundRun = (status: string) => ({ currentBackgroundAnalysisRunStatus: { name: RUN, status } });

/** The API server allows only what the README's Role grants. */
async function standIn(...objects: Array<Rollout | AnalysisRun>): Promise<KubeClient> {
  api = await new KubeApiStandIn({ token: 'secret-token', allowed: readmeRolePermissions() }).start();
  for (const object of objects) api.put(object);
  return new KubeClient(connection(api.url));
}

function connection(server: string): KubeConnection {
  return { server, namespace: null, context: 'test', ca: null, insecureSkipTlsVerify: false, tlsServerName: null, token: 'secret-token', clientCertificate: null, clientKey: null };
}

describe('readRollout', () => {
  it('a healthy mid-canary rollout: step, weights, the running analysis with counts against limits', async () => {
    const client = await standIn(
      rollout({ phase: 'Progressing', message: 'more replicas need to be updated', currentStepIndex: 7, canary: { weights: weights(5), ...backgroundRun('Running') } }),
      analysisRun({ phase: 'Running', startedAt: START, metricResults: [{ name: 'error-rate', phase: 'Running', count: 3, successful: 3 }, { name: 'latency-p99', phase: 'Running', count: 3, successful: 2, inconclusive: 1 }] }),
    );
    const reading = await readRollout(client, NAMESPACE, 'fraud-detector');
    expect(reading).toMatchObject({ phase: 'Progressing', stepIndex: 7, weights: { canary: 5, stable: 95 }, paused: false, pauseReasons: [], aborted: false });
    expect(reading.stepCount).toBe(compiled('Rollout').spec.strategy.canary.steps.length);
    expect(reading.analysisRuns).toHaveLength(1);
    expect(reading.analysisRuns[0]).toMatchObject({ name: RUN, role: 'background', phase: 'Running' });
    // Limits come from the run's own metrics (the compiled template's failureLimit 1, inconclusiveLimit 3; consecutiveErrorLimit unset → 4).
    expect(reading.analysisRuns[0]!.metrics).toEqual([
      expect.objectContaining({ name: 'error-rate', successful: 3, failed: 0, failureLimit: 1, inconclusiveLimit: 3, consecutiveErrorLimit: 4 }),
      expect.objectContaining({ name: 'latency-p99', successful: 2, inconclusive: 1, inconclusiveLimit: 3 }),
    ]);
    const text = formatRollout(reading).join('\n');
    expect(text).toContain(`Rollout risk/fraud-detector: Progressing (more replicas need to be updated); step 8 of ${reading.stepCount}; weights canary 5%, stable 95%`);
    expect(text).toContain('latency-p99: Running; successful 2, failed 0 (limit 1), inconclusive 1 (limit 3), errors 0 (0 in a row, limit 4)');
    expect(text).not.toMatch(/paused|ABORTED/);
    expect(api!.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'GET /apis/argoproj.io/v1alpha1/namespaces/risk/rollouts/fraud-detector',
      `GET /apis/argoproj.io/v1alpha1/namespaces/risk/analysisruns/${RUN}`,
    ]);
  });

  it('a rollout paused by an inconclusive analysis says so, with the metric past its limit', async () => {
    const client = await standIn(
      rollout({ phase: 'Paused', message: 'InconclusiveAnalysisRun', currentStepIndex: 9, controllerPause: true, pauseConditions: [{ reason: 'InconclusiveAnalysisRun', startTime: START }], canary: { weights: weights(25), ...backgroundRun('Inconclusive') } }),
      analysisRun({ phase: 'Inconclusive', message: 'Metric "score-drift" assessed Inconclusive due to inconclusive (4) > inconclusiveLimit (3)', startedAt: START, metricResults: [{ name: 'score-drift', phase: 'Inconclusive', count: 4, inconclusive: 4 }] }),
    );
    const reading = await readRollout(client, NAMESPACE, 'fraud-detector');
    expect(reading).toMatchObject({ phase: 'Paused', paused: true, pauseReasons: ['InconclusiveAnalysisRun'], aborted: false, weights: { canary: 25, stable: 75 } });
    expect(reading.analysisRuns[0]!.metrics![0]).toMatchObject({ name: 'score-drift', phase: 'Inconclusive', inconclusive: 4, inconclusiveLimit: 3 });
    const text = formatRollout(reading).join('\n');
    expect(text).toContain('  paused: InconclusiveAnalysisRun');
    expect(text).toContain('score-drift: Inconclusive; successful 0, failed 0 (limit 1), inconclusive 4 (limit 3)');
    // The README shows this very output.
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    expect(/A rollout paused by an inconclusive measurement:\n\n```\n([\s\S]*?)\n```/.exec(readme)?.[1]).toBe(text);
  });

  it('an aborted rollout: weights back on stable, the failed run and its message', async () => {
    const client = await standIn(
      rollout({ phase: 'Degraded', message: 'RolloutAborted: Rollout aborted update to revision 7: Metric "error-rate" assessed Failed due to failed (2) > failureLimit (1)', abort: true, abortedAt: START, currentStepIndex: 0, canary: { weights: weights(0), ...backgroundRun('Failed') } }),
      analysisRun({ phase: 'Failed', message: 'Metric "error-rate" assessed Failed due to failed (2) > failureLimit (1)', startedAt: START, metricResults: [{ name: 'error-rate', phase: 'Failed', count: 5, successful: 3, failed: 2 }] }),
    );
    const reading = await readRollout(client, NAMESPACE, 'fraud-detector');
    expect(reading).toMatchObject({ phase: 'Degraded', aborted: true, paused: false, weights: { canary: 0, stable: 100 } });
    const text = formatRollout(reading).join('\n');
    expect(text).toContain('  ABORTED');
    expect(text).toContain(`background AnalysisRun ${RUN}: Failed (Metric "error-rate" assessed Failed due to failed (2) > failureLimit (1))`);
    expect(text).toContain('error-rate: Failed; successful 3, failed 2 (limit 1)');
  });

  it("a run the API no longer has keeps the Rollout's record of its phase and says why the counts are missing", async () => {
    const client = await standIn(rollout({ phase: 'Progressing', currentStepIndex: 2, canary: backgroundRun('Successful') }));
    const reading = await readRollout(client, NAMESPACE, 'fraud-detector');
    expect(reading.weights).toBeNull();
    expect(reading.analysisRuns[0]).toMatchObject({ phase: 'Successful', metrics: null });
    expect(reading.analysisRuns[0]!.message).toContain(`analysisruns.argoproj.io "${RUN}" not found`);
  });

  it('a rollout whose steps all ran says so instead of naming a step past the last', async () => {
    const client = await standIn(rollout({ phase: 'Healthy', currentStepIndex: compiled('Rollout').spec.strategy.canary.steps.length, canary: { weights: weights(0) } }));
    const reading = await readRollout(client, NAMESPACE, 'fraud-detector');
    expect(formatRollout(reading)[0]).toBe(`Rollout risk/fraud-detector: Healthy; all ${reading.stepCount} steps done; weights canary 0%, stable 100%`);
  });

  it('the stand-in refuses a status field the upstream CRD does not have', async () => {
    api = await new KubeApiStandIn().start();
    expect(() => api!.put(rollout({ phase: 'Progressing', canary: { weights: weights(5), weight: 5 } }))).toThrow(/does not match the upstream CRD/);
  });
});

describe('modelgate status with a kubeconfig', () => {
  /** A Prometheus that has no series: every gate reads "not enough data", which is exit 0. */
  async function emptyPrometheus(): Promise<string> {
    prometheus = createServer((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } })));
    await new Promise<void>((resolve) => prometheus!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(prometheus.address() as { port: number }).port}`;
  }

  function kubeconfig(server: string, token = 'secret-token'): string {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'modelgate-kube-')), 'config');
    writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'Config', 'current-context': 'test', contexts: [{ name: 'test', context: { cluster: 'c', user: 'u' } }], clusters: [{ name: 'c', cluster: { server } }], users: [{ name: 'u', user: { token } }] }));
    return file;
  }

  function capture(): { out: () => string; err: () => string } {
    let out = '';
    let err = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
    return { out: () => out, err: () => err };
  }

  const policies = path.join(repoRoot, 'policies');

  it('prints the Rollout after the gates, and puts it in the JSON', async () => {
    await standIn(rollout({ phase: 'Paused', currentStepIndex: 9, pauseConditions: [{ reason: 'InconclusiveAnalysisRun', startTime: START }], canary: { weights: weights(25), ...backgroundRun('Inconclusive') } }), analysisRun({ phase: 'Inconclusive', startedAt: START, metricResults: [] }));
    const url = await emptyPrometheus();
    const config = kubeconfig(api!.url);
    let output = capture();
    expect(await run(['fraud-detector', '--policies', policies, '--prometheus', url, '--kubeconfig', config])).toBe(0);
    expect(output.out()).toMatch(/NOT ENOUGH DATA[\s\S]*\nRollout risk\/fraud-detector: Paused; step 10 of \d+; weights canary 25%, stable 75%\n  paused: InconclusiveAnalysisRun\n/);
    vi.restoreAllMocks();
    output = capture();
    expect(await run(['fraud-detector', '--policies', policies, '--prometheus', url, '--kubeconfig', config, '--format', 'json'])).toBe(0);
    const json = JSON.parse(output.out());
    expect(json.rollout).toMatchObject({ name: 'fraud-detector', namespace: 'risk', paused: true, pauseReasons: ['InconclusiveAnalysisRun'], weights: { canary: 25, stable: 75 } });
    expect(json.gates.length).toBeGreaterThan(0);
  });

  it('a policy with no candidate asks Prometheus nothing but still shows the Rollout', async () => {
    const ranker = compiled('Rollout', 'search-ranker.yaml');
    await standIn({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'search-ranker', namespace: 'search' }, spec: ranker.spec, status: { phase: 'Healthy', currentStepIndex: 0 } });
    const config = kubeconfig(api!.url);
    let output = capture();
    expect(await run(['search-ranker', '--policies', policies, '--prometheus', 'http://127.0.0.1:9', '--kubeconfig', config])).toBe(0);
    expect(output.out()).toContain(`search/search-ranker has no candidate: version`);
    expect(output.out()).toMatch(/\nRollout search\/search-ranker: Healthy; all 0 steps done; no traffic weights set\n$/);
    vi.restoreAllMocks();
    output = capture();
    expect(await run(['search-ranker', '--policies', policies, '--kubeconfig', config, '--format', 'json'])).toBe(0);
    expect(JSON.parse(output.out())).toMatchObject({ candidate: null, gates: [], rollout: { name: 'search-ranker', phase: 'Healthy', paused: false, aborted: false } });
  });

  it('without a kubeconfig, skips the Rollout and says so', async () => {
    const url = await emptyPrometheus();
    vi.stubEnv('KUBECONFIG', path.join(tmpdir(), 'modelgate-no-such-kubeconfig'));
    const output = capture();
    expect(await run(['fraud-detector', '--policies', policies, '--prometheus', url])).toBe(0);
    vi.unstubAllEnvs();
    expect(output.out()).toContain("Rollout: skipped, no kubeconfig ($KUBECONFIG, ~/.kube/config or --kubeconfig): the Rollout's own state is not shown");
  });

  it('a rejected token or an RBAC refusal: the gates still print, the reason is named, exit 4', async () => {
    await standIn(rollout({ phase: 'Progressing' }));
    const url = await emptyPrometheus();
    let output = capture();
    expect(await run(['fraud-detector', '--policies', policies, '--prometheus', url, '--kubeconfig', kubeconfig(api!.url, 'expired')])).toBe(4);
    expect(output.out()).toContain('NOT ENOUGH DATA');
    expect(output.out()).toContain('Rollout: could not be read: get rollouts.argoproj.io in namespace risk: Unauthorized; the kubeconfig\'s credentials were not accepted');
    await api!.close();
    api = await new KubeApiStandIn({ allowed: ['get analysisruns'], user: 'dev@acme.example' }).start();
    api.put(rollout({ phase: 'Progressing' }));
    vi.restoreAllMocks();
    output = capture();
    expect(await run(['fraud-detector', '--policies', policies, '--prometheus', url, '--kubeconfig', kubeconfig(api.url)])).toBe(4);
    expect(output.out()).toContain(`rollouts.argoproj.io "fraud-detector" is forbidden: User "dev@acme.example" cannot get resource "rollouts" in API group "argoproj.io" in the namespace "risk"; the caller needs RBAC verb 'get' on resource 'rollouts' (apiGroup argoproj.io) in namespace risk`);
  });

  it('an API server that does not answer: named with its address and context, exit 4', async () => {
    api = await new KubeApiStandIn().start();
    const gone = api.url;
    await api.close();
    const url = await emptyPrometheus();
    const output = capture();
    expect(await run(['fraud-detector', '--policies', policies, '--prometheus', url, '--kubeconfig', kubeconfig(gone)])).toBe(4);
    expect(output.out()).toContain(`Rollout: could not be read: get rollouts.argoproj.io in namespace risk: the API server at ${gone} (context test) could not be reached: connect ECONNREFUSED`);
  });
});
