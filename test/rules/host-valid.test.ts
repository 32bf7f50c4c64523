import { describe, it } from 'vitest';
import { expectDiagnostics, expectValid } from '../support/rule-harness.js';

const policy = (traffic: string) => `apiVersion: modelgate.io/v1alpha1
kind: ReleasePolicy
metadata: { name: demo }
spec:
  model: { name: demo, basePath: /models/demo }
  versions: { stable: 1 }
  traffic:
${traffic}
`;

describe('host-valid', () => {
  it('reports a URL given as the host, at traffic.host', () => {
    expectDiagnostics(policy('    host: https://demo.svc:8501'), [{ rule: 'host-valid', line: 8, column: 5, message: 'not a DNS name', hint: 'write only the host' }]);
  });

  it('reports an uppercase host and a malformed gateway, each at its node', () => {
    expectDiagnostics(policy('    host: Demo.svc\n    gateways: [mesh, a/b/c]'), [
      { rule: 'host-valid', line: 8, column: 5, hint: '`demo.svc`' },
      { rule: 'host-valid', line: 9, column: 22, message: 'gateway `a/b/c`' },
    ]);
  });

  it('accepts a DNS host and name or namespace/name gateways', () => {
    expectValid(policy('    host: demo.risk.svc.cluster.local\n    gateways: [mesh, istio-system/public-gateway]'));
  });
});
