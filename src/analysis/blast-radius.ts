/**
 * What a release can cost before anyone looks: how long it takes, how many requests the candidate
 * answers at each step, how fast a regression is rolled back, and what the shadow phase adds to
 * the load. `plan` and the PR description show this summary; it reads only the resolved policy.
 */
import type { ResolvedPolicy } from '../resolve/policy.js';

/**
 * From the failing measurement to stable serving everything: the recorded series lag up to one
 * rule evaluation (60 s at Prometheus' default `evaluation_interval: 1m`), then Argo Rollouts
 * aborts, sets the canary weight to 0 and Istio pushes the route (~30 s, typical xDS propagation).
 */
export const REACTION_SECONDS = 90;

export interface StepExposure {
  /** 0-based, as in `spec.canary.steps`. */
  index: number;
  weightPercent: number;
  /** null: manual hold, or the final step. */
  holdSeconds: number | null;
  manual: boolean;
  /** null without `traffic.expectedRps`. */
  candidateRps: number | null;
  /** Requests the candidate answers during this step; null when the step or the traffic is unbounded/unknown. */
  exposedRequests: number | null;
  /** Sum over this and earlier steps; null once any of them is. */
  cumulativeExposedRequests: number | null;
}

export interface BlastRadius {
  /** Shadow phase plus every timed hold and the soak. */
  minDurationSeconds: number;
  /** The same when every measurement is conclusive; null when a manual hold waits for a person. */
  maxDurationSeconds: number | null;
  steps: StepExposure[];
  rollback: {
    automatic: boolean;
    /** failureLimit + 1 failed measurements, one per interval, after the regression starts. */
    detectionSeconds: number;
    reactionSeconds: number;
    /** detection + reaction; null when rollback is not automatic (a person must act on the alert). */
    worstCaseSeconds: number | null;
  };
  /** null: no shadow phase. Mirrored responses are discarded, so they expose no user. */
  shadow: { mirrorPercent: number; durationSeconds: number; extraRps: number | null; extraRequests: number | null } | null;
}

export function blastRadius(policy: ResolvedPolicy): BlastRadius {
  const rps = policy.traffic.expectedRps;
  const shadowSeconds = policy.shadow?.durationSeconds ?? 0;
  let cumulative: number | null = 0;
  const steps = policy.canary.steps.map((step, index): StepExposure => {
    const candidateRps = rps === null ? null : (rps * step.weightPercent) / 100;
    const exposedRequests = candidateRps === null || step.holdSeconds === null ? null : Math.round(candidateRps * step.holdSeconds);
    const last = index === policy.canary.steps.length - 1;
    // The final step is the release itself, not exposure during the rollout.
    if (!last) cumulative = cumulative === null || exposedRequests === null ? null : cumulative + exposedRequests;
    return { index, weightPercent: step.weightPercent, holdSeconds: step.holdSeconds, manual: step.manual, candidateRps, exposedRequests, cumulativeExposedRequests: last ? null : cumulative };
  });
  const minDurationSeconds = shadowSeconds + policy.canary.steps.reduce((sum, step) => sum + (step.holdSeconds ?? 0), 0) + (policy.canary.soakSeconds ?? 0);
  const detectionSeconds = policy.gates.intervalSeconds * (policy.gates.failureLimit + 1);
  const shadow = policy.shadow;
  return {
    minDurationSeconds,
    maxDurationSeconds: policy.canary.steps.some((step) => step.manual) ? null : minDurationSeconds,
    steps,
    rollback: {
      automatic: policy.rollback.automatic,
      detectionSeconds,
      reactionSeconds: REACTION_SECONDS,
      worstCaseSeconds: policy.rollback.automatic ? detectionSeconds + REACTION_SECONDS : null,
    },
    shadow: shadow && {
      mirrorPercent: shadow.mirrorPercent,
      durationSeconds: shadow.durationSeconds,
      extraRps: rps === null ? null : (rps * shadow.mirrorPercent) / 100,
      extraRequests: rps === null ? null : Math.round((rps * shadow.mirrorPercent * shadow.durationSeconds) / 100),
    },
  };
}
