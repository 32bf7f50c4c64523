import { describe, expect, it } from 'vitest';
import type { ResolvedPolicy } from '../../src/resolve/policy.js';
import { argoRolloutsTarget } from '../../src/targets/argo-rollouts.js';
import { templateConfigMap, templateConfigVersions, tfservingTemplateConfigTarget } from '../../src/targets/tfserving-template-config.js';
import { objectOfKind } from '../support/compiled-objects.js';
import { examplePolicy } from '../gates/example-policies.js';

// The default mode, one version per template (the example itself is in label mode, where every
// template loads the labelled models.config: test/targets/tfserving.test.ts).
const example = examplePolicy('fraud-detector.yaml');
const fraud: ResolvedPolicy = { ...example, model: { ...example.model, versionLabels: false } };
type ConfigMap = ReturnType<typeof templateConfigMap>;
const configMaps = (policy: ResolvedPolicy) => tfservingTemplateConfigTarget.build(policy)[0]!.documents as ConfigMap[];
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
});
