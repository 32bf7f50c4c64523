import { describe, it } from 'vitest';
import { expectDiagnostics, expectValid } from '../support/rule-harness.js';

const policy = (versions: string) => `apiVersion: modelgate.io/v1alpha1
kind: ReleasePolicy
metadata:
  name: demo
spec:
  model: { name: demo, basePath: /models/demo }
  versions:
${versions}
  traffic:
    host: demo.svc
`;

describe('versions-distinct', () => {
  it('reports a candidate equal to stable, at the candidate', () => {
    expectDiagnostics(policy('    stable: 3\n    candidate: 3'), [{ rule: 'versions-distinct', line: 9, column: 5, severity: 'error', message: 'candidate 3 is the stable version' }]);
  });

  it('reports previous versions that are the candidate or stable, at the list item', () => {
    expectDiagnostics(policy('    stable: 3\n    candidate: 4\n    previous: [4, 2, 3]'), [
      { rule: 'versions-distinct', line: 10, column: 16, message: 'previous version 4 is the candidate' },
      { rule: 'versions-distinct', line: 10, column: 22, message: 'previous version 3 is the stable version' },
    ]);
  });

  it('warns when the candidate is older than stable', () => {
    expectDiagnostics(policy('    stable: 3\n    candidate: 2'), [{ rule: 'versions-distinct', line: 9, column: 5, severity: 'warning', message: 'older than stable' }]);
  });

  it('accepts distinct versions', () => {
    expectValid(policy('    stable: 3\n    candidate: 4\n    previous: [2, 1]'));
  });
});
