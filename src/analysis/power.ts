/**
 * Statistical power of a canary schedule: how many requests the candidate must serve for a gate
 * to tell the regression it guards against from noise, at `gates.significance` (one-sided α) and
 * `gates.power`, and how many each step's hold and each measurement window actually give it.
 *
 * Arms are unequal: at weight w the candidate serves w of the traffic and stable 1 − w, so the
 * stable arm is ratio = (1 − w)/w times larger and its rate is known far better. Methods:
 * - error rate: one-sided two-proportion z test with unequal arms, pooled variance under H0
 *   (Fleiss, Levin & Paik, Statistical Methods for Rates and Proportions, 3rd ed., §4.4):
 *   n_c = [z_α·√(p̄q̄(1 + 1/ratio)) + z_β·√(p_c q_c + p_s q_s/ratio)]² / (p_c − p_s)²,
 *   p̄ = (p_c + ratio·p_s)/(1 + ratio). ratio = 1 is the textbook equal-arms formula; ratio → ∞
 *   is the one-sample test against a known rate. Stable's rate is `gates.baselineErrorRate`
 *   (0.5% unless the policy says); the regression is baseline → baseline + maxIncrease
 *   (relative gate) or baseline → max (absolute gate, candidate against the baseline).
 * - latency quantile P_k, relative limit: the quantile test (Conover, Practical Nonparametric
 *   Statistics, 3rd ed., §3.2) as a comparison of exceedance proportions. Under H0 a fraction
 *   1 − k/100 of candidate requests is slower than stable's P_k; if latency is log-normal with
 *   log-sd ASSUMED_LATENCY_LOG_SD and the candidate is slower by the limit (factor 1 + m), the
 *   fraction is q = 1 − Φ(z_k − ln(1 + m)/σ). The two proportions go through the test above.
 *   An absolute limit (`max: 250ms`) needs stable's latency, which the policy does not give.
 * - drift: the score histograms form a 2 × B contingency table; PSI is asymptotically
 *   (1/n_c + 1/n_s)·χ²_{B−1} under H0 (Yurdakul & Naranjo, "Statistical properties of the
 *   population stability index", J. Risk Model Validation 14(4), 2020), so PSI plays the role
 *   of Cohen's w² and n_eff = 1/(1/n_c + 1/n_s) = λ/PSI, λ the noncentrality of Cohen (1988) ch. 7.
 *   JSD in bits is ≈ PSI/(8 ln 2) for small differences (both second-order in p_c − p_s), so a
 *   JSD limit is turned into the equivalent PSI.
 * - ratio (CTR, conversion, approval rate): the two-proportion test above on the denominator's
 *   events, stable at the gate's `expected` ratio and the candidate worse by the limit (relative:
 *   expected × (1 ∓ m); absolute: expected ∓ pp). A request brings `eventsPerRequest` events, so
 *   the events per window are the requests times that; the events of one request are treated
 *   as independent, which overstates the power when they are strongly correlated.
 * Segmented gates are judged per segment value, and the test runs on one value's requests: the
 * numbers here are for the smallest value the gate must judge, whose share of the traffic the
 * policy declares (`traffic.segments[].minShare`) or modelgate assumes (DEFAULT_SEGMENT_SHARE_PERCENT).
 * The arms keep the step's ratio inside a value, since routing does not look at the segment.
 */
import type { DriftGate, ErrorRateGate, Gate, LatencyGate, RatioGate, ResolvedPolicy } from '../resolve/policy.js';
import { chiSquareNoncentrality, normalCdf, normalQuantile } from './distributions.js';

/**
 * Share of the traffic assumed for the smallest judged value of a segment the policy does not
 * size: ten values of equal size. A smaller value is judged once a window gives it enough requests.
 */
export const DEFAULT_SEGMENT_SHARE_PERCENT = 10;

/** Percent of the model's traffic the smallest value a gate judges carries: 100 for an unsegmented gate. */
export function judgedSharePercent(policy: ResolvedPolicy, gate: Gate): number {
  if (gate.segment === null) return 100;
  return policy.traffic.segments.find((segment) => segment.label === gate.segment)?.minSharePercent ?? DEFAULT_SEGMENT_SHARE_PERCENT;
}

/** Log-sd of request latency: σ = 0.5 puts P99 at 3.2 × the median, typical of model serving. */
export const ASSUMED_LATENCY_LOG_SD = 0.5;

