import { describe, expect, it } from 'vitest';
import { crdSchemasCheck } from '../../src/check/crd-schemas.js';
import { validateSources } from '../../src/validate/validate.js';
import { hpaDesiredReplicas, metricKey } from '../models/horizontal-pod-autoscaler.js';
import { compile, objectOfKind } from '../support/compiled-objects.js';
import { policyWithModel } from '../support/rule-harness.js';

/** A policy scaled by `autoscaling`, validated for a profile whose adapter serves `requestsPerSecond`. */
function compiled(autoscaling: string, requestsPerSecond: string, inFlightRequests = '{ metric: requests_in_flight }') {
  const profile = `apiVersion: modelgate.io/v1alpha1\nkind: PlatformProfile\nspec:\n  autoscaling:\n    requestsPerSecond: ${requestsPerSecond}\n    inFlightRequests: ${inFlightRequests}\n`;
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

  it('scales on requests in flight beside the rate, and the HPA keeps the larger count: 300 rps over 6 pods asks for 8, 40 in flight for 10', () => {
    const { hpa } = compiled('minReplicas: 2, maxReplicas: 12, rpsPerPod: 40, inFlightPerPod: 4', '{ metric: requests_per_second }', '{ metric: requests_in_flight, selector: { api: predict } }');
    expect(hpa.spec.metrics).toEqual([
      { type: 'Pods', pods: { metric: { name: 'requests_per_second' }, target: { type: 'AverageValue', averageValue: '40' } } },
      { type: 'Pods', pods: { metric: { name: 'requests_in_flight', selector: { matchLabels: { api: 'predict' } } }, target: { type: 'AverageValue', averageValue: '4' } } },
    ]);
    const served = (inFlight: number) => ({ cpuUsedCores: 0, cpuRequestCores: 1, podMetrics: { [metricKey('requests_per_second')]: 300, [metricKey('requests_in_flight', { api: 'predict' })]: inFlight } });
    // In flight: 6.666 per pod (thousandths, rounded down) / 4 → ceil(1.6665 × 6) = 10; the rate: 50 / 40 → ceil(1.25 × 6) = 8.
    expect(hpaDesiredReplicas(hpa, 6, 6, served(40))).toBe(10);
    // 20 in flight (ratio 0.83 → 5) leaves the rate's 8.
    expect(hpaDesiredReplicas(hpa, 6, 6, served(20))).toBe(8);
  });

  it('keeps a rate finer than the HPA can tell apart to its thousandth', () => {
    expect(compiled('minReplicas: 1, maxReplicas: 3, rpsPerPod: 0.0014', '{ metric: rps }').hpa.spec.metrics[0].pods.target.averageValue).toBe('1m');
  });
});
