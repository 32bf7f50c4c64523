import { describe, expect, it } from 'vitest';
import { diagnosticsFor, expectDiagnostics, minimalPolicy } from '../support/rule-harness.js';

const RULE = 'best-effort-pods';
const withModel = (model: string) => minimalPolicy().replace('    basePath: /models/demo\n', `    basePath: /models/demo\n${model}`);
const silent = (policy: string, profile?: string) => expect(diagnosticsFor(policy, profile, [RULE]).filter((d) => d.rule === RULE)).toEqual([]);

describe('best-effort-pods', () => {
  it('warns about pods with no requests when no profile gives defaults, at spec.model', () => {
    expectDiagnostics(minimalPolicy(), [
      { rule: RULE, line: 6, column: 3, severity: 'warning', message: 'the 2 TF Serving pods request no cpu and no memory, so they run BestEffort', hint: 'defaultResources in the platform profile' },
    ]);
  });

  it('counts only cpu and memory: a GPU alone leaves the pods BestEffort, at model.resources', () => {
    expectDiagnostics(withModel('    image: tensorflow/serving:2.14.1-gpu\n    resources: { gpu: 1 }\n'), [{ rule: RULE, line: 10, column: 5, message: 'BestEffort' }]);
  });

  it('is silent once cpu or memory is requested, by the policy or by the profile', () => {
    silent(withModel('    resources: { memory: 1Gi }\n'));
    silent(withModel('    resources: { cpu: "500m" }\n'));
    silent(minimalPolicy(), 'apiVersion: modelgate.io/v1alpha1\nkind: PlatformProfile\nspec:\n  defaultResources: { cpu: "1", memory: 2Gi }\n');
  });
});
