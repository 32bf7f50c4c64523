/**
 * For each example and each step of its release, every version `rollback` accepts is either
 * served by pods that exist at that moment, or `plan`/`rollback` say it starts cold, with the pod
 * count; where they say "warm until <window> after <stable> became stable", the pods are there
 * until exactly then. Which pods exist comes from the model of Argo Rollouts' ReplicaSets
 * (test/models/argo-replicasets.ts), fed the Rollouts the CLI's own edits compile to, with the
 * canary sized per step as Argo sizes it (test/models/argo-canary.ts).
 */
import { describe, expect, it } from 'vitest';
import { describeRollbackReadiness } from '../../src/gitops/plan-words.js';
import type { ResolvedPolicy } from '../../src/resolve/policy.js';
import { formatDuration, parseDurationSeconds } from '../../src/resolve/units.js';
import { rollbackReadiness } from '../../src/routing/warm-rollback.js';
import { replayCanary } from '../models/argo-canary.js';
import { RolloutReplicaSets } from '../models/argo-replicasets.js';
import { compileText, EXAMPLES, exampleText, oneVersionPerPod, releaseAction, type Compiled } from './release-walk.js';

type Json = Record<string, any>;
/** A manual pause lasts as long as its owner takes; an hour here. */
const MANUAL_PAUSE_SECONDS = 3600;

/** Versions `rollback` accepts: retained, not the candidate, not a stable with nothing to undo. */
function rollbackTargets(policy: ResolvedPolicy): number[] {
  const { stable, candidate, retained } = policy.versions;
  return retained.filter((version) => version !== candidate && !(version === stable && candidate === null));
}

interface Moment {
  label: string;
  now: number;
}

function checkTargets(compiled: Compiled, model: RolloutReplicaSets, moment: Moment, stableSince: number, checked: { warm: number; cold: number; windows: number }): void {
  const { policy } = compiled;
  for (const version of rollbackTargets(policy)) {
    const readiness = rollbackReadiness(policy, version);
    const words = describeRollbackReadiness(policy, readiness)!;
    const running = model.warm(String(version), moment.now);
    const where = `${policy.name} ${moment.label} (t=${moment.now}s), rollback to ${version}: "${words}"`;
    switch (readiness.state) {
      case 'serving':
        throw new Error(`${where}: rollback accepts a version with nothing to roll back`);
      case 'stable-pods':
        expect(running?.replicas, where).toBe(readiness.pods);
        expect(words).toContain(`${readiness.pods} pod`);
        checked.warm++;
        break;
      case 'warm-window': {
        const end = stableSince + readiness.windowSeconds;
        checked.windows++;
        expect(words).toContain(`until ${formatDuration(readiness.windowSeconds)} after ${policy.versions.stable} became stable`);
        expect(words).toContain(`${readiness.pods} pod`);
        if (moment.now < end) {
          expect(running?.replicas, where).toBe(readiness.pods);
          checked.warm++;
        } else {
          expect(running, `${where}: past the window's end at t=${end}s`).toBeUndefined();
          checked.cold++;
        }
        break;
      }
      case 'cold':
        expect(running, where).toBeUndefined();
        expect(words).toMatch(new RegExp(`starts cold: ${readiness.pods} pods? start`));
        checked.cold++;
        break;
    }
  }
}

describe('the version rollback returns to has running pods, or plan says it starts cold', () => {
  for (const file of EXAMPLES) {
    it(`${file}: every step of the release`, () => {
      const checked = { warm: 0, cold: 0, windows: 0 };
      // Which ReplicaSet's pods serve a version: the default mode, where a pod serves its own.
      const release = compileText(oneVersionPerPod(exampleText(file)));
      const atRest = release.policy.versions.candidate === null ? release : compileText(releaseAction(release.text, { action: 'abort' }));
      const delay = release.policy.canary.scaleDownDelaySeconds;
      // A quiet HPA (search-ranker's) holds its minimum, the count plan words are sized on.
      const model = new RolloutReplicaSets(release.policy.model.autoscaling?.minReplicas);
      // History: the version before stable ran, then stable was promoted over it at t=60.
      const before = atRest.policy.versions.previous[0];
      let now = 0;
      if (before !== undefined) model.apply(compileText(releaseAction(atRest.text, { action: 'rollback', to: before })).rollout, now);
      now = 60;
      const stableSince = now;
      model.apply(atRest.rollout, now);
      checkTargets(atRest, model, { label: 'at rest', now }, stableSince, checked);
      checkTargets(atRest, model, { label: 'at rest, window ending', now: stableSince + delay - 1 }, stableSince, checked);

      let promotedAt = stableSince;
      let current = atRest;
      if (release.policy.versions.candidate !== null) {
        now += 60;
        model.apply(release.rollout, now);
        const kind = (wanted: string) => release.documents.filter((doc) => doc.kind === wanted);
        const snapshots = replayCanary(release.rollout, kind('VirtualService')[0]!, kind('Service'), String(atRest.policy.versions.stable));
        const steps: Json[] = release.rollout.spec.strategy.canary.steps;
        steps.forEach((step, index) => {
          const canaryPods = snapshots[index + 1]!.pods.filter((pod) => pod.labels.version === String(release.policy.versions.candidate)).length;
          model.scaleCanary(canaryPods, now);
          checkTargets(release, model, { label: `step ${index + 1} ${JSON.stringify(step)}`, now }, stableSince, checked);
          if (step.pause) now += step.pause.duration === undefined ? MANUAL_PAUSE_SECONDS : parseDurationSeconds(String(step.pause.duration))!;
        });
        model.promote(now);
        promotedAt = now;
        current = compileText(releaseAction(release.text, { action: 'promote' }));
        model.apply(current.rollout, now);
      }
      for (const [label, at] of [['promoted', promotedAt], ['window ending', promotedAt + delay - 1], ['window over', promotedAt + delay + 1]] as const) {
        checkTargets(current, model, { label, now: at }, promotedAt, checked);
      }
      // Something was checked, and every warm window on both sides of its end.
      expect(checked.warm).toBeGreaterThan(0);
      if (checked.windows > 0) expect(checked.cold).toBeGreaterThan(0);
      expect(checked.windows > 0 || rollbackTargets(current.policy).length === 0).toBe(true);
    });
  }
});
