import { describe, it } from 'vitest';
import { expectDiagnostics, expectValid } from '../support/rule-harness.js';

const policy = (model: string) => `apiVersion: modelgate.io/v1alpha1
kind: ReleasePolicy
metadata: { name: demo }
spec:
  model:
    name: ${model}
    basePath: /models/demo
  versions: { stable: 1 }
  traffic: { host: demo.svc }
`;

describe('tfserving-model-name', () => {
  it('reports a model name with a slash or space, at model.name', () => {
    expectDiagnostics(policy('"fraud/detector v2"'), [{ rule: 'tfserving-model-name', line: 6, column: 5, hint: '`fraud_detector_v2`' }]);
  });

  it('reports a name starting with a dot', () => {
    expectDiagnostics(policy('.hidden'), [{ rule: 'tfserving-model-name', line: 6, column: 5 }]);
  });

  it('accepts letters, digits, _ - and .', () => {
    expectValid(policy('Fraud_detector-v2.1'));
  });
});
