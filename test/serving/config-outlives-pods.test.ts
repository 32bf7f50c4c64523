/**
 * No compiled change removes a ConfigMap that pods of a running ReplicaSet mount. Each example is
 * walked through releases fast enough that old stables are still inside their scale-down delay
 * when the next release lands, across every retention boundary (a version leaving `retain`), and
 * with candidates withdrawn mid-canary: by Argo's abort followed by the `abort` edit, and by a
 * `rollback` edit to the stable alone. Which ReplicaSets have pods comes from the model of Argo
 * Rollouts in test/models/. Each change is compiled against the output of the one before, as
 * `compile` and `plan` do. fraud-detector is walked in both serving modes: label mode as written,
 * and one version per pod.
 */
import { describe, expect, it } from 'vitest';
import { RolloutReplicaSets } from '../models/argo-replicasets.js';
import { compileText, EXAMPLES, exampleText, oneVersionPerPod, releaseAction, withNextCandidate, type Compiled } from './release-walk.js';

const RELEASES = 4;

/** How the candidate of release `n` leaves, if it does not become stable. */
const WITHDRAWALS = [null, 'abort', 'rollback', null] as const;

const WALKS = [...EXAMPLES.map((file) => ({ name: file, text: exampleText(file) })), { name: 'fraud-detector.yaml, one version per pod', text: oneVersionPerPod(exampleText('fraud-detector.yaml')) }];

describe('config outlives the pods that read it', () => {
  for (const walk of WALKS) {
    it(`${walk.name}: every running ReplicaSet's ConfigMap stays in the output across ${RELEASES} releases and 2 withdrawals`, () => {
      let now = 0;
      let compiled = compileText(walk.text);
      // A quiet HPA (search-ranker's) holds its minimum.
      const model = new RolloutReplicaSets(compiled.policy.model.autoscaling?.minReplicas);
      let highest = Math.max(compiled.policy.versions.stable, ...compiled.policy.versions.previous, compiled.policy.versions.candidate ?? 0);
      const leftRetain: string[] = [];
      const leftRetainWhileRunning: string[] = [];
      const withdrawnWhileRunning: string[] = [];
      const deploy = (next: Compiled): void => {
        const before = compiled.policy.versions.retained;
        compiled = next;
        model.apply(compiled.rollout, now);
        assertConfigsPresent();
        for (const version of before) {
          if (compiled.policy.versions.retained.includes(version)) continue;
          leftRetain.push(`${version}`);
          if (model.warm(String(version), now)) leftRetainWhileRunning.push(`${version}`);
        }
      };
      const newCandidate = (): void => {
        const next = withNextCandidate(compiled.text, compiled.policy, ++highest);
        deploy(compileText(next.text, compiled));
      };
      const assertConfigsPresent = (): void => {
        // scaleDownDelayRevisionLimit: stable, candidate and one old ReplicaSet at most.
        expect(model.running(now).length).toBeLessThanOrEqual(3);
        for (const set of model.running(now)) {
          expect(compiled.configMaps.has(set.configMap), `t=${now}s: ReplicaSet of version ${set.version} mounts ${set.configMap}, not in the output of ${compiled.policy.name} (stable ${compiled.policy.versions.stable})`).toBe(true);
        }
      };
      const delay = compiled.policy.canary.scaleDownDelaySeconds;
      // The cluster before this change: the stable ReplicaSet alone.
      model.apply(compileText(compiled.policy.versions.candidate === null ? compiled.text : releaseAction(compiled.text, { action: 'abort' })).rollout, now);
      now += 60;
      model.apply(compiled.rollout, now);
      for (const withdrawal of WITHDRAWALS) {
        if (compiled.policy.versions.candidate === null) {
          now += 60;
          newCandidate();
        }
        now += 60;
        model.scaleCanary(1, now);
        assertConfigsPresent();
        if (withdrawal !== null) {
          const candidate = String(compiled.policy.versions.candidate);
          now += Math.floor(delay / 3);
          // Argo aborts on a failed analysis; the `abort` edit follows. A `rollback` edit to the
          // stable withdraws the candidate with no abort in Argo: the template goes back to stable's.
          if (withdrawal === 'abort') {
            model.abort(now);
            now += 60;
            deploy(compileText(releaseAction(compiled.text, { action: 'abort' }), compiled));
          } else deploy(compileText(releaseAction(compiled.text, { action: 'rollback', to: compiled.policy.versions.stable }), compiled));
          if (model.warm(candidate, now)) withdrawnWhileRunning.push(candidate);
          // The fixed candidate comes while the withdrawn one's pods are still up.
          now += Math.floor(delay / 3);
          newCandidate();
          now += 60;
          model.scaleCanary(1, now);
          assertConfigsPresent();
        }
        // Promoted well inside the previous promotion's scale-down delay.
        now += Math.floor(delay / 3);
        deploy(compileText(releaseAction(compiled.text, { action: 'promote' }), compiled));
        // The next candidate comes while the old stable is still up.
        now += Math.floor(delay / 3);
        assertConfigsPresent();
      }
      for (const later of [Math.floor(delay / 2), delay]) {
        now += later;
        assertConfigsPresent();
      }
      expect(leftRetain.length).toBeGreaterThanOrEqual(RELEASES - 1);
      // With room for stable and candidate only, the old stable leaves `retain` while its
      // ReplicaSet still runs: exactly when a config keyed by `retain` would have gone.
      if (compiled.policy.versions.retain < 3) expect(leftRetainWhileRunning.length).toBeGreaterThan(0);
      // Both withdrawn candidates were still running when they left the policy.
      expect(withdrawnWhileRunning.length).toBe(2);
      expect(model.sets.length).toBe(RELEASES + 3);
    });
  }
});
