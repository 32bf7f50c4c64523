import { parser } from '@prometheus-io/lezer-promql';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { promqlCheck, shapeOf } from '../../src/check/promql.js';
import { argoAnalysisTarget } from '../../src/targets/argo-analysis.js';
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
        let text = query;
        for (const [at, piece] of edits) text = text.slice(0, at % (text.length + 1)) + piece + text.slice(at % (text.length + 1));
        const shape = shapeOf(text);
        // A query with an error is reported and never walked: the shape must have one too.
        const broken = (source: string) => parseAsWalked(source).includes('⚠');
        expect(broken(shape.text)).toBe(broken(text));
        if (!broken(text)) expect(parseAsWalked(shape.text, shape.names)).toEqual(parseAsWalked(text));
      }),
      { numRuns: 400, seed: 14 },
    );
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
