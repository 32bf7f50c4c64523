/**
 * Every gate's expression, written once. The Prometheus alerts, the Argo Rollouts
 * AnalysisTemplate and `simulate` all take their query and threshold from here, so they cannot
 * disagree about what a regression is.
 *
 * A measurement is the value of `measurement()` at one instant: one sample per segment value
 * (one sample in all for an unsegmented gate), computed over the last gate interval from the
 * recorded series in records.ts. A limit is violated when a sample is greater than `threshold`.
 * A measurement is inconclusive, and has no sample for that segment, when a version it compares
 * served fewer than the gate's guard (`gate.minRequests`, per segment value; see
 * src/analysis/gate-schedule.ts) requests (observations, for drift) in the interval:
 * relative limits need both versions, absolute limits only the canary. Inconclusive is neither a
 * pass nor a failure: Argo counts it against `inconclusiveLimit`, and an alert stays silent.
 */
import type { DriftGate, ErrorRateGate, Gate, LatencyGate, ResolvedPolicy } from '../resolve/policy.js';
import { rolloutAborted } from './argo-rollouts-metrics.js';
import { ISTIO_VERSION_LABEL } from './istio.js';
import { bin, call, eq, num, selector, sumBy, type Expr } from './promql.js';
import { BUCKET_LABEL, driftSeries, errorRatioSeries, latencySeries, requestsSeries } from './records.js';

/** Which versions to compare: literal numbers in rules, Argo argument placeholders in analysis. */
export interface VersionPair {
  stable: string;
  canary: string;
}

export interface GateLimit {
  /** Unique within the policy: the gate name, or `<gate>-max` for an absolute limit set beside a relative one. */
  id: string;
  gate: Gate;
  relative: boolean;
  threshold: number;
  /** Unit of the measurement and threshold, for messages: `%`, `pp`, `ms` or empty. */
  unit: string;
  /** What is measured, in words, e.g. `P99 latency increase over stable`. */
  description: string;
  measurement(versions: VersionPair): Expr;
}

export function gateLimits(policy: ResolvedPolicy): GateLimit[] {
  return policy.gates.checks.flatMap((gate) => limitsOf(policy, gate));
}

/** The alert condition: the measurement, kept only where it exceeds the threshold. */
export function violation(limit: GateLimit, versions: VersionPair): Expr {
  return bin('>', limit.measurement(versions), num(limit.threshold));
}

/**
 * The candidate gets no requests while stable gets enough to judge: traffic is not reaching the
 * canary (a route, subset or label mismatch), so a quiet canary must not pass for a healthy one.
 * Except after an abort, when a silent canary is the rollback working: Argo's `rollout_info`
 * says so (where Prometheus does not scrape the controller the alert behaves as before).
 */
export function canarySilence(policy: ResolvedPolicy, versions: VersionPair): Expr {
  const requests = requestsSeries(policy, null);
  const silent = bin(
    'unless',
    bin('>=', pick(requests, ISTIO_VERSION_LABEL, versions.stable, []), num(policy.gates.minRequests)),
    bin('>', pick(requests, ISTIO_VERSION_LABEL, versions.canary, []), num(0)),
  );
  return bin('unless', silent, rolloutAborted(policy), { on: [] });
}

function limitsOf(policy: ResolvedPolicy, gate: Gate): GateLimit[] {
  switch (gate.metric) {
    case 'latency':
      return latencyLimits(policy, gate);
    case 'errorRate':
      return errorRateLimits(policy, gate);
    case 'drift':
      return [driftLimit(policy, gate)];
  }
}

function limitIds(gate: Gate, both: boolean): { relative: string; absolute: string } {
  return { relative: gate.name, absolute: both ? `${gate.name}-max` : gate.name };
}

function latencyLimits(policy: ResolvedPolicy, gate: LatencyGate): GateLimit[] {
  const series = latencySeries(policy, gate);
  const ids = limitIds(gate, gate.maxIncreasePercent !== null && gate.maxMs !== null);
  const p = `P${gate.percentile} latency`;
  const limits: GateLimit[] = [];
  if (gate.maxIncreasePercent !== null) {
    limits.push({
      id: ids.relative, gate, relative: true, threshold: gate.maxIncreasePercent, unit: '%', description: `${p} increase over stable`,
      measurement: (v) =>
        guarded(policy, gate, v, true, bin('*', bin('-', bin('/', pick(series, ISTIO_VERSION_LABEL, v.canary, segments(gate)), pick(series, ISTIO_VERSION_LABEL, v.stable, segments(gate))), num(1)), num(100))),
    });
  }
  if (gate.maxMs !== null) {
    limits.push({
      id: ids.absolute, gate, relative: false, threshold: gate.maxMs, unit: 'ms', description: p,
      measurement: (v) => guarded(policy, gate, v, false, pick(series, ISTIO_VERSION_LABEL, v.canary, segments(gate))),
    });
  }
  return limits;
}

