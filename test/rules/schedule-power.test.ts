import { describe, expect, it } from 'vitest';
import { gateSchedule } from '../../src/analysis/gate-schedule.js';
import { requirement } from '../../src/analysis/power.js';
import { loadPolicy } from '../../src/load/load.js';
import { resolvePolicy } from '../../src/resolve/resolve.js';
import { gatesConsistent } from '../../src/rules/gates-consistent.js';
import { schedulePower } from '../../src/rules/schedule-power.js';
import { runRules } from '../../src/validate/run-rules.js';

function resolved(yaml: string) {
  const loaded = loadPolicy('policy.yaml', new TextEncoder().encode(yaml));
  if (!loaded.policy) throw new Error(JSON.stringify(loaded.diagnostics));
  return { loaded: loaded.policy, policy: resolvePolicy(loaded.policy.data, { file: 'policy.yaml', sha256: '' }) };
}

function diagnose(yaml: string, rules = [schedulePower]) {
  const { loaded, policy } = resolved(yaml);
  return runRules(rules, [{ source: loaded, policy }]);
}

function policy(opts: { rps: number; steps: string; interval: string; extra?: string; checks?: string; traffic?: string }): string {
  return `apiVersion: modelgate.io/v1alpha1
kind: ReleasePolicy
metadata:
  name: demo
spec:
  model: { name: demo, basePath: /models/demo }
  versions: { stable: 1, candidate: 2 }
  traffic:
    host: demo.svc
    expectedRps: ${opts.rps}
${opts.traffic ?? ''}  canary:
    steps:
${opts.steps}
      - { weight: 100% }
  gates:
    interval: ${opts.interval}
${opts.extra ?? ''}    checks:
${opts.checks ?? '      - { metric: errorRate, maxIncrease: 0.5pp }\n'}`;
}

const TWO_STEPS = '      - { weight: 1%, hold: 30m }\n      - { weight: 10%, hold: 30m }';

