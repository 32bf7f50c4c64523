/**
 * The TF Serving config each Rollout pod template loads, one immutable ConfigMap per template
 * with a content-hashed name (see names.ts `tfservingTemplateConfigMapName`).
 *
 * A shared ConfigMap whose keys follow the policy removes a version's file when the version
 * leaves `retain`, while pods of an older ReplicaSet may still run it; TF Serving reads the file
 * once, so they keep serving and crash-loop on their next restart. Here the Rollout references
 * its template's ConfigMap by name, so each ReplicaSet keeps the exact object it started with,
 * and the ConfigMaps of every version a ReplicaSet may still run stay in the output (see
 * `templateConfigVersions`).
 *
 * `templateConfigText` decides what a template's pods load; `templateConfigMap` only wraps and
 * names it.
 */
import { LABEL_MANAGED_BY, MANAGED_BY, TFSERVING_MODELS_FILE, tfservingTemplateConfigMapName, tfservingVersionFile } from '../names.js';
import type { ResolvedPolicy } from '../resolve/policy.js';
import type { Target } from './target.js';
import { labelledModelsConfigText, modelConfig, modelsConfigText } from './tfserving.js';

export const TFSERVING_TEMPLATE_CONFIGMAPS_FILE = 'tfserving/template-configmaps.yaml';

export const tfservingTemplateConfigTarget: Target = {
  name: 'tfserving-template-config',
  build(policy) {
    return [{ path: TFSERVING_TEMPLATE_CONFIGMAPS_FILE, kind: 'yaml', documents: templateConfigVersions(policy).map((version) => templateConfigMap(policy, version)) }];
  },
};

/**
 * What the pods of the template serving `version` load: that version alone, no labels; with
 * `model.versionLabels`, every retained version with the stable and canary labels.
 */
export function templateConfigText(policy: ResolvedPolicy, version: number): string {
  return policy.model.versionLabels ? labelledModelsConfigText(policy) : modelsConfigText([modelConfig(policy, [version], [])]);
}

/** The file the template's pods read, as `--model_config_file` names it inside the mount. */
export function templateConfigFile(policy: ResolvedPolicy, version: number): string {
  return policy.model.versionLabels ? TFSERVING_MODELS_FILE : tfservingVersionFile(version);
}

export function templateConfigMap(policy: ResolvedPolicy, version: number): { apiVersion: 'v1'; kind: 'ConfigMap'; metadata: { name: string; namespace: string; labels: Record<string, string> }; immutable: true; data: Record<string, string> } {
  const data = { [templateConfigFile(policy, version)]: templateConfigText(policy, version) };
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: tfservingTemplateConfigMapName(policy, version, data), namespace: policy.namespace, labels: { [LABEL_MANAGED_BY]: MANAGED_BY } },
    // Kubernetes refuses any change to its data and the kubelet stops watching it.
    immutable: true,
    data,
  };
}

/**
 * Versions whose template ConfigMap is kept, highest first: every version a ReplicaSet of this
 * Rollout may still run. That is the candidate and stable, the retained ones, and every
 * `previous` version: an old stable's ReplicaSet stays up for `scaleDownDelay` after the
 * promotion that replaced it however fast later releases follow, and `previous` lists every
 * version that was stable before (promote and rollback put the outgoing stable first). Each is a
 * few hundred bytes, so keeping the whole list costs nothing that matters.
 */
export function templateConfigVersions(policy: ResolvedPolicy): number[] {
  const { candidate, stable, retained, previous } = policy.versions;
  const versions = new Set([...(candidate === null ? [] : [candidate]), stable, ...retained, ...previous]);
  return [...versions].sort((a, b) => b - a);
}
