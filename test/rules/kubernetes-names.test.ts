import { describe, it } from 'vitest';
import { expectDiagnostics, expectValid } from '../support/rule-harness.js';

const policy = (metadata: string) => `apiVersion: modelgate.io/v1alpha1
kind: ReleasePolicy
metadata:
${metadata}
spec:
  model: { name: demo, basePath: /models/demo }
  versions: { stable: 1 }
  traffic: { host: demo.svc }
`;

describe('kubernetes-names', () => {
  it('reports a name that is not a DNS-1123 label, with a suggestion', () => {
    expectDiagnostics(policy('  name: Fraud_Detector'), [{ rule: 'kubernetes-names', line: 4, column: 3, message: 'not a valid Kubernetes name', hint: '`fraud-detector`' }]);
  });

  it('reports a namespace that would climb out of the output folder', () => {
    expectDiagnostics(policy('  name: demo\n  namespace: ../../etc'), [{ rule: 'kubernetes-names', line: 5, column: 3, message: 'namespace `../../etc`' }]);
  });

  it('reports a name starting with a digit, which Kubernetes refuses for the Service', () => {
    expectDiagnostics(policy('  name: 2fraud'), [{ rule: 'kubernetes-names', line: 4, column: 3, message: 'must start with a letter' }]);
  });

  it('reports a name with no room for the canary Service `<name>-canary`', () => {
    expectDiagnostics(policy(`  name: ${'a'.repeat(57)}`), [{ rule: 'kubernetes-names', line: 4, column: 3, message: 'too long for its canary Service', hint: 'at most 56' }]);
    expectValid(policy(`  name: ${'a'.repeat(56)}`));
  });

  it('accepts lowercase labels', () => {
    expectValid(policy('  name: fraud-detector-2\n  namespace: 2024-risk'));
  });
});