describe('schedule-power', () => {
  it("rejects the issue's 5-minute hold at 1% of 200 rps: the gate is judged at no step, at the gate, whatever gates.strict says", () => {
    const diagnostics = diagnose(policy({ rps: 200, steps: '      - { weight: 1%, hold: 5m }', interval: '5m' }));
    expect(diagnostics).toHaveLength(1);
    const [d] = diagnostics;
    expect(d).toMatchObject({ rule: 'schedule-power', severity: 'error', line: 18, column: 9 });
    // ~1,619 needed (unequal arms, stable 99×); 1% of 200 rps for 300 s = 600.
    expect(d!.message).toMatch(/needs 1,6\d\d requests per version in one window/);
    expect(d!.message).toContain('gives the candidate about 600');
    expect(d!.message).toContain('pause every rollout');
  });

  it('rejects a policy guard above what any window gives: every measurement would be inconclusive', () => {
    const diagnostics = diagnose(policy({ rps: 200, steps: '      - { weight: 1%, hold: 1h }', interval: '5m', extra: '    minRequests: 1000\n' }));
    // Also below what detection needs (~1,619): the low-guard warning comes with it.
    expect(diagnostics.map((d) => d.severity)).toEqual(['error', 'warning']);
    expect(diagnostics[0]!.message).toContain('needs 1,000 requests');
    expect(diagnostics[0]!.message).toContain('about 600');
  });

  it('measures a gate from the first step that fills its window, and says so at the steps before, with numbers', () => {
    const text = policy({ rps: 200, steps: TWO_STEPS, interval: '5m' });
    const { policy: resolvedPolicy } = resolved(text);
    const gate = resolvedPolicy.gates.checks[0]!;
    // At 1% a window holds 600 of the ~1,619 needed; at 10% it holds 6,000.
    expect(gateSchedule(resolvedPolicy, gate)).toEqual({ stepIndex: 1, offsetSeconds: 1800 });
    const diagnostics = diagnose(text);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ severity: 'warning', line: 13, column: 23 });
    expect(diagnostics[0]!.message).toContain('gives it about 600');
    expect(diagnostics[0]!.message).toContain('measured from step 2 (10%) on');
    expect(diagnostics[0]!.hint).toContain('`gates.interval: 14m`');
  });

  it('is an error under gates.strict', () => {
    const diagnostics = diagnose(policy({ rps: 200, steps: TWO_STEPS, interval: '5m', extra: '    strict: true\n' }));
    expect(diagnostics.map((d) => d.severity)).toEqual(['error']);
  });

  it('gives one hint that satisfies the window, the hold and failureLimit together: following it silences the step', () => {
    const before = policy({ rps: 200, steps: '      - { weight: 1%, hold: 10m }\n      - { weight: 10%, hold: 30m }', interval: '5m', extra: '    failureLimit: 2\n' });
    const [finding] = diagnose(before, [schedulePower, gatesConsistent]);
    const interval = /`gates\.interval: (\w+)`/.exec(finding!.hint!)![1]!;
    const hold = /`hold: (\w+)` at step 1/.exec(finding!.hint!)![1]!;
    // 14m windows, three of them (failureLimit + 1) in the hold.
    expect([interval, hold]).toEqual(['14m', '42m']);
    const after = before.replace('interval: 5m', `interval: ${interval}`).replace('{ weight: 1%, hold: 10m }', `{ weight: 1%, hold: ${hold} }`);
    const remaining = diagnose(after, [schedulePower, gatesConsistent]).filter((d) => d.line === 13);
    expect(remaining).toEqual([]);
  });

  it('says an explicit low minRequests lets an underpowered window pass', () => {
    const diagnostics = diagnose(policy({ rps: 200, steps: '      - { weight: 1%, hold: 1h }', interval: '5m', extra: '    minRequests: 100\n' }));
    expect(diagnostics.map((d) => d.message).join('\n')).toContain('passes on 100 requests');
  });

  it('warns at gates.minRequests when it is below what a gate needs, with the number needed, even with traffic to spare', () => {
    const diagnostics = diagnose(policy({ rps: 20000, steps: '      - { weight: 1%, hold: 30m }', interval: '5m', extra: '    minRequests: 100\n' }));
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ severity: 'warning', line: 17, column: 5 });
    expect(diagnostics[0]!.message).toMatch(/needs about 1,6\d\d/);
    expect(diagnostics[0]!.hint).toMatch(/^`minRequests: 16\d\d`/);
    // At what the test needs, nothing to say.
    const needed = /minRequests: (\d+)/.exec(diagnostics[0]!.hint!)![1]!;
    expect(diagnose(policy({ rps: 20000, steps: '      - { weight: 1%, hold: 30m }', interval: '5m', extra: `    minRequests: ${needed}\n` }))).toEqual([]);
  });

  it('is silent when traffic suffices, and when expectedRps is unknown', () => {
    expect(diagnose(policy({ rps: 200, steps: '      - { weight: 1%, hold: 15m }', interval: '15m' }))).toEqual([]);
    expect(diagnose(policy({ rps: 2000, steps: '      - { weight: 1%, hold: 5m }', interval: '5m' }))).toEqual([]);
    const unknown = policy({ rps: 200, steps: '      - { weight: 1%, hold: 5m }', interval: '5m' }).replace('    expectedRps: 200\n', '');
    expect(diagnose(unknown)).toEqual([]);
  });

  it('is silent for a policy at rest: no candidate, no step runs, no gate is measured', () => {
    const thin = policy({ rps: 5, steps: '      - { weight: 1%, hold: 5m }', interval: '5m' });
    expect(diagnose(thin).map((d) => d.severity)).toContain('error');
    expect(diagnose(thin.replace('versions: { stable: 1, candidate: 2 }', 'versions: { stable: 1 }'))).toEqual([]);
  });

  describe('segment gates: the smallest value decides', () => {
    // The case: 300 rps, a per-region gate, ten regions of about 10% each.
    const segmented = (traffic: string) =>
      policy({
        rps: 300,
        steps: '      - { weight: 1%, hold: 30m }\n      - { weight: 5%, hold: 30m }\n      - { weight: 25%, hold: 1h }',
        interval: '5m',
        traffic,
        checks: '      - { metric: errorRate, name: region-errors, maxIncrease: 1pp, segment: region }\n',
      });

    it('sizes the guard and the first measured step for the default 10% share, and reports the steps before with numbers', () => {
      const text = segmented('    segments: [{ label: region, header: x-region }]\n');
      const { policy: p } = resolved(text);
      const gate = p.gates.checks[0]!;
      // 10% of 1% of 300 rps × 300 s = 90 requests per window; 10% of 5% gives 450, 10% of 25% 2,250.
      // The 1pp test needs ~490 at 5% (ratio 19): the gate starts at 25%, with a guard of what it needs there.
      expect(gateSchedule(p, gate)).toEqual({ stepIndex: 2, offsetSeconds: 3600 });
      expect(gate.minRequests).toBeGreaterThan(450);
      expect(gate.minRequests).toBeLessThanOrEqual(2250);
      const diagnostics = diagnose(text);
      expect(diagnostics.map((d) => d.line)).toEqual([14, 15]);
      expect(diagnostics[0]!.message).toContain('in each `region` value');
      expect(diagnostics[0]!.message).toContain('gives it about 90 (10% of 1% of 300 rps)');
      expect(diagnostics[0]!.message).toContain('measured from step 3 (25%) on');
      expect(diagnostics[0]!.hint).toContain('larger `minShare` for `region`');
    });

    it('a declared share moves the first measured step', () => {
      const { policy: p } = resolved(segmented('    segments: [{ label: region, header: x-region, minShare: 40% }]\n'));
      // 40% of 5% of 300 rps × 300 s = 1,800 per window.
      expect(gateSchedule(p, p.gates.checks[0]!)).toEqual({ stepIndex: 1, offsetSeconds: 1800 });
    });

    it('a share no step can judge is an error naming the share', () => {
      const diagnostics = diagnose(segmented('    segments: [{ label: region, header: x-region, minShare: 1% }]\n'));
      const error = diagnostics.find((d) => d.severity === 'error')!;
      expect(error.message).toContain('smallest `region` value (1% of traffic) about 225');
      expect(error.hint).toContain('`traffic.segments[].minShare`');
    });
  });
});

