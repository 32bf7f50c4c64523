/**
 * One gate limit's measurement over one window, computed the way the recording rules and gate
 * queries compute it in Prometheus (src/gates/records.ts, src/gates/queries.ts): one value per
 * segment value, absent where a compared version served fewer than the gate's guard.
 */
import { DRIFT_PSEUDO_COUNT } from '../gates/records.js';
import type { GateLimit } from '../gates/queries.js';
import type { Counts } from './trace.js';

export type Window = Record<'stable' | 'candidate', Map<string | null, Counts>>;

/** Values by segment value (null for an unsegmented gate), after the minimum-request guard. */
export function measure(limit: GateLimit, window: Window, latencyBucketsMs: number[]): Map<string | null, number> {
  const out = new Map<string | null, number>();
  for (const [segment, canary] of window.candidate) {
    const stable = window.stable.get(segment);
    const enough = (c: Counts | undefined): boolean => c !== undefined && observations(limit, c) >= limit.gate.minRequests;
    if (!enough(canary) || (limit.relative && !enough(stable))) continue;
    out.set(segment, value(limit, canary, stable!, latencyBucketsMs));
  }
  return out;
}

function observations(limit: GateLimit, counts: Counts): number {
  const gate = limit.gate;
  if (gate.metric === 'drift') return sum(counts.scores[gate.name]!);
  if (gate.metric === 'ratio') return counts.ratios[gate.name]!.denominator;
  return counts.requests;
}

function value(limit: GateLimit, canary: Counts, stable: Counts | undefined, latencyBucketsMs: number[]): number {
  const gate = limit.gate;
  switch (gate.metric) {
    case 'errorRate': {
      const rate = (c: Counts): number => c.errors / c.requests;
      return limit.relative ? (rate(canary) - rate(stable!)) * 100 : rate(canary) * 100;
    }
    case 'latency': {
      const quantile = (c: Counts): number => histogramQuantile(gate.percentile / 100, latencyBucketsMs, c.latency);
      return limit.relative ? (quantile(canary) / quantile(stable!) - 1) * 100 : quantile(canary);
    }
    case 'ratio': {
      const rate = (c: Counts): number => c.ratios[gate.name]!.numerator / c.ratios[gate.name]!.denominator;
      const [from, to] = gate.better === 'higher' ? [rate(stable!), rate(canary)] : [rate(canary), rate(stable!)];
      return limit.unit === 'pp' ? (from - to) * 100 : ((from - to) / rate(stable!)) * 100;
    }
    case 'drift': {
      const pc = probabilities(canary.scores[gate.name]!);
      const ps = probabilities(stable!.scores[gate.name]!);
      return gate.method === 'psi'
        ? sum(pc.map((c, i) => (c - ps[i]!) * Math.log(c / ps[i]!)))
        : sum(pc.map((c, i) => {
            const m = (c + ps[i]!) / 2;
            return 0.5 * c * Math.log2(c / m) + 0.5 * ps[i]! * Math.log2(ps[i]! / m);
          }));
    }
  }
}

/** Smoothed bucket probabilities, as the `bucket_prob` recording rule computes them. */
function probabilities(counts: number[]): number[] {
  const total = sum(counts) + DRIFT_PSEUDO_COUNT * counts.length;
  return counts.map((c) => (c + DRIFT_PSEUDO_COUNT) / total);
}

/**
 * Prometheus' histogram_quantile (promql/quantile.go): find the first bucket whose cumulative
 * count reaches q × total and interpolate linearly inside it (from 0 for the first bucket); a rank
 * in the +Inf bucket answers the highest finite bound; no observations answer NaN.
 */
export function histogramQuantile(q: number, boundsMs: number[], counts: number[]): number {
  const cumulative: number[] = [];
  counts.reduce((acc, c, i) => (cumulative[i] = acc + c), 0);
  const total = cumulative[cumulative.length - 1]!;
  if (!(total > 0)) return NaN;
  const rank = q * total;
  const b = cumulative.slice(0, -1).findIndex((c) => c >= rank);
  if (b === -1) return boundsMs[boundsMs.length - 1]!;
  const start = b === 0 ? 0 : boundsMs[b - 1]!;
  const below = b === 0 ? 0 : cumulative[b - 1]!;
  return start + (boundsMs[b]! - start) * ((rank - below) / (cumulative[b]! - below));
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
