import { describe, it } from 'vitest';
import { expectDiagnostics, minimalPolicy, SERVED_VERSION_PROFILE } from '../support/rule-harness.js';

const withPreload = (model: string) =>
  minimalPolicy().replace('    basePath: /models/demo\n', `    basePath: /models/demo\n${model}`).replace('    candidate: 2\n', '    preload: [3]\n    retain: 2\n');

describe('preload-needs-version-labels', () => {
  it('reports a preload on one-version pods at versions.preload', () => {
    expectDiagnostics(withPreload(''), [{ rule: 'preload-needs-version-labels', line: 11, column: 5, message: 'loads nothing', hint: 'versionLabels: true' }]);
  });

  it('accepts a preload in label mode', () => {
    // Only the memory statement every label-mode policy gets.
    expectDiagnostics(withPreload('    versionLabels: true\n    resources: { memory: 2Gi }\n'), [{ rule: 'version-labels-memory', line: 9, column: 5 }], SERVED_VERSION_PROFILE);
  });
});
