/**
 * The ratio gate's power analysis is the two-proportion test of power.ts on denominator events.
 * Expected values are worked by hand from Fleiss, Levin & Paik §4.4 (z_0.95 = 1.6449,
 * z_0.8 = 0.8416), not taken from the code.
 */
import { describe, expect, it } from 'vitest';
import { requirement } from '../../src/analysis/power.js';
import { loadPolicy } from '../../src/load/load.js';
import { resolvePolicy } from '../../src/resolve/resolve.js';
import { gatesConsistent } from '../../src/rules/gates-consistent.js';
import { schedulePower } from '../../src/rules/schedule-power.js';
import { runRules } from '../../src/validate/run-rules.js';

const CTR = '      - { metric: ratio, name: ctr, numerator: demo_clicks_total, denominator: demo_views_total, expected: 4%, eventsPerRequest: 10, maxDecrease: 10% }\n';

function policyText(rps: number, steps: string, checks = CTR): string {
  return `apiVersion: modelgate.io/v1alpha1
kind: ReleasePolicy
metadata:
  name: demo
spec:
  model: { name: demo, basePath: /models/demo }
  versions: { stable: 1, candidate: 2 }
  traffic:
    host: demo.svc
    expectedRps: ${rps}
  canary:
    steps:
${steps}
      - { weight: 100% }
  gates:
    interval: 5m
    checks:
${checks}`;
}

function resolved(yaml: string) {
  const loaded = loadPolicy('policy.yaml', new TextEncoder().encode(yaml));
  if (!loaded.policy) throw new Error(JSON.stringify(loaded.diagnostics));
  return { loaded: loaded.policy, policy: resolvePolicy(loaded.policy.data, { file: 'policy.yaml', sha256: '' }) };
}

describe('ratio gate power', () => {
  it('equal arms: a CTR of 4% falling 10% (to 3.6%) needs about 28,254 impressions per arm', () => {
    // p̄ = 0.038: [1.6449·√(2·0.038·0.962) + 0.8416·√(0.04·0.96 + 0.036·0.964)]² / 0.004² = 28,254.
    const { policy } = resolved(policyText(1000, '      - { weight: 50%, hold: 1h }'));
    const need = requirement(policy, policy.gates.checks[0]!, 50)!;
    expect(Math.abs(need.candidateRequests - 28_254)).toBeLessThanOrEqual(3);
    expect(need.regression).toBe('demo_clicks_total per demo_views_total falling from 4% to 3.6%');
  });

  it('an absolute limit in pp and a lower-is-better ratio move the candidate the other way', () => {
    const rise = '      - { metric: ratio, name: rejects, numerator: demo_rejected_total, denominator: demo_applications_total, expected: 10%, maxRise: 1pp }\n';
    const { policy } = resolved(policyText(1000, '      - { weight: 50%, hold: 1h }', rise));
    expect(requirement(policy, policy.gates.checks[0]!, 50)!.regression).toBe('demo_rejected_total per demo_applications_total rising from 10% to 11%');
  });

  it('warns with the number of events needed where a step cannot judge the gate, counting events per request', () => {
    // At 5% of 100 rps × 10 impressions, a 5m window holds 15,000; stable is 19× the candidate, so
    // the test needs [1.6449·√(p̄q̄·(1 + 1/19)) + 0.8416·√(0.036·0.964 + 0.04·0.96/19)]² / 0.004² ≈ 15,081.
    const { loaded, policy } = resolved(policyText(100, '      - { weight: 5%, hold: 30m }\n      - { weight: 50%, hold: 30m }'));
    const diagnostics = runRules([schedulePower], [{ source: loaded, policy }]);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]!.message).toMatch(/needs about 15,0[78]\d candidate `demo_views_total` events/);
    expect(diagnostics[0]!.message).toContain('about 15,000 (5% of 100 rps × 10 events per request)');
    expect(diagnostics[0]!.message).toContain('measured from step 2');
  });
});

describe('gates-consistent on ratio gates', () => {
  it('refuses a ratio gate that limits both a fall and a rise, at the gate', () => {
    const both = '      - { metric: ratio, numerator: a_total, denominator: b_total, expected: 4%, maxDecrease: 10%, maxRise: 1pp }\n';
    const { loaded, policy } = resolved(policyText(1000, '      - { weight: 50%, hold: 1h }', both));
    const diagnostics = runRules([gatesConsistent], [{ source: loaded, policy }]);
    expect(diagnostics.map((d) => [d.rule, d.line, d.message.includes('both a fall')])).toEqual([['gates-consistent', 18, true]]);
  });
});
