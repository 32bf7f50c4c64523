/**
 * Turns a fixture (traffic per version, in words a reviewer can check) into a `promtool test rules`
 * file: synthetic Istio and score-histogram series for the policy, and the alerts expected.
 */
import { ISTIO_DURATION_BUCKET, ISTIO_REQUESTS, ISTIO_VERSION_LABEL } from '../../src/gates/istio.js';
import { istioClientSeriesLabels, istioSeriesLabels } from '../support/istio-series.js';
import { ratioCounterLabels } from '../support/ratio-series.js';
import { scoreSeriesLabels } from '../support/score-series.js';
import { eq, selector, serialize, type Matcher } from '../../src/gates/promql.js';
import type { DriftGate, RatioGate, ResolvedPolicy } from '../../src/resolve/policy.js';
import { formatDuration } from '../../src/resolve/units.js';
import type { RuleGroup } from '../../src/targets/prometheus.js';

export interface Traffic {
  requestsPerMinute?: number;
  errorPercent?: number;
  /**
   * Share of requests the caller's proxy ends with its route timeout: 504 `UT` at the caller (a
   * local reply, `destination_version="unknown"`), a downstream disconnect (code 0, `DC`) at the pod.
   */
  callerTimeoutPercent?: number;
  p99Ms?: number;
  /** Share of observations per score bucket of the drift gate, the last one above its last bound. */
  scores?: number[];
  /** The ratio gate's numerator per denominator event, in percent (a CTR of 4: `4`). */
  ratioPercent?: number;
  segments?: Record<string, Traffic>;
}

export interface ScenarioCase {
  name: string;
  stable: Traffic;
  canary: Traffic;
  fires: boolean;
  /** Segment values the alert fires for (segmented gates). */
  firesFor?: string[];
  /**
   * Another policy in the same namespace (the policy's name with `-b`) whose callers count on the
   * ratio gate's counters too, at the same version numbers: its traffic per version, which must
   * not enter the gate.
   */
  neighbour?: { stable: Traffic; canary: Traffic };
}

export interface Fixture {
  policy: string;
  alert: string;
  segmentLabel?: string;
  cases: ScenarioCase[];
}

/** The latency histogram's bounds around the P99 we synthesise (milliseconds). */
const LOW_MS = 50;
const HIGH_MS = 200;
const MINUTES_PER_STEP = 1;

export function promtoolTest(policy: ResolvedPolicy, fixture: Fixture, scenario: ScenarioCase, groups: RuleGroup[]): object {
  const gate = policy.gates.checks.find((g) => g.segment === (fixture.segmentLabel ?? null) && g.metric === 'drift') as DriftGate | undefined;
  const ratio = policy.gates.checks.find((g) => g.segment === (fixture.segmentLabel ?? null) && g.metric === 'ratio') as RatioGate | undefined;
  // Long enough for a full window, then a full `for`, with room to spare.
  const longestFor = Math.max(...policy.gates.checks.map((g) => g.forSeconds), policy.gates.intervalSeconds);
  const evalMinutes = Math.ceil((2 * policy.gates.intervalSeconds + longestFor) / 60) + 5;
  const steps = evalMinutes + 5;
  const series = [
    ...versionSeries(policy, String(policy.versions.stable), scenario.stable, fixture.segmentLabel, gate, steps),
    ...versionSeries(policy, String(policy.versions.candidate), scenario.canary, fixture.segmentLabel, gate, steps),
    ...(ratio ? [...ratioCounters(policy, ratio, String(policy.versions.stable), scenario.stable, steps), ...ratioCounters(policy, ratio, String(policy.versions.candidate), scenario.canary, steps)] : []),
    ...(ratio && scenario.neighbour ? neighbourCounters(policy, ratio, scenario.neighbour, steps) : []),
  ];
  return {
    rule_files: ['rules.yaml'],
    evaluation_interval: '1m',
    tests: [
      {
        name: scenario.name,
        interval: `${MINUTES_PER_STEP}m`,
        input_series: series,
        alert_rule_test: [{ eval_time: formatDuration(evalMinutes * 60), alertname: fixture.alert, exp_alerts: expectedAlerts(groups, fixture, scenario) }],
      },
    ],
  };
}

function versionSeries(
  policy: ResolvedPolicy,
  version: string,
  traffic: Traffic,
  segmentLabel: string | undefined,
  gate: DriftGate | undefined,
  steps: number,
): Array<{ series: string; values: string }> {
  if (traffic.segments) {
    return Object.entries(traffic.segments).flatMap(([value, segment]) =>
      trafficSeries(policy, [eq(ISTIO_VERSION_LABEL, version), eq(segmentLabel!, value)], segment, steps),
    );
  }
  const out = trafficSeries(policy, [eq(ISTIO_VERSION_LABEL, version)], traffic, steps);
  if (gate && traffic.scores) out.push(...scoreSeries(policy, gate, version, traffic, steps));
  return out;
}

