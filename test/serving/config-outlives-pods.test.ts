/**
 * No compiled change removes a ConfigMap that pods of a running ReplicaSet mount. Each example is
 * walked through releases fast enough that old stables are still inside their scale-down delay
 * when the next release lands, across every retention boundary (a version leaving `retain`);
 * which ReplicaSets have pods comes from the model of Argo Rollouts in test/models/.
 */
import { describe, expect, it } from 'vitest';
import { RolloutReplicaSets } from '../models/argo-replicasets.js';
import { compileText, EXAMPLES, exampleText, releaseAction, withNextCandidate, type Compiled } from './release-walk.js';

const RELEASES = 4;

describe('config outlives the pods that read it', () => {
  for (const file of EXAMPLES) {
    it(`${file}: every running ReplicaSet's ConfigMap stays in the output across ${RELEASES} releases`, () => {
      let now = 0;
      let compiled = compileText(exampleText(file));
      // A quiet HPA (search-ranker's) holds its minimum.
      const model = new RolloutReplicaSets(compiled.policy.model.autoscaling?.minReplicas);
      const leftRetain: string[] = [];
      const leftRetainWhileRunning: string[] = [];
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
      for (let release = 0; release < RELEASES; release++) {
        if (compiled.policy.versions.candidate === null) {
          now += 60;
          deploy(compileText(withNextCandidate(compiled.text, compiled.policy).text));
        }
        now += 60;
        model.scaleCanary(1, now);
        assertConfigsPresent();
        // Promoted well inside the previous promotion's scale-down delay.
        now += Math.floor(delay / 3);
        deploy(compileText(releaseAction(compiled.text, { action: 'promote' })));
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
      expect(model.sets.length).toBe(RELEASES + 1);
    });
  }
});
