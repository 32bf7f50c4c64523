/**
 * No compiled change removes a ConfigMap that pods of a running ReplicaSet mount. Each example is
 * walked through releases fast enough that old stables are still inside their scale-down delay
 * when the next release lands, across every retention boundary (a version leaving `retain`), and
 * with candidates withdrawn mid-canary: by Argo's abort followed by the `abort` edit, by a
 * `rollback` edit to the stable alone, and by Argo's abort followed at once by the fixed
 * candidate (no `abort` edit). Which ReplicaSets have pods comes from the model of Argo Rollouts
 * in test/models/. Each change is compiled against the output of the one before, as `compile`
 * and `plan` do. fraud-detector is walked in both serving modes: label mode as written, and one
 * version per pod.
 */
import { describe, expect, it } from 'vitest';
import { EXAMPLES, exampleText, oneVersionPerPod, Walk } from './release-walk.js';

const RELEASES = 4;

/** How the candidate of release `n` leaves, if it does not become stable. */
const WITHDRAWALS = [null, 'abort', 'rollback', null] as const;

/** Seconds a ReplicaSet scaled up for a full promotion takes to load its model and be available. */
const LOADING = 120;

const WALKS = [...EXAMPLES.map((file) => ({ name: file, text: exampleText(file) })), { name: 'fraud-detector.yaml, one version per pod', text: oneVersionPerPod(exampleText('fraud-detector.yaml')) }];

