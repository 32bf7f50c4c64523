/**
 * TF Serving configuration (protobuf text `ModelServerConfig`), in one ConfigMap the Rollout's pods
 * mount. Default: one `version-<N>.config` per retained version, each loading that one version, so
 * a pod serves exactly the version its `version` label says. With `model.versionLabels`: one
 * `models.config` loading every retained version with the `stable` and `canary` labels, which
 * every pod loads (see argo-rollouts.ts), also written as a plain file for review and for the
 * label-order check. Nothing is emitted that no pod loads.
 */
import {
  LABEL_MANAGED_BY,
  MANAGED_BY,
  TF_LABEL_CANARY,
  TF_LABEL_STABLE,
  TFSERVING_MODELS_FILE,
  tfservingConfigMapName,
  tfservingVersionFile,
} from '../names.js';
import type { ResolvedPolicy } from '../resolve/policy.js';
import { field, printMessage, type TextField } from './protobuf-text.js';
import type { Target } from './target.js';

export const TFSERVING_CONFIGMAP_FILE = 'tfserving/configmap.yaml';
export const TFSERVING_MODELS_TEXT_FILE = `tfserving/${TFSERVING_MODELS_FILE}`;

/**
 * TF Serving checks no characters in a label, but clients address one as
 * `/v1/models/<name>/labels/<label>`, whose route stops at `/` and `:`; and a label of digits
 * reads as a version. So: a letter, then letters, digits, `_` or `-`.
 */
const TF_LABEL = /^[A-Za-z][A-Za-z0-9_-]*$/;

export function isTfServingLabel(label: string): boolean {
  return TF_LABEL.test(label);
}

export const tfservingTarget: Target = {
  name: 'tfserving',
  build(policy) {
    const data: Record<string, string> = {};
    const models = policy.model.versionLabels ? modelsConfigText([modelConfig(policy, policy.versions.retained, versionLabels(policy))]) : null;
    if (models !== null) data[TFSERVING_MODELS_FILE] = models;
    else for (const version of policy.versions.retained) data[tfservingVersionFile(version)] = modelsConfigText([modelConfig(policy, [version], [])]);
    const configMap = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: tfservingConfigMapName(policy), namespace: policy.namespace, labels: { [LABEL_MANAGED_BY]: MANAGED_BY } },
      data,
    };
    return [
      { path: TFSERVING_CONFIGMAP_FILE, kind: 'yaml', documents: [configMap] },
      ...(models !== null ? [{ path: TFSERVING_MODELS_TEXT_FILE, kind: 'text' as const, text: models }] : []),
    ];
  },
};

/**
 * stable → stable version; canary → candidate, only while there is one. Sorted by label, the
 * order protobuf prints map entries in, so the file reads the same after a round trip.
 */
export function versionLabels(policy: ResolvedPolicy): Array<{ label: string; version: number }> {
  const labels = [{ label: TF_LABEL_STABLE, version: policy.versions.stable }];
  if (policy.versions.candidate !== null) labels.push({ label: TF_LABEL_CANARY, version: policy.versions.candidate });
  return labels.sort((a, b) => (a.label < b.label ? -1 : 1));
}

export function modelConfig(policy: ResolvedPolicy, versions: readonly number[], labels: ReadonlyArray<{ label: string; version: number }>): TextField {
  for (const { label } of labels) {
    if (!isTfServingLabel(label)) throw new Error(`TF Serving label ${JSON.stringify(label)} is not a letter followed by letters, digits, _ or -`);
  }
  return field('config', [
    field('name', policy.model.name),
    field('base_path', policy.model.basePath),
    field('model_platform', policy.model.platform),
    field('model_version_policy', [field('specific', versions.map((version) => field('versions', version)))]),
    ...labels.map(({ label, version }) => field('version_labels', [field('key', label), field('value', version)])),
  ]);
}

export function modelsConfigText(configs: readonly TextField[]): string {
  return printMessage([field('model_config_list', [...configs])]);
}

