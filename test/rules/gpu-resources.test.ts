import { describe, it } from 'vitest';
import { expectDiagnostics, expectValid, policyWithModel } from '../support/rule-harness.js';

const policy = policyWithModel;
const profile = (images: string) => `apiVersion: modelgate.io/v1alpha1
kind: PlatformProfile
spec:
  images: [${images}]
`;

describe('gpu-resources', () => {
  it('refuses a -gpu image whose pods ask for no GPU', () => {
    expectDiagnostics(policy('    image: tensorflow/serving:2.14.1-gpu\n'), [
      { rule: 'gpu-resources', line: 8, column: 5, severity: 'error', message: 'image `tensorflow/serving:2.14.1-gpu` needs nvidia.com/gpu, but the pods ask for no GPU', hint: 'set model.resources.gpu' },
    ]);
  });

  it("takes the accelerator from the profile's image entry, and a -gpu tag of an image it does not describe", () => {
    expectDiagnostics(policy('    image: acme/serving:7\n'), [{ rule: 'gpu-resources', line: 8, column: 5, message: 'needs amd.com/gpu' }], profile('{ image: "acme/serving:*", storageSchemes: [file], accelerators: [amd.com/gpu] }'));
    expectDiagnostics(policy('    image: acme/serving:7-gpu\n'), [
      { rule: 'gpu-resources', line: 8, column: 5, message: 'needs nvidia.com/gpu' },
      { rule: 'model-storage-scheme', line: 8, column: 5, severity: 'warning' },
    ]);
  });

  it('accepts a GPU image with model.resources.gpu', () => {
    expectValid(policy('    image: tensorflow/serving:2.14.1-gpu\n    resources: { gpu: 1 }\n'));
  });

  it('warns that a GPU on the CPU image sits idle', () => {
    expectDiagnostics(policy('    image: tensorflow/serving:2.14.1\n    resources: { gpu: 2 }\n'), [
      { rule: 'gpu-resources', line: 9, column: 18, severity: 'warning', message: 'is a CPU build (the platform profile lists no accelerator for it), so the 2 nvidia.com/gpu per pod would sit idle' },
    ]);
  });
});