/**
 * Ratio gates: the two-proportion test of power.ts on denominator events. Expected values are
 * worked by hand from Fleiss, Levin & Paik §4.4 (z_0.95 = 1.6449, z_0.8 = 0.8416), not taken from the code.
 */
describe('schedule-power on ratio gates', () => {
  const CTR = '      - { metric: ratio, name: ctr, numerator: demo_clicks_total, denominator: demo_views_total, expected: 4%, eventsPerRequest: 10, maxDecrease: 10% }\n';
  const HALF = '      - { weight: 50%, hold: 1h }';

  it('equal arms: a CTR of 4% falling 10% (to 3.6%) needs about 28,254 impressions per arm', () => {
    // p̄ = 0.038: [1.6449·√(2·0.038·0.962) + 0.8416·√(0.04·0.96 + 0.036·0.964)]² / 0.004² = 28,254.
    const { policy: p } = resolved(policy({ rps: 1000, steps: HALF, interval: '5m', checks: CTR }));
    const need = requirement(p, p.gates.checks[0]!, 50)!;
    expect(Math.abs(need.candidateRequests - 28_254)).toBeLessThanOrEqual(3);
    expect(need.regression).toBe('demo_clicks_total per demo_views_total falling from 4% to 3.6%');
  });

  it('an absolute limit in pp and a lower-is-better ratio move the candidate the other way', () => {
    const rise = '      - { metric: ratio, name: rejects, numerator: demo_rejected_total, denominator: demo_applications_total, expected: 10%, maxRise: 1pp }\n';
    const { policy: p } = resolved(policy({ rps: 1000, steps: HALF, interval: '5m', checks: rise }));
    expect(requirement(p, p.gates.checks[0]!, 50)!.regression).toBe('demo_rejected_total per demo_applications_total rising from 10% to 11%');
  });

  it('warns with the number of events needed where a step cannot judge the gate, counting events per request', () => {
    // At 5% of 100 rps × 10 impressions, a 5m window holds 15,000; stable is 19× the candidate, so
    // the test needs [1.6449·√(p̄q̄·(1 + 1/19)) + 0.8416·√(0.036·0.964 + 0.04·0.96/19)]² / 0.004² ≈ 15,081.
    const diagnostics = diagnose(policy({ rps: 100, steps: '      - { weight: 5%, hold: 30m }\n      - { weight: 50%, hold: 30m }', interval: '5m', checks: CTR }));
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]!.message).toMatch(/needs about 15,0[78]\d candidate `demo_views_total` events/);
    expect(diagnostics[0]!.message).toContain('about 15,000 (5% of 100 rps × 10 events per request)');
    expect(diagnostics[0]!.message).toContain('measured from step 2');
  });

  it('gates-consistent refuses a ratio gate that limits both a fall and a rise, at the gate', () => {
    const both = '      - { metric: ratio, numerator: a_total, denominator: b_total, expected: 4%, maxDecrease: 10%, maxRise: 1pp }\n';
    const diagnostics = diagnose(policy({ rps: 1000, steps: HALF, interval: '5m', checks: both }), [gatesConsistent]);
    expect(diagnostics.map((d) => [d.rule, d.line, d.message.includes('both a fall')])).toEqual([['gates-consistent', 18, true]]);
  });
});
