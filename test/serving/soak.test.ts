/**
 * The post-promotion soak, as the cluster runs it: fraud-detector's Rollout (its soak: 1h at
 * 100%), its AnalysisTemplate and the simulate scenarios, replayed through the models of Argo
 * Rollouts' analysis schedule (test/models/argo-analysis-run.ts), its routes and Services
 * (argo-canary.ts) and its ReplicaSets (argo-replicasets.ts), with Istio's routing
 * (istio-routing.ts). A gate failing in the soak aborts, every request goes back to stable pods
 * that still run; a clean soak completes the Rollout when it ends.
 */
import { describe, expect, it } from 'vitest';
import { serviceName } from '../../src/names.js';
import { parseDurationSeconds } from '../../src/resolve/units.js';
import { analysisTemplate } from '../../src/targets/argo-analysis.js';
import { measurementSeconds, stepStartSeconds } from '../models/argo-analysis-run.js';
import { replayCanary } from '../models/argo-canary.js';
import { RolloutReplicaSets } from '../models/argo-replicasets.js';
import { firstMatchingRoute, routeShares } from '../models/istio-routing.js';
import { runShipped } from '../simulate/shipped.js';
import { compileText, exampleText, releaseAction } from './release-walk.js';

type Json = Record<string, any>;

function release() {
  const compiled = compileText(exampleText('fraud-detector.yaml'));
  const steps = compiled.rollout.spec.strategy.canary.steps as Json[];
  const soakIndex = steps.length - 1;
  const soakStart = stepStartSeconds(compiled.rollout)[soakIndex]!;
  const soakSeconds = parseDurationSeconds(steps[soakIndex]!.pause.duration)!;
  return { compiled, steps, soakIndex, soakStart, soakEnd: soakStart + soakSeconds };
}

/** The ReplicaSets from an hour before the update (stable 41 at rest) through the canary at 100%. */
function replicaSetsAtSoak(): { model: RolloutReplicaSets; replicas: number } {
  const { compiled, soakStart } = release();
  const model = new RolloutReplicaSets();
  model.apply(compileText(releaseAction(compiled.text, { action: 'abort' })).rollout, -3600);
  model.apply(compiled.rollout, 0);
  const replicas: number = compiled.rollout.spec.replicas;
  // setWeight 100 sizes the canary to every replica (trafficWeightToReplicas).
  model.scaleCanary(replicas, soakStart);
  return { model, replicas };
}

describe('the soak after 100% (fraud-detector, soak: 1h)', () => {
  it('is a timed pause after the last setWeight: 100, with the stable ReplicaSet kept at full scale', () => {
    const { compiled, steps, soakIndex, soakEnd, soakStart } = release();
    expect(steps[soakIndex - 1]).toEqual({ setWeight: 100 });
    expect(steps[soakIndex]).toEqual({ pause: { duration: '1h' } });
    expect(compiled.rollout.spec.strategy.canary.dynamicStableScale).toBe(false);
    expect(soakEnd - soakStart).toBe(3600);
  });

  it('keeps the absolute limit measuring through the soak; relative limits stop at its start, where stable stops serving', () => {
    const { compiled, soakStart, soakEnd } = release();
    const template = analysisTemplate(compiled.policy) as Json;
    const interval = parseDurationSeconds(template.spec.metrics[0].interval)!;
    // Argo takes each measurement a little after the interval (analysis.go generateMetricTasks).
    const times = measurementSeconds(compiled.rollout, template, soakEnd, 2);
    const inSoak = (name: string) => times.get(name)!.filter((t) => t > soakStart && t <= soakEnd);
    expect(inSoak('error-rate-max').length).toBeGreaterThanOrEqual(11);
    for (const name of ['latency-p99', 'error-rate', 'score-drift', 'segment-error-rate']) {
      const own = times.get(name)!;
      expect(own.length, name).toBeGreaterThan(0);
      // Every window a relative limit judges began before the soak, while stable still served.
      for (const t of own) expect(t - interval, `${name} at ${t}s`).toBeLessThan(soakStart);
    }
  });

  it('a gate failing during the soak aborts, and every request goes back to stable pods that are running', () => {
    const { compiled, soakIndex, soakStart, soakEnd } = release();
    const { result } = runShipped('fraud-detector', 'soak-error-spike.json');
    expect(result.ending).toEqual({ kind: 'aborted', minute: 272, limit: 'error-rate-max', failures: 2 });
    const last = result.steps.at(-1)!;
    expect(last).toMatchObject({ soak: true, outcome: 'aborted', startMinute: soakStart / 60, endMinute: soakEnd / 60 });

    const abortAt = result.ending.minute * 60;
    const { model, replicas } = replicaSetsAtSoak();
    model.abort(abortAt);
    expect(model.warm('41', abortAt)?.replicas).toBe(replicas);

    const byKind = (kind: string) => compiled.documents.filter((doc) => doc.kind === kind);
    const snapshots = replayCanary(compiled.rollout, byKind('VirtualService')[0]!, byKind('Service'), '41', { abortAfterStep: soakIndex });
    const aborted = snapshots.at(-1)!;
    expect(aborted.aborted).toBe(true);
    const fqdn = `${serviceName(compiled.policy)}.${compiled.policy.namespace}.svc.cluster.local`;
    const route = firstMatchingRoute(aborted.virtualService, { host: fqdn, headers: {}, via: 'mesh' })!;
    expect(routeShares(route, aborted.services, aborted.pods, 'version')).toEqual(new Map([['41', 1]]));
    expect(aborted.pods.filter((pod) => pod.labels.version === '41')).toHaveLength(replicas);

    // The candidate's pods go after abortScaleDownDelaySeconds; stable's stay.
    const delay: number = compiled.rollout.spec.strategy.canary.abortScaleDownDelaySeconds;
    expect(model.warm('42', abortAt + delay - 1)?.replicas).toBe(replicas);
    expect(model.warm('42', abortAt + delay)).toBeUndefined();
    expect(model.warm('41', abortAt + delay)?.replicas).toBe(replicas);
  });

  it('a clean soak completes the Rollout when it ends, and the old stable stays warm for scaleDownDelay', () => {
    const { compiled, soakEnd } = release();
    const { result } = runShipped('fraud-detector', 'healthy.json');
    expect(result.ending).toEqual({ kind: 'completed', minute: soakEnd / 60 });
    expect(result.steps.at(-1)).toMatchObject({ soak: true, outcome: 'completed' });
    const soakMinutes = result.measurements.filter((m) => m.minute > result.steps.at(-1)!.startMinute);
    expect(new Set(soakMinutes.map((m) => m.limit))).toEqual(new Set(['error-rate-max']));
    expect(soakMinutes.every((m) => m.verdict === 'successful')).toBe(true);

    const { model, replicas } = replicaSetsAtSoak();
    model.promote(soakEnd);
    expect(model.stableSet()?.version).toBe('42');
    const window = compiled.rollout.spec.strategy.canary.scaleDownDelaySeconds as number;
    expect(model.warm('41', soakEnd + window - 1)?.replicas).toBe(replicas);
    expect(model.warm('41', soakEnd + window)).toBeUndefined();
  });
});
