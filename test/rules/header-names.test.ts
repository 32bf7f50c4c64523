import { describe, it } from 'vitest';
import { expectDiagnostics, expectValid } from '../support/rule-harness.js';

const policy = (traffic: string) => `apiVersion: modelgate.io/v1alpha1
kind: ReleasePolicy
metadata: { name: demo }
spec:
  model: { name: demo, basePath: /models/demo }
  versions: { stable: 1, candidate: 2 }
  traffic:
    host: demo.svc
${traffic}
`;

describe('header-names', () => {
  it('reports an uppercase sticky header (Istio would never match it), with the lowercase spelling', () => {
    expectDiagnostics(policy('    sticky:\n      header: X-User-Id'), [{ rule: 'header-names', line: 10, column: 7, message: 'uppercase', hint: '`x-user-id`' }]);
  });

  it('reports a cohort header that is not an HTTP token', () => {
    expectDiagnostics(policy('    cohorts:\n      - { name: staff, header: "x staff", exact: "1" }'), [{ rule: 'header-names', line: 10, column: 24, message: 'not an HTTP header name' }]);
  });

  it('accepts lowercase header names', () => {
    expectValid(policy('    sticky: { header: x-user-id }\n    cohorts:\n      - { name: staff, header: x-acme-staff, exact: "true" }'));
  });
});
