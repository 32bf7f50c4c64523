import { parser } from '@prometheus-io/lezer-promql';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collectQueries, promqlCheck } from '../../src/check/promql.js';
import { parseQuery, shapeOf, type LabelFlow } from '../../src/check/promql-shape.js';
import { parsedShape } from '../../src/check/query-flows.js';
import { argoAnalysisTarget } from '../../src/targets/argo-analysis.js';
import { GRAFANA_CONFIGMAP_FILE, grafanaTarget } from '../../src/targets/grafana.js';
import { podMonitorTarget } from '../../src/targets/podmonitor.js';
import { PROMETHEUS_RULE_OBJECT_FILE, prometheusTarget } from '../../src/targets/prometheus.js';
import type { OutputFile } from '../../src/targets/target.js';
import { examplePolicies, examplePolicy } from './example-policies.js';

/** The queries, and the PodMonitor whose scrape gives the score histograms their labels. */
function outputs(policy: ReturnType<typeof examplePolicy>): OutputFile[] {
  return [...prometheusTarget.build(policy), ...argoAnalysisTarget.build(policy), ...podMonitorTarget.build(policy)];
}

/** Rewrite the query texts of the PrometheusRule, as a compiler bug would. */
function withRuleExprs(files: OutputFile[], edit: (expr: string) => string): OutputFile[] {
  return files.map((file) => {
    if (file.path !== PROMETHEUS_RULE_OBJECT_FILE) return file;
    const doc = structuredClone(file.documents![0]) as { spec: { groups: Array<{ rules: Array<{ expr: string }> }> } };
    for (const rule of doc.spec.groups.flatMap((g) => g.rules)) rule.expr = edit(rule.expr);
    return { ...file, documents: [doc] };
  });
}

