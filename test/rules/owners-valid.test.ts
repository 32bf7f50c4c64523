import { describe, it } from 'vitest';
import { expectDiagnostics, expectValid } from '../support/rule-harness.js';

const policy = (owners: string) => `apiVersion: modelgate.io/v1alpha1
kind: ReleasePolicy
metadata:
  name: demo
  owners: ${owners}
spec:
  model: { name: demo, basePath: /models/demo }
  versions: { stable: 1 }
  traffic: { host: demo.svc }
`;

describe('owners-valid', () => {
  it('reports an @-mention and a nested team path, at each owner', () => {
    expectDiagnostics(policy('["@alice", acme/ml/risk]'), [
      { rule: 'owners-valid', line: 5, column: 12, hint: '`alice`' },
      { rule: 'owners-valid', line: 5, column: 22, message: '`acme/ml/risk`' },
    ]);
  });

  it('reports a login with a double dash', () => {
    expectDiagnostics(policy('[bo--li]'), [{ rule: 'owners-valid', line: 5, column: 12 }]);
  });

  it('accepts logins and org/team', () => {
    expectValid(policy('[alice-chen, acme/risk-ml, Bob42]'));
  });
});
