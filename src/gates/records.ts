/**
 * Recording rules: per version (and per segment value, for segmented gates), what the gates need,
 * computed over one gate interval so one sample is one measurement. The gate queries
 * (queries.ts) compare these series between canary and stable; dashboards plot them.
 */
import { recordedSeries } from '../names.js';
import type { DriftGate, Gate, LatencyGate, RatioGate, ResolvedPolicy } from '../resolve/policy.js';
import {
  clientMatchers,
  GRPC_SERVER_ERROR,
  HTTP_SERVER_ERROR,
  ISTIO_DURATION_BUCKET,
  ISTIO_REQUESTS,
  ISTIO_SERVICE_LABEL,
  ISTIO_VERSION_LABEL,
  serviceMatchers,
} from './istio.js';
import { bin, call, eq, escapeRegex, nre, num, re, selector, sumBy, type Expr, type Matcher } from './promql.js';
import { ratioCounterMatchers } from './ratio-counters.js';
import { podMonitorJob } from './score-source.js';

export interface RecordingRule {
  record: string;
  expr: Expr;
  /** Static labels, e.g. the score bucket a per-bucket rule stands for. */
  labels?: Record<string, string>;
}

/** Label the per-bucket drift series carry: the bucket's upper bound as the policy wrote it. */
export const BUCKET_LABEL = 'bucket';
/**
 * Pseudo-count added to every score bucket of both versions before comparing distributions, so an
 * empty bucket gives a small probability instead of 0 (ln 0 = -Inf; 0/0 = NaN). Half a count
 * (Jeffreys' prior) moves a bucket of a 100-request window by at most 0.5%.
 */
export const DRIFT_PSEUDO_COUNT = 0.5;

/**
 * Whose proxy reports the requests: the serving pod's (`destination`, per version, mirrored
 * requests included) or the callers' (`source`, per routed host, local replies included; no
 * segment labels, since the segment Telemetry configures the model's own proxies). See istio.ts.
 */
export type ReporterView = 'destination' | 'source';

export function requestsSeries(policy: ResolvedPolicy, segment: string | null, view: ReporterView = 'destination'): string {
  return recordedSeries(policy, view === 'source' ? 'client_requests' : 'requests', 'increase', segment);
}
export function errorRatioSeries(policy: ResolvedPolicy, segment: string | null, view: ReporterView = 'destination'): string {
  return recordedSeries(policy, view === 'source' ? 'client_error_ratio' : 'error_ratio', 'rate', segment);
}

/** The gates that read the callers' view: unsegmented error-rate gates (queries.ts). */
export function readsClientView(gate: Gate): boolean {
  return gate.metric === 'errorRate' && gate.segment === null;
}
export function latencySeries(policy: ResolvedPolicy, gate: LatencyGate): string {
  return recordedSeries(policy, `latency_p${String(gate.percentile).replace('.', '_')}_ms`, 'quantile', gate.segment);
}
export function driftSeries(policy: ResolvedPolicy, gate: DriftGate, part: 'bucket_count' | 'count' | 'bucket_prob'): string {
  return recordedSeries(policy, `${gate.name.replace(/-/g, '_')}_${part}`, 'increase', gate.segment);
}
/** A ratio gate's per-version series: its counters' increases over one window, and their quotient. */
export function ratioSeries(policy: ResolvedPolicy, gate: RatioGate, part: 'numerator' | 'denominator' | 'ratio'): string {
  return recordedSeries(policy, `${gate.name.replace(/-/g, '_')}_${part}`, part === 'ratio' ? 'rate' : 'increase', gate.segment);
}

/** Labels a recorded series keeps: the version label and the segment, if any. */
export function groupLabels(versionLabel: string, segment: string | null): string[] {
  return segment ? [versionLabel, segment] : [versionLabel];
}

export function recordingRules(policy: ResolvedPolicy): RecordingRule[] {
  const rules: RecordingRule[] = [];
  const seen = new Set<string>();
  const add = (rule: RecordingRule): void => {
    const key = `${rule.record}${JSON.stringify(rule.labels ?? {})}`;
    if (!seen.has(key)) rules.push(rule);
    seen.add(key);
  };
  // Unsegmented traffic is always recorded: the silence alert and dashboards need it.
  for (const segment of [null, ...policy.gates.checks.map((gate) => gate.segment)]) {
    add({ record: requestsSeries(policy, segment), expr: requestIncrease(policy, segment, []) });
  }
  for (const gate of policy.gates.checks) gateRules(policy, gate).forEach(add);
  return rules;

  function gateRules(policy: ResolvedPolicy, gate: Gate): RecordingRule[] {
    switch (gate.metric) {
      case 'errorRate':
        return [
          { record: errorRatioSeries(policy, gate.segment), expr: errorRatio(policy, gate.segment, 'destination') },
          ...(readsClientView(gate)
            ? [
                { record: requestsSeries(policy, null, 'source'), expr: requestIncrease(policy, null, [], 'source') },
                { record: errorRatioSeries(policy, null, 'source'), expr: errorRatio(policy, null, 'source') },
              ]
            : []),
        ];
      case 'latency':
        return [{ record: latencySeries(policy, gate), expr: latencyQuantile(policy, gate) }];
      case 'drift':
        return driftRules(policy, gate);
      case 'ratio':
        return ratioRules(policy, gate);
    }
  }
}

