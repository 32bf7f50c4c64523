import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../../src/load/load.js';
import { resolvePolicy } from '../../src/resolve/resolve.js';
import { schedulePower } from '../../src/rules/schedule-power.js';
import { runRules } from '../../src/validate/run-rules.js';

function diagnose(yaml: string) {
  const loaded = loadPolicy('policy.yaml', new TextEncoder().encode(yaml));
  if (!loaded.policy) throw new Error(JSON.stringify(loaded.diagnostics));
  const policy = resolvePolicy(loaded.policy.data, { file: 'policy.yaml', sha256: '' });
  return runRules([schedulePower], [{ source: loaded.policy, policy }]);
}

function policy(opts: { rps: number; steps: string; interval: string; extra?: string }): string {
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
  canary:
    steps:
${opts.steps}
      - { weight: 100% }
  gates:
    interval: ${opts.interval}
${opts.extra ?? ''}    checks:
      - { metric: errorRate, maxIncrease: 0.5pp }
`;
}

describe('schedule-power', () => {
  it("flags the issue's 5-minute hold at 1% of 200 rps, at the hold, with the minimum that would work", () => {
    const diagnostics = diagnose(policy({ rps: 200, steps: '      - { weight: 1%, hold: 5m }', interval: '5m' }));
    expect(diagnostics).toHaveLength(1);
    const [d] = diagnostics;
    expect(d).toMatchObject({ rule: 'schedule-power', severity: 'warning', line: 13, column: 23 });
    // ~1,619 needed (unequal arms, stable 99×); 1% of 200 rps for 300 s = 600.
    expect(d!.message).toMatch(/needs about 1,6\d\d candidate requests/);
    expect(d!.message).toContain('gives it about 600');
    expect(d!.message).toContain('from 0.5% to 1%');
    // 1,619 / 2 rps = 810 s → 14 whole minutes.
    expect(d!.hint).toContain('`14m`');
  });

  it('is an error under gates.strict', () => {
    const diagnostics = diagnose(policy({ rps: 200, steps: '      - { weight: 1%, hold: 5m }', interval: '5m', extra: '    strict: true\n' }));
    expect(diagnostics.map((d) => d.severity)).toEqual(['error']);
  });

  it('flags a long enough hold cut into windows too thin to judge, at gates.interval', () => {
    const diagnostics = diagnose(policy({ rps: 200, steps: '      - { weight: 1%, hold: 1h }', interval: '5m' }));
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ line: 16, column: 5 });
    expect(diagnostics[0]!.message).toContain('every measurement at this step is inconclusive');
    expect(diagnostics[0]!.hint).toContain('`interval: 14m`');
  });

  it('calls a window inconclusive when it holds fewer requests than the guard, even a guard below what detection needs', () => {
    // 1,000 needed is below the ~1,6xx detection needs, and a 5m window at 1% of 200 rps holds 600.
    const diagnostics = diagnose(policy({ rps: 200, steps: '      - { weight: 1%, hold: 1h }', interval: '5m', extra: '    minRequests: 1000\n' }));
    expect(diagnostics[0]!.message).toContain('gives it about 600');
    expect(diagnostics[0]!.message).toContain('every measurement at this step is inconclusive');
  });

  it('says an explicit low minRequests lets an underpowered window pass', () => {
    const diagnostics = diagnose(policy({ rps: 200, steps: '      - { weight: 1%, hold: 1h }', interval: '5m', extra: '    minRequests: 100\n' }));
    expect(diagnostics[0]!.message).toContain('passes on 100 requests');
  });

  it('is silent when traffic suffices, and when expectedRps is unknown', () => {
    expect(diagnose(policy({ rps: 200, steps: '      - { weight: 1%, hold: 15m }', interval: '15m' }))).toEqual([]);
    expect(diagnose(policy({ rps: 2000, steps: '      - { weight: 1%, hold: 5m }', interval: '5m' }))).toEqual([]);
    const unknown = policy({ rps: 200, steps: '      - { weight: 1%, hold: 5m }', interval: '5m' }).replace('    expectedRps: 200\n', '');
    expect(diagnose(unknown)).toEqual([]);
  });
});
