import { describe, it } from 'vitest';
import { expectDiagnostics, expectValid } from '../support/rule-harness.js';

const policy = (cohort: string) => `apiVersion: modelgate.io/v1alpha1
kind: ReleasePolicy
metadata: { name: demo }
spec:
  model: { name: demo, basePath: /models/demo }
  versions: { stable: 1, candidate: 2 }
  traffic:
    host: demo.svc
    cohorts:
      - ${cohort}
`;

describe('cohort-match', () => {
  it('reports a cohort with no match, at the cohort', () => {
    expectDiagnostics(policy('{ name: staff, header: x-staff }'), [{ rule: 'cohort-match', line: 10, column: 9, message: 'does not say how to match' }]);
  });

  it('reports a cohort with two matches, at the second', () => {
    expectDiagnostics(policy('{ name: staff, header: x-staff, exact: "1", regex: "^1$" }'), [{ rule: 'cohort-match', line: 10, column: 53, message: '`exact` and `regex`' }]);
  });

  it('reports lookarounds and backreferences that RE2 (Istio) rejects, at the regex', () => {
    expectDiagnostics(policy('{ name: staff, header: x-staff, regex: "^(?!bot).*" }'), [{ rule: 'cohort-match', line: 10, column: 41, message: 'lookahead' }]);
    expectDiagnostics(policy('{ name: staff, header: x-staff, regex: "(a)\\\\1" }'), [{ rule: 'cohort-match', line: 10, column: 41, message: 'backreferences' }]);
  });

  it('reports a regex that does not compile', () => {
    expectDiagnostics(policy('{ name: staff, header: x-staff, regex: "staff-[0-9" }'), [{ rule: 'cohort-match', line: 10, column: 41, message: 'does not compile' }]);
  });

  it('accepts one exact, prefix or RE2 regex match', () => {
    expectValid(policy('{ name: staff, header: x-staff, regex: "^staff-[0-9]+\\\\+?$" }'));
    expectValid(policy('{ name: staff, header: x-staff, prefix: "staff-" }'));
  });
});