function trafficSeries(policy: ResolvedPolicy, labels: Matcher[], traffic: Traffic, steps: number): Array<{ series: string; values: string }> {
  const perStep = (traffic.requestsPerMinute ?? 0) * MINUTES_PER_STEP;
  const errors = (perStep * (traffic.errorPercent ?? 0)) / 100;
  const timeouts = (perStep * (traffic.callerTimeoutPercent ?? 0)) / 100;
  const version = labels.find((matcher) => matcher.label === ISTIO_VERSION_LABEL)!.value;
  const base = [...istioSeriesLabels(policy, version), ...labels];
  const counter = (metric: string, extra: Matcher[], increment: number, labelled: Matcher[] = base) => ({
    series: serialize(selector(metric, [...labelled, ...extra])),
    values: `0+${increment}x${steps}`,
  });
  // The callers' proxies: no segment label (the segment Telemetry configures the model's proxies).
  const client = (localReply: boolean): Matcher[] => istioClientSeriesLabels(policy, version, localReply);
  const callerSide = [
    counter(ISTIO_REQUESTS, [eq('response_code', '200'), eq('response_flags', '-')], perStep - errors - timeouts, client(false)),
    counter(ISTIO_REQUESTS, [eq('response_code', '503'), eq('response_flags', '-')], errors, client(false)),
    ...(timeouts > 0
      ? [
          counter(ISTIO_REQUESTS, [eq('response_code', '504'), eq('response_flags', 'UT')], timeouts, client(true)),
          counter(ISTIO_REQUESTS, [eq('response_code', '0'), eq('response_flags', 'DC')], timeouts),
        ]
      : []),
  ];
  // P99 = LOW + f·(HIGH − LOW) when a share c of requests is under LOW and the rest under HIGH,
  // with f = (0.99 − c)/(1 − c), as histogram_quantile interpolates.
  const f = ((traffic.p99Ms ?? 125) - LOW_MS) / (HIGH_MS - LOW_MS);
  const under = (0.99 - f) / (1 - f);
  return [
    ...callerSide,
    counter(ISTIO_REQUESTS, [eq('response_code', '200')], perStep - errors - timeouts),
    counter(ISTIO_REQUESTS, [eq('response_code', '503')], errors),
    counter(ISTIO_DURATION_BUCKET, [eq('le', String(LOW_MS))], perStep * under),
    counter(ISTIO_DURATION_BUCKET, [eq('le', String(HIGH_MS))], perStep),
    counter(ISTIO_DURATION_BUCKET, [eq('le', '+Inf')], perStep),
  ];
}

function scoreSeries(policy: ResolvedPolicy, gate: DriftGate, version: string, traffic: Traffic, steps: number): Array<{ series: string; values: string }> {
  const perStep = (traffic.requestsPerMinute ?? 0) * MINUTES_PER_STEP;
  let cumulative = 0;
  return [...gate.buckets.map(String), '+Inf'].map((le, i) => {
    cumulative += traffic.scores![i] ?? 0;
    return {
      series: serialize(selector(`${gate.histogram}_bucket`, [...scoreSeriesLabels(policy, gate, version), eq('le', le)])),
      values: `0+${perStep * Math.min(cumulative, 1)}x${steps}`,
    };
  });
}

/**
 * The application's counters for a ratio gate: `eventsPerRequest` denominator events per request,
 * of which `ratioPercent` count in the numerator. Expected counts, no random draws.
 */
function ratioCounters(policy: ResolvedPolicy, gate: RatioGate, version: string, traffic: Traffic, steps: number): Array<{ series: string; values: string }> {
  if (traffic.ratioPercent === undefined) return [];
  const events = (traffic.requestsPerMinute ?? 0) * MINUTES_PER_STEP * gate.eventsPerRequest;
  const labels = ratioCounterLabels(policy, gate, version);
  return [
    { series: serialize(selector(gate.denominator, labels)), values: `0+${events}x${steps}` },
    { series: serialize(selector(gate.numerator, labels)), values: `0+${(events * traffic.ratioPercent) / 100}x${steps}` },
  ];
}

function neighbourCounters(policy: ResolvedPolicy, gate: RatioGate, traffic: { stable: Traffic; canary: Traffic }, steps: number): Array<{ series: string; values: string }> {
  const neighbour: ResolvedPolicy = { ...policy, name: `${policy.name}-b` };
  return [...ratioCounters(neighbour, gate, String(policy.versions.stable), traffic.stable, steps), ...ratioCounters(neighbour, gate, String(policy.versions.candidate), traffic.canary, steps)];
}

/** The alert as the generated rule declares it, with `$labels` filled in for each segment value. */
function expectedAlerts(groups: RuleGroup[], fixture: Fixture, scenario: ScenarioCase): object[] {
  if (!scenario.fires) return [];
  const rule = groups.flatMap((g) => g.rules).find((r) => r.alert === fixture.alert);
  if (!rule) throw new Error(`policy ${fixture.policy} has no alert ${fixture.alert}`);
  const labels = rule.labels as Record<string, string>;
  const annotations = rule.annotations as Record<string, string>;
  const segments = scenario.firesFor ?? [null];
  return segments.map((value) => {
    const extra: Record<string, string> = value === null ? {} : { [fixture.segmentLabel!]: value };
    const expand = (text: string) => text.replace(/\{\{ \$labels\.([a-zA-Z_][a-zA-Z0-9_]*) \}\}/g, (_, name: string) => extra[name] ?? '');
    return {
      exp_labels: { ...labels, ...extra },
      exp_annotations: Object.fromEntries(Object.entries(annotations).map(([key, text]) => [key, expand(text)])),
    };
  });
}
