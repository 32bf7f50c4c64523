/**
 * The rollout as the compiled Rollout runs it (src/routing/steps.ts), in whole minutes: warm-up
 * pause, shadow (mirror), then each canary step, the last one held for the soak. Cohort header routes carry a share of traffic
 * the policy does not state, so the simulation leaves them out.
 */
import type { ResolvedPolicy } from '../resolve/policy.js';

export interface Phase {
  kind: 'warmup' | 'shadow' | 'step';
  /** Index in `spec.canary.steps`, for kind `step`. */
  stepIndex: number | null;
  startMinute: number;
  /** null: waits for a person (`hold: manual`), or the final step, where the rollout is complete (after the soak, when there is one). */
  endMinute: number | null;
  /** Share of users' requests the candidate answers. */
  weightPercent: number;
  /** Share of requests copied to the candidate, whose answers are discarded. */
  mirrorPercent: number;
  /** The last step held for `canary.soak`: its end completes the rollout. */
  soak?: boolean;
}

export function timeline(policy: ResolvedPolicy): Phase[] {
  const phases: Phase[] = [];
  let minute = 0;
  const timed = (kind: Phase['kind'], seconds: number, weightPercent: number, mirrorPercent: number, stepIndex: number | null): void => {
    const endMinute = minute + minutes(seconds);
    phases.push({ kind, stepIndex, startMinute: minute, endMinute, weightPercent, mirrorPercent });
    minute = endMinute;
  };
  const warmup = policy.model.warmup?.pauseSeconds ?? null;
  if (warmup !== null) timed('warmup', warmup, 0, 0, null);
  if (policy.shadow) timed('shadow', policy.shadow.durationSeconds, 0, policy.shadow.mirrorPercent, null);
  const soak = policy.canary.soakSeconds;
  for (const [index, step] of policy.canary.steps.entries()) {
    if (step.holdSeconds !== null && !step.manual) {
      timed('step', step.holdSeconds, step.weightPercent, 0, index);
    } else if (soak !== null && index === policy.canary.steps.length - 1 && !step.manual) {
      // The last step holds for the soak; the rollout completes when it ends.
      timed('step', soak, step.weightPercent, 0, index);
      phases[phases.length - 1]!.soak = true;
    } else {
      phases.push({ kind: 'step', stepIndex: index, startMinute: minute, endMinute: null, weightPercent: step.weightPercent, mirrorPercent: 0 });
      break;
    }
  }
  return phases;
}

/** Minutes in a duration; the simulation runs minute by minute, so durations must be whole minutes. */
export function minutes(seconds: number): number {
  if (seconds % 60 !== 0) throw new Error(`simulate works in whole minutes; ${seconds}s is not one`);
  return seconds / 60;
}
