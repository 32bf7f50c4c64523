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
import { parser } from '@prometheus-io/lezer-promql';
import type { SyntaxNode, Tree } from '@lezer/common';
import { ROLLOUT_INFO, ROLLOUT_INFO_LABELS } from '../gates/argo-rollouts-metrics.js';
import { ISTIO_STANDARD_LABELS } from '../gates/istio.js';
import { kubeStateMetricsLabels } from '../gates/kube-state-metrics.js';
import { OPERATOR_TARGET_LABELS, SCORE_EXPORTER_PORT } from '../gates/score-source.js';
import type { ResolvedPolicy } from '../resolve/policy.js';
import { ANALYSIS_TEMPLATE_FILE } from '../targets/argo-analysis.js';
import { GRAFANA_CONFIGMAP_FILE } from '../targets/grafana.js';
import { PODMONITOR_FILE } from '../targets/podmonitor.js';
import { PROMETHEUS_RULE_OBJECT_FILE, type RuleGroup } from '../targets/prometheus.js';
import type { OutputFile } from '../targets/target.js';
import type { OutputCheck, OutputFinding } from './check.js';

interface Query {
  path: string;
  object: string;
  text: string;
  /** A recording rule's static labels, which the series it writes carries too. */
  staticLabels?: string[];
}

export const promqlCheck: OutputCheck = {
  name: 'promql',
  check(policy, files) {
    const queries = collectQueries(files);
    const segments = policy.gates.checks.map((gate) => gate.segment).filter((s): s is string => s !== null);
    const known = new Map<string, Set<string> | 'any'>();
    const scraped = scrapedSeries(policy, files);
    const findings: OutputFinding[] = [];
    // Recording rules come first in the rule file, so each recorded series is known before use.
    for (const query of queries) {
      const shape = parsedShape(query.text);
      if (shape.errorAt !== null) {
        findings.push({ path: query.path, object: query.object, message: `query does not parse (at offset ${shape.errorAt} of its shape ${shape.text}): ${query.text}` });
        continue;
      }
      const scope = { policy, segments, known, scraped, problems: [] as string[] };
      const labels = outputLabels(shape.tree.topNode, shape, scope);
      for (const problem of scope.problems) findings.push({ path: query.path, object: query.object, message: `${problem} in: ${query.text}` });
      if (query.object.startsWith('record ')) {
        known.set(query.object.slice('record '.length), labels === 'any' ? labels : new Set([...labels, ...(query.staticLabels ?? [])]));
      }
    }
    return findings;
  },
};

/**
 * Queries of different policies differ in their string literals (model names, hosts, versions),
 * their numbers (thresholds, sample guards) and their per-policy series names
 * (`modelgate:<namespace>:<policy>:…` records, `<histogram>_bucket`); the structure comes from a
 * few generators (src/gates/queries.ts). So a query is parsed once per shape: literals emptied,
 * numbers made `0`, and every series-like name replaced by a placeholder that lexes the same way
 * (with a colon where the name has one, never a keyword). The walk reads each name back through
 * `names`, so it sees the query's own text for every token it looks at (it never reads literals
 * or numbers). Memoizing on literals alone rarely hit: the profile of a 1,000-policy compile spent
 * 10% of its CPU in the lezer parse. Escaping inside literals cannot be checked by lezer either way
 * (its string token takes any escape), and a literal broken by a bad escape is no longer a literal,
 * so the shape keeps the error; test/gates/promql-check.test.ts proves shape and query parse alike.
 */
const TOKEN = /"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`[^`]*`|(?<![A-Za-z0-9_:.])[A-Za-z_:][A-Za-z0-9_:]*|(?<![A-Za-z0-9_.])\d+(?:\.\d+)?(?![A-Za-z0-9_.])/g;
/** Placeholders start with this; any name of the query that does too is abstracted as well, so a placeholder is never ambiguous. */
const PLACEHOLDER = '_mg';
const abstracted = (name: string): boolean => /[^:]/.test(name) && (name.includes(':') || name.endsWith('_bucket') || name.startsWith(PLACEHOLDER));

export interface QueryShape {
  text: string;
  /** Placeholder → the name it stands for in this query. */
  names: Map<string, string>;
}

