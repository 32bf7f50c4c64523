import { describe, expect, it } from 'vitest';
import { expectDiagnostics, expectValid } from '../support/rule-harness.js';

const policy = (name: string, namespace: string, host: string) => `apiVersion: modelgate.io/v1alpha1
kind: ReleasePolicy
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  model: { name: demo, basePath: /models/demo }
  versions: { stable: 1 }
  traffic: { host: ${host} }
`;

describe('unique-policy-names', () => {
  it('reports every later file that reuses namespace/name, naming the first', () => {
    const diagnostics = expectDiagnostics(
      { 'a.yaml': policy('demo', 'risk', 'a.svc'), 'b.yaml': policy('demo', 'risk', 'b.svc'), 'c.yaml': policy('demo', 'risk', 'c.svc') },
      [
        { rule: 'unique-policy-names', line: 4, column: 3, message: 'already defined in a.yaml' },
        { rule: 'unique-policy-names', line: 4, column: 3, message: 'already defined in a.yaml' },
      ],
    );
    expect(diagnostics.map((d) => d.file)).toEqual(['b.yaml', 'c.yaml']);
  });

  it('accepts one name in two namespaces', () => {
    expectValid({ 'a.yaml': policy('demo', 'risk', 'a.svc'), 'b.yaml': policy('demo', 'feed', 'b.svc') });
  });
});
