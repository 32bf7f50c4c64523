import { describe, it } from 'vitest';
import { expectDiagnostics, expectValid, minimalPolicy } from '../support/rule-harness.js';

describe('canary-ends-at-100', () => {
  it('reports a schedule that stops short of 100%, at the last weight', () => {
    expectDiagnostics(
      minimalPolicy(`  canary:
    steps:
      - { weight: 5%, hold: 30m }
      - { weight: 50% }
`),
      [{ rule: 'canary-ends-at-100', line: 17, column: 11, message: 'never completes' }],
    );
  });

  it('accepts a schedule ending at 100%, and the default schedule', () => {
    expectValid(minimalPolicy(`  canary:
    steps:
      - { weight: 100% }
`));
    expectValid(minimalPolicy());
  });
});
