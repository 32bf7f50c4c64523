import { describe, it } from 'vitest';
import { expectDiagnostics, expectValid, minimalPolicy } from '../support/rule-harness.js';

describe('gate-names-unique', () => {
  it('reports two unnamed gates of one metric at the second gate', () => {
    expectDiagnostics(
      minimalPolicy(`  gates:
    checks:
      - { metric: errorRate, maxIncrease: 0.5pp }
      - { metric: errorRate, max: 2% }
`),
      [{ rule: 'gate-names-unique', line: 17, column: 9, message: '`error-rate` is already used by check 1' }],
    );
  });

  it('reports a repeated explicit name at that name', () => {
    expectDiagnostics(
      minimalPolicy(`  gates:
    checks:
      - { metric: latency, name: slo, maxIncrease: 10%, expected: 130ms }
      - { metric: errorRate, name: slo, max: 2% }
`),
      [{ rule: 'gate-names-unique', line: 17, column: 30 }],
    );
  });

  it('accepts distinct names', () => {
    expectValid(
      minimalPolicy(`  gates:
    checks:
      - { metric: errorRate, maxIncrease: 0.5pp }
      - { metric: errorRate, name: error-rate-ceiling, max: 2% }
`),
    );
  });
});
