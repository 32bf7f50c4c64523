import { describe, it } from 'vitest';
import { expectDiagnostics, expectValid, minimalPolicy } from '../support/rule-harness.js';

describe('step-holds', () => {
  it('reports a step without a hold at the step, and a 0s hold at the hold', () => {
    expectDiagnostics(
      minimalPolicy(`  canary:
    steps:
      - { weight: 5% }
      - { weight: 20%, hold: 0s }
      - { weight: 100% }
`),
      [
        { rule: 'step-holds', line: 16, column: 9, message: 'step 1 (5%) has no hold' },
        { rule: 'step-holds', line: 17, column: 24, message: 'holds for 0s' },
      ],
    );
  });

  it('accepts positive and manual holds, and no hold on the last step', () => {
    expectValid(
      minimalPolicy(`  canary:
    steps:
      - { weight: 5%, hold: 1h }
      - { weight: 50%, hold: manual }
      - { weight: 100% }
`),
    );
  });
});
