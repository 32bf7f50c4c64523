/**
 * The metrics of the Rollout's one background AnalysisRun, in the order the AnalysisTemplate
 * lists them: when each starts, how many times it measures, and how many blind windows it may
 * have. The AnalysisTemplate (src/targets/argo-analysis.ts) and `simulate` both read this list, so
 * what is shipped and what is simulated cannot drift apart.
 *
 * With a shadow phase the run starts at the mirror step (the Rollout's `startingStep`; Argo
 * creates no background run before it: utils/replicaset/canary.go `BeforeStartingStep`), so a gate
 * that fails while the candidate only answers mirrored requests aborts the Rollout
 * (rollout/analysis.go `reconcileBackgroundAnalysisRun` → `AddAbort`) before any user is served.
 * Each gate limit then gets:
 * - a shadow metric, `<limit>-shadow`, measuring during the shadow phase only, on what the serving
 *   proxies report (the callers' proxies never see mirrored requests): its `count` stops
 *   it before the mirror is removed, and a metric that reaches its count is Successful without
 *   ending the run (analysis/analysis.go `assessMetricStatus`; utils/analysis/helpers.go
 *   `IsTerminating` only stops a run on Failed, Error or Inconclusive), so the others go on;
 * - the canary metric, `<limit>`, as without a shadow phase, its delay lengthened by the shadow.
 * Through a soak at 100% the absolute limits go on measuring; relative ones stop before it where
 * they can (measurementsBeforeSoak).
 * A gate whose guard the mirrored windows cannot fill gets no shadow metric: every window would be
 * inconclusive and pause the Rollout for nothing; nor does a ratio gate, whose user events never
 * follow a mirrored answer.
 */
import { shadowMetricName } from '../names.js';
import { gateLimits, type AnalysisPhase, type GateLimit } from '../gates/queries.js';
import type { ResolvedPolicy } from '../resolve/policy.js';
import { gateSchedule, inconclusiveLimit, windowRequests } from './gate-schedule.js';

export interface AnalysisMetric {
  name: string;
  limit: GateLimit;
  phase: AnalysisPhase;
  /** From the run's start to the first measurement, which judges the window just before it. */
  initialDelaySeconds: number;
  /** Measurements before the metric completes; null: until the run ends with the rollout. */
  count: number | null;
  inconclusiveLimit: number;
}

export function analysisMetrics(policy: ResolvedPolicy): AnalysisMetric[] {
  const interval = policy.gates.intervalSeconds;
  const shadowSeconds = policy.shadow?.durationSeconds ?? 0;
  return gateLimits(policy).flatMap((limit): AnalysisMetric[] => {
    // The first window of a gate's first judged step ends one interval into it. Without a step
    // that can give the guard `schedule-power` rejects the policy, so offset 0 is never shipped.
    const initialDelaySeconds = shadowSeconds + (gateSchedule(policy, limit.gate)?.offsetSeconds ?? 0) + interval;
    const beforeSoak = limit.relative ? measurementsBeforeSoak(policy, initialDelaySeconds) : null;
    const canary: AnalysisMetric = {
      name: limit.id,
      limit,
      phase: 'canary',
      initialDelaySeconds,
      count: beforeSoak,
      // A relative limit that measures into the soak (its start unknown) is blind there.
      inconclusiveLimit: inconclusiveLimit(policy, limit.gate) + (limit.relative && beforeSoak === null ? soakWindows(policy) : 0),
    };
    const count = shadowCount(policy, limit);
    if (count === null) return [canary];
    const shadow: AnalysisMetric = {
      name: shadowMetricName(limit.id),
      limit,
      phase: 'shadow',
      initialDelaySeconds: interval,
      count,
      // Half the shadow's measurements may be blind, as for a canary step (gate-schedule.ts).
      inconclusiveLimit: policy.gates.inconclusiveLimit ?? Math.max(1, Math.floor(count / 2)),
    };
    return [shadow, canary];
  });
}

/**
 * During the soak (routing/steps.ts) stable serves no one, so a relative limit (candidate against
 * stable) has nothing to judge there; absolute limits judge the candidate, which then answers
 * everyone. When every step before the soak is timed, a relative limit stops there: `count` is
 * the measurements whose windows end by the soak's start (Argo drifts each a little late, so the
 * last may reach a few seconds into it, still judged on the step before); a metric that reaches
 * its count is Successful and the run goes on. Null: no soak, or a manual hold makes its start
 * unknown (then see soakWindows).
 */
function measurementsBeforeSoak(policy: ResolvedPolicy, initialDelaySeconds: number): number | null {
  if (policy.canary.soakSeconds === null || policy.canary.steps.some((step) => step.manual)) return null;
  const soakStart = (policy.shadow?.durationSeconds ?? 0) + policy.canary.steps.reduce((sum, step) => sum + (step.holdSeconds ?? 0), 0);
  return Math.max(1, Math.floor((soakStart - initialDelaySeconds) / policy.gates.intervalSeconds) + 1);
}

/**
 * Measurements a relative limit with no count takes during the soak, each inconclusive: its
 * allowance grows by that many lest the soak pause the Rollout. At most one per interval, plus
 * one at the soak's first instant.
 */
function soakWindows(policy: ResolvedPolicy): number {
  const soak = policy.canary.soakSeconds;
  return soak === null ? 0 : Math.floor(soak / policy.gates.intervalSeconds) + 1;
}

/**
 * How many whole windows the shadow phase holds, or null when the gate is not judged there.
 * Argo takes each measurement one interval after the previous one finished (analysis/analysis.go
 * `generateMetricTasks`: `lastMeasurement.FinishedAt.Add(interval)`), so the times drift late; the
 * last one must come strictly before the mirror is removed, or its window would include the first
 * canary step.
 */
function shadowCount(policy: ResolvedPolicy, limit: GateLimit): number | null {
  const shadow = policy.shadow;
  // A mirrored answer is thrown away, so no user ever clicks or converts on it: a ratio of user
  // events means nothing until users are served.
  if (shadow === null || limit.gate.metric === 'ratio') return null;
  const count = Math.ceil(shadow.durationSeconds / policy.gates.intervalSeconds) - 1;
  if (count < 1) return null;
  const requests = windowRequests(policy, limit.gate, shadow.mirrorPercent);
  return requests !== null && requests < limit.gate.minRequests ? null : count;
}
