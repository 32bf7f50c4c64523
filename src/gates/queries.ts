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
 * src/analysis/gate-schedule.ts) requests (observations, for drift; denominator events, for a
 * ratio) in the interval:
 * relative limits need both versions, absolute limits only the canary. Inconclusive is neither a
 * pass nor a failure: Argo counts it against `inconclusiveLimit`, and an alert stays silent.
 */
import type { DriftGate, ErrorRateGate, Gate, LatencyGate, RatioGate, ResolvedPolicy } from '../resolve/policy.js';
import { rolloutAborted } from './argo-rollouts-metrics.js';
import { ISTIO_SERVICE_LABEL, ISTIO_VERSION_LABEL, routedHost } from './istio.js';
import { bin, call, eq, num, selector, sumBy, type Expr } from './promql.js';
import { unlessServedVersionMismatch } from './served-version.js';
import { BUCKET_LABEL, driftSeries, errorRatioSeries, latencySeries, ratioSeries, readsClientView, requestsSeries, type ReporterView } from './records.js';

/** Which versions to compare: literal numbers in rules, Argo argument placeholders in analysis. */
export interface VersionPair {
  stable: string;
  canary: string;
}

/**
 * When a measurement is taken: during the shadow phase the candidate only answers mirrored
 * requests, which the callers' proxies never see, so every gate reads the serving proxies there.
 */
export type AnalysisPhase = 'shadow' | 'canary';

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
  measurement(versions: VersionPair, phase?: AnalysisPhase): Expr;
}

