/**
 * Replay a scenario through a policy's rollout, minute by minute, with the semantics of what
 * modelgate compiles:
 * - Analysis (src/targets/argo-analysis.ts): starts with the first canary step and, after an
 *   `initialDelay` of one interval, measures every gate limit every `interval` over the last one. A measurement fails
 *   when any value exceeds the threshold, succeeds when there are values and none does, and is
 *   inconclusive when the guard left none. More than `failureLimit` failures abort the rollout
 *   (the canary weight drops to 0); more than `failureLimit` inconclusive ones (its
 *   `inconclusiveLimit`) pause it for a person. At the same minute a measurement comes before a
 *   step change. Reaching the final step completes the rollout and ends the analysis.
 * - Alerts (src/targets/prometheus.ts): evaluated every minute on the same series, whatever the
 *   rollout does; an alert fires once its condition has held for the gate's `for`.
 */
import { ALERT_CANARY_SILENT, alertName } from '../names.js';
import { gateLimits } from '../gates/queries.js';
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
  steps: StepOutcome[];
  measurements: Measurement[];
  alerts: AlertFiring[];
  /** Alerts firing at each evaluation minute 0…scenario.minutes: `alert` or `alert{segment}`. */
  firingByMinute: string[][];
  /** The series the simulation produced, minute by minute; `promtool` replays these. */
  trace: Minute[];
}

export function simulate(policy: ResolvedPolicy, scenario: Scenario): Simulation {
  if (policy.versions.candidate === null) throw new Error(`policy ${policy.name} has no candidate, so there is no rollout to simulate`);
  const phases = timeline(policy);
  const limits = gateLimits(policy);
  const interval = minutes(policy.gates.intervalSeconds);
  const analysisStart = phases.find((p) => p.kind === 'step')!.startMinute;
  const counts = new Map(limits.map((l) => [l.id, { failed: 0, inconclusive: 0 }]));
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
    if (ending === null && t > analysisStart && (t - analysisStart) % interval === 0) {
      for (const limit of limits) {
        const values = measure(policy, limit, windowAt(t, limit.gate.segment !== null && limit.gate.segment === scenario.segments?.label), scenario.latencyBucketsMs);
        const verdict = [...values.values()].some((v) => v > limit.threshold) ? 'failed' : values.size > 0 && [...values.values()].every((v) => v <= limit.threshold) ? 'successful' : 'inconclusive';
        measurements.push({ minute: t, limit: limit.id, verdict, values: Object.fromEntries([...values].map(([k, v]) => [k ?? '', v])) });
        const count = counts.get(limit.id)!;
        if (verdict === 'failed' && ++count.failed > policy.gates.failureLimit) ending ??= { kind: 'aborted', minute: t, limit: limit.id, failures: count.failed };
        if (verdict === 'inconclusive' && ++count.inconclusive > policy.gates.failureLimit) ending ??= { kind: 'held-inconclusive', minute: t, limit: limit.id, inconclusive: count.inconclusive };
      }
    }
    alerts.evaluate(t, (bySegment) => windowAt(t, bySegment));
    if (ending === null) {
      while (phases[phaseIndex]!.endMinute !== null && phases[phaseIndex]!.endMinute! <= t) phaseIndex++;
      const phase = phases[phaseIndex]!;
      ({ weightPercent, mirrorPercent } = phase);
      if (phase.endMinute === null) ending = phase.weightPercent >= 100 ? { kind: 'completed', minute: t } : { kind: 'held-manual', minute: t, stepIndex: phase.stepIndex! };
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
    steps: stepOutcomes(phases, ending),
    measurements,
    alerts: alerts.firings,
    firingByMinute: alerts.byMinute,
    trace,
  };
}

function stepOutcomes(phases: Phase[], ending: Ending): StepOutcome[] {
  return phases.flatMap((phase): StepOutcome[] => {
    if (phase.kind !== 'step' || phase.startMinute > ending.minute) return [];
    const base = { stepIndex: phase.stepIndex!, weightPercent: phase.weightPercent, startMinute: phase.startMinute, endMinute: phase.endMinute };
    const endedHere = phase.endMinute === null || ending.minute < phase.endMinute;
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

  evaluate(t: number, windowAt: (bySegment: boolean) => Window): void {
    const active: Array<{ alert: string; segment: string | null; forMinutes: number }> = [];
    for (const limit of gateLimits(this.policy)) {
      const bySegment = limit.gate.segment !== null && limit.gate.segment === this.scenario.segments?.label;
      for (const [segment, value] of measure(this.policy, limit, windowAt(bySegment), this.scenario.latencyBucketsMs)) {
        if (value > limit.threshold) active.push({ alert: alertName(limit.id), segment, forMinutes: minutes(limit.gate.forSeconds) });
      }
    }
    if (this.canarySilent(windowAt(false))) active.push({ alert: ALERT_CANARY_SILENT, segment: null, forMinutes: minutes(this.policy.gates.intervalSeconds) });
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
