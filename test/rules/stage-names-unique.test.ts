import { describe, it } from 'vitest';
import { expectDiagnostics, expectValid } from '../support/rule-harness.js';

const policy = (second: string) => `apiVersion: modelgate.io/v1alpha1
kind: ReleasePolicy
metadata:
  name: demo
spec:
  model: { name: demo, basePath: /models/demo }
  versions: { stable: 5 }
  traffic:
    host: demo
  stages:
    - name: staging
      namespace: demo-staging
    - name: ${second}
      namespace: demo
`;

describe('stage-names-unique', () => {
  it('reports the second stage of a name, once, at its name', () => {
    expectDiagnostics(policy('staging'), [{ rule: 'stage-names-unique', line: 13, column: 7, message: 'stage `staging` is already stage 1' }]);
  });

  it('is silent for distinct names', () => {
    expectValid(policy('prod'));
  });
});