export interface ProportionTest {
  /** Rate on stable (and on the candidate under H0). */
  stableRate: number;
  /** Rate on the candidate under the regression to detect. */
  candidateRate: number;
  /** n_stable / n_candidate; Infinity for a known stable rate. */
  ratio: number;
  alpha: number;
  power: number;
}

/** Candidate requests for the one-sided two-proportion z test described above (not rounded). */
export function proportionSampleSize(test: ProportionTest): number {
  const { stableRate: ps, candidateRate: pc, ratio } = test;
  const pooled = Number.isFinite(ratio) ? (pc + ratio * ps) / (1 + ratio) : ps;
  const inverse = Number.isFinite(ratio) ? 1 / ratio : 0;
  const null_ = normalQuantile(1 - test.alpha) * Math.sqrt(pooled * (1 - pooled) * (1 + inverse));
  const alternative = normalQuantile(test.power) * Math.sqrt(pc * (1 - pc) + ps * (1 - ps) * inverse);
  return (null_ + alternative) ** 2 / (pc - ps) ** 2;
}

/** Fraction of a log-normal latency above the old P_k once every request is `factor` times slower. */
export function exceedanceAfterSlowdown(percentile: number, factor: number, logSd: number): number {
  return 1 - normalCdf(normalQuantile(percentile / 100) - Math.log(factor) / logSd);
}

/** Candidate observations for a PSI limit on `bins` score buckets (not rounded). */
export function driftSampleSize(psi: number, bins: number, ratio: number, alpha: number, power: number): number {
  const effective = chiSquareNoncentrality(bins - 1, alpha, power) / psi;
  return effective * (1 + (Number.isFinite(ratio) ? 1 / ratio : 0));
}

export interface Requirement {
  /** Candidate requests (observations, for drift) needed in one judged sample. */
  candidateRequests: number;
  /** The regression in words, for messages: `an error rate rising from 0.5% to 1%`. */
  regression: string;
  /** What is counted, for messages: `requests`, or a ratio gate's denominator events. */
  samples: string;
}

/** What a gate needs at a candidate weight; null when the policy lacks what the method needs. */
export function requirement(policy: ResolvedPolicy, gate: Gate, weightPercent: number): Requirement | null {
  const ratio = (100 - weightPercent) / weightPercent;
  const { significance: alpha, power } = policy.gates;
  switch (gate.metric) {
    case 'errorRate':
      return errorRateRequirement(gate, policy.gates.baselineErrorRatePercent / 100, ratio, alpha, power);
    case 'latency':
      return latencyRequirement(gate, ratio, alpha, power);
    case 'drift':
      return driftRequirement(gate, ratio, alpha, power);
    case 'ratio':
      return ratioRequirement(gate, ratio, alpha, power);
  }
}

/**
 * The smaller of the candidate's worse ratios the limits allow: the regression the gate must
 * catch. Counts are denominator events, not requests (samplesPerRequest turns one into the other).
 */
function ratioRequirement(gate: RatioGate, ratio: number, alpha: number, power: number): Requirement | null {
  const stableRate = gate.expectedPercent / 100;
  const sign = gate.better === 'higher' ? -1 : 1;
  const shifts = [
    gate.maxWorsePercent !== null ? (stableRate * gate.maxWorsePercent) / 100 : null,
    gate.maxWorsePp !== null ? gate.maxWorsePp / 100 : null,
  ].filter((shift): shift is number => shift !== null && shift > 0);
  if (shifts.length === 0) return null;
  const candidateRate = stableRate + sign * Math.min(...shifts);
  if (stableRate <= 0 || stableRate >= 1 || candidateRate <= 0 || candidateRate >= 1) return null;
  return {
    candidateRequests: Math.ceil(proportionSampleSize({ stableRate, candidateRate, ratio, alpha, power })),
    regression: `${gate.numerator} per ${gate.denominator} ${sign < 0 ? 'falling' : 'rising'} from ${percent(stableRate)} to ${percent(candidateRate)}`,
    samples: `\`${gate.denominator}\` events`,
  };
}

/** What a gate's samples are per request: denominator events for a ratio gate, one otherwise. */
export function samplesPerRequest(gate: Gate): number {
  return gate.metric === 'ratio' ? gate.eventsPerRequest : 1;
}

