import { describe, it } from 'vitest';
import { expectDiagnostics, expectValid, minimalPolicy } from '../support/rule-harness.js';

describe('canary-steps-increasing', () => {
  it('reports a weight that does not rise, at that weight', () => {
    expectDiagnostics(
      minimalPolicy(`  canary:
    steps:
      - { weight: 10%, hold: 30m }
      - { weight: 10%, hold: 30m }
      - { weight: 100% }
`),
      [{ rule: 'canary-steps-increasing', line: 17, column: 11, message: 'step 2 weight 10% is not above' }],
    );
  });

  it('reports a 0% step', () => {
    expectDiagnostics(
      minimalPolicy(`  canary:
    steps:
      - weight: 0
        hold: 30m
      - weight: 100
`),
      [{ rule: 'canary-steps-increasing', line: 16, column: 9, message: 'between 1% and 100%' }],
    );
  });

  it('accepts strictly increasing weights written as numbers or percentages', () => {
    expectValid(
      minimalPolicy(`  canary:
    steps:
      - { weight: 1, hold: 30m }
      - { weight: 5%, hold: 30m }
      - { weight: 100 }
`),
    );
  });
});
