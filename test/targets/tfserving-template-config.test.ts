import { describe, expect, it } from 'vitest';
import type { ResolvedPolicy } from '../../src/resolve/policy.js';
import { argoRolloutsTarget } from '../../src/targets/argo-rollouts.js';
import { serializeYaml } from '../../src/emit/serialize.js';
import { TFSERVING_TEMPLATE_CONFIGMAPS_FILE, templateConfigMap, templateConfigVersions, tfservingTemplateConfigTarget } from '../../src/targets/tfserving-template-config.js';
import { objectOfKind } from '../support/compiled-objects.js';
import { examplePolicy } from '../gates/example-policies.js';

// The default mode, one version per template (the example itself is in label mode, where every
// template loads the labelled models.config: test/targets/tfserving.test.ts).
const example = examplePolicy('fraud-detector.yaml');
const fraud: ResolvedPolicy = { ...example, model: { ...example.model, versionLabels: false } };
type ConfigMap = ReturnType<typeof templateConfigMap>;
const configMaps = (policy: ResolvedPolicy, previous?: ConfigMap[]) =>
  tfservingTemplateConfigTarget.build(policy, (path) => (previous && path === TFSERVING_TEMPLATE_CONFIGMAPS_FILE ? serializeYaml(previous) : null))[0]!.documents as ConfigMap[];
const names = (list: ConfigMap[]) => list.map((configMap) => configMap.metadata.name);
const withVersions = (policy: ResolvedPolicy, versions: Partial<ResolvedPolicy['versions']>): ResolvedPolicy => ({ ...policy, versions: { ...policy.versions, ...versions } });
const mounted = (policy: ResolvedPolicy): string => objectOfKind(argoRolloutsTarget.build(policy), 'Rollout').spec.template.spec.volumes[0].configMap.name;

describe('TF Serving template ConfigMaps', () => {
  it('gives each template one immutable ConfigMap holding the single version it serves', () => {
    const forCandidate = templateConfigMap(fraud, 42);
    expect(forCandidate.immutable).toBe(true);
    expect(Object.keys(forCandidate.data)).toEqual(['version-42.config']);
    expect(forCandidate.data['version-42.config']).toContain('versions: 42\n');
    expect(forCandidate.data['version-42.config']).not.toContain('version_labels');
    expect(mounted(fraud)).toBe(forCandidate.metadata.name);
  });

  it('names each ConfigMap after its content: a changed config is a new object, the same config the same name', () => {
    const moved: ResolvedPolicy = { ...fraud, model: { ...fraud.model, basePath: 'gs://elsewhere/fraud_detector' } };
    expect(templateConfigMap(moved, 42).metadata.name).not.toBe(templateConfigMap(fraud, 42).metadata.name);
    expect(templateConfigMap(fraud, 41).metadata.name).not.toBe(templateConfigMap(fraud, 42).metadata.name);
    // The version's config does not depend on which other versions the policy names.
    const promoted: ResolvedPolicy = { ...fraud, versions: { ...fraud.versions, stable: 42, candidate: null, previous: [41, 40, 39], retained: [42, 41, 40] } };
    expect(templateConfigMap(promoted, 42)).toEqual(templateConfigMap(fraud, 42));
  });

  it('keeps the ConfigMap of every version a ReplicaSet may still run: candidate, stable, retained and previous', () => {
    expect(templateConfigVersions(fraud)).toEqual([42, 41, 40, 39]);
    expect(configMaps(fraud).map((configMap) => Object.keys(configMap.data)[0])).toEqual(['version-42.config', 'version-41.config', 'version-40.config', 'version-39.config']);
    expect(templateConfigVersions(examplePolicy('search-ranker.yaml'))).toEqual([12, 11]);
  });

  it("label mode: every template mounts the policy's one models.config ConfigMap, whose name no label move changes", () => {
    const promoted = withVersions(example, { stable: 42, candidate: null, previous: [41, 40, 39], retained: [42, 41, 40] });
    for (const policy of [example, promoted]) {
      const [only, ...rest] = configMaps(policy);
      expect(rest).toEqual([]);
      expect(only!.metadata.name).toBe('fraud-detector-tfserving-models');
      // Its content follows the labels, so it cannot be immutable.
      expect(only!.immutable).toBeUndefined();
      expect(Object.keys(only!.data)).toEqual(['models.config']);
      expect(mounted(policy)).toBe(only!.metadata.name);
    }
    expect(configMaps(promoted)[0]!.data).not.toEqual(configMaps(example)[0]!.data);
  });

  describe('carried over from the previous output', () => {
    // fraud with candidate 42; 42 withdrawn (abort); 43 promoted; 44 promoted; 45 promoted.
    const withCandidate = configMaps(fraud);
    const aborted = withVersions(fraud, { candidate: null, retained: [41, 40, 39] });
    const promoted43 = withVersions(fraud, { stable: 43, candidate: null, previous: [41, 40, 39], retained: [43, 41, 40] });
    const promoted44 = withVersions(fraud, { stable: 44, candidate: null, previous: [43, 41, 40, 39], retained: [44, 43, 41] });
    const promoted45 = withVersions(fraud, { stable: 45, candidate: null, previous: [44, 43, 41, 40, 39], retained: [45, 44, 43] });
    const withdrawn = templateConfigMap(fraud, 42).metadata.name;

    it("keeps a withdrawn candidate's ConfigMap, which its ReplicaSet still mounts, and compiles to the same objects again", () => {
      expect(names(configMaps(aborted))).not.toContain(withdrawn);
      const afterAbort = configMaps(aborted, withCandidate);
      expect(names(afterAbort)).toEqual([...names(configMaps(aborted)), withdrawn]);
      expect(afterAbort.at(-1)).toEqual(templateConfigMap(fraud, 42));
      // `compile --check` right after `compile`: the same previous output, the same objects.
      expect(configMaps(aborted, afterAbort)).toEqual(afterAbort);
    });

    it('drops it once two later versions were promoted and replaced in turn', () => {
      const after43 = configMaps(promoted43, configMaps(aborted, withCandidate));
      expect(names(after43)).toContain(withdrawn);
      // 43 replaced: Argo may still be promoting 44 (`promote` run mid-canary), and until then
      // the withdrawn ReplicaSet can hold the warm slot.
      const after44 = configMaps(promoted44, after43);
      expect(names(after44)).toContain(withdrawn);
      expect(configMaps(promoted44, after44)).toEqual(after44);
      expect(names(configMaps(promoted45, after44))).not.toContain(withdrawn);
      expect(names(configMaps(promoted45, after44))).toEqual(names(configMaps(promoted45)));
    });

    it('carries only objects named after their own content, in the policy namespace', () => {
      const forged = withCandidate.map((configMap) => (configMap.metadata.name === withdrawn ? { ...configMap, data: { 'version-42.config': 'model_config_list {}\n' } } : configMap));
      expect(names(configMaps(aborted, forged))).not.toContain(withdrawn);
      const elsewhere = withCandidate.map((configMap) => ({ ...configMap, metadata: { ...configMap.metadata, namespace: 'other' } }));
      expect(names(configMaps(aborted, elsewhere))).toEqual(names(configMaps(aborted)));
    });
  });
});
