import { describe, expect, it } from 'vitest';
import { expectDiagnostics, expectValid } from '../support/rule-harness.js';

const policy = (name: string, host: string, namespace = 'default') => `apiVersion: modelgate.io/v1alpha1
kind: ReleasePolicy
metadata: { name: ${name}, namespace: ${namespace} }
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

  it('resolves a short host in the policy namespace, as Istio does (ResolveShortnameToFQDN)', () => {
    expectDiagnostics({ 'a.yaml': policy('a', 'churn-scorer.default.svc.cluster.local'), 'b.yaml': policy('b', 'churn-scorer') }, [
      { rule: 'unique-hosts', line: 8, column: 5, message: 'host `churn-scorer.default.svc.cluster.local` is already routed by a.yaml' },
    ]);
  });

  it('a short host in another namespace is another service', () => {
    expectValid({ 'a.yaml': policy('a', 'churn-scorer.default.svc.cluster.local'), 'b.yaml': policy('b', 'churn-scorer', 'risk') });
  });

  it('a name with a dot is taken as fully qualified, as Istio does', () => {
    expectValid({ 'a.yaml': policy('a', 'churn-scorer.default.svc.cluster.local'), 'b.yaml': policy('b', 'churn-scorer.default') });
  });
});
