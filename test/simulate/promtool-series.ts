/**
 * A simulation's trace as a `promtool test rules` file: the Istio and score-histogram counters
 * each version served, minute by minute, and at chosen minutes the alerts `simulate` says fire.
 */
import { ISTIO_DURATION_BUCKET, ISTIO_REQUESTS, ISTIO_VERSION_LABEL } from '../../src/gates/istio.js';
import { rolloutAborted } from '../../src/gates/argo-rollouts-metrics.js';
import { istioClientSeriesLabels, istioSeriesLabels } from '../support/istio-series.js';
import { ratioCounterLabels } from '../support/ratio-series.js';
import { scoreSeriesLabels } from '../support/score-series.js';
import { eq, selector, serialize, type Matcher, type Selector } from '../../src/gates/promql.js';
import type { ResolvedPolicy } from '../../src/resolve/policy.js';
import { formatDuration } from '../../src/resolve/units.js';
import type { Scenario } from '../../src/simulate/scenario.js';
import type { Simulation } from '../../src/simulate/simulate.js';
import type { Counts } from '../../src/simulate/trace.js';
import type { RuleGroup } from '../../src/targets/prometheus.js';

export function promtoolTestFile(policy: ResolvedPolicy, scenario: Scenario, simulation: Simulation, groups: RuleGroup[], evalMinutes: number[]): object {
  const alertRules = groups.flatMap((g) => g.rules).filter((r) => typeof r.alert === 'string');
  return {
    rule_files: ['rules.yaml'],
    evaluation_interval: '1m',
    tests: [
      {
        interval: '1m',
        input_series: inputSeries(policy, scenario, simulation),
        alert_rule_test: evalMinutes.flatMap((minute) =>
          alertRules.map((rule) => ({
            eval_time: formatDuration(minute * 60),
            alertname: rule.alert,
            exp_alerts: simulation.firingByMinute[minute]!
              .filter((key) => key === rule.alert || key.startsWith(`${rule.alert as string}{`))
              .map((key) => expected(rule, scenario, /\{(.*)\}$/.exec(key)?.[1] ?? null)),
          })),
        ),
      },
    ],
  };
}

/**
 * The counters the simulated versions served: for each series, its value at minute 0, 1, …
 * (one more value than the trace has minutes, starting at 0).
 */
export function counterSeries(policy: ResolvedPolicy, scenario: Scenario, simulation: Simulation): Array<{ series: Selector; values: number[] }> {
  const cumulative = new Map<string, { series: Selector; values: number[] }>();
  const add = (series: Selector, minute: number, increment: number): void => {
    const key = serialize(series);
    const entry = cumulative.get(key) ?? { series, values: [0] };
    // A series may skip minutes (the callers see no candidate during the shadow) and take several
    // increments in one (one per segment value in the callers' view, which has no segment label).
    while (entry.values.length <= minute) entry.values.push(entry.values.at(-1)!);
    entry.values[minute + 1] = (entry.values[minute + 1] ?? entry.values[minute]!) + increment;
    cumulative.set(key, entry);
  };
  const shadow = simulation.shadow;
  simulation.trace.forEach((cells, minute) => {
    // During the shadow the candidate answers only mirrored requests, which no caller sees.
    const mirrored = shadow !== null && minute >= shadow.startMinute && minute < shadow.endMinute;
    for (const cell of cells) {
      const version = String(cell.role === 'stable' ? policy.versions.stable : policy.versions.candidate);
      const segment: Matcher[] = cell.segment === null ? [] : [eq(scenario.segments!.label, cell.segment)];
      for (const [series, increment] of seriesOf(policy, scenario, version, segment, cell.counts)) add(series, minute, increment);
      // What the callers' proxies report (`reporter="source"`) of the requests this version answered.
      if (cell.role === 'stable' || !mirrored) for (const [series, increment] of requestSeries(istioClientSeriesLabels(policy, version, false), cell.counts)) add(series, minute, increment);
    }
  });
  const length = simulation.trace.length + 1;
  for (const entry of cumulative.values()) while (entry.values.length < length) entry.values.push(entry.values.at(-1)!);
  return [...cumulative.values()];
}

/** Istio's request counter under `labels`: the answered requests as 200s, the errors as 503s. */
function requestSeries(labels: Matcher[], counts: Counts): Array<[Selector, number]> {
  return [
    [selector(ISTIO_REQUESTS, [...labels, eq('response_code', '200')]), counts.requests - counts.errors],
    [selector(ISTIO_REQUESTS, [...labels, eq('response_code', '503')]), counts.errors],
  ];
}

function inputSeries(policy: ResolvedPolicy, scenario: Scenario, simulation: Simulation): Array<{ series: string; values: string }> {
  const series = counterSeries(policy, scenario, simulation).map((entry) => ({ series: serialize(entry.series), values: entry.values.join(' ') }));
  // Argo's controller exports rollout_info{phase="Abort"} from the abort on.
  const ending = simulation.ending;
  if (ending.kind === 'aborted') {
    const minutes = simulation.trace.length + 1;
    series.push({ series: serialize(rolloutAborted(policy)), values: Array.from({ length: minutes }, (_, m) => (m < ending.minute ? '_' : '1')).join(' ') });
  }
  return series;
}

function seriesOf(policy: ResolvedPolicy, scenario: Scenario, version: string, segment: Matcher[], counts: Counts): Array<[Selector, number]> {
  const istio = [...istioSeriesLabels(policy, version), eq(ISTIO_VERSION_LABEL, version), ...segment];
  const name = (metric: string, extra: Matcher[]): Selector => selector(metric, [...istio, ...extra]);
  const out = requestSeries(istio, counts);
  out.push(...buckets(scenario.latencyBucketsMs, counts.latency).map(([le, n]): [Selector, number] => [name(ISTIO_DURATION_BUCKET, [eq('le', le)]), n]));
  for (const gate of policy.gates.checks) {
    if (gate.metric === 'drift') {
      const labels = [...scoreSeriesLabels(policy, gate, version), ...segment];
      for (const [le, n] of buckets(gate.buckets, counts.scores[gate.name]!)) out.push([selector(`${gate.histogram}_bucket`, [...labels, eq('le', le)]), n]);
    }
    if (gate.metric === 'ratio') {
      const labels = [...ratioCounterLabels(policy, gate, version), ...segment];
      out.push([selector(gate.numerator, labels), counts.ratios[gate.name]!.numerator], [selector(gate.denominator, labels), counts.ratios[gate.name]!.denominator]);
    }
  }
  return out;
}

/** Cumulative bucket counts with their `le`, +Inf last. */
function buckets(bounds: number[], counts: number[]): Array<[string, number]> {
  let sum = 0;
  return [...bounds.map(String), '+Inf'].map((le, i) => [le, (sum += counts[i]!)]);
}

/** The alert as the rule declares it, with `$labels.<segment>` filled in. */
function expected(rule: Record<string, unknown>, scenario: Scenario, segment: string | null): object {
  const extra: Record<string, string> = segment === null ? {} : { [scenario.segments!.label]: segment };
  const expand = (text: string): string => text.replace(/\{\{ \$labels\.([a-zA-Z_][a-zA-Z0-9_]*) \}\}/g, (_, label: string) => extra[label] ?? '');
  return {
    exp_labels: { ...(rule.labels as Record<string, string>), ...extra },
    exp_annotations: Object.fromEntries(Object.entries(rule.annotations as Record<string, string>).map(([k, v]) => [k, expand(v)])),
  };
}
