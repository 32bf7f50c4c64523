/**
 * TF Serving configuration (protobuf text `ModelServerConfig`). The Rollout's pods load it from
 * the ConfigMap their template mounts (tfserving-template-config.ts). With
 * `model.versionLabels`, the `models.config` those pods load (every retained version with the
 * `stable` and `canary` labels) is also written as a plain file, for review and for the
 * label-order check against the running config. Nothing is emitted that no pod loads: the
 * default mode, one version per pod, has no file here.
 */
import { TF_LABEL_CANARY, TF_LABEL_STABLE, TFSERVING_MODELS_FILE } from '../names.js';
import type { ResolvedPolicy } from '../resolve/policy.js';
import { field, printMessage, type TextField } from './protobuf-text.js';
import type { Target } from './target.js';

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
    return policy.model.versionLabels ? [{ path: TFSERVING_MODELS_TEXT_FILE, kind: 'text', text: labelledModelsConfigText(policy) }] : [];
  },
};

/** The label mode's `models.config`: every retained version, with the stable and canary labels. */
export function labelledModelsConfigText(policy: ResolvedPolicy): string {
  return modelsConfigText([modelConfig(policy, policy.versions.retained, versionLabels(policy))]);
}

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