function errorRateLimits(policy: ResolvedPolicy, gate: ErrorRateGate): GateLimit[] {
  const series = errorRatioSeries(policy, gate.segment);
  const ids = limitIds(gate, gate.maxIncreasePp !== null && gate.maxPercent !== null);
  const canary = (v: VersionPair): Expr => pick(series, ISTIO_VERSION_LABEL, v.canary, segments(gate));
  const limits: GateLimit[] = [];
  if (gate.maxIncreasePp !== null) {
    limits.push({
      id: ids.relative, gate, relative: true, threshold: gate.maxIncreasePp, unit: 'pp', description: 'error rate increase over stable',
      measurement: (v) => guarded(policy, gate, v, true, bin('*', bin('-', canary(v), pick(series, ISTIO_VERSION_LABEL, v.stable, segments(gate))), num(100))),
    });
  }
  if (gate.maxPercent !== null) {
    limits.push({
      id: ids.absolute, gate, relative: false, threshold: gate.maxPercent, unit: '%', description: 'error rate',
      measurement: (v) => guarded(policy, gate, v, false, bin('*', canary(v), num(100))),
    });
  }
  return limits;
}

/**
 * PSI = Σ (p_c − p_s)·ln(p_c/p_s) over the score buckets; JSD = ½Σ p_c·log2(p_c/m) + ½Σ p_s·log2(p_s/m)
 * with m = (p_c + p_s)/2, in bits, so it lies between 0 and 1. The probabilities are smoothed
 * (records.ts), so neither is ever infinite or NaN.
 */
function driftLimit(policy: ResolvedPolicy, gate: DriftGate): GateLimit {
  const probabilities = driftSeries(policy, gate, 'bucket_prob');
  const by = [BUCKET_LABEL, ...segments(gate)];
  const method = gate.method === 'psi' ? 'PSI' : 'Jensen–Shannon divergence';
  return {
    id: gate.name, gate, relative: true, threshold: gate.max, unit: '', description: `${method} of ${gate.histogram} between canary and stable`,
    measurement: (v) => {
      const pc = pick(probabilities, gate.versionLabel, v.canary, by);
      const ps = pick(probabilities, gate.versionLabel, v.stable, by);
      const terms =
        gate.method === 'psi'
          ? bin('*', bin('-', pc, ps), call('ln', bin('/', pc, ps)))
          : bin('+', halfTerm(pc, pc, ps), halfTerm(ps, pc, ps));
      return guarded(policy, gate, v, true, sumBy(segments(gate), terms));
    },
  };
}

function halfTerm(p: Expr, pc: Expr, ps: Expr): Expr {
  const mean = bin('/', bin('+', pc, ps), num(2));
  return bin('*', bin('*', num(0.5), p), call('log2', bin('/', p, mean)));
}

/** Keep the measurement only where the compared versions served enough requests (per segment). */
function guarded(policy: ResolvedPolicy, gate: Gate, versions: VersionPair, relative: boolean, measurement: Expr): Expr {
  const enough = (version: string): Expr => bin('>=', guardSamples(policy, gate, version), num(gate.minRequests));
  const withCanary = bin('and', measurement, enough(versions.canary));
  return relative ? bin('and', withCanary, enough(versions.stable)) : withCanary;
}

/** One version's samples of a recorded series, with the version label aggregated away. */
function pick(series: string, versionLabel: string, version: string, by: string[]): Expr {
  return sumBy(by, selector(series, [eq(versionLabel, version)]));
}

function segments(gate: Gate): string[] {
  return gate.segment ? [gate.segment] : [];
}

/**
 * What a gate's guard counts for one version over the last interval, per segment value: requests,
 * or score observations for drift. `status` prints it beside the guard.
 */
export function guardSamples(policy: ResolvedPolicy, gate: Gate, version: string): Expr {
  return gate.metric === 'drift'
    ? pick(driftSeries(policy, gate, 'count'), gate.versionLabel, version, segments(gate))
    : pick(requestsSeries(policy, gate.segment), ISTIO_VERSION_LABEL, version, segments(gate));
}

/**
 * One version's own level of what a limit compares, per segment value, in the limit's terms:
 * P-latency in ms, error rate in %. Drift compares two distributions and has no level of its own.
 */
export function versionLevel(policy: ResolvedPolicy, gate: Gate, version: string): Expr | null {
  switch (gate.metric) {
    case 'latency':
      return pick(latencySeries(policy, gate), ISTIO_VERSION_LABEL, version, segments(gate));
    case 'errorRate':
      return bin('*', pick(errorRatioSeries(policy, gate.segment), ISTIO_VERSION_LABEL, version, segments(gate)), num(100));
    case 'drift':
      return null;
  }
}
