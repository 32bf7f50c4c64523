import { describe, expect, it } from 'vitest';
import { diagnosticsFor, minimalPolicy } from '../support/rule-harness.js';

const labelMode = minimalPolicy().replace('    basePath: /models/demo\n', '    basePath: /models/demo\n    versionLabels: true\n    resources: { memory: 2Gi }\n');
const profile = (kubeStateMetrics: string) => `apiVersion: modelgate.io/v1alpha1\nkind: PlatformProfile\nspec:\n${kubeStateMetrics}`;

function unseen(policy: string, profileText?: string) {
  return diagnosticsFor(policy, profileText).filter((d) => d.rule === 'served-version-unseen');
}

describe('served-version-unseen', () => {
  it('warns at model.versionLabels when the profile does not say kube-state-metrics exports the annotation and labels', () => {
    const [finding, ...rest] = unseen(labelMode);
    expect(rest).toEqual([]);
    expect({ line: finding!.line, column: finding!.column, severity: finding!.severity }).toEqual({ line: 9, column: 5, severity: 'warning' });
    expect(finding!.message).toContain("kube-state-metrics exports the pods' annotation modelgate.io/served-version, label app, label version");
    expect(finding!.hint).toContain('metricAnnotationsAllowList: ["pods=[modelgate.io/served-version]"]');
  });

  it('names only what is missing', () => {
    const [finding] = unseen(labelMode, profile('  kubeStateMetrics:\n    podAnnotations: [modelgate.io/served-version]\n    podLabels: [app]\n'));
    expect(finding!.message).toContain("exports the pods' label version,");
  });

  it('is silent when the profile declares both, and for one-version pods', () => {
    expect(unseen(labelMode, profile('  kubeStateMetrics:\n    podAnnotations: [modelgate.io/served-version]\n    podLabels: [app, version]\n'))).toEqual([]);
    expect(unseen(minimalPolicy())).toEqual([]);
  });
});
