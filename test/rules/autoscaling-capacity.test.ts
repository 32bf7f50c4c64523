import { describe, expect, it } from 'vitest';
import { diagnosticsFor, expectDiagnostics, policyWithModel, REQUEST_RATE_PROFILE } from '../support/rule-harness.js';

/** An autoscaled policy expecting `expectedRps` requests per second, or no figure. */
function policy(autoscaling: string, expectedRps?: number): string {
  const text = policyWithModel(`    autoscaling: { ${autoscaling} }\n    resources: { cpu: 500m }\n`);
  return expectedRps === undefined ? text : text.replace('traffic: { host: demo.svc }', `traffic: { host: demo.svc, expectedRps: ${expectedRps} }`);
}

describe('autoscaling-capacity', () => {
  it('warns when the expected traffic is more than maxReplicas pods serve at rpsPerPod, at maxReplicas, with the count that would', () => {
    expectDiagnostics(
      policy('minReplicas: 2, maxReplicas: 6, rpsPerPod: 40', 300),
      [
        {
          rule: 'autoscaling-capacity',
          line: 8,
          column: 36,
          severity: 'warning',
          message: 'traffic.expectedRps (300) is more than maxReplicas (6) × rpsPerPod (40) = 240 requests per second: the HPA stops at 6 pods, each serving about 50',
          hint: 'raise maxReplicas to 8 or more',
        },
      ],
      REQUEST_RATE_PROFILE,
    );
  });

  it('is silent when the range carries the load exactly, without an expectedRps, and for CPU targets it has no rate to compare', () => {
    expect(diagnosticsFor(policy('minReplicas: 2, maxReplicas: 6, rpsPerPod: 40', 240), REQUEST_RATE_PROFILE)).toEqual([]);
    expect(diagnosticsFor(policy('minReplicas: 2, maxReplicas: 6, rpsPerPod: 40'), REQUEST_RATE_PROFILE)).toEqual([]);
    expect(diagnosticsFor(policy('minReplicas: 2, maxReplicas: 6, cpu: 70%', 5000))).toEqual([]);
  });
});