export function shapeOf(query: string): QueryShape {
  const names = new Map<string, string>();
  const placeholders = new Map<string, string>();
  const text = query.replace(TOKEN, (token) => {
    const first = token[0]!;
    if (first === '"' || first === "'" || first === '`') return '""';
    if (first >= '0' && first <= '9') return '0';
    if (!abstracted(token)) return token;
    let placeholder = placeholders.get(token);
    if (!placeholder) {
      placeholder = placeholderFor(token, placeholders.size);
      placeholders.set(token, placeholder);
      names.set(placeholder, token);
    }
    return placeholder;
  });
  return { text, names };
}

/**
 * Lexes as the name does wherever it stands, even where it does not belong (a name with a colon
 * in a label list): the colons stay where they are, the first part carries the number that makes
 * the placeholder unique, a later part keeps a leading digit (`a:5m`) and is otherwise `x`.
 */
function placeholderFor(name: string, index: number): string {
  let numbered = false;
  return name
    .split(':')
    .map((part) => {
      if (part === '') return '';
      if (!numbered) {
        numbered = true;
        return `${PLACEHOLDER}${index}`;
      }
      return /^[0-9]/.test(part) ? part : 'x';
    })
    .join(':');
}

const shapes = new Map<string, { tree: Tree; errorAt: number | null }>();
const MAX_SHAPES = 10_000;

function parsedShape(query: string): { text: string; names: Map<string, string>; tree: Tree; errorAt: number | null } {
  const { text, names } = shapeOf(query);
  let parsed = shapes.get(text);
  if (!parsed) {
    const tree = parser.parse(text);
    let errorAt: number | null = null;
    tree.iterate({ enter: (n) => void (n.type.isError && errorAt === null && (errorAt = n.from)) });
    parsed = { tree, errorAt };
    if (shapes.size >= MAX_SHAPES) shapes.clear();
    shapes.set(text, parsed);
  }
  return { text, names, ...parsed };
}

function collectQueries(files: readonly OutputFile[]): Query[] {
  const queries: Query[] = [];
  // The PrometheusRule and the dashboard ConfigMap are what always lands; the plain rule file and
  // dashboard.json, when the profile asks for them, repeat the same groups and bytes.
  const rules = files.find((f) => f.path === PROMETHEUS_RULE_OBJECT_FILE)?.documents?.[0] as { spec: { groups: RuleGroup[] } } | undefined;
  for (const rule of rules?.spec.groups.flatMap((g) => g.rules) ?? []) {
    const object = rule.record ? `record ${String(rule.record)}` : `alert ${String(rule.alert)}`;
    queries.push({ path: PROMETHEUS_RULE_OBJECT_FILE, object, text: String(rule.expr), staticLabels: Object.keys((rule.labels as object | undefined) ?? {}) });
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
    const dashboard = JSON.parse(json) as { panels: Array<{ id: number; targets: Array<{ refId: string; expr: string }> }> };
    for (const panel of dashboard.panels) {
      for (const target of panel.targets) queries.push({ path: GRAFANA_CONFIGMAP_FILE, object: `dashboard panel ${panel.id} query ${target.refId}`, text: target.expr });
    }
  }
  return queries;
}

interface Scope {
  policy: ResolvedPolicy;
  segments: string[];
  known: Map<string, Set<string> | 'any'>;
  /** Series a generated scrape object produces → their labels. */
  scraped: Map<string, Set<string>>;
  problems: string[];
}

