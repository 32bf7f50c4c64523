/**
 * A release's gates as they stand: each AnalysisTemplate metric's own measurement (the gate
 * limit's query, src/gates/queries.ts, in the metric's phase, with the versions the Rollout passes
 * it; the gated shadow's `<limit>-shadow` metrics too), each version's level and samples beside
 * it, and the verdict Argo Rollouts would record for that measurement; and, in label mode, the
 * pods serving another version than their label says, which withhold every gate.
 */
import { analysisArgs } from '../names.js';
import { analysisMetrics, type AnalysisMetric } from '../analysis/analysis-metrics.js';
import type { Expr } from '../gates/promql.js';
import { guardSamples, versionLevel, viewOf, type AnalysisPhase, type GateLimit, type VersionPair } from '../gates/queries.js';
import { POD_VERSION_LABEL, SERVED_VERSION_LABEL, servedVersionMismatch } from '../gates/served-version.js';
import type { ResolvedPolicy } from '../resolve/policy.js';
import { formatDuration } from '../resolve/units.js';
import type { Sample } from './prometheus-api.js';

/** pass: Successful; fail: Failed; not-enough-data: Inconclusive (the guard left no value). */
export type Verdict = 'pass' | 'fail' | 'not-enough-data';

export interface SegmentReading {
  /** Segment value; `""` for an unsegmented gate. */
  segment: string;
  /** The gate's measurement; null where the guard left none. */
  measurement: number | null;
  /** Each version's own level in the gate's unit; null for drift, or where a version served nothing. */
  canary: number | null;
  stable: number | null;
  /** What the guard counts (requests, or score observations for drift) over the last interval. */
  canarySamples: number;
  stableSamples: number;
}

export interface GateReading {
  /** The AnalysisTemplate metric: the limit id, or `<limit>-shadow` for the shadow phase's. */
  limit: string;
  /** When Argo takes this metric's measurements: while the candidate only answers mirrored requests, or on the canary steps. */
  phase: AnalysisPhase;
  description: string;
  unit: string;
  /** Unit of each version's own level: `ms` for latency, `%` for error rate, empty for drift. */
  levelUnit: string;
  relative: boolean;
  threshold: number;
  /** Samples each compared version needs per interval (per segment value). */
  guard: number;
  verdict: Verdict;
  segments: SegmentReading[];
  /** For not-enough-data: when the guard should be met, in words; null otherwise. */
  enoughDataExpected: string | null;
}

/** A pod that answers label-addressed requests with another version than its `version` label says. */
export interface ServedVersionMismatch {
  pod: string;
  servedVersion: string;
  labelVersion: string;
}

export interface ReleaseStatus {
  policy: string;
  namespace: string;
  versions: VersionPair;
  intervalSeconds: number;
  /**
   * Label mode with kube-state-metrics exporting the annotation: the pods whose
   * `modelgate.io/served-version` differs from their label (every gate gives no value while there
   * is one); null where that cannot be seen.
   */
  servedVersionMismatches: ServedVersionMismatch[] | null;
  gates: GateReading[];
  /** Webhook gates: not in Prometheus; their verdicts are in the Rollout's AnalysisRun. */
  webhooks: Array<{ name: string; url: string }>;
}

export type Query = (expr: Expr) => Promise<Sample[]>;

/** The versions the Rollout hands the AnalysisTemplate (names.ts `analysisArgs`). */
export function comparedVersions(policy: ResolvedPolicy): VersionPair {
  const [stable, canary] = analysisArgs(policy).map((arg) => arg.value);
  return { stable: stable!, canary: canary! };
}

export async function releaseStatus(policy: ResolvedPolicy, query: Query): Promise<ReleaseStatus> {
  const versions = comparedVersions(policy);
  const gates: GateReading[] = [];
  for (const metric of analysisMetrics(policy)) gates.push(await readGate(policy, metric, versions, query));
  const servedVersionMismatches = await readServedVersion(policy, query);
  const webhooks = policy.gates.webhooks.map((gate) => ({ name: gate.name, url: gate.url }));
  return { policy: policy.name, namespace: policy.namespace, versions, intervalSeconds: policy.gates.intervalSeconds, servedVersionMismatches, gates, webhooks };
}

/** The same query the AnalysisTemplate's `served-version-mismatch` metric and the alert run. */
async function readServedVersion(policy: ResolvedPolicy, query: Query): Promise<ServedVersionMismatch[] | null> {
  const mismatch = servedVersionMismatch(policy);
  if (mismatch === null) return null;
  const pods = (await query(mismatch)).map((sample) => ({
    pod: sample.labels.pod ?? '',
    servedVersion: sample.labels[SERVED_VERSION_LABEL] ?? '',
    labelVersion: sample.labels[POD_VERSION_LABEL] ?? '',
  }));
  return pods.sort((a, b) => a.pod.localeCompare(b.pod));
}

