import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { serialize } from '../../src/gates/promql.js';
import { gateLimits, violation } from '../../src/gates/queries.js';
import { analysisArgs, analysisTemplateName } from '../../src/names.js';
import { analysisTemplate, argoAnalysisTarget, argoVersions } from '../../src/targets/argo-analysis.js';
import { ruleGroups } from '../../src/targets/prometheus.js';
import { examplePolicies, examplePolicy } from '../gates/example-policies.js';
import { requireSharedCrds } from '../support/tools.js';

type Metric = { name: string; successCondition: string; failureCondition: string; provider: { prometheus: { query: string } } };
type Template = { metadata: { name: string }; spec: { args: Array<{ name: string }>; metrics: Metric[] } };

const fraud = examplePolicy('fraud-detector.yaml');
const template = analysisTemplate(fraud) as Template;

describe('AnalysisTemplate', () => {
  it('is named and parameterised as the Rollout references it', () => {
    expect(template.metadata.name).toBe(analysisTemplateName(fraud));
    expect(template.spec.args.map((a) => a.name)).toEqual(analysisArgs(fraud).map((a) => a.name));
  });

  it('has one metric per gate limit, each reading the versions from the args', () => {
    expect(template.spec.metrics.map((m) => m.name)).toEqual(['latency-p99', 'error-rate', 'score-drift', 'segment-error-rate']);
    for (const metric of template.spec.metrics) {
      expect(metric.provider.prometheus.query).toContain('{{args.canary-version}}');
      expect(metric.provider.prometheus.query).toContain('{{args.stable-version}}');
    }
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
    for (const metric of template.spec.metrics) {
      expect(metric.successCondition.startsWith('len(result) > 0 && ')).toBe(true);
      expect(metric.failureCondition.startsWith('any(result,')).toBe(true);
    }
  });

  it('aborts on failed gates only when rollback is automatic', () => {
    expect((template.spec as { dryRun?: unknown }).dryRun).toBeUndefined();
    const manual = analysisTemplate({ ...fraud, rollback: { ...fraud.rollback, automatic: false } }) as Template & { spec: { dryRun?: unknown } };
    expect(manual.spec.dryRun).toEqual([{ metricName: '.*' }]);
    expect(manual.spec.metrics.map((m) => m.name)).toEqual(template.spec.metrics.map((m) => m.name));
  });

  it('is not generated for a policy at rest', () => {
    expect(argoAnalysisTarget.build(examplePolicy('search-ranker.yaml'))).toEqual([]);
  });
});

const crds = requireSharedCrds();

/** kubeconform-style strict mode: unknown fields are errors unless the schema preserves them. */
function strict(schema: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key.startsWith('x-kubernetes-')) continue;
    if (key === 'properties') out[key] = Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, strict(v)]));
    else if (key === 'items' || key === 'additionalProperties') out[key] = typeof value === 'object' ? strict(value as Record<string, unknown>) : value;
    else out[key] = value;
  }
  if (schema['x-kubernetes-int-or-string']) {
    delete out.type;
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (schema.properties && !schema['x-kubernetes-preserve-unknown-fields'] && schema.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

describe.skipIf(!crds)('AnalysisTemplate against the upstream CRD schema (strict)', () => {
  const schema = strict(JSON.parse(readFileSync(path.join(crds ?? '', 'argoproj.io', 'analysistemplate_v1alpha1.json'), 'utf8')));
  const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
  for (const policy of examplePolicies().filter((p) => p.versions.candidate !== null)) {
    it(`validates for ${policy.name}`, () => {
      const ok = validate(analysisTemplate(policy));
      expect(validate.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
    });
  }

  it('rejects an unknown field (the oracle is awake)', () => {
    const broken = structuredClone(template) as Template & { spec: { metrics: Array<Metric & { sucessCondition?: string }> } };
    broken.spec.metrics[0]!.sucessCondition = 'true';
    expect(validate(broken)).toBe(false);
  });
});
