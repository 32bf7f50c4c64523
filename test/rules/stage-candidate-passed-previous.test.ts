import { describe, it } from 'vitest';
import { expectDiagnostics, expectValid } from '../support/rule-harness.js';

const policy = (prodVersions: string) => `apiVersion: modelgate.io/v1alpha1
kind: ReleasePolicy
metadata:
  name: demo
spec:
  model: { name: demo, basePath: /models/demo }
  versions: { stable: 5, previous: [4, 3] }
  traffic:
    host: demo
  stages:
    - name: staging
      namespace: demo-staging
    - name: prod
      namespace: demo
      versions:
${prodVersions}
`;

describe('stage-candidate-passed-previous', () => {
  it("reports prod's candidate that staging never made stable, at the candidate in the prod stage", () => {
    expectDiagnostics(policy('        stable: 4\n        candidate: 6'), [
      { rule: 'stage-candidate-passed-previous', line: 17, column: 9, severity: 'error', message: 'stage prod: candidate 6 of stage prod has not been released in stage staging (stable there: 5)', hint: 'modelgate advance demo --to prod' },
    ]);
  });

  it("accepts staging's stable or a version staging released before it", () => {
    expectValid(policy('        stable: 3\n        candidate: 5'));
    expectValid(policy('        stable: 3\n        candidate: 4'));
  });

  it('accepts a later stage at rest', () => {
    expectValid(policy('        stable: 3'));
  });
});
