import { describe, expect, it } from 'vitest';
import { expectDiagnostics, expectValid } from '../support/rule-harness.js';

const policy = (name: string, host: string) => `apiVersion: modelgate.io/v1alpha1
kind: ReleasePolicy
metadata: { name: ${name} }
spec:
  model: { name: demo, basePath: /models/demo }
  versions: { stable: 1 }
  traffic:
    host: ${host}
`;

describe('unique-hosts', () => {
  it('reports the later policy routing the same host, naming the first file', () => {
    const diagnostics = expectDiagnostics({ 'x/a.yaml': policy('a', 'shared.svc'), 'x/b.yaml': policy('b', 'shared.svc') }, [
      { rule: 'unique-hosts', line: 8, column: 5, message: 'already routed by x/a.yaml' },
    ]);
    expect(diagnostics[0]!.file).toBe('x/b.yaml');
  });

  it('accepts distinct hosts', () => {
    expectValid({ 'a.yaml': policy('a', 'a.svc'), 'b.yaml': policy('b', 'b.svc') });
  });
});
