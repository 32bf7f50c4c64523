/**
 * A stage's gates over its soak: every measurement the AnalysisTemplate takes in the window (one
 * per gate interval, each covering the interval before it), read as `status` reads one
 * (gate-status.ts `releaseStatus`), and summed up per gate limit as the evidence a promotion to
 * the next stage carries. Green means every measurement of every gate limit passed: a failing
 * one, or one without enough data to judge, is a soak that did not show the version healthy.
 */
import type { Expr } from '../gates/promql.js';
import type { VersionPair } from '../gates/queries.js';
import type { ResolvedPolicy } from '../resolve/policy.js';
import { releaseStatus, type GateReading, type Verdict } from './gate-status.js';
import type { Sample } from './prometheus-api.js';

/** An instant query at a given Unix time. */
export type QueryAt = (expr: Expr, timeSeconds: number) => Promise<Sample[]>;

/** A gate limit over the soak: what `status` says of it, for every measurement of the window. */
export interface SoakGate extends Pick<GateReading, 'limit' | 'description' | 'unit' | 'levelUnit' | 'relative' | 'threshold' | 'guard'> {
  /** Each measurement's verdict, in time order. */
  verdicts: Array<{ timeSeconds: number; verdict: Verdict }>;
  /** The highest measured value (the closest to failing, or the failure); null if none had a value. */
  worst: number | null;
  /** Each version's level over the window (lowest, highest); null where it had none. */
  canary: { low: number; high: number } | null;
  stable: { low: number; high: number } | null;
  /** The fewest samples a measurement had per version. */
  fewestCanarySamples: number;
  fewestStableSamples: number;
}

export interface SoakEvidence {
  namespace: string;
  policy: string;
  versions: VersionPair;
  fromSeconds: number;
  toSeconds: number;
  intervalSeconds: number;
  gates: SoakGate[];
}

/**
 * `released`: the stage's policy with the versions of the release that soaked (the promoted
 * version as candidate, the one it replaced as stable), so the queries select what the
 * AnalysisRun compared. The window ends at `endSeconds` and is the policy's soak long.
 */
export async function soakEvidence(released: ResolvedPolicy, soakSeconds: number, endSeconds: number, query: QueryAt): Promise<SoakEvidence> {
  const interval = released.gates.intervalSeconds;
  const count = Math.max(1, Math.floor(soakSeconds / interval));
  const times = Array.from({ length: count }, (_, k) => endSeconds - (count - 1 - k) * interval);
  const readings: Array<{ timeSeconds: number; gates: GateReading[] }> = [];
  let versions: VersionPair | null = null;
  for (const timeSeconds of times) {
    const status = await releaseStatus(released, (expr) => query(expr, timeSeconds));
    versions = status.versions;
    readings.push({ timeSeconds, gates: status.gates });
  }
  const limits = readings[0]!.gates.map((gate) => gate.limit);
  return {
    namespace: released.namespace,
    policy: released.name,
    versions: versions!,
    fromSeconds: endSeconds - soakSeconds,
    toSeconds: endSeconds,
    intervalSeconds: interval,
    gates: limits.map((limit) => summarize(readings.map(({ timeSeconds, gates }) => ({ timeSeconds, gate: gates.find((g) => g.limit === limit)! })))),
  };
}

/** The gate limits that did not pass every measurement of the soak. */
export function notGreen(evidence: SoakEvidence): SoakGate[] {
  return evidence.gates.filter((gate) => gate.verdicts.some(({ verdict }) => verdict !== 'pass'));
}

function summarize(readings: Array<{ timeSeconds: number; gate: GateReading }>): SoakGate {
  const segments = readings.flatMap(({ gate }) => gate.segments);
  const measured = segments.flatMap((s) => (s.measurement === null ? [] : [s.measurement]));
  const { limit, description, unit, levelUnit, relative, threshold, guard } = readings[0]!.gate;
  return {
    limit,
    description,
    unit,
    levelUnit,
    relative,
    threshold,
    guard,
    verdicts: readings.map(({ timeSeconds, gate }) => ({ timeSeconds, verdict: gate.verdict })),
    worst: measured.length === 0 ? null : Math.max(...measured),
    canary: range(segments.map((s) => s.canary)),
    stable: range(segments.map((s) => s.stable)),
    fewestCanarySamples: readings.reduce((low, { gate }) => Math.min(low, fewest(gate, 'canarySamples')), Infinity),
    fewestStableSamples: readings.reduce((low, { gate }) => Math.min(low, fewest(gate, 'stableSamples')), Infinity),
  };
}

/** A measurement with no series at all had no samples. */
function fewest(gate: GateReading, key: 'canarySamples' | 'stableSamples'): number {
  return gate.segments.length === 0 ? 0 : Math.min(...gate.segments.map((s) => s[key]));
}

function range(values: Array<number | null>): { low: number; high: number } | null {
  const known = values.filter((v): v is number => v !== null && Number.isFinite(v));
  return known.length === 0 ? null : { low: Math.min(...known), high: Math.max(...known) };
}
