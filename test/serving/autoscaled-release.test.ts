/**
 * An autoscaled release, as the cluster runs it: the HorizontalPodAutoscaler modelgate compiles
 * for search-ranker (test/models/horizontal-pod-autoscaler.ts) owns the Rollout's spec.replicas,
 * and Argo Rollouts sizes the stable and canary ReplicaSets from it at each step
 * (test/models/argo-canary.ts). The HPA counts the canary's pods with the stable's, so the test
 * also shows the two controllers settle instead of chasing each other. search-ranker scales on
 * CPU and on requests per second per pod, read from the metric the example profile's adapter
 * serves; each load names both, and the HPA keeps whichever count is larger.
 */
import { describe, expect, it } from 'vitest';
import { applicationPatch } from '../../src/targets/argocd.js';
import { horizontalPodAutoscaler } from '../../src/targets/autoscaling.js';
import { canaryPods, replayCanary, type Snapshot } from '../models/argo-canary.js';
import { hpaSettledReplicas, metricKey, type Load } from '../models/horizontal-pod-autoscaler.js';
import { compileText, exampleText, withNextCandidate } from './release-walk.js';

type Json = Record<string, any>;

function release(edit: (text: string) => string = (text) => text) {
  const steady = compileText(edit(exampleText('search-ranker.yaml')));
  const { text, version } = withNextCandidate(steady.text, steady.policy);
  const compiled = compileText(text);
  const hpa = horizontalPodAutoscaler(compiled.policy) as Json;
  return { compiled, hpa, stable: String(steady.policy.versions.stable), candidate: String(version) };
}

/** Replays the release (of search-ranker after `edit`) with the HPA settling at every step under the users' `load`. */
function replay(load: Load, edit?: (text: string) => string): Snapshot[] {
  const { compiled, hpa, stable } = release(edit);
  const byKind = (kind: string) => compiled.documents.filter((doc) => doc.kind === kind);
  let spec = hpa.spec.minReplicas as number;
  return replayCanary(compiled.rollout, byKind('VirtualService')[0]!, byKind('Service'), stable, {
    // Stable keeps all spec.replicas pods (no dynamicStableScale); the canary adds its share on top.
    specReplicas: (canaryPercent, mirroredPercent) =>
      (spec = hpaSettledReplicas(hpa, spec, (replicas) => replicas + canaryPods(replicas, canaryPercent), withMirror(load, mirroredPercent))),
  });
}

/**
 * The load the pods see while a mirror route copies `mirroredPercent` of the requests to the
 * canary: each copy is served, and counted by TF Serving's request counter, like any request.
 */
function withMirror(load: Load, mirroredPercent: number): Load {
  const factor = 1 + mirroredPercent / 100;
  const podMetrics = Object.fromEntries(Object.entries(load.podMetrics ?? {}).map(([key, total]) => [key, total * factor]));
  return { ...load, cpuUsedCores: load.cpuUsedCores * factor, podMetrics };
}

/** CPU the pods use together and the requests per second they serve, as the cluster's adapter reports them (modelgate.config.yaml). */
function load(cpuUsedCores: number, requestsPerSecond: number): Load {
  return { cpuUsedCores, cpuRequestCores: 1, podMetrics: { [metricKey('tfserving_requests_per_second')]: requestsPerSecond } };
}

function counts(snapshots: Snapshot[], candidate: string): Array<{ step: string; spec: number; stable: number; canary: number }> {
  return snapshots
    .filter((snapshot) => snapshot.step === null || 'setWeight' in snapshot.step)
    .map((snapshot) => ({
      step: snapshot.step === null ? (snapshot.stepIndex < 0 ? 'before' : 'promoted') : `setWeight ${(snapshot.step as Json).setWeight}`,
      spec: snapshot.specReplicas,
      stable: snapshot.pods.filter((pod) => pod.labels.version !== candidate).length,
      canary: snapshot.pods.filter((pod) => pod.labels.version === candidate).length,
    }));
}

