/**
 * `rollback --live` against eight stand-in TF Serving pods (test/models/tfserving-model-service.ts)
 * mid-canary: the `stable` label moves to the target on every pod, `canary` comes off, nothing is
 * unloaded; and each fault (a pod unreachable, one slow past the timeout, the target not loaded on
 * one pod, a status gone stale) stops with a report, leaves no label on a version a pod has not
 * loaded, and a rerun finishes the job.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { liveRollback, type LiveRollbackRequest } from '../../src/live/live-rollback.js';
import type { VersionState } from '../../src/live/model-service.js';
import { TfServingStandIn } from '../models/tfserving-model-service.js';

const MODEL = { name: 'fraud_detector', basePath: 's3://acme-models/fraud_detector', platform: 'tensorflow' };
let pods: TfServingStandIn[] = [];

/** Eight pods mid-canary: 42 is the canary, 41 stable, 40 retained. */
async function startPods(count = 8, tweak: (index: number) => { versions?: Record<number, VersionState>; delayMs?: number } = () => ({})): Promise<TfServingStandIn[]> {
  pods = await Promise.all(
    Array.from({ length: count }, (_, index) =>
      new TfServingStandIn({
        model: MODEL.name,
        versions: { 42: 'AVAILABLE', 41: 'AVAILABLE', 40: 'AVAILABLE' },
        labels: { stable: 42, canary: 42 },
        ...tweak(index),
      }).start(),
    ),
  );
  return pods;
}

function request(to: number, timeoutMs = 2000): LiveRollbackRequest {
  return { model: MODEL, targets: pods.map((pod) => pod.address), to, timeoutMs };
}

/** No pod has a label on a version it does not have AVAILABLE. */
function expectNoLabelOnUnloadedVersion(): void {
  for (const pod of pods) for (const [label, version] of pod.labels) expect(pod.versions.get(version), `${pod.address} ${label}→${version}`).toBe('AVAILABLE');
}

afterEach(async () => {
  await Promise.all(pods.map((pod) => pod.close()));
  pods = [];
});

describe('live rollback through TF Serving’s ModelService', () => {
  it('moves stable to the target on all 8 pods, drops canary, keeps every loaded version, and confirms by resolving the label', async () => {
    await startPods();
    const result = await liveRollback(request(41));
    expect(result.problem).toBeNull();
    expect(result.ok).toBe(true);
    expect(result.before).toEqual([42]);
    expect(result.moved).toEqual(pods.map((pod) => pod.address));
    expect(result.after.map((pod) => pod.stable)).toEqual(Array(8).fill(41));
    for (const pod of pods) {
      expect(Object.fromEntries(pod.labels)).toEqual({ stable: 41 });
      expect(pod.reloads).toEqual([{ versions: [42, 41, 40], labels: { stable: 41 } }]);
      expect([...pod.versions.keys()].sort()).toEqual([40, 41, 42]);
    }
  });

  it('refuses before touching any pod when the target is not AVAILABLE on one of them', async () => {
    await startPods(8, (index) => (index === 5 ? { versions: { 42: 'AVAILABLE', 41: 'AVAILABLE', 40: 'LOADING' } } : {}));
    const result = await liveRollback(request(40));
    expect(result.ok).toBe(false);
    expect(result.problem).toContain(`${pods[5]!.address}: version 40 is LOADING, not AVAILABLE`);
    expect(pods.every((pod) => pod.reloads.length === 0)).toBe(true);
    expect(result.after.map((pod) => pod.stable)).toEqual(Array(8).fill(42));
    expectNoLabelOnUnloadedVersion();
    // Once it has loaded, the rerun finishes.
    pods[5]!.versions.set(40, 'AVAILABLE');
    expect((await liveRollback(request(40))).after.map((pod) => pod.stable)).toEqual(Array(8).fill(40));
  });

  it('refuses when one pod is unreachable, and a rerun without it down finishes', async () => {
    await startPods();
    const down = pods[3]!;
    const address = down.address;
    await down.close();
    const result = await liveRollback({ ...request(41), targets: pods.map((pod) => (pod === down ? address : pod.address)) });
    expect(result.ok).toBe(false);
    expect(result.problem).toContain(`${address}: status unreadable (UNAVAILABLE`);
    expect(result.moved).toEqual([]);
    expect(result.after.find((pod) => pod.address === address)!.stable).toMatch(/^unknown \(UNAVAILABLE/);
    pods[3] = await new TfServingStandIn({ model: MODEL.name, versions: { 42: 'AVAILABLE', 41: 'AVAILABLE' }, labels: { stable: 42 } }).start();
    const rerun = await liveRollback(request(41));
    expect(rerun.ok).toBe(true);
    expect(rerun.after.map((pod) => pod.stable)).toEqual(Array(8).fill(41));
  });

  it('stops at a pod slower than the timeout, says which pods serve which version, and a rerun converges', async () => {
    await startPods(8, (index) => (index === 2 ? { delayMs: 400 } : {}));
    const result = await liveRollback(request(41, 150));
    expect(result.ok).toBe(false);
    expect(result.problem).toContain(`${pods[2]!.address}: status unreadable (DEADLINE_EXCEEDED`);
    expect(result.moved).toEqual([]);
    expectNoLabelOnUnloadedVersion();
    // With a timeout the slow pod can meet, the rerun moves every pod.
    const rerun = await liveRollback(request(41, 3000));
    expect(rerun.ok).toBe(true);
    expect(rerun.after.map((pod) => pod.stable)).toEqual(Array(8).fill(41));
  });

  it('stops at a pod whose status went stale (the target unloaded after the first read): earlier pods moved, that one and later untouched', async () => {
    await startPods();
    const stale = pods[4]!;
    // The first read sees 40 AVAILABLE; right after it, the pod loses 40 (a restart onto its file).
    stale.afterStatus = (pod) => {
      pod.versions.set(40, 'LOADING');
      pod.afterStatus = null;
    };
    const result = await liveRollback(request(40));
    expect(result.ok).toBe(false);
    expect(result.problem).toContain(`stopped at ${stale.address}: version 40 is now LOADING`);
    expect(result.moved).toEqual(pods.slice(0, 4).map((pod) => pod.address));
    expect(result.after.map((pod) => pod.stable)).toEqual([40, 40, 40, 40, 42, 42, 42, 42]);
    expect(stale.reloads).toEqual([]);
    expectNoLabelOnUnloadedVersion();
    stale.versions.set(40, 'AVAILABLE');
    const rerun = await liveRollback(request(40));
    expect(rerun.ok).toBe(true);
    expect(rerun.after.map((pod) => pod.stable)).toEqual(Array(8).fill(40));
  });

  it('the stand-in refuses, as TF Serving does, to move an existing label onto a version that is not AVAILABLE, and keeps the old label', async () => {
    await startPods(1, () => ({ versions: { 42: 'AVAILABLE', 41: 'AVAILABLE', 40: 'LOADING' } }));
    const { ModelServiceClient } = await import('../../src/live/model-service.js');
    const client = new ModelServiceClient(pods[0]!.address, 2000);
    try {
      await expect(client.reloadConfig([{ ...MODEL, versions: [42, 41, 40], labels: { stable: 40 } }])).rejects.toMatchObject({ code: 9 });
      expect(pods[0]!.label('stable')).toBe(42);
      // A new label may point at a loading version on a pod started with the flag.
      await client.reloadConfig([{ ...MODEL, versions: [42, 41, 40], labels: { stable: 42, next: 40 } }]);
      expect(pods[0]!.label('next')).toBe(40);
    } finally {
      client.close();
    }
  });
});
