/**
 * For each example and each step of its release, every version `rollback` accepts is either
 * served by pods that exist at that moment, or `plan`/`rollback` say it starts cold, with the pod
 * count; where they say "warm until <window> after <stable> became stable", the pods are there
 * until exactly then. Where the output carries a withdrawn candidate newer than the target, they
 * say it may start cold, and walks through Argo's abort of a candidate show both outcomes
 * happen: the fix replacing it at once and promoted inside its abort delay leaves the replaced
 * stable cold, as does a later candidate withdrawn by a `rollback` edit to the stable; an `abort`
 * edit first, or a fix promoted after that delay, leaves it warm. Which
 * pods exist comes from the model of Argo Rollouts' ReplicaSets (test/models/argo-replicasets.ts),
 * fed the Rollouts the CLI's own edits compile to, each against the output of the one before,
 * with the canary sized per step as Argo sizes it (test/models/argo-canary.ts).
 */
import { describe, expect, it } from 'vitest';
import { describeRollbackReadiness } from '../../src/gitops/plan-words.js';
import type { ResolvedPolicy } from '../../src/resolve/policy.js';
import { formatDuration, parseDurationSeconds } from '../../src/resolve/units.js';
import { rollbackReadiness } from '../../src/routing/warm-rollback.js';
import { replayCanary } from '../models/argo-canary.js';
import { RolloutReplicaSets } from '../models/argo-replicasets.js';
import { compileText, EXAMPLES, exampleText, oneVersionPerPod, releaseAction, Walk, withdrawnIn, withNextCandidate, type Compiled } from './release-walk.js';

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

interface Checked {
  warm: number;
  cold: number;
  windows: number;
  /** Versions said to maybe start cold, by whether their pods ran. */
  maybeCold: { running: number[]; gone: number[] };
}

function checked(): Checked {
  return { warm: 0, cold: 0, windows: 0, maybeCold: { running: [], gone: [] } };
}

function checkTargets(compiled: Compiled, model: RolloutReplicaSets, moment: Moment, stableSince: number, checked: Checked): void {
  const { policy } = compiled;
  for (const version of rollbackTargets(policy)) {
    const readiness = rollbackReadiness(policy, withdrawnIn(compiled), version);
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
      case 'maybe-cold': {
        expect(words).toContain(`may start cold`);
        expect(words).toContain(`withdrawn candidate ${readiness.withdrawn[0]}`);
        expect(words).toContain(`${readiness.pods} pod`);
        expect(words).toContain(`warm until ${formatDuration(readiness.windowSeconds)} after ${policy.versions.stable} became stable`);
        // Warm at best: past the window its pods are gone either way.
        if (moment.now >= stableSince + readiness.windowSeconds) expect(running, `${where}: past the window's end`).toBeUndefined();
        else if (running) expect(running.replicas, where).toBe(readiness.pods);
        (running ? checked.maybeCold.running : checked.maybeCold.gone).push(version);
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
      const seen = checked();
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
      checkTargets(atRest, model, { label: 'at rest', now }, stableSince, seen);
      checkTargets(atRest, model, { label: 'at rest, window ending', now: stableSince + delay - 1 }, stableSince, seen);

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
          checkTargets(release, model, { label: `step ${index + 1} ${JSON.stringify(step)}`, now }, stableSince, seen);
          if (step.pause) now += step.pause.duration === undefined ? MANUAL_PAUSE_SECONDS : parseDurationSeconds(String(step.pause.duration))!;
        });
        model.promote(now);
        promotedAt = now;
        current = compileText(releaseAction(release.text, { action: 'promote' }));
        model.apply(current.rollout, now);
      }
      for (const [label, at] of [['promoted', promotedAt], ['window ending', promotedAt + delay - 1], ['window over', promotedAt + delay + 1]] as const) {
        checkTargets(current, model, { label, now: at }, promotedAt, seen);
      }
      // Something was checked, and every warm window on both sides of its end.
      expect(seen.warm).toBeGreaterThan(0);
      if (seen.windows > 0) expect(seen.cold).toBeGreaterThan(0);
      expect(seen.windows > 0 || rollbackTargets(current.policy).length === 0).toBe(true);
      // Nothing was withdrawn here, so nothing is in doubt.
      expect(seen.maybeCold).toEqual({ running: [], gone: [] });
    });
  }
});

/** Seconds a ReplicaSet scaled up for a full promotion takes to load its model and be available. */
const LOADING = 120;

/*
 * Argo aborts candidate W (a failed analysis; git does not see it) and its ReplicaSet keeps its
 * pods for abortScaleDownDelaySeconds. Its fix is then promoted, and readiness for a rollback to
 * the stable the fix replaced is checked against the model, then once more after the next
 * release (W is still carried, but older than that release's outgoing stable).
 */
const WITHDRAWALS = {
  // No `abort` edit: the stable's template is never applied again, so W's ReplicaSet is the
  // newer and takes the one warm slot at the fix's promotion: the replaced stable is cold.
  'the fix replaces it at once': { abortEdit: false, fixAfter: 60, replacedStable: 'gone' },
  // The `abort` edit applies the stable's template again: its ReplicaSet is the newer one.
  'the abort edit, then the fix': { abortEdit: true, fixAfter: 60, replacedStable: 'running' },
  // W's pods are gone before the fix is promoted.
  'the fix after its abort delay': { abortEdit: false, fixAfter: 'delay', replacedStable: 'running' },
} as const;

