import { describe, it } from 'vitest';
import { expectDiagnostics, expectValid, SERVED_VERSION_PROFILE } from '../support/rule-harness.js';

const policy = (versions: string, rollback = '') => `apiVersion: modelgate.io/v1alpha1
kind: ReleasePolicy
metadata:
  name: demo
spec:
  model: { name: demo, basePath: /models/demo }
  versions:
${versions}
  traffic:
    host: demo.svc
${rollback}`;

describe('retention-covers-rollback', () => {
  it('reports retain below stable + candidate + rollback target, with the minimum in the hint', () => {
    expectDiagnostics(policy('    stable: 41\n    candidate: 42\n    previous: [40]\n    retain: 2', '  rollback:\n    to: 40\n'), [
      { rule: 'retention-covers-rollback', line: 11, column: 5, message: 'retain 2 keeps fewer versions than the 3', hint: '`retain: 3`' },
    ]);
  });

  it('counts preloaded versions', () => {
    // Preloads exist only in label mode, where every policy is also told its memory cost.
    const labelled = policy('    stable: 41\n    candidate: 42\n    preload: [43]\n    retain: 2').replace('basePath: /models/demo }', 'basePath: /models/demo, versionLabels: true }');
    expectDiagnostics(labelled, [
      { rule: 'version-labels-memory', line: 6, column: 48 },
      { rule: 'retention-covers-rollback', line: 11, column: 5, message: '(43, 42, 41)' },
    ], SERVED_VERSION_PROFILE);
  });

  it('reports a rollback target that is not stable or previous, at rollback.to', () => {
    expectDiagnostics(policy('    stable: 41\n    candidate: 42\n    retain: 3', '  rollback:\n    to: 39\n'), [
      { rule: 'retention-covers-rollback', line: 14, column: 5, message: 'neither stable (41) nor listed', hint: 'add 39 to `versions.previous`' },
    ]);
  });

  it('reports a rollback to the candidate', () => {
    expectDiagnostics(policy('    stable: 41\n    candidate: 42', '  rollback:\n    to: 42\n'), [
      { rule: 'retention-covers-rollback', line: 13, column: 5, message: 'is the candidate' },
    ]);
  });

  it('accepts retain covering a rollback to a previous version, and the default retain', () => {
    expectValid(policy('    stable: 41\n    candidate: 42\n    previous: [40]\n    retain: 3', '  rollback:\n    to: 40\n'));
    expectValid(policy('    stable: 41\n    candidate: 42\n    previous: [40]', '  rollback:\n    to: 40\n'));
  });
});
