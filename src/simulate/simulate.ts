/**
 * Replay a scenario through a policy's rollout, minute by minute, with the semantics of what
 * modelgate compiles:
 * - Analysis (src/targets/argo-analysis.ts, src/analysis/analysis-metrics.ts): starts at the
 *   mirror step when there is a shadow phase, else with the first canary step; each metric is
 *   first measured after its initial delay, then every `interval` (up to its `count`, for the
 *   shadow metrics), over the last one. A measurement fails when any value exceeds the
 *   threshold, succeeds when there are values and none does, and is inconclusive when the guard
 *   left none. Counters are totals over the run (`metricEnding` below): more than `failureLimit`
 *   failures abort the rollout (the canary weight drops to 0); more than the metric's
 *   `inconclusiveLimit` inconclusive ones pause it, waiting for a person. At the same minute a
 *   measurement comes before a step change. Reaching the final step completes the rollout and
 *   ends the analysis; with a soak, that is when the soak at 100% ends, the gates judging until then.
 * - Alerts (src/targets/prometheus.ts): evaluated every minute on the same series, whatever the
 *   rollout does; an alert fires once its condition has held for the gate's `for`. The
 *   silent-canary alert stays quiet once the rollout is aborted (Argo's `rollout_info` phase).
 */
import { ALERT_CANARY_SILENT, alertName } from '../names.js';
import { analysisMetrics } from '../analysis/analysis-metrics.js';
import { gateLimits, type GateLimit } from '../gates/queries.js';
import type { ResolvedPolicy } from '../resolve/policy.js';
import { measure, type Window } from './measure.js';
import type { Scenario } from './scenario.js';
import { timeline, minutes, type Phase } from './timeline.js';
import { minuteOfTraffic, windowCounts, type Minute } from './trace.js';

export interface Measurement {
  minute: number;
  limit: string;
  verdict: 'successful' | 'failed' | 'inconclusive';
  /** Value per segment value (`""` for an unsegmented gate). */
  values: Record<string, number>;
}

export interface StepOutcome {
  stepIndex: number;
  weightPercent: number;
  startMinute: number;
  endMinute: number | null;
  outcome: 'advanced' | 'aborted' | 'held-inconclusive' | 'held-manual' | 'completed' | 'unfinished';
  /** The last step, held for `canary.soak`. */
  soak: boolean;
}

/** The shadow phase, when the policy has one and the rollout reached it. */
export interface ShadowOutcome {
  mirrorPercent: number;
  startMinute: number;
  endMinute: number;
  /** `advanced`: the mirror was removed and the canary steps began. */
  outcome: 'advanced' | 'aborted' | 'held-inconclusive' | 'unfinished';
}

export type Ending =
  | { kind: 'completed'; minute: number }
  | { kind: 'aborted'; minute: number; limit: string; failures: number }
  | { kind: 'held-inconclusive'; minute: number; limit: string; inconclusive: number }
  | { kind: 'held-manual'; minute: number; stepIndex: number }
  | { kind: 'unfinished'; minute: number };

export interface AlertFiring {
  alert: string;
  /** Segment value the alert is about, or null. */
  segment: string | null;
  firstFiringMinute: number;
}

export interface Simulation {
  policy: string;
  ending: Ending;
  shadow: ShadowOutcome | null;
  steps: StepOutcome[];
  measurements: Measurement[];
  alerts: AlertFiring[];
  /**
   * Webhook gates, which the simulation cannot judge: Argo asks their services over HTTP and the
   * scenario holds no answers, so the ending assumes they pass.
   */
  unsimulatedWebhooks: string[];
  /** Alerts firing at each evaluation minute 0…scenario.minutes: `alert` or `alert{segment}`. */
  firingByMinute: string[][];
  /** The series the simulation produced, minute by minute; `promtool` replays these. */
  trace: Minute[];
}