/**
 * Argo's verdict on the measurement (src/targets/argo-analysis.ts): any value above the threshold
 * fails; values all at or under it pass; no value, or NaN (no comparison holds), is Inconclusive.
 */
export function verdictOf(values: number[], threshold: number): Verdict {
  if (values.some((v) => v > threshold)) return 'fail';
  return values.length > 0 && values.every((v) => v <= threshold) ? 'pass' : 'not-enough-data';
}

async function readGate(policy: ResolvedPolicy, metric: AnalysisMetric, versions: VersionPair, query: Query): Promise<GateReading> {
  const { limit, phase } = metric;
  const gate = limit.gate;
  const bySegment = async (expr: Expr | null): Promise<Map<string, number>> => {
    if (expr === null) return new Map();
    return new Map((await query(expr)).map((sample) => [gate.segment === null ? '' : (sample.labels[gate.segment] ?? ''), sample.value]));
  };
  const view = viewOf(gate, phase);
  const measurement = await bySegment(limit.measurement(versions, phase));
  const canary = await bySegment(versionLevel(policy, gate, versions, 'canary', view));
  const stable = await bySegment(versionLevel(policy, gate, versions, 'stable', view));
  const canarySamples = await bySegment(guardSamples(policy, gate, versions, 'canary', view));
  const stableSamples = await bySegment(guardSamples(policy, gate, versions, 'stable', view));
  const names = [...new Set([...measurement.keys(), ...canary.keys(), ...stable.keys(), ...canarySamples.keys(), ...stableSamples.keys()])].sort();
  const segments = names.map(
    (segment): SegmentReading => ({
      segment,
      measurement: measurement.get(segment) ?? null,
      canary: canary.get(segment) ?? null,
      stable: stable.get(segment) ?? null,
      canarySamples: canarySamples.get(segment) ?? 0,
      stableSamples: stableSamples.get(segment) ?? 0,
    }),
  );
  const verdict = verdictOf([...measurement.values()], limit.threshold);
  return {
    limit: metric.name,
    phase,
    description: limit.description,
    unit: limit.unit,
    levelUnit: gate.metric === 'latency' ? 'ms' : gate.metric === 'errorRate' || gate.metric === 'ratio' ? '%' : '',
    relative: limit.relative,
    threshold: limit.threshold,
    guard: gate.minRequests,
    verdict,
    segments,
    enoughDataExpected: verdict === 'not-enough-data' ? whenEnough(policy, limit, segments) : null,
  };
}

/**
 * When the guard should be met, from what each version served over the last interval. The
 * canary's samples grow with its weight and stable's shrink, so the step whose weight gives the
 * smallest segment the guard is when the measurement can first have a value.
 */
export function whenEnough(policy: ResolvedPolicy, limit: GateLimit, segments: SegmentReading[]): string {
  const guard = limit.gate.minRequests;
  const interval = formatDuration(policy.gates.intervalSeconds);
  if (segments.length === 0 || segments.every((s) => s.canarySamples + s.stableSamples === 0)) {
    return `not until requests arrive: neither version served any in the last ${interval}`;
  }
  // The smallest segment value decides: it is the last to reach the guard.
  const smallest = segments.reduce((a, b) => (b.canarySamples + b.stableSamples < a.canarySamples + a.stableSamples ? b : a));
  const total = smallest.canarySamples + smallest.stableSamples;
  const sharePercent = (100 * smallest.canarySamples) / total;
  const neededPercent = (100 * guard) / total;
  const where = limit.gate.segment === null ? '' : ` of ${limit.gate.segment}=${JSON.stringify(smallest.segment)}`;
  const traffic = `${round(total)} requests${where} per ${interval} in all`;
  const canaryShort = segments.some((s) => s.canarySamples < guard);
  if (canaryShort) {
    if (sharePercent >= neededPercent) return `within ${interval}: at its current share (${round(sharePercent)}%) the canary's window is still filling`;
    const step = policy.canary.steps.findIndex((s) => s.weightPercent >= neededPercent && s.weightPercent > sharePercent);
    if (step >= 0) return `at step ${step + 1} (${policy.canary.steps[step]!.weightPercent}%): the canary needs ${round(neededPercent)}% of the ${traffic}`;
    return `at no step: the canary would need ${round(neededPercent)}% of the ${traffic}`;
  }
  if (!(limit.relative && segments.some((s) => s.stableSamples < guard))) {
    return 'not by waiting: both versions served enough, yet the measurement has no value (NaN)';
  }
  if (100 - sharePercent >= neededPercent) return `within ${interval}: stable's window is still filling`;
  return `not while the canary takes more than ${round(100 - neededPercent)}%: stable needs ${round(neededPercent)}% of the ${traffic}`;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
