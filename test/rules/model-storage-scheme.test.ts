import { describe, it } from 'vitest';
import { expectDiagnostics, expectValid } from '../support/rule-harness.js';

// Credentials for every store, so only the scheme is judged here (model-storage-credentials has its own test).
const profile = (spec = '') => `apiVersion: modelgate.io/v1alpha1
kind: PlatformProfile
spec:
  modelStorage: [{ scheme: s3, serviceAccount: reader }, { scheme: gs, serviceAccount: reader }, { scheme: hdfs, serviceAccount: reader }]
${spec}`;
const policy = (basePath: string, image?: string) => `apiVersion: modelgate.io/v1alpha1
kind: ReleasePolicy
metadata: { name: demo }
spec:
  model:
    name: demo
    basePath: ${basePath}
${image ? `    image: ${image}\n` : ''}  versions: { stable: 1 }
  traffic: { host: demo.svc }
`;

describe('model-storage-scheme', () => {
  it('refuses s3:// on stock tensorflow/serving, which has no S3 file system since 2.7', () => {
    expectDiagnostics(policy('s3://acme/demo', 'tensorflow/serving:2.14.1'), [
      { rule: 'model-storage-scheme', line: 7, column: 5, severity: 'error', message: 'image `tensorflow/serving:2.14.1` cannot read s3:// (it reads local paths, gs://), so the model would never load', hint: 'use an image built with it' },
    ], profile());
    // The default image, a -gpu tag, `latest` and a digest-pinned tag are the same stock build.
    for (const image of [undefined, 'tensorflow/serving:2.14.1-gpu', 'tensorflow/serving:2.7.0', 'tensorflow/serving:latest', 'tensorflow/serving:2.11.0@sha256:0123abcd']) {
      expectDiagnostics(policy('s3://acme/demo', image).replace(/\n    image: [^\n]*-gpu\n/, (line) => `${line}    resources: { gpu: 1 }\n`), [
        { rule: 'model-storage-scheme', line: 7, column: 5, message: 'cannot read s3://' },
      ], profile());
    }
  });

  it('accepts gs:// and local paths on the stock image', () => {
    expectDiagnostics(policy('gs://acme/demo'), [], profile());
    expectValid(policy('/models/demo'));
  });

  it('accepts s3:// on an image the profile says reads it, matched by pattern', () => {
    expectDiagnostics(policy('s3://acme/demo', 'registry.acme.example/tfserving-s3:2.14.1'), [], profile('  images: [{ image: "registry.acme.example/tfserving-s3:*", storageSchemes: [file, s3] }]\n'));
  });

  it("the profile's entry wins over the built-in one for the same image", () => {
    expectDiagnostics(policy('/models/demo', 'tensorflow/serving:2.14.1'), [
      { rule: 'model-storage-scheme', line: 7, column: 5, message: 'cannot read local paths (it reads hdfs://)', hint: 'use an image that reads local paths' },
    ], profile('  images: [{ image: tensorflow/serving:2.14.1, storageSchemes: [hdfs] }]\n'));
  });

  it('warns about an image the profile does not describe, on the image line; stock tags before 2.7 are not assumed', () => {
    expectDiagnostics(policy('s3://acme/demo', 'acme/other:1'), [
      { rule: 'model-storage-scheme', line: 8, column: 5, severity: 'warning', message: 'image `acme/other:1` is not in the platform profile, so whether it reads s3:// is unknown', hint: 'list it under images' },
    ], profile());
    expectDiagnostics(policy('s3://acme/demo', 'tensorflow/serving:2.6.2'), [{ rule: 'model-storage-scheme', line: 8, column: 5, severity: 'warning' }], profile());
  });
});