describe('an autoscaled release (search-ranker: HPA 3–12 pods at 70% of 1 CPU or 100 requests per second per pod)', () => {
  it('leaves the replica count to the HPA: none in the Rollout, the HPA scales the Rollout, Argo CD ignores the count', () => {
    const { compiled, hpa } = release();
    expect(compiled.rollout.spec).not.toHaveProperty('replicas');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: compiled.rollout.apiVersion, kind: compiled.rollout.kind, name: compiled.rollout.metadata.name });
    const ignored = (applicationPatch(compiled.policy).spec as Json).ignoreDifferences as Json[];
    expect(ignored).toContainEqual(expect.objectContaining({ group: 'argoproj.io', kind: 'Rollout', name: compiled.rollout.metadata.name, jsonPointers: ['/spec/replicas'] }));
  });

  it('scales on both targets: CPU utilization, and the per-pod request rate under the name and at the value the profile and policy give', () => {
    const { hpa } = release();
    expect(hpa.spec.metrics).toEqual([
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
      { type: 'Pods', pods: { metric: { name: 'tfserving_requests_per_second' }, target: { type: 'AverageValue', averageValue: '100' } } },
    ]);
  });

  it('on a quiet day (5.5 cores, 500 requests per second) keeps the 8 stable pods CPU asks for and gives the canary ceil(weight × 8) pods at each step', () => {
    const { candidate } = release();
    expect(counts(replay(load(5.5, 500)), candidate)).toEqual([
      { step: 'before', spec: 8, stable: 8, canary: 0 },
      { step: 'setWeight 1', spec: 8, stable: 8, canary: 1 },
      { step: 'setWeight 5', spec: 8, stable: 8, canary: 1 },
      { step: 'setWeight 25', spec: 8, stable: 8, canary: 2 },
      { step: 'setWeight 50', spec: 8, stable: 8, canary: 4 },
      { step: 'setWeight 100', spec: 8, stable: 8, canary: 8 },
      { step: 'promoted', spec: 8, stable: 0, canary: 8 },
    ]);
  });

  it('on a busy day stops at maxReplicas, and the canary still follows its traffic share of that count', () => {
    const { candidate } = release();
    expect(counts(replay(load(14, 1000)), candidate)).toEqual([
      { step: 'before', spec: 12, stable: 12, canary: 0 },
      { step: 'setWeight 1', spec: 12, stable: 12, canary: 1 },
      { step: 'setWeight 5', spec: 12, stable: 12, canary: 1 },
      { step: 'setWeight 25', spec: 12, stable: 12, canary: 3 },
      { step: 'setWeight 50', spec: 12, stable: 12, canary: 6 },
      { step: 'setWeight 100', spec: 12, stable: 12, canary: 12 },
      { step: 'promoted', spec: 12, stable: 0, canary: 12 },
    ]);
  });

  it('at night holds minReplicas', () => {
    const { candidate } = release();
    const settled = counts(replay(load(0.5, 100)), candidate);
    expect(settled.map((row) => row.spec)).toEqual([3, 3, 3, 3, 3, 3, 3]);
    expect(settled.map((row) => row.canary)).toEqual([0, 1, 1, 1, 2, 3, 3]);
  });

  it('when requests climb while CPU idles (batched on an accelerator: 2 cores, 1,000 requests per second), the request rate sizes the model', () => {
    const { candidate } = release();
    const settled = counts(replay(load(2, 1000)), candidate);
    // CPU alone would hold 3 pods (2 cores over 3 pods is 67%, within the tolerance of 70%).
    expect(settled.map((row) => row.spec)).toEqual([10, 10, 10, 10, 10, 10, 10]);
    expect(settled.map((row) => row.canary)).toEqual([0, 1, 1, 3, 5, 10, 10]);
  });

  it("holds its count through a shadow phase: the canary gets the mirror's share of pods for the mirror's share of extra requests, so each pod's load stays where it was", () => {
    const shadowed = (text: string) => text.replace('  traffic:\n', '  shadow: { mirror: 50%, duration: 30m }\n  traffic:\n');
    const { candidate } = release(shadowed);
    const mirrored = replay(load(5.5, 500), shadowed).filter((snapshot) => snapshot.step?.setMirrorRoute?.match);
    expect(mirrored).toHaveLength(1);
    const pods = mirrored[0]!.pods;
    // 8 stable pods serve the users, 4 canary pods the 50% copied to them: 750 requests per second over 12 pods, 62.5 each as before.
    expect({ spec: mirrored[0]!.specReplicas, stable: pods.filter((pod) => pod.labels.version !== candidate).length, canary: pods.filter((pod) => pod.labels.version === candidate).length }).toEqual({ spec: 8, stable: 8, canary: 4 });
  });

  it('holds the count it has when the adapter serves no such metric and CPU is within its tolerance: a misnamed metric does not scale', () => {
    const { hpa } = release();
    const unserved: Load = { cpuUsedCores: 2, cpuRequestCores: 1, podMetrics: { [metricKey('http_requests_per_second')]: 1000 } };
    expect(hpaSettledReplicas(hpa, 3, (replicas) => replicas, unserved)).toBe(3);
  });
});