/** Labels a (sub)query's result carries; records a problem for every label it names that is not there. */
function outputLabels(node: SyntaxNode, shape: QueryShape, scope: Scope): Set<string> | 'any' {
  // A token of the shape, as the query itself spells it.
  const src = (n: SyntaxNode): string => {
    const token = shape.text.slice(n.from, n.to);
    return shape.names.get(token) ?? token;
  };
  switch (node.name) {
    case 'PromQL':
    case 'ParenExpr':
    case 'FunctionCallBody':
    case 'MatrixSelector':
      return outputLabels(expressionChild(node), shape, scope);
    case 'VectorSelector':
      return selectorLabels(node, src, scope);
    case 'NumberDurationLiteral':
    case 'StringLiteral':
      return new Set();
    case 'AggregateExpr': {
      const inner = outputLabels(expressionChild(node.getChild('FunctionCallBody')!), shape, scope);
      const grouping = node.getChild('AggregateModifier')?.getChild('GroupingLabels')?.getChildren('LabelName').map(src) ?? [];
      for (const label of grouping) {
        if (inner !== 'any' && !inner.has(label)) scope.problems.push(`aggregation by label "${label}" that its input does not carry`);
      }
      return new Set(grouping);
    }
    case 'FunctionCall': {
      const args = argumentsOf(node.getChild('FunctionCallBody')!);
      const fn = src(node.getChild('FunctionIdentifier')!);
      const vectors = args.map((arg) => outputLabels(arg, shape, scope));
      const input = (fn === 'histogram_quantile' ? vectors[1] : vectors.find((v) => v === 'any' || v.size > 0) ?? vectors[0]) ?? new Set<string>();
      if (fn !== 'histogram_quantile' || input === 'any') return input;
      if (!input.has('le')) scope.problems.push('histogram_quantile over a vector without the "le" label');
      return new Set([...input].filter((label) => label !== 'le'));
    }
    case 'BinaryExpr': {
      const lhs = outputLabels(expressionChild(node), shape, scope);
      const rhs = outputLabels(lastExpressionChild(node), shape, scope);
      // A scalar side takes the other's labels; otherwise the result keeps the left side's.
      return lhs !== 'any' && lhs.size === 0 ? rhs : lhs;
    }
    default:
      scope.problems.push(`unexpected ${node.name}`);
      return 'any';
  }
}

function selectorLabels(node: SyntaxNode, src: (n: SyntaxNode) => string, scope: Scope): Set<string> | 'any' {
  const metric = src(node.getChild('Identifier')!);
  const carried = labelsOf(metric, scope);
  for (const matcher of node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? []) {
    const label = src(matcher.getChild('LabelName')!);
    if (carried !== 'any' && !carried.has(label)) scope.problems.push(`${metric} has no label "${label}"`);
  }
  return carried;
}

function labelsOf(metric: string, scope: Scope): Set<string> | 'any' {
  if (metric.startsWith('istio_')) {
    return new Set([...ISTIO_STANDARD_LABELS, ...scope.segments, ...(metric.endsWith('_bucket') ? ['le'] : [])]);
  }
  if (metric === ROLLOUT_INFO) return new Set(ROLLOUT_INFO_LABELS);
  // kube-state-metrics' pod series carry the annotations and labels the profile says it exports.
  const exported = kubeStateMetricsLabels(scope.policy.platform, metric);
  if (exported !== null) return exported;
  if (metric.startsWith('modelgate:')) {
    const known = scope.known.get(metric);
    if (!known) scope.problems.push(`${metric} is not recorded by any rule`);
    return known ?? 'any';
  }
  // A ratio gate's counters carry the labels the gate declares (namespace, its version label, `labels:`).
  const declared = scope.policy.gates.checks.flatMap((gate) => (gate.metric === 'ratio' && (metric === gate.numerator || metric === gate.denominator) ? gate.labels : []));
  if (declared.length > 0) return new Set(declared);
  // Any other series is a score histogram, and exists only if a generated scrape object produces it.
  const scraped = scope.scraped.get(metric);
  if (!scraped) {
    scope.problems.push(`${metric} is not produced by any generated scrape object`);
    return 'any';
  }
  return scraped;
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

function expressionChild(node: SyntaxNode): SyntaxNode {
  let child = node.firstChild;
  while (child && !isExpression(child)) child = child.nextSibling;
  if (!child) throw new Error(`no expression inside ${node.name}`);
  return child;
}

function lastExpressionChild(node: SyntaxNode): SyntaxNode {
  let child = node.lastChild;
  while (child && !isExpression(child)) child = child.prevSibling;
  return child!;
}

function argumentsOf(body: SyntaxNode): SyntaxNode[] {
  const args: SyntaxNode[] = [];
  for (let child = body.firstChild; child; child = child.nextSibling) if (isExpression(child)) args.push(child);
  return args;
}

const EXPRESSIONS = new Set(['AggregateExpr', 'BinaryExpr', 'FunctionCall', 'MatrixSelector', 'NumberDurationLiteral', 'ParenExpr', 'VectorSelector', 'SubqueryExpr', 'UnaryExpr', 'StringLiteral']);

function isExpression(node: SyntaxNode): boolean {
  return EXPRESSIONS.has(node.name);
}
