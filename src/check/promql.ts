/**
 * Every PromQL query modelgate wrote (recording rules, alerts, AnalysisTemplate metrics, dashboard
 * panels) parses,
 * and names only labels its series carry: Istio's standard labels (plus the policy's segment
 * labels, which a Telemetry tag override must add) on Istio metrics, the labels our recording
 * rules keep on recorded series, on kube-state-metrics' pod series the annotations and labels the
 * profile declares it exports, on a ratio gate's counters the labels the gate declares, and on a
 * score histogram the labels the generated PodMonitor's scrape gives it (the exporter's own, the
 * Operator's target labels, our relabelings). A query naming a label that does not exist never
 * fires; a score histogram no generated scrape object produces does not exist.
 */
import { ROLLOUT_INFO, ROLLOUT_INFO_LABELS } from '../gates/argo-rollouts-metrics.js';
import { ISTIO_STANDARD_LABELS } from '../gates/istio.js';
import { kubeStateMetricsLabels } from '../gates/kube-state-metrics.js';
import { OPERATOR_TARGET_LABELS, SCORE_EXPORTER_PORT } from '../gates/score-source.js';
import type { ResolvedPolicy } from '../resolve/policy.js';
import { ANALYSIS_TEMPLATE_FILE } from '../targets/argo-analysis.js';
import { dashboardSerializedAs, GRAFANA_CONFIGMAP_FILE } from '../targets/grafana.js';
import { PODMONITOR_FILE } from '../targets/podmonitor.js';
import { PROMETHEUS_RULE_OBJECT_FILE, type RuleGroup } from '../targets/prometheus.js';
import type { OutputFile } from '../targets/target.js';
import type { OutputCheck, OutputFinding } from './check.js';
import type { LabelFlow, QueryShape } from './promql-shape.js';
import { parsedShape } from './query-flows.js';

export interface Query {
  path: string;
  object: string;
  text: string;
  /** For a recording rule: the series it writes, and its static labels, which that series carries too. */
  record?: { series: string; staticLabels: object | undefined };
}

export const promqlCheck: OutputCheck = {
  name: 'promql',
  check(policy, files) {
    const queries = collectQueries(files);
    const segments = policy.gates.checks.map((gate) => gate.segment).filter((s): s is string => s !== null);
    const known = new Map<string, ReadonlySet<string> | 'any'>();
    const scope: Scope = { policy, segments, known, scraped: scrapedSeries(policy, files), series: new Map(), problems: [] };
    const findings: OutputFinding[] = [];
    // Recording rules come first in the rule file, so each recorded series is known before use.
    for (const query of queries) {
      const { shape, parsed } = parsedShape(query.text);
      if (parsed.errorAt !== null) {
        findings.push({ path: query.path, object: query.object, message: `query does not parse (at offset ${parsed.errorAt} of its shape ${shape.text}): ${query.text}` });
        continue;
      }
      const labels = outputLabels(parsed.flow, shape.names, scope);
      for (const problem of scope.problems) findings.push({ path: query.path, object: query.object, message: `${problem} in: ${query.text}` });
      scope.problems.length = 0;
      if (query.record) {
        known.set(query.record.series, labels === 'any' ? labels : new Set([...labels, ...Object.keys(query.record.staticLabels ?? {})]));
      }
    }
    return findings;
  },
};

export function collectQueries(files: readonly OutputFile[]): Query[] {
  const queries: Query[] = [];
  // The PrometheusRule and the dashboard ConfigMap are what always lands; the plain rule file and
  // dashboard.json, when the profile asks for them, repeat the same groups and bytes.
  const rules = files.find((f) => f.path === PROMETHEUS_RULE_OBJECT_FILE)?.documents?.[0] as { spec: { groups: RuleGroup[] } } | undefined;
  for (const group of rules?.spec.groups ?? []) {
    for (const rule of group.rules) {
      const text = String(rule.expr);
      if (rule.record) queries.push({ path: PROMETHEUS_RULE_OBJECT_FILE, object: `record ${String(rule.record)}`, text, record: { series: String(rule.record), staticLabels: rule.labels as object | undefined } });
      else queries.push({ path: PROMETHEUS_RULE_OBJECT_FILE, object: `alert ${String(rule.alert)}`, text });
    }
  }
  const template = files.find((f) => f.path === ANALYSIS_TEMPLATE_FILE)?.documents?.[0] as
    | { metadata: { name: string }; spec: { metrics: Array<{ name: string; provider: { prometheus?: { query: string } } }> } }
    | undefined;
  for (const metric of template?.spec.metrics ?? []) {
    // A webhook gate's web metric has no PromQL.
    if (!metric.provider.prometheus) continue;
    // Argo fills `{{args.…}}` before sending the query; a version number stands in for it here.
    const text = metric.provider.prometheus.query.replace(/\{\{args\.[a-z0-9-]+\}\}/g, '0');
    queries.push({ path: ANALYSIS_TEMPLATE_FILE, object: `AnalysisTemplate/${template!.metadata.name} metric ${metric.name}`, text });
  }
  const configMap = files.find((f) => f.path === GRAFANA_CONFIGMAP_FILE)?.documents?.[0] as { data: Record<string, string> } | undefined;
  for (const json of Object.values(configMap?.data ?? {})) {
    // The object the JSON was made from holds the same strings; a ConfigMap edited since is read back.
    const dashboard = (dashboardSerializedAs(configMap!, json) ?? JSON.parse(json)) as { panels: Array<{ id: number; targets: Array<{ refId: string; expr: string }> }> };
    for (const panel of dashboard.panels) {
      for (const target of panel.targets) queries.push({ path: GRAFANA_CONFIGMAP_FILE, object: `dashboard panel ${panel.id} query ${target.refId}`, text: target.expr });
    }
  }
  return queries;
}

