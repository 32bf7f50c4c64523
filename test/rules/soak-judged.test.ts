import { describe, it } from 'vitest';
import { expectDiagnostics, expectValid } from '../support/rule-harness.js';

const policy = (canary: string, checks: string) => `apiVersion: modelgate.io/v1alpha1
kind: ReleasePolicy
metadata: { name: demo }
spec:
  model: { name: demo, basePath: /models/demo }
  versions: { stable: 1, candidate: 2 }
  traffic: { host: demo.svc }
  canary:
    steps: [{ weight: 10%, hold: 1h }, { weight: 100% }]
${canary}  gates:
    interval: 5m
    checks: [${checks}]
`;

describe('soak-judged', () => {
  it('refuses a soak that only relative gates would judge, at canary.soak', () => {
    expectDiagnostics(policy('    soak: 1h\n', '{ metric: errorRate, maxIncrease: 0.5pp }'), [
      { rule: 'soak-judged', line: 10, column: 5, severity: 'error', message: 'no gate judges the soak: at 100% stable serves no one', hint: 'max: 1%' },
    ]);
  });

  it('refuses a soak shorter than one gate interval', () => {
    expectDiagnostics(policy('    soak: 2m\n', '{ metric: errorRate, max: 1% }'), [
      { rule: 'soak-judged', line: 10, column: 5, message: 'a soak of 2m is shorter than the gate interval (5m)' },
    ]);
  });

  it('accepts a soak an absolute limit judges, beside relative ones, and no soak with relative gates only', () => {
    expectValid(policy('    soak: 1h\n', '{ metric: errorRate, maxIncrease: 0.5pp, max: 1% }'));
    expectValid(policy('', '{ metric: errorRate, maxIncrease: 0.5pp }'));
  });
});