export function gateLimits(policy: ResolvedPolicy): GateLimit[] {
  // While a pod serves another version than its label says, no gate judges either version.
  return policy.gates.checks
    .flatMap((gate) => limitsOf(policy, gate))
    .map((limit) => ({ ...limit, measurement: (versions, phase) => unlessServedVersionMismatch(policy, limit.measurement(versions, phase)) }));
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
    case 'ratio':
      return ratioLimits(policy, gate);
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

/**
 * Error rate as the caller sees it where there are callers (canary steps: local replies such as a
 * route timeout count, see istio.ts), as the serving proxy sees it in the shadow phase. A
 * segmented gate reads the serving proxies throughout: only they carry the segment label.
 */
function errorRateLimits(policy: ResolvedPolicy, gate: ErrorRateGate): GateLimit[] {
  const ids = limitIds(gate, gate.maxIncreasePp !== null && gate.maxPercent !== null);
  const ratio = (v: VersionPair, phase: AnalysisPhase, role: keyof VersionPair): Expr => errorRatio(policy, gate, v, role, viewOf(gate, phase));
  const limits: GateLimit[] = [];
  if (gate.maxIncreasePp !== null) {
    limits.push({
      id: ids.relative, gate, relative: true, threshold: gate.maxIncreasePp, unit: 'pp', description: 'error rate increase over stable',
      measurement: (v, phase = 'canary') =>
        guarded(policy, gate, v, true, bin('*', bin('-', ratio(v, phase, 'canary'), ratio(v, phase, 'stable')), num(100)), viewOf(gate, phase)),
    });
  }
  if (gate.maxPercent !== null) {
    limits.push({
      id: ids.absolute, gate, relative: false, threshold: gate.maxPercent, unit: '%', description: 'error rate',
      measurement: (v, phase = 'canary') => guarded(policy, gate, v, false, bin('*', ratio(v, phase, 'canary'), num(100)), viewOf(gate, phase)),
    });
  }
  return limits;
}

/** One version's error ratio (0–1) per segment value, as `view` sees it. */
function errorRatio(policy: ResolvedPolicy, gate: ErrorRateGate, versions: VersionPair, role: keyof VersionPair, view: ReporterView): Expr {
  const side = compared(policy, view, versions);
  return pick(errorRatioSeries(policy, gate.segment, view), side.label, side[role], segments(gate));
}

/** Which proxies a gate reads in a phase: the callers' for unsegmented error gates on canary steps, the serving proxies otherwise. */
export function viewOf(gate: Gate, phase: AnalysisPhase): ReporterView {
  return phase === 'canary' && readsClientView(gate) ? 'source' : 'destination';
}

/** How a view tells the versions apart: by version label at the server, by routed host at the caller. */
function compared(policy: ResolvedPolicy, view: ReporterView, versions: VersionPair): { label: string } & VersionPair {
  return view === 'source'
    ? { label: ISTIO_SERVICE_LABEL, canary: routedHost(policy, 'canary'), stable: routedHost(policy, 'stable') }
    : { label: ISTIO_VERSION_LABEL, ...versions };
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

/**
 * How much worse the candidate's ratio is than stable's, positive when worse whichever way is
 * worse: relatively, in percent of stable's ratio (a CTR of 4% falling to 3.8% is 5), or
 * absolutely, in percentage points (0.2). Both compare with stable, so both need both versions.
 */
function ratioLimits(policy: ResolvedPolicy, gate: RatioGate): GateLimit[] {
  const ratio = (v: VersionPair, role: keyof VersionPair): Expr => pick(ratioSeries(policy, gate, 'ratio'), gate.versionLabel, v[role], segments(gate));
  const [from, to] = gate.better === 'higher' ? (['stable', 'canary'] as const) : (['canary', 'stable'] as const);
  const what = `${gate.numerator} per ${gate.denominator}`;
  const limits: GateLimit[] = [];
  if (gate.maxWorsePercent !== null) {
    limits.push({
      id: gate.name, gate, relative: true, threshold: gate.maxWorsePercent, unit: '%', description: `${gate.better === 'higher' ? 'decrease' : 'increase'} of ${what} relative to stable`,
      measurement: (v) => guarded(policy, gate, v, true, bin('*', bin('/', bin('-', ratio(v, from), ratio(v, to)), ratio(v, 'stable')), num(100))),
    });
  }
  if (gate.maxWorsePp !== null) {
    limits.push({
      id: gate.maxWorsePercent !== null ? `${gate.name}-pp` : gate.name, gate, relative: true, threshold: gate.maxWorsePp, unit: 'pp',
      description: `${gate.better === 'higher' ? 'drop of' : 'rise of'} ${what} ${gate.better === 'higher' ? 'below' : 'above'} stable in percentage points`,
      measurement: (v) => guarded(policy, gate, v, true, bin('*', bin('-', ratio(v, from), ratio(v, to)), num(100))),
    });
  }
  return limits;
}

function halfTerm(p: Expr, pc: Expr, ps: Expr): Expr {
  const mean = bin('/', bin('+', pc, ps), num(2));
  return bin('*', bin('*', num(0.5), p), call('log2', bin('/', p, mean)));
}

/** Keep the measurement only where the compared versions served enough requests (per segment), counted in the same view. */
function guarded(policy: ResolvedPolicy, gate: Gate, versions: VersionPair, relative: boolean, measurement: Expr, view: ReporterView = 'destination'): Expr {
  const enough = (role: keyof VersionPair): Expr => bin('>=', guardSamples(policy, gate, versions, role, view), num(gate.minRequests));
  const withCanary = bin('and', measurement, enough('canary'));
  return relative ? bin('and', withCanary, enough('stable')) : withCanary;
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
export function guardSamples(policy: ResolvedPolicy, gate: Gate, versions: VersionPair, role: keyof VersionPair, view: ReporterView): Expr {
  if (gate.metric === 'drift') return pick(driftSeries(policy, gate, 'count'), gate.versionLabel, versions[role], segments(gate));
  if (gate.metric === 'ratio') return pick(ratioSeries(policy, gate, 'denominator'), gate.versionLabel, versions[role], segments(gate));
  const side = compared(policy, view, versions);
  return pick(requestsSeries(policy, gate.segment, view), side.label, side[role], segments(gate));
}

/**
 * One version's own level of what a limit compares, per segment value, in the limit's terms:
 * P-latency in ms, error rate and ratio in %. Drift compares two distributions and has no level of its own.
 */
export function versionLevel(policy: ResolvedPolicy, gate: Gate, versions: VersionPair, role: keyof VersionPair, view: ReporterView): Expr | null {
  switch (gate.metric) {
    case 'latency':
      return pick(latencySeries(policy, gate), ISTIO_VERSION_LABEL, versions[role], segments(gate));
    case 'errorRate':
      return bin('*', errorRatio(policy, gate, versions, role, view), num(100));
    case 'drift':
      return null;
    case 'ratio':
      return bin('*', pick(ratioSeries(policy, gate, 'ratio'), gate.versionLabel, versions[role], segments(gate)), num(100));
  }
}
