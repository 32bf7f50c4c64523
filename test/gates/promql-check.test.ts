import { describe, expect, it } from 'vitest';
import { promqlCheck } from '../../src/check/promql.js';
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
});
