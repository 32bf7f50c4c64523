import { Ajv, type ErrorObject } from 'ajv';
import { describe, expect, it } from 'vitest';
import { crdSchemasCheck, ownFunctions, strict, strictValidators } from '../../src/check/crd-schemas.js';
import type { ResolvedPolicy } from '../../src/resolve/policy.js';
import { targets } from '../../src/targets/index.js';
import type { OutputFile } from '../../src/targets/target.js';
import { examplePolicies, examplePolicy } from '../gates/example-policies.js';
import { compile, objectOfKind } from '../support/compiled-objects.js';


describe('crd-schemas', () => {
  it('knows the Istio and Argo kinds modelgate emits', () => {
    const types = [...strictValidators().keys()];
    for (const type of ['networking.istio.io/v1beta1/VirtualService', 'argoproj.io/v1alpha1/Rollout', 'argoproj.io/v1alpha1/AnalysisTemplate', 'autoscaling/v2/HorizontalPodAutoscaler']) {
      expect(types).toContain(type);
    }
  });

  it.each(examplePolicies().map((policy) => [policy.name, policy] as const))('accepts everything compiled from %s', (_name, policy) => {
    expect(crdSchemasCheck.check(policy, compile(policy))).toEqual([]);
  });

  it('rejects an unknown field deep inside a VirtualService route', () => {
    const policy = examplePolicy('fraud-detector.yaml');
    const files = compile(policy);
    objectOfKind(files, 'VirtualService').spec.http[0].route[0].wieght = 5;
    const findings = crdSchemasCheck.check(policy, files);
    expect(findings).toEqual([
      { path: 'istio/virtualservice.yaml', object: 'VirtualService/fraud-detector', message: expect.stringContaining('/spec/http/0/route/0: unknown field "wieght"') },
    ]);
  });

  it("holds the HorizontalPodAutoscaler to Kubernetes' autoscaling/v2 schema, strictly", () => {
    const policy = examplePolicy('search-ranker.yaml');
    const files = compile(policy);
    const hpa = objectOfKind(files, 'HorizontalPodAutoscaler');
    expect(crdSchemasCheck.check(policy, files)).toEqual([]);
    hpa.spec.metrics[0].resource.target.averageUtilisation = 70;
    hpa.spec.maxReplicas = '12';
    const messages = crdSchemasCheck.check(policy, files).map((finding) => finding.message);
    expect(messages).toContainEqual(expect.stringContaining('/spec/metrics/0/resource/target: unknown field "averageUtilisation"'));
    expect(messages).toContainEqual(expect.stringContaining('/spec/maxReplicas: must be integer'));
  });

  it('rejects an unknown field in a Rollout step and in object metadata', () => {
    const policy = examplePolicy('fraud-detector.yaml');
    const files = compile(policy);
    const rollout = objectOfKind(files, 'Rollout');
    rollout.spec.strategy.canary.steps.push({ setWeigth: 10 });
    rollout.metadata.label = { app: 'x' };
    const messages = crdSchemasCheck.check(policy, files).map((finding) => finding.message);
    expect(messages.some((message) => message.includes('unknown field "setWeigth"'))).toBe(true);
    expect(messages.some((message) => message.includes('/metadata: unknown field "label"'))).toBe(true);
  });

  it('rejects a wrongly typed value in a VirtualService', () => {
    const policy = examplePolicy('churn-scorer.yaml');
    const files = compile(policy);
    objectOfKind(files, 'VirtualService').spec.hosts = 'churn-scorer';
    expect(crdSchemasCheck.check(policy, files)).toHaveLength(1);
  });

  it('rejects a fractional weight, which Argo and Istio cannot carry (their weights are int32)', () => {
    const base = examplePolicy('churn-scorer.yaml');
    const policy: ResolvedPolicy = { ...base, canary: { ...base.canary, steps: [{ weightPercent: 0.5, holdSeconds: 600, manual: false }, ...base.canary.steps] } };
    const messages = crdSchemasCheck.check(policy, compile(policy)).map((finding) => finding.message);
    expect(messages).toContain('does not match the argoproj.io/v1alpha1/Rollout schema: /spec/strategy/canary/steps/0/setWeight: must be integer');
  });

  it('reports a kind it has no schema for instead of passing it', () => {
    const policy = examplePolicy('churn-scorer.yaml');
    const files: OutputFile[] = [{ path: 'x.yaml', kind: 'yaml', documents: [{ apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'g' } }] }];
    expect(crdSchemasCheck.check(policy, files)).toEqual([{ path: 'x.yaml', object: 'Gateway/g', message: 'no schema known for networking.istio.io/v1/Gateway' }]);
  });

  it('splitting object schemas into functions of their own changes no verdict and no error but where in the schema it comes from', () => {
    const container = { type: 'object', properties: { name: { type: 'string' }, ports: { type: 'array', items: { type: 'object', properties: { port: { type: 'integer', minimum: 1 } }, required: ['port'] } } }, required: ['name'] };
    const schema = strict({
      type: 'object',
      properties: {
        kind: { type: 'string', enum: ['Rollout'] },
        spec: { type: 'object', nullable: true, properties: { containers: { type: 'array', items: container }, init: { type: 'array', items: container }, labels: { type: 'object', additionalProperties: { type: 'string' } } } },
      },
    }) as Record<string, unknown>;
    const split = ownFunctions(schema);
    expect(Object.keys(split.definitions as object).length).toBeGreaterThanOrEqual(4);
    const options = { allErrors: true, strictTypes: false, logger: false } as const;
    const inlined = new Ajv(options).compile(schema);
    const functions = new Ajv({ ...options, inlineRefs: false }).compile(split);
    const without = (errors: ErrorObject[] | null | undefined) => (errors ?? []).map(({ schemaPath: _where, ...error }) => error);
    const inputs = [
      { kind: 'Rollout', spec: { containers: [{ name: 'a', ports: [{ port: 80 }] }], labels: { a: 'b' } } },
      { kind: 'Rollout', spec: null },
      { kind: 'Rollout', spec: { containers: [{ name: 'a', ports: [{ port: 80, protocl: 'TCP' }, {}] }], init: [{ nam: 'x', ports: 'no' }], labels: { a: 1 } } },
      { kind: 'Deployment', spec: { containers: [{ name: 1 }], extra: true }, status: {} },
      { kind: 'Rollout', spec: { containers: [{ name: 'a', ports: [{ port: 1.5 }, { port: 0 }] }] } },
      [],
    ];
    let invalid = 0;
    for (const input of inputs) {
      const verdict = inlined(input);
      expect(functions(input)).toBe(verdict);
      expect(without(functions.errors)).toEqual(without(inlined.errors));
      if (!verdict) invalid++;
    }
    expect(invalid).toBe(4);
  });
});
