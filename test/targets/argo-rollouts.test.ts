import { describe, expect, it } from 'vitest';
import { analysisArgs, analysisTemplateName, cohortRouteName, LABEL_VERSION, ROUTE_MIRROR, ROUTE_STICKY, serviceName, tfservingVersionFile } from '../../src/names.js';
import type { ResolvedPolicy } from '../../src/resolve/policy.js';
import { candidateIdRegex } from '../../src/routing/sticky.js';
import { argoRolloutsTarget, ROLLOUT_FILE, SERVICE_FILE, templateVersion } from '../../src/targets/argo-rollouts.js';
import { examplePolicies, examplePolicy } from '../gates/example-policies.js';

type Json = Record<string, any>;

function rolloutOf(policy: ResolvedPolicy): Json {
  return argoRolloutsTarget.build(policy).find((file) => file.path === ROLLOUT_FILE)!.documents![0] as Json;
}
function serviceOf(policy: ResolvedPolicy): Json {
  return argoRolloutsTarget.build(policy).find((file) => file.path === SERVICE_FILE)!.documents![0] as Json;
}
function stepsOf(policy: ResolvedPolicy): Json[] {
  return rolloutOf(policy).spec.strategy.canary.steps ?? [];
}
function container(policy: ResolvedPolicy): Json {
  return rolloutOf(policy).spec.template.spec.containers[0];
}
const fraud = examplePolicy('fraud-detector.yaml');
const recommender = examplePolicy('recommender.yaml');
const churn = examplePolicy('churn-scorer.yaml');
const steady = examplePolicy('search-ranker.yaml');
const withCandidate = examplePolicies().filter((policy) => policy.versions.candidate !== null).map((policy) => [policy.name, policy] as const);

