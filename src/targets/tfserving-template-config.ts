/**
 * The TF Serving config each Rollout pod template loads, from a ConfigMap the template mounts by
 * name.
 *
 * Default mode: one immutable ConfigMap per template with a content-hashed name (see names.ts
 * `tfservingTemplateConfigMapName`). A shared ConfigMap whose keys follow the policy removes a
 * version's file when the version leaves `retain`, while pods of an older ReplicaSet may still
 * run it; TF Serving reads the file once, so they keep serving and crash-loop on their next
 * restart. Here each ReplicaSet keeps the exact object it started with, and the ConfigMaps of
 * every version a ReplicaSet may still run stay in the output (see `templateConfigVersions`).
 *
 * Label mode (`model.versionLabels`): every template loads the same `models.config`, whose
 * labels move at every promote, abort and rollback. Named after its content, that file would
 * rename the ConfigMap in every pod template at each label move: `promote` would hand Argo
 * Rollouts a template it has never run (a second canary of the version it just promoted), a
 * rollback's template would never equal the one its ReplicaSet ran, and a ReplicaSet still up
 * for its scale-down delay would lose its ConfigMap. So all templates mount one ConfigMap of
 * fixed name, present as long as the policy is, and its content follows the policy: a pod that
 * (re)starts loads the versions and labels git says now, which is what a label-addressed client
 * should get (`rollback --live` leaves running pods' labels ahead of git only until its edit is
 * synced). TF Serving does not poll the file (argo-rollouts.ts `modelConfigArgs`), so the kubelet
 * refreshing it under running pods changes nothing they serve.
 *
 * A ConfigMap the policy no longer names can still be mounted by a ReplicaSet Argo keeps up (a
 * withdrawn candidate's): those are carried over from the previous output (`stillMounted`).
 *
 * `templateConfigText` decides what a template's pods load; `templateConfigMaps` only wraps and
 * names it.
 */
import { parseAllDocuments } from 'yaml';
import { LABEL_MANAGED_BY, MANAGED_BY, TFSERVING_MODELS_FILE, tfservingLabelledConfigMapName, tfservingTemplateConfigMapName, tfservingVersionFile } from '../names.js';
import type { ResolvedPolicy } from '../resolve/policy.js';
import type { Target } from './target.js';
import { labelledModelsConfigText, modelConfig, modelsConfigText } from './tfserving.js';

export const TFSERVING_TEMPLATE_CONFIGMAPS_FILE = 'tfserving/template-configmaps.yaml';

export const tfservingTemplateConfigTarget: Target = {
  name: 'tfserving-template-config',
  build(policy, previous) {
    const named = templateConfigMaps(policy);
    const carried = previous ? stillMounted(policy, previous(TFSERVING_TEMPLATE_CONFIGMAPS_FILE), named).map(({ configMap }) => configMap) : [];
    return [{ path: TFSERVING_TEMPLATE_CONFIGMAPS_FILE, kind: 'yaml', documents: [...named, ...carried] }];
  },
};

export interface TemplateConfigMap {
  apiVersion: 'v1';
  kind: 'ConfigMap';
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  immutable?: true;
  data: Record<string, string>;
}

/** Every ConfigMap a pod template of this Rollout may mount as the policy stands, highest version first. */
export function templateConfigMaps(policy: ResolvedPolicy): TemplateConfigMap[] {
  if (policy.model.versionLabels) return [templateConfigMap(policy, policy.versions.stable)];
  return templateConfigVersions(policy).map((version) => templateConfigMap(policy, version));
}

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

/**
 * Built once per policy and version: the Rollout's pod template names it and this target emits
 * it, and its name hashes its printed config.
 */
const built = new WeakMap<ResolvedPolicy, Map<number, TemplateConfigMap>>();

/** The ConfigMap the template serving `version` mounts. */
export function templateConfigMap(policy: ResolvedPolicy, version: number): TemplateConfigMap {
  let byVersion = built.get(policy);
  if (!byVersion) built.set(policy, (byVersion = new Map()));
  let configMap = byVersion.get(version);
  if (!configMap) byVersion.set(version, (configMap = buildTemplateConfigMap(policy, version)));
  return configMap;
}

function buildTemplateConfigMap(policy: ResolvedPolicy, version: number): TemplateConfigMap {
  const data = { [templateConfigFile(policy, version)]: templateConfigText(policy, version) };
  const metadata = { namespace: policy.namespace, labels: { [LABEL_MANAGED_BY]: MANAGED_BY } };
  if (policy.model.versionLabels) return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: tfservingLabelledConfigMapName(policy), ...metadata }, data };
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: tfservingTemplateConfigMapName(policy, version, data), ...metadata },
    // Kubernetes refuses any change to its data and the kubelet stops watching it.
    immutable: true,
    data,
  };
}

/**
 * Default mode: versions whose template ConfigMap is kept, highest first: every version a
 * ReplicaSet of this Rollout may still run. That is the candidate and stable, the retained ones,
 * and every `previous` version: an old stable's ReplicaSet stays up for `scaleDownDelay` after
 * the promotion that replaced it however fast later releases follow, and `previous` lists every
 * version that was stable before (promote and rollback put the outgoing stable first). Each is a
 * few hundred bytes, so keeping the whole list costs nothing that matters.
 */
