import { describe, expect, it } from 'vitest';
import { diagnosticsFor, expectDiagnostics, policyWithModel, REQUEST_RATE_PROFILE } from '../support/rule-harness.js';

const byRequestRate = policyWithModel('    autoscaling: { minReplicas: 2, maxReplicas: 6, rpsPerPod: 40 }\n');

describe('autoscaling-request-metric', () => {
  it("refuses rpsPerPod when the profile names no metric the cluster's adapter serves, at rpsPerPod, and says where to name it", () => {
    expectDiagnostics(byRequestRate, [
      {
        rule: 'autoscaling-request-metric',
        line: 8,
        column: 52,
        severity: 'error',
        message: "rpsPerPod (40) scales on a per-pod request rate, and the platform profile names no metric the cluster's metrics adapter serves for it",
        hint: 'spec.autoscaling.requestsPerSecond: { metric:',
      },
    ]);
  });

  it('refuses inFlightPerPod the same way, naming its own profile key, while the rate metric the profile does name is accepted', () => {
    expectDiagnostics(
      policyWithModel('    autoscaling: { minReplicas: 2, maxReplicas: 6, rpsPerPod: 40, inFlightPerPod: 4 }\n'),
      [{ rule: 'autoscaling-request-metric', line: 8, column: 67, message: 'model.autoscaling.inFlightPerPod (4) scales on the requests each pod serves at once', hint: 'spec.autoscaling.inFlightRequests: { metric:' }],
      REQUEST_RATE_PROFILE,
    );
  });

  it('accepts rpsPerPod under a profile that names the metric, and CPU autoscaling under one that does not', () => {
    expect(diagnosticsFor(byRequestRate, REQUEST_RATE_PROFILE)).toEqual([]);
    expect(diagnosticsFor(policyWithModel('    autoscaling: { minReplicas: 2, maxReplicas: 6, cpu: 70% }\n    resources: { cpu: 500m }\n'))).toEqual([]);
  });
});