export function simulate(policy: ResolvedPolicy, scenario: Scenario): Simulation {
  if (policy.versions.candidate === null) throw new Error(`policy ${policy.name} has no candidate, so there is no rollout to simulate`);
  const phases = timeline(policy);
  const interval = minutes(policy.gates.intervalSeconds);
  // The background run starts at the mirror step when there is one (routing/steps.ts analysisStartingStep).
  const analysisStart = phases.find((p) => p.kind === 'shadow' || p.kind === 'step')!.startMinute;
  const metrics: MetricCounters[] = analysisMetrics(policy).map((planned) => ({
    name: planned.name,
    limit: planned.limit,
    firstMinute: analysisStart + minutes(planned.initialDelaySeconds),
    count: planned.count,
    inconclusiveLimit: planned.inconclusiveLimit,
    measured: 0,
    failed: 0,
    inconclusive: 0,
  }));
  const trace: Minute[] = [];
  const measurements: Measurement[] = [];
  const alerts = new Alerts(policy, scenario);
  let ending: Ending | null = null;
  let phaseIndex = 0;
  let weightPercent = 0;
  let mirrorPercent = 0;

  const windowAt = (t: number, bySegment: boolean): Window => ({
    stable: windowCounts(trace, t - interval, t, 'stable', bySegment),
    candidate: windowCounts(trace, t - interval, t, 'candidate', bySegment),
  });

  for (let t = 0; t <= scenario.minutes; t++) {
    if (ending === null) {
      for (const metric of metrics) {
        if (t < metric.firstMinute || (t - metric.firstMinute) % interval !== 0) continue;
        // A metric that reached its `count` is Successful and measures no more (analysis-metrics.ts).
        if (metric.count !== null && metric.measured >= metric.count) continue;
        metric.measured++;
        const { limit } = metric;
        const values = measure(limit, windowAt(t, limit.gate.segment !== null && limit.gate.segment === scenario.segments?.label), scenario.latencyBucketsMs);
        const verdict = [...values.values()].some((v) => v > limit.threshold) ? 'failed' : values.size > 0 ? 'successful' : 'inconclusive';
        measurements.push({ minute: t, limit: metric.name, verdict, values: Object.fromEntries([...values].map(([k, v]) => [k ?? '', v])) });
        if (verdict === 'failed') metric.failed++;
        if (verdict === 'inconclusive') metric.inconclusive++;
        ending = worse(ending, metricEnding(metric, policy.gates.failureLimit, t));
      }
    }
    alerts.evaluate(t, (bySegment) => windowAt(t, bySegment), ending?.kind === 'aborted');
    if (ending === null) {
      while (phaseIndex < phases.length - 1 && phases[phaseIndex]!.endMinute !== null && phases[phaseIndex]!.endMinute! <= t) phaseIndex++;
      const phase = phases[phaseIndex]!;
      ({ weightPercent, mirrorPercent } = phase);
      if (phase.endMinute === null) ending = phase.weightPercent >= 100 ? { kind: 'completed', minute: t } : { kind: 'held-manual', minute: t, stepIndex: phase.stepIndex! };
      // Only the soak, the last phase, ends on a timer: the rollout completes then.
      else if (phase.endMinute <= t) ending = { kind: 'completed', minute: t };
    } else if (ending.kind === 'aborted') {
      weightPercent = 0;
      mirrorPercent = 0;
    }
    if (t < scenario.minutes) trace.push(minuteOfTraffic(policy, scenario, t, weightPercent, mirrorPercent));
  }
  ending ??= { kind: 'unfinished', minute: scenario.minutes };
  return {
    policy: policy.name,
    ending,
    shadow: shadowOutcome(phases, ending),
    steps: stepOutcomes(phases, ending),
    measurements,
    alerts: alerts.firings,
    unsimulatedWebhooks: policy.gates.webhooks.map((gate) => gate.name),
    firingByMinute: alerts.byMinute,
    trace,
  };
}

interface MetricCounters {
  /** The AnalysisTemplate metric's name: the limit id, or `<limit>-shadow` during the shadow phase. */
  name: string;
  limit: GateLimit;
  firstMinute: number;
  count: number | null;
  inconclusiveLimit: number;
  measured: number;
  /** Totals over the run, as Argo keeps them (MetricResult.Failed, .Inconclusive), not consecutive. */
  failed: number;
  inconclusive: number;
}

/**
 * A metric's phase once a measurement is counted, as Argo Rollouts assesses it
 * (analysis/analysis.go `assessMetricFailureInconclusiveOrError`): failed > failureLimit is
 * Failed, then inconclusive > inconclusiveLimit is Inconclusive, overriding it. A completed metric
 * ends the run (utils/analysis/helpers.go `IsTerminating`); the Rollout aborts on a Failed run and
 * pauses with `InconclusiveAnalysis` on an Inconclusive one, until a person resumes it
 * (rollout/analysis.go `reconcileBackgroundAnalysisRun`).
 */