function requestIncrease(policy: ResolvedPolicy, segment: string | null, extra: Matcher[], view: ReporterView = 'destination'): Expr {
  const window = policy.gates.intervalSeconds;
  const [matchers, by] = view === 'source' ? [clientMatchers(policy), [ISTIO_SERVICE_LABEL]] : [serviceMatchers(policy), groupLabels(ISTIO_VERSION_LABEL, segment)];
  return sumBy(by, call('increase', selector(ISTIO_REQUESTS, [...matchers, ...extra], window)));
}

/**
 * Errors / requests. A version with requests but no error series has ratio 0, not no result. A
 * local reply to a gRPC caller is an HTTP 200 whose grpc-status says UNAVAILABLE or
 * DEADLINE_EXCEEDED, which the gRPC half counts.
 */
function errorRatio(policy: ResolvedPolicy, segment: string | null, view: ReporterView): Expr {
  const total = requestIncrease(policy, segment, [], view);
  const zero = bin('*', total, num(0));
  const http = bin('or', requestIncrease(policy, segment, [re('response_code', HTTP_SERVER_ERROR)], view), zero);
  const grpc = bin('or', requestIncrease(policy, segment, [nre('response_code', HTTP_SERVER_ERROR), re('grpc_response_status', GRPC_SERVER_ERROR)], view), zero);
  return bin('/', bin('+', http, grpc), total);
}

function latencyQuantile(policy: ResolvedPolicy, gate: LatencyGate): Expr {
  const rate = call('rate', selector(ISTIO_DURATION_BUCKET, serviceMatchers(policy), policy.gates.intervalSeconds));
  return call('histogram_quantile', num(gate.percentile / 100), sumBy(['le', ...groupLabels(ISTIO_VERSION_LABEL, gate.segment)], rate));
}

/**
 * Matches a bucket bound however the client library wrote it: Go writes `1`, Python and
 * Prometheus 3's normalisation write `1.0`. A bound that matched no series would make the gate
 * silently inert, which is what modelgate exists to prevent.
 */
export function leMatcher(bound: number): Matcher {
  const text = String(bound);
  return re('le', Number.isInteger(bound) ? `${escapeRegex(text)}|${escapeRegex(text)}\\.0` : escapeRegex(text));
}

function driftRules(policy: ResolvedPolicy, gate: DriftGate): RecordingRule[] {
  const by = groupLabels(gate.versionLabel, gate.segment);
  // The PodMonitor's job, not only the namespace: another policy's exporter in the same namespace may emit a histogram of this name.
  const source = [eq('namespace', policy.namespace), eq('job', podMonitorJob(policy))];
  const cumulative = (le: Matcher): Expr =>
    sumBy(by, call('increase', selector(`${gate.histogram}_bucket`, [...source, le], policy.gates.intervalSeconds)));
  const bounds: Array<{ label: string; le: Matcher }> = [
    ...gate.buckets.map((bound) => ({ label: String(bound), le: leMatcher(bound) })),
    { label: '+Inf', le: eq('le', '+Inf') },
  ];
  const bucketRules = bounds.map(({ label, le }, i): RecordingRule => {
    const below = i === 0 ? cumulative(le) : bin('-', cumulative(le), cumulative(bounds[i - 1]!.le));
    // increase() extrapolates each bucket separately, so a difference can dip just below zero.
    return { record: driftSeries(policy, gate, 'bucket_count'), expr: call('clamp_min', below, num(0)), labels: { [BUCKET_LABEL]: label } };
  });
  const count = selector(driftSeries(policy, gate, 'count'));
  const probability = bin(
    '/',
    bin('+', selector(driftSeries(policy, gate, 'bucket_count')), num(DRIFT_PSEUDO_COUNT)),
    bin('+', count, num(DRIFT_PSEUDO_COUNT * bounds.length)),
    { ignoring: [BUCKET_LABEL], groupLeft: [] },
  );
  return [
    ...bucketRules,
    { record: driftSeries(policy, gate, 'count'), expr: cumulative(eq('le', '+Inf')) },
    { record: driftSeries(policy, gate, 'bucket_prob'), expr: probability },
  ];
}

/**
 * Numerator and denominator increases per version, and their quotient, over the policy's own
 * counters only (ratio-counters.ts: namespace and model). A version whose
 * denominator grew but whose numerator series does not exist yet (a counter is only exported once
 * incremented) has ratio 0, not no result, as for errors above.
 */
function ratioRules(policy: ResolvedPolicy, gate: RatioGate): RecordingRule[] {
  const increase = (counter: string): Expr =>
    sumBy(groupLabels(gate.versionLabel, gate.segment), call('increase', selector(counter, ratioCounterMatchers(policy), policy.gates.intervalSeconds)));
  const numerator = selector(ratioSeries(policy, gate, 'numerator'));
  const denominator = selector(ratioSeries(policy, gate, 'denominator'));
  return [
    { record: ratioSeries(policy, gate, 'numerator'), expr: increase(gate.numerator) },
    { record: ratioSeries(policy, gate, 'denominator'), expr: increase(gate.denominator) },
    { record: ratioSeries(policy, gate, 'ratio'), expr: bin('/', bin('or', numerator, bin('*', denominator, num(0))), denominator) },
  ];
}
