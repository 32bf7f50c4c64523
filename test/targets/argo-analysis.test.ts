import { describe, expect, it } from 'vitest';
import { serialize } from '../../src/gates/promql.js';
import { gateLimits, violation } from '../../src/gates/queries.js';
import { servedVersionMismatch } from '../../src/gates/served-version.js';
import { ALERT_SERVED_VERSION_MISMATCH, analysisArgs, analysisTemplateName, SERVED_VERSION_METRIC } from '../../src/names.js';
import { analysisTemplate, argoAnalysisTarget, argoVersions } from '../../src/targets/argo-analysis.js';
import { ruleGroups } from '../../src/targets/prometheus.js';
import { examplePolicy } from '../gates/example-policies.js';
import { regional } from '../support/regional-policy.js';

type Metric = { name: string; successCondition: string; failureCondition: string; provider: { prometheus: { query: string } } };
type Template = { metadata: { name: string }; spec: { args: Array<{ name: string }>; metrics: Metric[] } };

const fraud = examplePolicy('fraud-detector.yaml');
const template = analysisTemplate(fraud) as Template;
const gateMetrics = template.spec.metrics.filter((m) => m.name !== SERVED_VERSION_METRIC);

describe('AnalysisTemplate', () => {
  it('is named and parameterised as the Rollout references it', () => {
    expect(template.metadata.name).toBe(analysisTemplateName(fraud));
    expect(template.spec.args.map((a) => a.name)).toEqual(analysisArgs(fraud).map((a) => a.name));
  });

  it('has one metric per gate limit, and one more per limit judged in the shadow, each reading the versions from the args', () => {
    expect(template.spec.metrics.map((m) => m.name)).toEqual([
      'latency-p99-shadow', 'latency-p99', 'error-rate-shadow', 'error-rate', 'error-rate-max-shadow', 'error-rate-max', 'score-drift-shadow', 'score-drift', 'segment-error-rate-shadow', 'segment-error-rate', SERVED_VERSION_METRIC,
    ]);
    for (const metric of gateMetrics) {
      // The callers' view tells the versions apart by routed host, which names no version.
      if (metric.name === 'error-rate' || metric.name === 'error-rate-max') {
        expect(metric.provider.prometheus.query).toContain('client_error_ratio');
        continue;
      }
      expect(metric.provider.prometheus.query).toContain('{{args.canary-version}}');
      // An absolute ceiling judges the canary alone.
      if (metric.name === 'error-rate-max-shadow') {
        expect(metric.provider.prometheus.query).not.toContain('{{args.stable-version}}');
        continue;
      }
      expect(metric.provider.prometheus.query).toContain('{{args.stable-version}}');
    }
    // In the shadow the same gate reads the serving proxies, the only ones that see mirrored requests.
    expect(template.spec.metrics.find((m) => m.name === 'error-rate-shadow')!.provider.prometheus.query).toContain(':error_ratio:');
  });

  it('asks the same question as the alert: same query, same threshold', () => {
    const alerts = ruleGroups(fraud).flatMap((g) => g.rules).filter((r) => r.alert);
    for (const limit of gateLimits(fraud)) {
      const metric = template.spec.metrics.find((m) => m.name === limit.id)!;
      const asAlert = serialize(violation(limit, argoVersions(fraud)))
        .replaceAll('{{args.canary-version}}', String(fraud.versions.candidate))
        .replaceAll('{{args.stable-version}}', String(fraud.versions.stable));
      expect(alerts.some((a) => a.expr === asAlert)).toBe(true);
      expect(metric.failureCondition).toBe(`any(result, {# > ${limit.threshold}})`);
    }
  });

  it('treats an empty result as inconclusive: success needs a value, failure needs a violation', () => {
    for (const metric of gateMetrics) {
      expect(metric.successCondition.startsWith('len(result) > 0 && ')).toBe(true);
      expect(metric.failureCondition.startsWith('any(result,')).toBe(true);
    }
  });

  it('in label mode, stops the run as Inconclusive (a pause, not an abort) while a pod serves another version than its label', () => {
    const metric = template.spec.metrics.find((m) => m.name === SERVED_VERSION_METRIC) as Metric & { inconclusiveLimit: number; interval: string };
    // Argo (utils/evaluate/evaluate.go EvaluateResult): with both conditions set and neither true the
    // measurement is Inconclusive; an empty result (no mismatching pod) is Successful; never Failed.
    expect(metric).toMatchObject({ successCondition: 'len(result) == 0', failureCondition: 'false', inconclusiveLimit: 0, interval: '5m' });
    // The same query the alert fires on (promtool-tested in test/promtool/served-version.test.ts).
    const alert = ruleGroups(fraud).flatMap((g) => g.rules).find((r) => r.alert === ALERT_SERVED_VERSION_MISMATCH)!;
    expect(metric.provider.prometheus.query).toBe(alert.expr);
    expect(metric.provider.prometheus.query).toBe(serialize(servedVersionMismatch(fraud)!));
    // Every gate's measurement is withheld by the same query.
    for (const gate of gateMetrics) expect(gate.provider.prometheus.query.endsWith(` unless on() (${metric.provider.prometheus.query})`), gate.name).toBe(true);
  });

  it('has no served-version metric where the profile does not say kube-state-metrics exports the annotation, or without label mode', () => {
    const unseen = { ...fraud, platform: { ...fraud.platform, kubeStateMetrics: { podAnnotations: [], podLabels: ['app', 'version'] } } };
    expect((analysisTemplate(unseen) as Template).spec.metrics.map((m) => m.name)).not.toContain(SERVED_VERSION_METRIC);
    const oneVersionPods = { ...fraud, model: { ...fraud.model, versionLabels: false } };
    expect((analysisTemplate(oneVersionPods) as Template).spec.metrics.map((m) => m.name)).not.toContain(SERVED_VERSION_METRIC);
    expect((analysisTemplate(unseen) as Template).spec.metrics.every((m) => !m.provider.prometheus.query.includes('kube_pod'))).toBe(true);
  });

  it('aborts on failed gates only when rollback is automatic', () => {
    expect((template.spec as { dryRun?: unknown }).dryRun).toBeUndefined();
    const manual = analysisTemplate({ ...fraud, rollback: { ...fraud.rollback, automatic: false } }) as Template & { spec: { dryRun?: unknown } };
    expect(manual.spec.dryRun).toEqual([{ metricName: '.*' }]);
    expect(manual.spec.metrics.map((m) => m.name)).toEqual(template.spec.metrics.map((m) => m.name));
  });

  it('starts each gate one interval into the first step that can fill its window, and sizes its inconclusive allowance by step', () => {
    const metrics = (analysisTemplate(regional()) as { spec: { metrics: Array<{ name: string; initialDelay: string; inconclusiveLimit: number; failureLimit: number }> } }).spec.metrics;
    const byName = Object.fromEntries(metrics.map((m) => [m.name, m]));
    // error-rate judges from the 5% step (30m in), region-errors from the 25% step (1h in).
    expect(byName['error-rate']).toMatchObject({ initialDelay: '35m', inconclusiveLimit: 3, failureLimit: 1 });
    // From 25% the shortest hold is 1h: twelve 5m windows, half of them tolerated blind.
    expect(byName['region-errors']).toMatchObject({ initialDelay: '1h5m', inconclusiveLimit: 6 });
    // fraud-detector's run starts at the mirror step: canary metrics wait out the hour of shadow.
    // Relative limits stop when the soak starts, 3h into the steps: windows ending at 1h5m … 4h
    // of the run, 36 of them; the absolute ceiling, which judges the soak, runs on.
    const fraudMetrics = (template as unknown as { spec: { metrics: Array<{ name: string; initialDelay: string; inconclusiveLimit: number; count?: number }> } }).spec.metrics;
    const canary = fraudMetrics.filter((m) => !m.name.endsWith('-shadow') && m.name !== SERVED_VERSION_METRIC);
    expect(canary.map((m) => [m.name, m.initialDelay, m.inconclusiveLimit, m.count])).toEqual([
      ['latency-p99', '1h5m', 3, 36],
      ['error-rate', '1h5m', 3, 36],
      ['error-rate-max', '1h5m', 3, undefined],
      ['score-drift', '1h5m', 3, 36],
      ['segment-error-rate', '1h5m', 3, 36],
    ]);
  });

  it('judges the shadow in whole windows that end before the mirror is removed: eleven 5m windows of the hour, five of them tolerated blind', () => {
    const fraudMetrics = (template as unknown as { spec: { metrics: Array<{ name: string; initialDelay: string; inconclusiveLimit: number; count?: number }> } }).spec.metrics;
    const shadow = fraudMetrics.filter((m) => m.name.endsWith('-shadow'));
    expect(shadow.map((m) => [m.initialDelay, m.count, m.inconclusiveLimit])).toEqual(Array(5).fill(['5m', 11, 5]));
  });

  it('gives no shadow metric to a gate whose guard the mirrored windows cannot fill', () => {
    const policy = { ...fraud, shadow: { mirrorPercent: 0.1, durationSeconds: 3600 } };
    // 0.1% of 1,200 rps is 360 requests per 5m window, below the guards sized for the 1% step.
    const tooFew = gateLimits(policy).filter((limit) => 1200 * 0.001 * 300 * (limit.gate.segment ? 0.15 : 1) < limit.gate.minRequests).map((limit) => `${limit.id}-shadow`);
    expect(tooFew.length).toBeGreaterThan(0);
    const names = (analysisTemplate(policy) as Template).spec.metrics.map((m) => m.name);
    for (const name of tooFew) expect(names).not.toContain(name);
    expect(names.filter((name) => name.endsWith('-shadow')).length).toBe(gateLimits(policy).length - tooFew.length);
  });

  it('takes inconclusiveLimit from the policy when it sets one', () => {
    const policy = regional();
    policy.gates.inconclusiveLimit = 0;
    const metrics = (analysisTemplate(policy) as { spec: { metrics: Array<{ inconclusiveLimit: number }> } }).spec.metrics;
    expect(metrics.map((m) => m.inconclusiveLimit)).toEqual([0, 0]);
  });

  it('is not generated for a policy at rest', () => {
    expect(argoAnalysisTarget.build(examplePolicy('search-ranker.yaml'))).toEqual([]);
  });
});