function errorRateRequirement(gate: ErrorRateGate, baseline: number, ratio: number, alpha: number, power: number): Requirement | null {
  const [candidateRate, arms] =
    gate.maxIncreasePp !== null ? [baseline + gate.maxIncreasePp / 100, ratio] : [gate.maxPercent! / 100, Infinity];
  if (candidateRate <= baseline || candidateRate >= 1) return null;
  return {
    candidateRequests: Math.ceil(proportionSampleSize({ stableRate: baseline, candidateRate, ratio: arms, alpha, power })),
    regression: `an error rate rising from ${percent(baseline)} to ${percent(candidateRate)}`,
    samples: 'requests',
  };
}

function latencyRequirement(gate: LatencyGate, ratio: number, alpha: number, power: number): Requirement | null {
  if (gate.maxIncreasePercent === null || gate.maxIncreasePercent <= 0) return null;
  const stableRate = 1 - gate.percentile / 100;
  const candidateRate = exceedanceAfterSlowdown(gate.percentile, 1 + gate.maxIncreasePercent / 100, ASSUMED_LATENCY_LOG_SD);
  return {
    candidateRequests: Math.ceil(proportionSampleSize({ stableRate, candidateRate, ratio, alpha, power })),
    regression: `latency ${gate.maxIncreasePercent}% slower (requests above stable's P${gate.percentile}: ${percent(stableRate)} → ${percent(candidateRate)})`,
    samples: 'requests',
  };
}

function driftRequirement(gate: DriftGate, ratio: number, alpha: number, power: number): Requirement {
  const psi = gate.method === 'psi' ? gate.max : gate.max * 8 * Math.LN2;
  const bins = gate.buckets.length + 1;
  return {
    candidateRequests: Math.ceil(driftSampleSize(psi, bins, ratio, alpha, power)),
    regression: `a ${gate.method.toUpperCase()} of ${gate.max} over ${bins} score buckets`,
    samples: 'requests',
  };
}

export interface StepGatePower {
  stepIndex: number;
  weightPercent: number;
  holdSeconds: number;
  gate: Gate;
  requirement: Requirement;
  /** Percent of the traffic in one judged sample: the smallest segment value, or 100. */
  sharePercent: number;
  /** Candidate requests per second in one judged sample. */
  candidateRps: number;
  /** Candidate requests over the whole hold, and over one measurement window. */
  holdRequests: number;
  windowRequests: number;
  /** Shortest hold (or measurement window) that gives the candidate enough requests at this weight. */
  minimumSeconds: number;
}

/** Every timed canary step × every assessable gate; empty when `expectedRps` is unknown. */
export function scheduleDetectability(policy: ResolvedPolicy): StepGatePower[] {
  const rps = policy.traffic.expectedRps;
  if (rps === null) return [];
  return policy.canary.steps.flatMap((step, stepIndex) => {
    if (step.weightPercent >= 100 || step.weightPercent <= 0 || step.holdSeconds === null) return [];
    return policy.gates.checks.flatMap((gate): StepGatePower[] => {
      const needed = requirement(policy, gate, step.weightPercent);
      if (needed === null) return [];
      const sharePercent = judgedSharePercent(policy, gate);
      const candidateRps = (rps * samplesPerRequest(gate) * step.weightPercent * sharePercent) / 100 / 100;
      return [{
        stepIndex,
        weightPercent: step.weightPercent,
        holdSeconds: step.holdSeconds!,
        gate,
        requirement: needed,
        sharePercent,
        candidateRps,
        holdRequests: Math.floor(candidateRps * step.holdSeconds!),
        windowRequests: Math.floor(candidateRps * policy.gates.intervalSeconds),
        minimumSeconds: Math.ceil(needed.candidateRequests / candidateRps),
      }];
    });
  });
}

/**
 * The per-window, per-version minimum-request guard when the policy sets none: what the most
 * demanding gate needs at the smallest canary weight, where traffic is thinnest. Later steps
 * carry proportionally more per window, so the guard binds only where it matters. null when the
 * policy gives no traffic estimate or no canary step.
 */
export function derivedMinRequests(policy: ResolvedPolicy): number | null {
  if (policy.traffic.expectedRps === null) return null;
  const weights = policy.canary.steps.map((s) => s.weightPercent).filter((w) => w > 0 && w < 100);
  if (weights.length === 0) return null;
  const smallest = Math.min(...weights);
  // In requests: a ratio gate's events come eventsPerRequest to a request.
  const needs = policy.gates.checks.map((gate) => Math.ceil((requirement(policy, gate, smallest)?.candidateRequests ?? 0) / samplesPerRequest(gate)));
  return needs.length === 0 ? null : Math.max(...needs);
}

function percent(rate: number): string {
  return `${Number((rate * 100).toPrecision(3))}%`;
}