interface Scope {
  policy: ResolvedPolicy;
  segments: string[];
  known: Map<string, ReadonlySet<string> | 'any'>;
  /** Series a generated scrape object produces → their labels. */
  scraped: Map<string, Set<string>>;
  /** Labels of the series other than our records (null: no such series), as they are looked up. */
  series: Map<string, ReadonlySet<string> | null>;
  problems: string[];
}

const NO_LABELS: ReadonlySet<string> = new Set();

/** Labels a (sub)query's result carries; records a problem for every label it names that is not there. */
function outputLabels(flow: LabelFlow, names: QueryShape['names'], scope: Scope): ReadonlySet<string> | 'any' {
  switch (flow.kind) {
    case 'selector': {
      const metric = spelled(flow.metric, names);
      const carried = labelsOf(metric, scope);
      for (const matcher of flow.matchers) {
        const label = spelled(matcher, names);
        if (carried !== 'any' && !carried.has(label)) scope.problems.push(`${metric} has no label "${label}"`);
      }
      return carried;
    }
    case 'literal':
      return NO_LABELS;
    case 'aggregation': {
      const inner = outputLabels(flow.input, names, scope);
      const grouping = flow.by.map((token) => spelled(token, names));
      for (const label of grouping) {
        if (inner !== 'any' && !inner.has(label)) scope.problems.push(`aggregation by label "${label}" that its input does not carry`);
      }
      return new Set(grouping);
    }
    case 'call': {
      const fn = spelled(flow.fn, names);
      const vectors = flow.args.map((arg) => outputLabels(arg, names, scope));
      const input = (fn === 'histogram_quantile' ? vectors[1] : vectors.find((v) => v === 'any' || v.size > 0) ?? vectors[0]) ?? NO_LABELS;
      if (fn !== 'histogram_quantile' || input === 'any') return input;
      if (!input.has('le')) scope.problems.push('histogram_quantile over a vector without the "le" label');
      return new Set([...input].filter((label) => label !== 'le'));
    }
    case 'binary': {
      const lhs = outputLabels(flow.lhs, names, scope);
      const rhs = outputLabels(flow.rhs, names, scope);
      // A scalar side takes the other's labels; otherwise the result keeps the left side's.
      return lhs !== 'any' && lhs.size === 0 ? rhs : lhs;
    }
    case 'unexpected':
      scope.problems.push(`unexpected ${flow.node}`);
      return 'any';
  }
}

/** A token of the shape, as the query itself spells it. */
function spelled(token: string, names: QueryShape['names']): string {
  return names.get(token) ?? token;
}

function labelsOf(metric: string, scope: Scope): ReadonlySet<string> | 'any' {
  if (metric.startsWith('modelgate:')) {
    const known = scope.known.get(metric);
    if (!known) scope.problems.push(`${metric} is not recorded by any rule`);
    return known ?? 'any';
  }
  let labels = scope.series.get(metric);
  if (labels === undefined) {
    labels = seriesLabels(metric, scope);
    scope.series.set(metric, labels);
  }
  // Any other series is a score histogram, and exists only if a generated scrape object produces it.
  if (labels === null) {
    scope.problems.push(`${metric} is not produced by any generated scrape object`);
    return 'any';
  }
  return labels;
}

/** The labels of a series that is not one of our records, null when nothing produces it. */
function seriesLabels(metric: string, scope: Scope): ReadonlySet<string> | null {
  if (metric.startsWith('istio_')) {
    return new Set([...ISTIO_STANDARD_LABELS, ...scope.segments, ...(metric.endsWith('_bucket') ? ['le'] : [])]);
  }
  if (metric === ROLLOUT_INFO) return new Set(ROLLOUT_INFO_LABELS);
  // kube-state-metrics' pod series carry the annotations and labels the profile says it exports.
  const exported = kubeStateMetricsLabels(scope.policy.platform, metric);
  if (exported !== null) return exported;
  // A ratio gate's counters carry the labels the gate declares (namespace, its version label, `labels:`).
  const declared = scope.policy.gates.checks.flatMap((gate) => (gate.metric === 'ratio' && (metric === gate.numerator || metric === gate.denominator) ? gate.labels : []));
  if (declared.length > 0) return new Set(declared);
  return scope.scraped.get(metric) ?? null;
}

/**
 * The score exporter's histogram series as the PodMonitor's score endpoint scrapes them: the
 * labels the exporter writes, `le`, the targets' labels the Operator attaches, and the targets
 * of our relabelings (model of the whole path: test/models/prometheus-scrape.ts).
 */
function scrapedSeries(policy: ResolvedPolicy, files: readonly OutputFile[]): Map<string, Set<string>> {
  const podMonitor = files.find((f) => f.path === PODMONITOR_FILE)?.documents?.[0] as
    | { spec: { podMetricsEndpoints: Array<{ port: string; relabelings?: Array<{ targetLabel?: string }> }> } }
    | undefined;
  const endpoint = podMonitor?.spec.podMetricsEndpoints.find((candidate) => candidate.port === SCORE_EXPORTER_PORT);
  const series = new Map<string, Set<string>>();
  if (!endpoint) return series;
  const attached = [...OPERATOR_TARGET_LABELS, ...(endpoint.relabelings ?? []).flatMap((relabeling) => (relabeling.targetLabel ? [relabeling.targetLabel] : []))];
  for (const metric of policy.platform.scoreExporter?.metrics ?? []) series.set(`${metric.name}_bucket`, new Set([...metric.labels, 'le', ...attached]));
  return series;
}
