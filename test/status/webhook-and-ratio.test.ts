/**
 * `status` on a policy with a ratio gate and a webhook gate: the ratio gate is read like the
 * others (its query is the AnalysisTemplate's; here Prometheus has no series yet), the webhook is
 * named as not readable from Prometheus rather than left out or shown as passing.
 */
import { describe, expect, it } from 'vitest';
import { serialize } from '../../src/gates/promql.js';
import { releaseStatus } from '../../src/status/gate-status.js';
import { formatStatus } from '../../src/status/report.js';
import { examplePolicy } from '../gates/example-policies.js';

describe('status with ratio and webhook gates', () => {
  it('reads the CTR gate from its counters and says where the webhook verdicts are', async () => {
    const policy = examplePolicy('recommender.yaml');
    const asked: string[] = [];
    const status = await releaseStatus(policy, async (expr) => {
      asked.push(serialize(expr));
      return [];
    });
    const ctr = status.gates.find((gate) => gate.limit === 'ctr')!;
    expect(ctr).toMatchObject({ verdict: 'not-enough-data', unit: '%', levelUnit: '%' });
    expect(asked.some((query) => query.includes(':ctr_denominator:'))).toBe(true);
    expect(status.webhooks).toEqual([{ name: 'guardrail-eval', url: 'http://guardrail-eval.ranking.svc.cluster.local:8080/v1/verdict' }]);
    const text = formatStatus(status, 'http://prometheus:9090');
    expect(text).toContain('ctr: NOT ENOUGH DATA');
    expect(text).toContain("guardrail-eval: NOT READ FROM PROMETHEUS (webhook http://guardrail-eval.ranking.svc.cluster.local:8080/v1/verdict; Argo Rollouts records its answers in the Rollout's AnalysisRun)");
  });
});
