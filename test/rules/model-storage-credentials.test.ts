import { describe, it } from 'vitest';
import { expectDiagnostics, expectValid } from '../support/rule-harness.js';

const profile = (storage: string) => `apiVersion: modelgate.io/v1alpha1
kind: PlatformProfile
spec:
  modelStorage: [${storage}]
`;
const policy = (basePath: string) => `apiVersion: modelgate.io/v1alpha1
kind: ReleasePolicy
metadata: { name: demo }
spec:
  model: { name: demo, basePath: "${basePath}" }
  versions: { stable: 1 }
  traffic: { host: demo.svc }
`;

describe('model-storage-credentials', () => {
  it('refuses gs:// with no credentials for it in the profile (or no profile)', () => {
    const expected = [{ rule: 'model-storage-credentials', line: 5, column: 24, severity: 'error' as const, message: 'no credentials for gs:// in the platform profile', hint: 'add a modelStorage entry for gs' }];
    expectDiagnostics(policy('gs://acme/demo'), expected);
    expectDiagnostics(policy('gs://acme/demo'), expected, profile('{ scheme: s3, serviceAccount: reader }'));
    expectDiagnostics(policy('gs://acme/demo'), expected, profile('{ scheme: gs }'));
  });

  it('accepts a service account, env from a Secret, or envFrom a Secret', () => {
    expectDiagnostics(policy('gs://acme/demo'), [], profile('{ scheme: gs, serviceAccount: reader }'));
    expectDiagnostics(policy('gs://acme/demo'), [], profile('{ scheme: gs, env: [{ name: GOOGLE_APPLICATION_CREDENTIALS, value: /var/run/gcp/key.json }] }'));
    expectDiagnostics(policy('gs://acme/demo'), [], profile('{ scheme: gs, envFrom: [{ secretRef: { name: gcs-reader } }] }'));
  });

  it('asks nothing of a local path', () => {
    expectValid(policy('/models/demo'));
  });
});
