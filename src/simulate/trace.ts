/**
 * What each version served, minute by minute: requests, errors, latency, score histogram and
 * ratio counter counts, per segment value. Counts are the expected values (rps × 60 × shares), not random
 * draws, so a replay is deterministic and the same series can be handed to promtool.
 */
import type { ResolvedPolicy } from '../resolve/policy.js';
import { behaviourAt, rpsAt, segmentShares, type Role, type Scenario } from './scenario.js';

export interface Counts {
  requests: number;
  errors: number;
  /** Per latency bucket of the scenario, +Inf last (not cumulative). */
  latency: number[];
  /** Per drift gate name: per score bucket, +Inf last (not cumulative). */
  scores: Record<string, number[]>;
  /** Per ratio gate name: the counters' increases. */
  ratios: Record<string, { numerator: number; denominator: number }>;
}

export interface Cell {
  role: Role;
  /** null when the scenario does not segment its traffic. */
  segment: string | null;
  counts: Counts;
}

/** One minute: every (version, segment value) cell, in a stable order. */
export type Minute = Cell[];

export function minuteOfTraffic(policy: ResolvedPolicy, scenario: Scenario, minute: number, weightPercent: number, mirrorPercent: number): Minute {
  const total = rpsAt(scenario, minute) * 60;
  const driftGates = policy.gates.checks.flatMap((g) => (g.metric === 'drift' ? [g.name] : []));
  const ratioGates = policy.gates.checks.flatMap((g) => (g.metric === 'ratio' ? [g] : []));
  const shares: Record<Role, number> = { stable: 1 - weightPercent / 100, candidate: (weightPercent + mirrorPercent) / 100 };
  return (['stable', 'candidate'] as const).flatMap((role) =>
    segmentShares(scenario).map(([segment, share]): Cell => {
      const requests = total * shares[role] * share;
      const behaviour = behaviourAt(scenario, role, minute, segment);
      return {
        role,
        segment,
        counts: {
          requests,
          errors: requests * behaviour.errorRate,
          latency: behaviour.latency.map((f) => requests * f),
          scores: Object.fromEntries(driftGates.map((name) => [name, behaviour.scores[name]!.map((f) => requests * f)])),
          ratios: Object.fromEntries(ratioGates.map((gate) => {
            const denominator = requests * gate.eventsPerRequest;
            return [gate.name, { numerator: denominator * (behaviour.ratios[gate.name] ?? gate.expectedPercent / 100), denominator }];
          })),
        },
      };
    }),
  );
}

/** Sum of the cells of `role` over minutes [from, to), grouped by segment value (or all together). */
export function windowCounts(trace: readonly Minute[], from: number, to: number, role: Role, bySegment: boolean): Map<string | null, Counts> {
  const out = new Map<string | null, Counts>();
  for (let m = Math.max(0, from); m < to; m++) {
    for (const cell of trace[m]!) {
      if (cell.role !== role) continue;
      const key = bySegment ? cell.segment : null;
      const sum = out.get(key);
      out.set(key, sum ? add(sum, cell.counts) : cell.counts);
    }
  }
  return out;
}

function add(a: Counts, b: Counts): Counts {
  const plus = (x: number[], y: number[]): number[] => x.map((v, i) => v + y[i]!);
  return {
    requests: a.requests + b.requests,
    errors: a.errors + b.errors,
    latency: plus(a.latency, b.latency),
    scores: Object.fromEntries(Object.entries(a.scores).map(([name, values]) => [name, plus(values, b.scores[name]!)])),
    ratios: Object.fromEntries(Object.entries(a.ratios).map(([name, r]) => [name, { numerator: r.numerator + b.ratios[name]!.numerator, denominator: r.denominator + b.ratios[name]!.denominator }])),
  };
}