describe('promql check', () => {
  for (const policy of examplePolicies()) {
    it(`finds nothing wrong in what ${policy.name} compiles to`, () => {
      expect(promqlCheck.check(policy, outputs(policy))).toEqual([]);
    });
  }

  const fraud = examplePolicy('fraud-detector.yaml');

  it('reports a query that does not parse, naming the object', () => {
    const findings = promqlCheck.check(fraud, withRuleExprs(outputs(fraud), (expr) => expr.replace('sum by (', 'sum by ((')));
    expect(findings.length).toBeGreaterThan(0);
    expect(findings[0]!.path).toBe(PROMETHEUS_RULE_OBJECT_FILE);
    expect(findings[0]!.object).toMatch(/^record modelgate:risk:fraud_detector:/);
    expect(findings[0]!.message).toContain('does not parse');
  });

  it('reports a label Istio does not carry (a gate that could never fire)', () => {
    const findings = promqlCheck.check(fraud, withRuleExprs(outputs(fraud), (expr) => expr.replace('destination_service_name=', 'destination_svc_name=')));
    expect(findings.some((f) => f.message.includes('istio_requests_total has no label "destination_svc_name"'))).toBe(true);
  });

  it('reports grouping by a label the input does not have', () => {
    const findings = promqlCheck.check(fraud, withRuleExprs(outputs(fraud), (expr) => expr.replace('sum by (merchant_category)', 'sum by (merchant_categroy)')));
    expect(findings.some((f) => f.message.includes('aggregation by label "merchant_categroy"'))).toBe(true);
  });

  it('knows histogram_quantile drops the "le" label and needs it', () => {
    const quantiles = (edit: (expr: string) => string) => promqlCheck.check(fraud, withRuleExprs(outputs(fraud), (expr) => (expr.startsWith('histogram_quantile(') ? edit(expr) : expr)));
    expect(quantiles((expr) => `sum by (le) (${expr})`).some((f) => f.message.includes('aggregation by label "le" that its input does not carry'))).toBe(true);
    expect(quantiles((expr) => expr.replace('sum by (le, destination_version)', 'sum by (destination_version)')).some((f) => f.message.includes('histogram_quantile over a vector without the "le" label'))).toBe(true);
    expect(quantiles((expr) => `sum by (destination_version) (${expr})`)).toEqual([]);
  });

  it('reports a gate reading a recorded series by a label the rule dropped', () => {
    const files = outputs(fraud).map((file) => {
      if (!file.path.startsWith('argo/')) return file;
      const doc = structuredClone(file.documents![0]) as { spec: { metrics: Array<{ provider: { prometheus: { query: string } } }> } };
      for (const m of doc.spec.metrics) m.provider.prometheus.query = m.provider.prometheus.query.replace(/destination_version=/g, 'version=');
      return { ...file, documents: [doc] };
    });
    const findings = promqlCheck.check(fraud, files);
    expect(findings.some((f) => f.object?.startsWith('AnalysisTemplate/fraud-detector-gates') && /has no label "version"/.test(f.message))).toBe(true);
  });

  it('reports a query on a score histogram label its scrape does not produce, and on a series no generated scrape object produces', () => {
    const withModelLabel = (expr: string): string => expr.replace('fraud_score_bucket{namespace=', 'fraud_score_bucket{model="fraud",namespace=');
    const unscrapedLabel = promqlCheck.check(fraud, withRuleExprs(outputs(fraud), withModelLabel));
    expect(unscrapedLabel.some((f) => f.message.includes('fraud_score_bucket has no label "model"'))).toBe(true);
    const unscrapedSeries = promqlCheck.check(fraud, withRuleExprs(outputs(fraud), (expr) => expr.replaceAll('fraud_score_bucket', 'fraud_scores_bucket')));
    expect(unscrapedSeries.some((f) => f.message.includes('fraud_scores_bucket is not produced by any generated scrape object'))).toBe(true);
    // The target labels the Operator attaches are there; so is a label the exporter says it writes.
    expect(promqlCheck.check(fraud, withRuleExprs(outputs(fraud), (expr) => expr.replace('fraud_score_bucket{namespace=', 'fraud_score_bucket{pod!="",namespace=')))).toEqual([]);
    const exporter = fraud.platform.scoreExporter!;
    const modelLabelled = { ...fraud, platform: { ...fraud.platform, scoreExporter: { ...exporter, metrics: exporter.metrics.map((m) => (m.name === 'fraud_score' ? { ...m, labels: ['model'] } : m)) } } };
    expect(promqlCheck.check(modelLabelled, withRuleExprs(outputs(modelLabelled), withModelLabel))).toEqual([]);
  });

  it('reports the score histogram when no PodMonitor is generated, however the gate declares it', () => {
    const unscraped = { ...fraud, platform: { ...fraud.platform, prometheus: { ...fraud.platform.prometheus, podMonitor: null } } };
    const findings = promqlCheck.check(unscraped, outputs(unscraped));
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.every((f) => f.message.includes('fraud_score_bucket is not produced by any generated scrape object'))).toBe(true);
  });

  /** Every query the PrometheusRule and the AnalysisTemplate of a policy hold. */
  function queriesOf(policy: ReturnType<typeof examplePolicy>): string[] {
    return outputs(policy).flatMap((file) =>
      (file.documents ?? []).flatMap((doc) => {
        const spec = (doc as { spec?: { groups?: Array<{ rules: Array<{ expr: string }> }>; metrics?: Array<{ provider: { prometheus?: { query: string } } }> } }).spec;
        // Web metrics (webhook gates) hold no PromQL.
        return [...(spec?.groups ?? []).flatMap((g) => g.rules.map((r) => r.expr)), ...(spec?.metrics ?? []).flatMap((m) => (m.provider.prometheus ? [m.provider.prometheus.query] : []))];
      }),
    );
  }

  /** `text` with each piece inserted at its offset (modulo the length so far). */
  function edited(text: string, edits: Array<[number, string]>): string {
    for (const [at, piece] of edits) text = text.slice(0, at % (text.length + 1)) + piece + text.slice(at % (text.length + 1));
    return text;
  }

  /** The parse as the walk sees it: every node's type in order, and each name token's text (through the shape's names). */
  function parseAsWalked(text: string, names = new Map<string, string>()): string[] {
    const seen: string[] = [];
    parser.parse(text).iterate({
      enter: (node) => {
        const leaf = !node.node.firstChild;
        const token = text.slice(node.from, node.to);
        seen.push(leaf && !['StringLiteral', 'NumberDurationLiteral', 'NumberDurationLiteralInDurationContext'].includes(node.name) && !node.type.isError ? `${node.name} ${names.get(token) ?? token}` : node.name);
      },
    });
    return seen;
  }

  it('parses a query through its shape exactly as the query itself: same nodes, same names', () => {
    const queries = examplePolicies().flatMap(queriesOf);
    expect(queries.length).toBeGreaterThan(20);
    for (const query of queries) {
      const shape = shapeOf(query);
      expect(parseAsWalked(shape.text, shape.names)).toEqual(parseAsWalked(query));
    }
    // Broken queries too: the shape keeps every error where the query has it (a name in label
    // position, a stray bracket, a number glued to a name).
    const pieces = ['(', ')', '{', '}', ',', ' ', ':', 'by', 'sum', '_bucket', 'x:y', '1', '0.5', '"a"', 'le', '_mg0', '=~', '[5m]', '[1h:]', 'h:', 'offset 5m'];
    fc.assert(
      fc.property(fc.constantFrom(...queries), fc.array(fc.tuple(fc.nat(), fc.constantFrom(...pieces)), { minLength: 1, maxLength: 4 }), (query, edits) => {
        const text = edited(query, edits);
        const shape = shapeOf(text);
        // A query with an error is reported and never walked: the shape must have one too.
        const broken = (source: string) => parseAsWalked(source).includes('⚠');
        expect(broken(shape.text)).toBe(broken(text));
        if (!broken(text)) expect(parseAsWalked(shape.text, shape.names)).toEqual(parseAsWalked(text));
      }),
      { numRuns: 400, seed: 14 },
    );
  });

  /**
   * The specification of a shape: every match of this regular expression replaced (a literal by
   * `""`, a number by `0`, an abstracted name by its placeholder). src/check/promql-shape.ts scans
   * by hand instead, for speed.
   */
  const TOKEN = /"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`[^`]*`|(?<![A-Za-z0-9_:.])[A-Za-z_:][A-Za-z0-9_:]*|(?<![A-Za-z0-9_.])\d+(?:\.\d+)?(?![A-Za-z0-9_.])/g;
  function shapeBySpecification(query: string): { text: string; names: Array<[string, string]> } {
    const placeholders = new Map<string, string>();
    const text = query.replace(TOKEN, (token) => {
      if (/^["'`]/.test(token)) return '""';
      if (/^\d/.test(token)) return '0';
      if (!/[^:]/.test(token) || !(token.includes(':') || token.endsWith('_bucket') || token.startsWith('_mg'))) return token;
      if (!placeholders.has(token)) {
        let numbered = false;
        const parts = token.split(':').map((part) => {
          if (part === '') return '';
          if (numbered) return /^\d/.test(part) ? part : 'x';
          numbered = true;
          return `_mg${placeholders.size}`;
        });
        placeholders.set(token, parts.join(':'));
      }
      return placeholders.get(token)!;
    });
    return { text, names: [...placeholders].map(([name, placeholder]) => [placeholder, name]) };
  }

  it('abstracts exactly the tokens the specification does, in any text', () => {
    const queries = examplePolicies().flatMap(queriesOf);
    const same = (query: string) => {
      const shape = shapeOf(query);
      expect({ text: shape.text, names: [...shape.names] }).toEqual(shapeBySpecification(query));
    };
    for (const query of queries) same(query);
    // Every character class of the expression, its look-arounds, escapes, line terminators, non-ASCII.
    const piece = fc.constantFrom('"', "'", '`', '\\', '\n', '\r', '\u2028', '.', ':', '_', 'a', 'Z', '0', '9', ' ', '{', '(', '_mg', '_bucket', 'é', '0.5', 'x:y');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => same(pieces.join(''))),
      { numRuns: 3000, seed: 14 },
    );
    fc.assert(
      fc.property(fc.constantFrom(...queries), fc.array(fc.tuple(fc.nat(), piece), { minLength: 1, maxLength: 6 }), (query, edits) => same(edited(query, edits))),
      { numRuns: 1000, seed: 14 },
    );
  });

  /** The label flow with each token spelt as the query whose names these are spells it. */
  function spelt(flow: LabelFlow, names: Map<string, string>): LabelFlow {
    return JSON.parse(JSON.stringify(flow), (key, value: unknown) => (typeof value === 'string' && key !== 'kind' ? names.get(value) ?? value : value)) as LabelFlow;
  }

  it('gives each query the label flow of its own parse, through a shape parsed once for all queries of that shape', () => {
    const queries = examplePolicies().flatMap(queriesOf);
    const same = (query: string) => {
      const { shape, parsed } = parsedShape(query);
      const own = parseQuery(query);
      expect(parsed.errorAt === null).toBe(own.errorAt === null);
      if (parsed.errorAt === null && own.errorAt === null) expect(spelt(parsed.flow, shape.names)).toEqual(own.flow);
    };
    for (const query of queries) same(query);
    // A second policy's queries: the same shapes, memoized from the first policy's, with other names.
    const first = queriesOf(fraud);
    const second = queriesOf({ ...fraud, name: 'fraud-detector-two', namespace: 'payments' });
    expect(second).not.toEqual(first);
    second.forEach((query, i) => {
      expect(parsedShape(query).parsed).toBe(parsedShape(first[i]!).parsed);
      same(query);
    });
    const pieces = ['(', ')', '{', '}', ',', ' ', ':', 'by', 'sum', '_bucket', 'x:y', '1', '0.5', '"a"', 'le', '_mg0', '=~', '[5m]', '[1h:]', 'h:', 'offset 5m', 'rate(', 'on(le)', ' / '];
    fc.assert(
      fc.property(fc.constantFrom(...queries), fc.array(fc.tuple(fc.nat(), fc.constantFrom(...pieces)), { minLength: 1, maxLength: 4 }), (query, edits) => same(edited(query, edits))),
      { numRuns: 400, seed: 14 },
    );
  });

  it('reports a series no rule records, with its file, object and query, when another policy memoized the shape', () => {
    const second = { ...fraud, name: 'fraud-detector-two', namespace: 'payments' };
    expect(promqlCheck.check(fraud, outputs(fraud))).toEqual([]);
    const misspelt = withRuleExprs(outputs(second), (expr) => expr.replaceAll(':requests:increase5m', ':requets:increase5m'));
    const rule = (misspelt.find((file) => file.path === PROMETHEUS_RULE_OBJECT_FILE)!.documents![0] as { spec: { groups: Array<{ rules: Array<{ alert?: string; expr: string }> }> } }).spec.groups
      .flatMap((group) => group.rules)
      .find((r) => r.alert !== undefined && r.expr.includes(':requets:'))!;
    expect(parsedShape(rule.expr).parsed).toBe(parsedShape(rule.expr.replaceAll('payments:fraud_detector_two:requets', 'risk:fraud_detector:requests')).parsed);
    const findings = promqlCheck.check(second, misspelt);
    expect(findings).toContainEqual({
      path: PROMETHEUS_RULE_OBJECT_FILE,
      object: `alert ${rule.alert!}`,
      message: `modelgate:payments:fraud_detector_two:requets:increase5m is not recorded by any rule in: ${rule.expr}`,
    });
  });

  it('gives policies that differ only in names, hosts and thresholds one shape, so the parse is shared', () => {
    const [first, second] = ['fraud-detector.yaml', 'fraud-detector.yaml'].map(examplePolicy);
    const renamed = { ...second!, name: 'fraud-detector-two', namespace: 'payments' };
    const shapes = (policy: typeof first) => queriesOf(policy!).map((query) => shapeOf(query).text);
    const renamedQueries = queriesOf(renamed);
    expect(renamedQueries.join()).toContain('modelgate:payments:fraud_detector_two:');
    expect(shapes(renamed)).toEqual(shapes(first));
    // …and the check still reads the renamed policy's own series.
    expect(promqlCheck.check(renamed, outputs(renamed))).toEqual([]);
  });

  it("reads the dashboard's queries from the object its ConfigMap was made from: the same queries as its JSON read back", () => {
    for (const policy of examplePolicies()) {
      const files = grafanaTarget.build(policy);
      const configMap = files.find((file) => file.path === GRAFANA_CONFIGMAP_FILE)!.documents![0] as { data: Record<string, string> };
      const handedOver = collectQueries(files);
      expect(handedOver.length).toBeGreaterThan(0);
      // A copy has no object behind it: its JSON is parsed.
      const copied = files.map((file) => (file.path === GRAFANA_CONFIGMAP_FILE ? { ...file, documents: [structuredClone(configMap)] } : file));
      expect(collectQueries(copied)).toEqual(handedOver);
      // JSON edited in place is no longer what the object serializes: it is parsed too.
      const [key, json] = Object.entries(configMap.data)[0]!;
      configMap.data[key] = json.replace('"expr": "', '"expr": "edited_in_place or ');
      expect(collectQueries(files).filter((query) => query.text.startsWith('edited_in_place or '))).toHaveLength(1);
    }
  });

  it('knows the labels of kube-state-metrics pod series from what the profile says it exports', () => {
    // The compiled served-version check passes under the example profile (first test); a query on
    // an annotation the profile does not declare is reported, as it would match nothing.
    const findings = promqlCheck.check(fraud, withRuleExprs(outputs(fraud), (expr) => expr.replaceAll('annotation_modelgate_io_served_version!=""', 'annotation_modelgate_io_served_version!="", annotation_team!=""')));
    expect(findings.some((f) => f.message.includes('kube_pod_annotations has no label "annotation_team"'))).toBe(true);
    const noLabels = { ...fraud, platform: { ...fraud.platform, kubeStateMetrics: { podAnnotations: ['modelgate.io/served-version'], podLabels: ['app'] } } };
    const naming = promqlCheck.check(noLabels, withRuleExprs(outputs(noLabels), (expr) => `${expr} or kube_pod_labels{label_version="41"}`));
    expect(naming.some((f) => f.message.includes('kube_pod_labels has no label "label_version"'))).toBe(true);
  });
});
