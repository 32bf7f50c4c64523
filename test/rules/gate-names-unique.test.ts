import { describe, it } from 'vitest';
import { expectDiagnostics, expectValid, minimalPolicy, SERVED_VERSION_PROFILE } from '../support/rule-harness.js';

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

  it('reports a gate named like another gate\'s shadow metric', () => {
    const policy = minimalPolicy(`  shadow: { mirror: 100%, duration: 30m }
  gates:
    checks:
      - { metric: errorRate, maxIncrease: 0.5pp }
      - { metric: errorRate, name: error-rate-shadow, max: 2% }
`);
    expectDiagnostics(policy, [{ rule: 'gate-names-unique', line: 18, column: 30, message: 'both produce the analysis metric `error-rate-shadow`' }]);
  });

  it('reports a gate named like the served-version metric, in label mode where the profile lets it be seen', () => {
    const policy = minimalPolicy(`  gates:
    checks:
      - { metric: errorRate, name: served-version-mismatch, maxIncrease: 0.5pp }
`).replace('    basePath: /models/demo\n', '    basePath: /models/demo\n    versionLabels: true\n    resources: { memory: 2Gi }\n');
    expectDiagnostics(policy, [
      { rule: 'version-labels-memory', line: 9, column: 5 },
      { rule: 'gate-names-unique', line: 18, column: 30, message: 'produces the analysis metric `served-version-mismatch`' },
    ], SERVED_VERSION_PROFILE);
  });
});