function metricEnding(metric: MetricCounters, failureLimit: number, minute: number): Ending | null {
  if (metric.inconclusive > metric.inconclusiveLimit) return { kind: 'held-inconclusive', minute, limit: metric.name, inconclusive: metric.inconclusive };
  if (metric.failed > failureLimit) return { kind: 'aborted', minute, limit: metric.name, failures: metric.failed };
  return null;
}

/** The run takes its worst metric's phase; Failed is worse than Inconclusive (helpers.go `analysisStatusOrder`). */
function worse(current: Ending | null, next: Ending | null): Ending | null {
  if (current === null) return next;
  return next?.kind === 'aborted' && current.kind !== 'aborted' ? next : current;
}

function shadowOutcome(phases: Phase[], ending: Ending): ShadowOutcome | null {
  const phase = phases.find((p) => p.kind === 'shadow');
  if (!phase || phase.startMinute > ending.minute) return null;
  const base = { mirrorPercent: phase.mirrorPercent, startMinute: phase.startMinute, endMinute: phase.endMinute! };
  if (ending.minute >= phase.endMinute! || ending.kind === 'completed' || ending.kind === 'held-manual') return { ...base, outcome: 'advanced' };
  return { ...base, outcome: ending.kind };
}

function stepOutcomes(phases: Phase[], ending: Ending): StepOutcome[] {
  return phases.flatMap((phase): StepOutcome[] => {
    if (phase.kind !== 'step' || phase.startMinute > ending.minute) return [];
    const base = { stepIndex: phase.stepIndex!, weightPercent: phase.weightPercent, startMinute: phase.startMinute, endMinute: phase.endMinute, soak: phase.soak === true };
    const endedHere = phase.endMinute === null || ending.minute < phase.endMinute || (phase.soak === true && ending.kind === 'completed');
    if (!endedHere) return [{ ...base, outcome: 'advanced' }];
    return [{ ...base, outcome: ending.kind }];
  });
}

/** Prometheus alert state per (alert, segment value): pending since a minute, firing after `for`. */
class Alerts {
  readonly firings: AlertFiring[] = [];
  readonly byMinute: string[][] = [];
  private readonly activeSince = new Map<string, number>();

  constructor(private readonly policy: ResolvedPolicy, private readonly scenario: Scenario) {}

  /** `aborted`: Argo's `rollout_info{phase="Abort"}` is present, which silences the silence alert. */
  evaluate(t: number, windowAt: (bySegment: boolean) => Window, aborted: boolean): void {
    const active: Array<{ alert: string; segment: string | null; forMinutes: number }> = [];
    for (const limit of gateLimits(this.policy)) {
      const bySegment = limit.gate.segment !== null && limit.gate.segment === this.scenario.segments?.label;
      for (const [segment, value] of measure(limit, windowAt(bySegment), this.scenario.latencyBucketsMs)) {
        if (value > limit.threshold) active.push({ alert: alertName(limit.id), segment, forMinutes: minutes(limit.gate.forSeconds) });
      }
    }
    if (!aborted && this.canarySilent(windowAt(false))) active.push({ alert: ALERT_CANARY_SILENT, segment: null, forMinutes: minutes(this.policy.gates.intervalSeconds) });
    const firing: string[] = [];
    const seen = new Set<string>();
    for (const { alert, segment, forMinutes } of active) {
      const key = segment === null ? alert : `${alert}{${segment}}`;
      seen.add(key);
      const since = this.activeSince.get(key) ?? t;
      this.activeSince.set(key, since);
      if (t - since < forMinutes) continue;
      firing.push(key);
      if (t - since === forMinutes) this.firings.push({ alert, segment, firstFiringMinute: t });
    }
    for (const key of [...this.activeSince.keys()]) if (!seen.has(key)) this.activeSince.delete(key);
    this.byMinute.push(firing.sort());
  }

  /** `stable ≥ minRequests unless canary > 0` over the unsegmented request counts. */
  private canarySilent(window: Window): boolean {
    const stable = window.stable.get(null)?.requests ?? 0;
    const canary = window.candidate.get(null)?.requests ?? 0;
    return stable >= this.policy.gates.minRequests && !(canary > 0);
  }
}
