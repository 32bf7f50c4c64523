import { describe, expect, it } from 'vitest';
import { crdSchemasCheck } from '../../src/check/crd-schemas.js';
import { validateSources } from '../../src/validate/validate.js';
import { compile, objectOfKind } from '../support/compiled-objects.js';
import { policyWithModel } from '../support/rule-harness.js';

/** A policy scaled by `autoscaling`, validated for a profile whose adapter serves `requestsPerSecond`. */
function compiled(autoscaling: string, requestsPerSecond: string) {
  const profile = `apiVersion: modelgate.io/v1alpha1\nkind: PlatformProfile\nspec:\n  autoscaling:\n    requestsPerSecond: ${requestsPerSecond}\n`;
  const { policies, diagnostics } = validateSources(
    [{ file: 'policy.yaml', bytes: new TextEncoder().encode(policyWithModel(`    autoscaling: { ${autoscaling} }\n    resources: { cpu: 500m, memory: 1Gi }\n`)) }],
    { file: 'modelgate.config.yaml', bytes: new TextEncoder().encode(profile) },
  );
  expect(diagnostics).toEqual([]);
  const policy = policies[0]!.policy;
  const files = compile(policy);
  return { policy, files, hpa: objectOfKind(files, 'HorizontalPodAutoscaler') };
}

describe('autoscaling target', () => {
  it('scales on request rate alone: one Pods metric, no CPU target the policy did not ask for', () => {
    const { hpa } = compiled('minReplicas: 2, maxReplicas: 6, rpsPerPod: 40', '{ metric: tfserving_requests_per_second }');
    expect(hpa.spec).toMatchObject({ minReplicas: 2, maxReplicas: 6 });
    expect(hpa.spec.metrics).toEqual([{ type: 'Pods', pods: { metric: { name: 'tfserving_requests_per_second' }, target: { type: 'AverageValue', averageValue: '40' } } }]);
  });

  it("writes a fractional rate as a canonical milli quantity and passes the profile's selector to the adapter, and Kubernetes' schema accepts both", () => {
    const { policy, files, hpa } = compiled('minReplicas: 2, maxReplicas: 6, rpsPerPod: 12.5', '{ metric: requests_per_second, selector: { status: ok, code_class: 2xx } }');
    expect(hpa.spec.metrics).toEqual([
      { type: 'Pods', pods: { metric: { name: 'requests_per_second', selector: { matchLabels: { status: 'ok', code_class: '2xx' } } }, target: { type: 'AverageValue', averageValue: '12500m' } } },
    ]);
    expect(crdSchemasCheck.check(policy, files)).toEqual([]);
    hpa.spec.metrics[0].pods.target.averageValu = '1';
    expect(crdSchemasCheck.check(policy, files).map((finding) => finding.message)).toContainEqual(expect.stringContaining('/spec/metrics/0/pods/target: unknown field "averageValu"'));
  });

  it('keeps a rate finer than the HPA can tell apart to its thousandth', () => {
    expect(compiled('minReplicas: 1, maxReplicas: 3, rpsPerPod: 0.0014', '{ metric: rps }').hpa.spec.metrics[0].pods.target.averageValue).toBe('1m');
  });
});
