/**
 * When each gate is measured, and on how many requests, so that no gate spends the rollout
 * returning "too little traffic".
 *
 * Argo Rollouts counts inconclusive measurements over the whole AnalysisRun (not consecutive
 * ones) and, once they exceed `inconclusiveLimit`, marks the run Inconclusive and pauses the
 * Rollout until a person resumes it (analysis/analysis.go `assessMetricFailureInconclusiveOrError`,
 * rollout/analysis.go `reconcileBackgroundAnalysisRun`: `PauseReasonInconclusiveAnalysis`). A gate
 * whose smallest judged sample cannot reach its guard at a step would therefore pause every
 * rollout there. Instead each gate gets:
 * - a guard (requests, or observations for drift, per version and segment value per window):
 *   `gates.minRequests` when the policy sets one, otherwise what the gate's test needs
 *   (src/analysis/power.ts) at the first step whose windows can give it that much;
 * - a first measured step: the first step whose windows give the smallest judged sample at least
 *   the guard; the metric's `initialDelay` waits until one interval into that step;
 * - an inconclusive allowance: half the measurements of the shortest timed step it judges (at
 *   least 1), so a blip passes and a step that is more than half blind pauses the rollout.
 */
import type { Gate, ResolvedPolicy } from '../resolve/policy.js';
import { judgedSharePercent, requirement, samplesPerRequest } from './power.js';

/** The fewest requests a sample is judged on when nothing better is known. */
export const FLOOR_MIN_REQUESTS = 100;

export interface GateSchedule {
  /** Index into `policy.canary.steps` of the first step the gate is measured at. */
  stepIndex: number;
  /** Seconds from the start of the first canary step to the start of that step. */
  offsetSeconds: number;
}

export interface Candidate {
  stepIndex: number;
  weightPercent: number;
  /** Infinity for a manual hold: the analysis keeps measuring while the rollout waits. */
  holdSeconds: number;
  offsetSeconds: number;
}

/**
 * The steps a gate can start at: below 100%, reached through timed holds only (Argo's
 * `initialDelay` is a time, and no time is known past a manual hold), and long enough to hold a
 * whole window.
 */
export function candidates(policy: ResolvedPolicy): Candidate[] {
  const out: Candidate[] = [];
  let offsetSeconds = 0;
  for (const [stepIndex, step] of policy.canary.steps.entries()) {
    if (step.weightPercent >= 100) break;
    const holdSeconds = step.manual ? Infinity : (step.holdSeconds ?? 0);
    if (holdSeconds >= policy.gates.intervalSeconds) out.push({ stepIndex, weightPercent: step.weightPercent, holdSeconds, offsetSeconds });
    if (!Number.isFinite(holdSeconds)) break;
    offsetSeconds += holdSeconds;
  }
  return out;
}

/** Samples (requests, or a ratio's denominator events) the smallest judged sample of `gate` gets in one window at a weight; null without expectedRps. */
export function windowRequests(policy: ResolvedPolicy, gate: Gate, weightPercent: number): number | null {
  const rps = policy.traffic.expectedRps;
  if (rps === null) return null;
  return Math.floor((rps * samplesPerRequest(gate) * weightPercent * judgedSharePercent(policy, gate) * policy.gates.intervalSeconds) / 10_000);
}

/**
 * The guard of a gate the policy gives no `minRequests`: what its test needs at the first step
 * whose windows can supply that, or at the last candidate step when none can (`schedule-power`
 * reports that the gate is never judged).
 */
export function derivedGateMinRequests(policy: ResolvedPolicy, gate: Gate): number {
  const steps = candidates(policy);
  const need = (step: Candidate): number => Math.max(FLOOR_MIN_REQUESTS, requirement(policy, gate, step.weightPercent)?.candidateRequests ?? 0);
  const judged = steps.find((step) => (windowRequests(policy, gate, step.weightPercent) ?? Infinity) >= need(step));
  const chosen = judged ?? steps[steps.length - 1];
  return chosen === undefined ? FLOOR_MIN_REQUESTS : need(chosen);
}

/** Where a gate's measurements begin; null when no step before 100% can give it its guard. */
export function gateSchedule(policy: ResolvedPolicy, gate: Gate): GateSchedule | null {
  const start = candidates(policy).find((step) => (windowRequests(policy, gate, step.weightPercent) ?? Infinity) >= gate.minRequests);
  return start ? { stepIndex: start.stepIndex, offsetSeconds: start.offsetSeconds } : null;
}

/**
 * The policy's `inconclusiveLimit`, or half the measurements of the shortest timed step the gate
 * judges (at least 1). Argo counts the total over the run, so this is also the most blind windows
 * a whole rollout may have before a person is asked.
 */
export function inconclusiveLimit(policy: ResolvedPolicy, gate: Gate): number {
  if (policy.gates.inconclusiveLimit !== null) return policy.gates.inconclusiveLimit;
  const from = gateSchedule(policy, gate)?.stepIndex ?? 0;
  const holds = candidates(policy)
    .filter((step) => step.stepIndex >= from && Number.isFinite(step.holdSeconds))
    .map((step) => Math.floor(step.holdSeconds / policy.gates.intervalSeconds));
  return holds.length === 0 ? 1 : Math.max(1, Math.floor(Math.min(...holds) / 2));
}
