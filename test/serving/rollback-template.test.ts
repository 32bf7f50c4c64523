/**
 * `rollback` must give the Rollout the pod template the target version ran with, byte for byte:
 * only then does Argo Rollouts find that version's ReplicaSet (FindNewReplicaSet, by pod-template
 * hash) and move traffic onto its running pods instead of starting new ones. Compiled through
 * the CLI's own edits, and replayed on the ReplicaSet model.
 */
import { describe, expect, it } from 'vitest';
import { serializeYaml } from '../../src/emit/serialize.js';
import { RolloutReplicaSets } from '../models/argo-replicasets.js';
import { compileText, exampleText, oneVersionPerPod, releaseAction, withNextCandidate } from './release-walk.js';

const template = (text: string): string => serializeYaml([compileText(text).rollout.spec.template]);

// Label mode as written (the config every template mounts follows the labels, under one name),
// and one version per pod (each template mounts its version's content-hashed ConfigMap).
const MODES = [
  { mode: 'label mode', fraud: exampleText('fraud-detector.yaml'), mounts41: 'fraud-detector-tfserving-models' },
  { mode: 'one version per pod', fraud: oneVersionPerPod(exampleText('fraud-detector.yaml')), mounts41: 'fraud-detector-tfserving-41-' },
];

describe.each(MODES)('rollback restores the pod template byte for byte ($mode)', ({ fraud, mounts41 }) => {
  const stable41 = releaseAction(fraud, { action: 'abort' });
  const promoted42 = releaseAction(fraud, { action: 'promote' });
  const rolledBack41 = releaseAction(promoted42, { action: 'rollback', to: 41 });

  it('compiles 41 after promote 42 → rollback to 41 exactly as 41 ran before', () => {
    expect(template(rolledBack41)).toBe(template(stable41));
    expect(template(rolledBack41)).toContain(mounts41);
    // The candidate's template is the one it keeps once promoted.
    expect(template(promoted42)).toBe(template(fraud));
    expect(template(promoted42)).not.toBe(template(stable41));
  });

  it('compiles a version rolled back to exactly as it ran when it was the candidate', () => {
    const candidate43 = withNextCandidate(promoted42, compileText(promoted42).policy);
    expect(candidate43.version).toBe(43);
    const promoted43 = releaseAction(candidate43.text, { action: 'promote' });
    const back42 = releaseAction(promoted43, { action: 'rollback', to: 42 });
    expect(template(back42)).toBe(template(fraud));
  });

  it('inside the window the rollback reuses the running ReplicaSet; after it, the same ReplicaSet starts cold', () => {
    const delay = compileText(fraud).policy.canary.scaleDownDelaySeconds;
    for (const [rollbackAt, warm] of [[delay - 60, true], [delay + 60, false]] as const) {
      const model = new RolloutReplicaSets();
      model.apply(compileText(stable41).rollout, 0);
      model.apply(compileText(fraud).rollout, 60);
      model.apply(compileText(promoted42).rollout, 120);
      const promotedAt = 120;
      expect(model.warm('41', promotedAt + rollbackAt)?.replicas).toBe(warm ? 4 : undefined);
      const before = model.sets.length;
      model.apply(compileText(rolledBack41).rollout, promotedAt + rollbackAt);
      expect(model.sets.length).toBe(before);
      expect(model.stableSet()?.version).toBe('41');
      // 42, replaced, is now the warm one: a roll forward again would be warm too.
      expect(model.warm('42', promotedAt + rollbackAt + delay - 1)?.replicas).toBe(4);
    }
  });
});