/** Examples whose policy still accepts a rollback to the stable a promotion replaced (churn-scorer retains the stable alone). */
function retainsReplacedStable(file: string): boolean {
  const example = compileText(oneVersionPerPod(exampleText(file)));
  const release = example.policy.versions.candidate === null ? withNextCandidate(example.text, example.policy).text : example.text;
  return rollbackTargets(compileText(releaseAction(release, { action: 'promote' })).policy).includes(example.policy.versions.stable);
}

/** The example (one version per pod) with a candidate whose canary has its first pod. */
function canaryUnderway(file: string): Walk {
  const walk = new Walk(oneVersionPerPod(exampleText(file)), LOADING);
  if (walk.compiled.policy.versions.candidate === null) {
    walk.now += 60;
    walk.newCandidate();
  }
  walk.now += 60;
  walk.model.scaleCanary(1, walk.now);
  return walk;
}

describe('a withdrawn candidate may hold the warm slot: plan says the rollback may start cold', () => {
  const files = EXAMPLES.filter(retainsReplacedStable);
  it('is walked for every example that retains the replaced stable', () => expect(files).toEqual(['fraud-detector.yaml', 'recommender.yaml', 'search-ranker.yaml']));
  for (const file of files) {
    for (const [name, withdrawal] of Object.entries(WITHDRAWALS)) {
      it(`${file}: Argo aborts a candidate, ${name}, the fix is promoted`, () => {
        const walk = canaryUnderway(file);
        const withdrawn = walk.compiled.policy.versions.candidate!;
        const replaced = walk.compiled.policy.versions.stable;
        walk.now += 60;
        walk.model.abort(walk.now);
        if (withdrawal.abortEdit) {
          walk.now += 60;
          walk.edit('abort');
        }
        walk.now += withdrawal.fixAfter === 'delay' ? walk.delay + 60 : withdrawal.fixAfter;
        walk.newCandidate();
        walk.now += 60;
        walk.model.scaleCanary(1, walk.now);
        walk.now += 60;
        walk.edit('promote');
        // Argo promotes once the fix's pods are available (rollout/sync.go shouldFullPromote).
        const stableSince = walk.now + LOADING;
        const fix = walk.compiled.policy.versions.stable;
        expect(walk.compiled.policy.versions.previous[0]).toBe(replaced);
        expect(withdrawnIn(walk.compiled)).toContain(withdrawn);
        // Before Argo's promotion the replaced stable still serves; at it, its pods stay or go as
        // Argo decides, and plan claimed neither; past the window they are gone either way.
        const seen = checked();
        const atPromotion = checked();
        for (const [label, at, tally] of [['promote edit', walk.now, seen], ['promoted', stableSince, atPromotion], ['window ending', stableSince + walk.delay - 1, seen], ['window over', stableSince + walk.delay + 1, seen]] as const) {
          walk.now = at;
          walk.assertConfigsPresent();
          checkTargets(walk.compiled, walk.model, { label: `${label}, fix ${fix}`, now: at }, stableSince, tally);
        }
        expect(walk.model.stableSet()?.version).toBe(String(fix));
        expect(atPromotion.maybeCold).toEqual({ running: [], gone: [], [withdrawal.replacedStable]: [replaced] });
        expect(seen.maybeCold.running).toContain(replaced);

        // The next release: its outgoing stable (the fix) ran after W, and is warm.
        walk.now += 60;
        walk.releaseEarly(60);
        const nextSince = walk.now + LOADING;
        expect(walk.compiled.policy.versions.previous[0]).toBe(fix);
        expect(withdrawnIn(walk.compiled)).toContain(withdrawn);
        const next = checked();
        for (const [label, at] of [['promoted', nextSince], ['window ending', nextSince + walk.delay - 1], ['window over', nextSince + walk.delay + 1]] as const) {
          walk.now = at;
          walk.assertConfigsPresent();
          checkTargets(walk.compiled, walk.model, { label: `next release ${label}`, now: at }, nextSince, next);
        }
        expect(next.windows).toBeGreaterThan(0);
        expect(next.maybeCold).toEqual({ running: [], gone: [] });
      });
    }

    // No abort in Argo: the `rollback` edit to the stable fully promotes it again, and the
    // withdrawn ReplicaSet, newer than the one the stable replaced, takes the slot at once.
    it(`${file}: a candidate after a promotion, withdrawn by a rollback edit to the stable`, () => {
      const walk = canaryUnderway(file);
      walk.now += 60;
      walk.edit('promote');
      const stableSince = walk.now + LOADING;
      walk.wait(LOADING);
      const replaced = walk.compiled.policy.versions.previous[0]!;
      walk.now += 60;
      walk.newCandidate();
      walk.now += 60;
      walk.model.scaleCanary(1, walk.now);
      const withdrawn = walk.compiled.policy.versions.candidate!;
      walk.now += 60;
      walk.rollbackTo(walk.compiled.policy.versions.stable);
      expect(withdrawnIn(walk.compiled)).toContain(withdrawn);
      const seen = checked();
      checkTargets(walk.compiled, walk.model, { label: `candidate ${withdrawn} withdrawn`, now: walk.now }, stableSince, seen);
      expect(walk.now).toBeLessThan(stableSince + walk.delay);
      expect(seen.maybeCold).toEqual({ running: [], gone: [replaced] });
    });
  }
});
