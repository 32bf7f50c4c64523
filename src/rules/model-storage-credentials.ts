/**
 * A model in an object store is read with the serving pod's identity: without a service account
 * bound to a cloud role (GKE workload identity, EKS IRSA) or credentials in the environment, the
 * pod runs as the namespace's default service account and every load is refused. The platform
 * profile's modelStorage entry for the scheme is what the Rollout's pod template gets.
 */
import { storageFor, storageScheme } from '../resolve/platform.js';
import type { Rule } from './rule.js';

export const modelStorageCredentials: Rule = {
  id: 'model-storage-credentials',
  description: "A model.basePath in an object store (gs://, s3://, …) has a service account or env for that scheme in the platform profile's modelStorage.",
  severity: 'error',
  check({ policy, report }) {
    const scheme = storageScheme(policy.model.basePath);
    if (scheme === 'file') return;
    const storage = storageFor(policy.platform, policy.model.basePath);
    if (storage && (storage.serviceAccount !== null || storage.env.length > 0 || storage.envFrom.length > 0)) return;
    report({
      path: ['spec', 'model', 'basePath'],
      message: `no credentials for ${scheme}:// in the platform profile: the serving pods would run as the namespace's default service account and could not read the model`,
      hint: `add a modelStorage entry for ${scheme} to modelgate.config.yaml with the serviceAccount (workload identity, IRSA) or the env / envFrom Secret the pods read credentials from`,
    });
  },
};