describe('argo-rollouts target: pods', () => {
  it.each(examplePolicies().map((policy) => [policy.name, policy] as const))('%s: pods carry and load the version they serve', (_name, policy) => {
    const version = String(policy.versions.candidate ?? policy.versions.stable);
    expect(templateVersion(policy)).toBe(Number(version));
    expect(rolloutOf(policy).spec.template.metadata.labels).toMatchObject({ [LABEL_VERSION]: version, 'app.kubernetes.io/version': version });
    // In label mode the pod loads every retained version; its `version` label is still the one it serves unlabelled.
    const file = policy.model.versionLabels ? 'models.config' : tfservingVersionFile(Number(version));
    expect(container(policy).args).toContain(`--model_config_file=/etc/modelgate/${file}`);
  });

  it.each(withCandidate)('%s: the canary version label differs from stable and is what analysis compares', (_name, policy) => {
    const label = rolloutOf(policy).spec.template.metadata.labels[LABEL_VERSION];
    expect(label).not.toBe(String(policy.versions.stable));
    const args = Object.fromEntries(rolloutOf(policy).spec.strategy.canary.analysis.args.map((arg: Json) => [arg.name, arg.value]));
    expect(args).toEqual({ 'stable-version': String(policy.versions.stable), 'canary-version': label });
  });

  it("sets equal requests and limits: the policy's, else the profile's defaults", () => {
    expect(container(fraud).resources).toEqual({ requests: { cpu: '2', memory: '4Gi' }, limits: { cpu: '2', memory: '4Gi' } });
    expect(container(churn).resources).toEqual({ requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '1', memory: '2Gi' } });
    expect(container({ ...churn, model: { ...churn.model, resources: { cpu: null, memory: null, gpu: null } } })).not.toHaveProperty('resources');
  });

  it('is ready only when the served version reports AVAILABLE on the model status endpoint', () => {
    const probe = container(fraud).readinessProbe;
    const [shell, flag, script, , port, path] = probe.exec.command;
    expect([shell, flag]).toEqual(['/bin/bash', '-c']);
    expect(script).toContain('AVAILABLE');
    expect(port).toBe('8501');
    expect(path).toBe('/v1/models/fraud_detector/versions/42');
  });

  it('passes an unusual model name to the probe as an encoded argument, never inside the script', () => {
    const odd: ResolvedPolicy = { ...fraud, model: { ...fraud.model, name: 'a b/"$(rm -rf /)"\r\n' } };
    const [, , script, , , path] = container(odd).readinessProbe.exec.command;
    expect(script).toBe(container(fraud).readinessProbe.exec.command[2]);
    expect(path).toBe(`/v1/models/${encodeURIComponent(odd.model.name)}/versions/42`);
    expect(path).not.toMatch(/[\s"$]/);
  });

  it('records provenance of both versions on the Rollout, not on the pods', () => {
    const rollout = rolloutOf(fraud);
    expect(rollout.metadata.annotations).toMatchObject({
      'modelgate.io/stable-version': '41',
      'modelgate.io/stable-name': '1.3.3-20250320',
      'modelgate.io/stable-commit': '4be21f0',
      'modelgate.io/stable-data-snapshot': 'txns-2025-03-15',
      'modelgate.io/candidate-version': '42',
      'modelgate.io/candidate-name': '1.4.0-20250405',
      'modelgate.io/candidate-author': 'bo-li',
    });
    // Provenance changes every release; on the pod template it would restart pods for nothing.
    // The only pod annotation is the proxy's histogram buckets (latency-buckets.ts).
    expect(Object.keys(rollout.spec.template.metadata.annotations ?? {})).toEqual(['sidecar.istio.io/statsHistogramBuckets']);
    expect(Object.keys(rolloutOf(steady).metadata.annotations)).toEqual(['modelgate.io/stable-version']);
  });

  it('documents the SavedModel warm-up file when warm-up requests are asked for', () => {
    expect(rolloutOf(fraud).metadata.annotations['modelgate.io/warmup-requests']).toContain('gs://acme-models/fraud_detector/<version>/assets.extra/tf_serving_warmup_requests');
    expect(rolloutOf(churn).metadata.annotations).not.toHaveProperty('modelgate.io/warmup-requests');
  });
});

describe('argo-rollouts target: strategy', () => {
  it('a policy without candidate is a quiet steady state: no steps, no analysis, no managed routes', () => {
    const canary = rolloutOf(steady).spec.strategy.canary;
    expect(canary).not.toHaveProperty('steps');
    expect(canary).not.toHaveProperty('analysis');
    expect(canary.trafficRouting).not.toHaveProperty('managedRoutes');
  });

  it.each(withCandidate)('%s: analysis uses the gates template and starts at the mirror step, or else with the first user traffic', (_name, policy) => {
    const { analysis, steps } = rolloutOf(policy).spec.strategy.canary;
    expect(analysis.templates).toEqual([{ templateName: analysisTemplateName(policy) }]);
    expect(analysis.args).toEqual(analysisArgs(policy));
    const first = steps[analysis.startingStep];
    if (policy.shadow) expect(first.setMirrorRoute.match).toBeDefined();
    else expect('setWeight' in first || 'setHeaderRoute' in first).toBe(true);
    expect(steps.slice(0, analysis.startingStep).some((step: Json) => 'setWeight' in step || 'setHeaderRoute' in step)).toBe(false);
  });

  it.each(withCandidate)('%s: keeps the old version warm for the policy\'s scale-down delay', (_name, policy) => {
    const canary = rolloutOf(policy).spec.strategy.canary;
    expect(canary.scaleDownDelaySeconds).toBe(policy.canary.scaleDownDelaySeconds);
    expect(canary.abortScaleDownDelaySeconds).toBe(policy.canary.scaleDownDelaySeconds);
    expect(canary.dynamicStableScale).toBe(false);
  });

  it('weight steps follow the policy, each held as long as it says', () => {
    const steps = stepsOf(churn);
    expect(steps).toEqual([{ setWeight: 50 }, { pause: { duration: '12h' } }, { setWeight: 100 }]);
  });

  it('mirrors before any user traffic, for the shadow duration, then removes the mirror', () => {
    const steps = stepsOf(fraud);
    const mirrorAt = steps.findIndex((step) => step.setMirrorRoute?.percentage !== undefined);
    expect(steps[mirrorAt]!.setMirrorRoute).toEqual({ name: ROUTE_MIRROR, percentage: 100, match: [{ path: { prefix: '/' } }] });
    expect(steps[mirrorAt + 1]).toEqual({ pause: { duration: '1h' } });
    expect(steps[mirrorAt + 2]).toEqual({ setMirrorRoute: { name: ROUTE_MIRROR } });
    expect(steps.findIndex((step) => 'setWeight' in step)).toBeGreaterThan(mirrorAt + 2);
    expect(steps.filter((step) => 'setWeight' in step).map((step) => step.setWeight)).toEqual(fraud.canary.steps.map((step) => step.weightPercent));
  });

  it('sizes the canary before mirroring and waits the warm-up pause before any traffic', () => {
    const steps = stepsOf(fraud);
    expect(steps.slice(0, 2)).toEqual([{ setCanaryScale: { weight: 100 } }, { pause: { duration: '2m' } }]);
    // After the first weight step, replicas follow traffic again.
    const firstWeight = steps.findIndex((step) => 'setWeight' in step);
    expect(steps[firstWeight + 1]).toEqual({ setCanaryScale: { matchTrafficWeight: true } });
  });

  it('sticky: users move by nested id buckets, the primary route stays at 0 until the final 100', () => {
    const steps = stepsOf(recommender);
    const sticky = recommender.traffic.sticky!;
    const headerRoutes = steps.filter((step) => step.setHeaderRoute?.name === ROUTE_STICKY).map((step) => step.setHeaderRoute.match[0]);
    const partial = recommender.canary.steps.filter((step) => step.weightPercent < 100);
    expect(headerRoutes).toEqual(partial.map((step) => ({ headerName: sticky.header, headerValue: { regex: candidateIdRegex(sticky.idAlphabet, step.weightPercent) } })));
    expect(steps.filter((step) => 'setWeight' in step)).toEqual([{ setWeight: 100 }]);
    expect(steps.filter((step) => 'setCanaryScale' in step).map((step) => step.setCanaryScale.weight)).toEqual([1, 5, 25, 50, 100]);
    // Canary pods are sized for everyone before everyone is sent to them.
    expect(steps.findIndex((step) => step.setCanaryScale?.weight === 100)).toBeLessThan(steps.findIndex((step) => 'setWeight' in step));
  });

  it('a manual hold is an indefinite pause', () => {
    const steps = stepsOf(recommender);
    const at50 = steps.findIndex((step) => step.setCanaryScale?.weight === 50);
    expect(steps.slice(at50).find((step) => 'pause' in step)).toEqual({ pause: {} });
  });

  it('cohorts get header routes before the canary steps, declared as managed routes in precedence order', () => {
    const canary = rolloutOf(recommender).spec.strategy.canary;
    const cohort = recommender.traffic.cohorts[0]!;
    expect(canary.steps.find((step: Json) => step.setHeaderRoute?.name === cohortRouteName(cohort.name)).setHeaderRoute.match).toEqual([
      { headerName: 'x-acme-staff', headerValue: { exact: 'true' } },
    ]);
    expect(canary.trafficRouting.managedRoutes).toEqual([{ name: cohortRouteName(cohort.name) }, { name: ROUTE_STICKY }]);
    expect(rolloutOf(fraud).spec.strategy.canary.trafficRouting.managedRoutes).toEqual([{ name: ROUTE_MIRROR }]);
  });
});

describe('argo-rollouts target: Service', () => {
  it.each(examplePolicies().map((policy) => [policy.name, policy] as const))('%s: selects the pods by app and names its ports for Istio', (_name, policy) => {
    const service = serviceOf(policy);
    expect(service.metadata.name).toBe(serviceName(policy));
    expect(service.spec.selector).toEqual({ app: rolloutOf(policy).spec.template.metadata.labels.app });
    expect(service.spec.ports.map((port: Json) => [port.name, port.port])).toEqual([['grpc', policy.model.grpcPort], ['http', policy.model.restPort]]);
  });
});