export function templateConfigVersions(policy: ResolvedPolicy): number[] {
  const { candidate, stable, retained, previous } = policy.versions;
  const versions = new Set([...(candidate === null ? [] : [candidate]), stable, ...retained, ...previous]);
  return [...versions].sort((a, b) => b - a);
}

/**
 * The previous output's immutable template ConfigMaps that this policy no longer names but a
 * ReplicaSet may still mount, highest version first. A candidate withdrawn by `abort` or
 * `rollback` leaves the policy while Argo Rollouts keeps its ReplicaSet up for
 * abortScaleDownDelaySeconds (rollout/replicaset.go reconcileNewReplicaSet) or, once the template
 * is the stable's again, scaleDownDelaySeconds (rollout/canary.go scaleDownOldReplicaSetsForCanary
 * → replicaset.go scaleDownDelayHelper); a replacement pod meanwhile needs its ConfigMap, and
 * Argo CD would prune it with the policy's mention.
 *
 * Its ReplicaSet can hold the one warm slot (scaleDownDelayRevisionLimit 1, argo-rollouts.ts)
 * past the next promotion: after Argo's abort with the fix pushed at once (no `abort` edit), the
 * stable's template is never applied again, so the withdrawn ReplicaSet is the newer revision
 * and the stable loses the slot to it. It loses the slot itself at the first full promotion
 * whose outgoing stable is a version newer than it (a later candidate, promoted and then
 * replaced by `promote` or `rollback`). But `promote` is often run mid-canary, and a rollback
 * may start a version cold: Argo promotes only once the new pods are available
 * (rollout/sync.go shouldFullPromote), so the output of the edit that replaces that newer
 * version is synced while the withdrawn pods still run. Hence it is kept until two versions
 * newer than it have been replaced (are in `previous`): the promotion the first replacement
 * asked for has finished by the second. Left, as Argo's progress is not in the output: a
 * candidate that lands before those pods are available, and is itself promoted before Argo has
 * fully promoted it, inside the withdrawn ReplicaSet's delay. Each ConfigMap is a few hundred
 * bytes. The rule reads the previous output only, so compiling again what it produced carries
 * the same objects: `compile --check` on a compiled folder sees no change.
 *
 * Only objects named after their own content are carried (the name is recomputed from the data),
 * so a hand-edited or foreign object never is.
 */
function stillMounted(policy: ResolvedPolicy, previousText: string | null, namedMaps: readonly TemplateConfigMap[]): Array<{ version: number; configMap: TemplateConfigMap }> {
  if (previousText === null) return [];
  const named = new Set(namedMaps.map((configMap) => configMap.metadata.name));
  const replacedNewer = (version: number): number => policy.versions.previous.filter((replaced) => replaced > version).length;
  const carried: Array<{ version: number; configMap: TemplateConfigMap }> = [];
  for (const document of parseAllDocuments(previousText)) {
    const object: unknown = document.errors.length === 0 ? document.toJS() : null;
    const found = asTemplateConfigMap(object);
    if (!found || named.has(found.name) || carried.some(({ configMap }) => configMap.metadata.name === found.name) || found.namespace !== policy.namespace) continue;
    const version = Number(/-tfserving-(\d+)-[0-9a-f]+$/.exec(found.name)?.[1]);
    if (!Number.isInteger(version) || replacedNewer(version) >= 2 || tfservingTemplateConfigMapName(policy, version, found.data) !== found.name) continue;
    carried.push({ version, configMap: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: found.name, namespace: found.namespace, labels: { [LABEL_MANAGED_BY]: MANAGED_BY } }, immutable: true, data: found.data } });
  }
  return carried.sort((a, b) => b.version - a.version || a.configMap.metadata.name.localeCompare(b.configMap.metadata.name, 'en'));
}

/**
 * The withdrawn candidates whose ReplicaSet may still run, highest first: the versions of the
 * ConfigMaps this policy's compiled `tfservingTemplateConfigTarget` output (`outputText`) carries
 * without naming them. A compiled output compiles to itself, so reading it again finds exactly
 * what was carried. Rollback readiness reads it (routing/warm-rollback.ts): such a ReplicaSet
 * can hold Argo's one warm slot.
 */
export function withdrawnVersions(policy: ResolvedPolicy, outputText: string | null): number[] {
  return [...new Set(stillMounted(policy, outputText, templateConfigMaps(policy)).map(({ version }) => version))];
}

function asTemplateConfigMap(object: unknown): { name: string; namespace: string; data: Record<string, string> } | null {
  if (typeof object !== 'object' || object === null) return null;
  const { kind, immutable, metadata, data } = object as Record<string, unknown>;
  if (kind !== 'ConfigMap' || immutable !== true || typeof metadata !== 'object' || metadata === null || typeof data !== 'object' || data === null || Array.isArray(data)) return null;
  const { name, namespace } = metadata as Record<string, unknown>;
  if (typeof name !== 'string' || typeof namespace !== 'string' || !Object.values(data).every((value) => typeof value === 'string')) return null;
  return { name, namespace, data: data as Record<string, string> };
}
