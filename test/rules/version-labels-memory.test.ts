import { describe, it } from 'vitest';
import { expectDiagnostics, expectValid, minimalPolicy, SERVED_VERSION_PROFILE } from '../support/rule-harness.js';

const withModel = (model: string) => minimalPolicy().replace('    basePath: /models/demo\n', `    basePath: /models/demo\n${model}`);

describe('version-labels-memory', () => {
  it('states memory per retained version and over all pods, from model.resources.memory', () => {
    expectDiagnostics(withModel('    replicas: 4\n    versionLabels: true\n    resources: { memory: 3Gi }\n'), [
      {
        rule: 'version-labels-memory',
        line: 10,
        column: 5,
        severity: 'warning',
        message: 'each of the 4 pods loads 2 versions; with 3Gi per pod each version may use at most 1.5Gi, and the 4 pods reserve 12Gi for 8 loaded copies (2 versions × 4 pods)',
        hint: 'if it exceeds 1.5Gi',
      },
    ], SERVED_VERSION_PROFILE);
  });

  it('warns when nothing reserves memory for the retained versions', () => {
    expectDiagnostics(withModel('    versionLabels: true\n'), [{ rule: 'version-labels-memory', line: 9, column: 5, message: 'no memory is requested' }], SERVED_VERSION_PROFILE);
  });

  it('is silent with one version per pod', () => {
    expectValid(withModel('    replicas: 4\n'));
  });
});