describe('config outlives the pods that read it', () => {
  for (const { name, text } of WALKS) {
    it(`${name}: every running ReplicaSet's ConfigMap stays in the output across ${RELEASES} releases and 2 withdrawals`, () => {
      const walk = new Walk(text, 0);
      const leftRetain: string[] = [];
      const leftRetainWhileRunning: string[] = [];
      const withdrawnWhileRunning: string[] = [];
      const noteRetain = (before: number[]): void => {
        for (const version of before) {
          if (walk.compiled.policy.versions.retained.includes(version)) continue;
          leftRetain.push(`${version}`);
          if (walk.model.warm(String(version), walk.now)) leftRetainWhileRunning.push(`${version}`);
        }
      };
      const step = (change: () => void): void => {
        const before = walk.compiled.policy.versions.retained;
        change();
        noteRetain(before);
      };
      const { delay } = walk;
      for (const withdrawal of WITHDRAWALS) {
        if (walk.compiled.policy.versions.candidate === null) {
          walk.now += 60;
          step(() => walk.newCandidate());
        }
        walk.now += 60;
        walk.model.scaleCanary(1, walk.now);
        walk.assertConfigsPresent();
        if (withdrawal !== null) {
          const candidate = String(walk.compiled.policy.versions.candidate);
          walk.now += Math.floor(delay / 3);
          // Argo aborts on a failed analysis; the `abort` edit follows. A `rollback` edit to the
          // stable withdraws the candidate with no abort in Argo: the template goes back to stable's.
          if (withdrawal === 'abort') {
            walk.model.abort(walk.now);
            walk.now += 60;
            step(() => walk.edit('abort'));
          } else step(() => walk.rollbackTo(walk.compiled.policy.versions.stable));
          if (walk.model.warm(candidate, walk.now)) withdrawnWhileRunning.push(candidate);
          // The fixed candidate comes while the withdrawn one's pods are still up.
          walk.now += Math.floor(delay / 3);
          step(() => walk.newCandidate());
          walk.now += 60;
          walk.model.scaleCanary(1, walk.now);
          walk.assertConfigsPresent();
        }
        // Promoted well inside the previous promotion's scale-down delay.
        walk.now += Math.floor(delay / 3);
        step(() => walk.edit('promote'));
        // The next candidate comes while the old stable is still up.
        walk.wait(Math.floor(delay / 3));
      }
      walk.wait(Math.floor(delay / 2));
      walk.wait(delay);
      expect(leftRetain.length).toBeGreaterThanOrEqual(RELEASES - 1);
      // With room for stable and candidate only, the old stable leaves `retain` while its
      // ReplicaSet still runs: exactly when a config keyed by `retain` would have gone.
      if (walk.compiled.policy.versions.retain < 3) expect(leftRetainWhileRunning.length).toBeGreaterThan(0);
      // Both withdrawn candidates were still running when they left the policy.
      expect(withdrawnWhileRunning.length).toBe(2);
      expect(walk.model.sets.length).toBe(RELEASES + 3);
    });

    /*
     * Argo aborts the candidate and its owners push the fix at once, with no `abort` edit: the
     * stable's template is never applied again, so the withdrawn ReplicaSet is newer than the
     * stable and takes the one warm slot when the fix is promoted. Each `promote` is then run
     * mid-canary, before Argo has fully promoted: Argo drops the steps and promotes once the
     * candidate's pods have loaded the model, and the withdrawn ReplicaSet keeps its slot until
     * then. A `rollback` to the stable the fix replaced starts that stable cold: same wait.
     */
    // A rollback to the replaced stable needs a policy that retains it: `retain` is given and at
    // least 2 (churn-scorer's default keeps the stable alone once there is no candidate).
    const lasts = /^ +retain: [2-9]$/m.test(text) ? (['promote', 'rollback'] as const) : (['promote'] as const);
    for (const last of lasts) {
      it(`${name}: a withdrawn candidate replaced at once keeps its ConfigMap through ${last === 'promote' ? 'an early promote' : 'a rollback to the stable the fix replaced'}`, () => {
        const walk = new Walk(text, LOADING);
        if (walk.compiled.policy.versions.candidate === null) {
          walk.now += 60;
          walk.newCandidate();
        }
        walk.now += 60;
        walk.model.scaleCanary(1, walk.now);
        const withdrawn = String(walk.compiled.policy.versions.candidate);
        const replacedStable = walk.compiled.policy.versions.stable;
        walk.now += 60;
        walk.model.abort(walk.now);
        const abortedAt = walk.now;
        walk.now += 30;
        walk.releaseEarly(30);
        expect(walk.model.promotionPending(walk.now)).toBe(true);
        walk.wait(LOADING);
        const fix = walk.compiled.policy.versions.stable;
        expect(walk.model.stableSet()?.version).toBe(String(fix));
        // The withdrawn ReplicaSet, newer than the old stable, holds the warm slot.
        expect(walk.model.warm(withdrawn, walk.now)).toBeDefined();
        expect(walk.model.warm(String(replacedStable), walk.now)).toBeUndefined();
        walk.now += 30;
        if (last === 'promote') walk.releaseEarly(30);
        else walk.rollbackTo(replacedStable);
        expect(walk.model.promotionPending(walk.now)).toBe(true);
        // Still inside the withdrawn ReplicaSet's abort delay: its pods run, so its ConfigMap stays.
        expect(walk.now - abortedAt).toBeLessThan(walk.delay);
        expect(walk.model.warm(withdrawn, walk.now), `version ${withdrawn} no longer runs at t=${walk.now}s`).toBeDefined();
        walk.wait(LOADING / 2);
        walk.wait(LOADING);
        // Argo has promoted: the outgoing stable took the slot and the withdrawn one is gone.
        expect(walk.model.promotionPending(walk.now)).toBe(false);
        expect(walk.model.warm(withdrawn, walk.now)).toBeUndefined();
        walk.wait(walk.delay);
        // Not kept for ever: it leaves with the second version newer than it to be replaced. (In
        // label mode every template mounts the policy's one ConfigMap: nothing is carried.)
        if (walk.compiled.policy.model.versionLabels) return;
        const config = walk.model.sets.find((set) => set.version === withdrawn)!.configMap;
        let releases = 0;
        while (walk.compiled.configMaps.has(config)) {
          expect(++releases, `${config} still in the output after ${releases - 1} more releases`).toBeLessThanOrEqual(last === 'promote' ? 1 : 2);
          walk.now += 60;
          walk.releaseEarly(60);
          walk.wait(LOADING);
        }
        expect(walk.compiled.policy.versions.previous.filter((version) => version > Number(withdrawn))).toHaveLength(2);
      });
    }
  }
});
