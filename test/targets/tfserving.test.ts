import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { tfservingVersionFile } from '../../src/names.js';
import { escapeProtoString } from '../../src/targets/protobuf-text.js';
import { argoRolloutsTarget } from '../../src/targets/argo-rollouts.js';
import { isTfServingLabel, modelConfig, TFSERVING_MODELS_TEXT_FILE, tfservingTarget } from '../../src/targets/tfserving.js';
import { templateConfigMap, tfservingTemplateConfigTarget } from '../../src/targets/tfserving-template-config.js';
import type { ResolvedPolicy } from '../../src/resolve/policy.js';
import { examplePolicy } from '../gates/example-policies.js';

const fraud = examplePolicy('fraud-detector.yaml');
const files = tfservingTarget.build(fraud);
/** What the candidate's pods mount. */
const configMap = templateConfigMap(fraud, fraud.versions.candidate!);

/** Every template ConfigMap's data. */
function templateData(policy: ResolvedPolicy): Array<Record<string, string>> {
  return tfservingTemplateConfigTarget.build(policy)[0]!.documents!.map((doc) => (doc as { data: Record<string, string> }).data);
}

/** The TF Serving container's arguments in the Rollout's pod template. */
function podArgs(policy: ResolvedPolicy): string[] {
  const rollout = argoRolloutsTarget.build(policy)[0]!.documents![0] as { spec: { template: { spec: { containers: Array<{ args: string[] }> } } } };
  return rollout.spec.template.spec.containers[0]!.args;
}

describe('TF Serving config', () => {
  it('loads every retained version and labels stable and canary', () => {
    const text = files.find((f) => f.path === TFSERVING_MODELS_TEXT_FILE)!.text!;
    expect(fraud.versions.retained).toEqual([42, 41, 40]);
    expect(text).toContain('specific {\n        versions: 42\n        versions: 41\n        versions: 40\n      }');
    expect(text).toContain('version_labels {\n      key: "canary"\n      value: 42\n    }');
    expect(text).toContain('version_labels {\n      key: "stable"\n      value: 41\n    }');
    expect(configMap.data['models.config']).toBe(text);
  });

  it('in label mode emits only models.config, and every pod loads it with labels allowed for unloaded versions and no polling', () => {
    expect(fraud.model.versionLabels).toBe(true);
    expect(files.map((file) => file.path)).toEqual([TFSERVING_MODELS_TEXT_FILE]);
    for (const data of templateData(fraud)) expect(Object.keys(data)).toEqual(['models.config']);
    const args = podArgs(fraud);
    expect(args).toContain('--model_config_file=/etc/modelgate/models.config');
    expect(args).toContain('--allow_version_labels_for_unavailable_models=true');
    expect(args.some((arg) => arg.startsWith('--model_config_file_poll_wait_seconds'))).toBe(false);
  });

  it('by default has one single-version file per retained version, no models.config and no label anywhere', () => {
    const ranker = examplePolicy('search-ranker.yaml');
    expect(ranker.model.versionLabels).toBe(false);
    expect(tfservingTarget.build(ranker)).toEqual([]);
    const data = templateData(ranker);
    expect(data.map((entry) => Object.keys(entry))).toEqual(data.map((entry) => [Object.keys(entry)[0]!]));
    expect(data.flatMap((entry) => Object.keys(entry)).sort()).toEqual([...new Set([ranker.versions.stable, ...ranker.versions.retained, ...ranker.versions.previous])].map(tfservingVersionFile).sort());
    for (const entry of data) for (const text of Object.values(entry)) expect(text).not.toContain('version_labels');
    const args = podArgs(ranker);
    expect(args).toContain(`--model_config_file=/etc/modelgate/${tfservingVersionFile(ranker.versions.stable)}`);
    expect(args.some((arg) => arg.includes('version_labels'))).toBe(false);
  });

  it('labels only stable at rest', () => {
    const atRest = { ...fraud, versions: { ...fraud.versions, candidate: null } };
    const text = tfservingTarget.build(atRest)[0]!.text!;
    expect(text).toContain('key: "stable"');
    expect(text).not.toContain('key: "canary"');
  });

  it('escapes strings as protobuf does', () => {
    expect(escapeProtoString('a"b\\c\n\'é')).toBe('"a\\"b\\\\c\\n\\\'\\303\\251"');
  });

  it('refuses a label TF Serving clients could not address', () => {
    expect(isTfServingLabel('canary')).toBe(true);
    for (const bad of ['', '42', 'a/b', 'a:b', 'with space']) expect(isTfServingLabel(bad)).toBe(false);
    expect(() => modelConfig(fraud, [41], [{ label: 'a/b', version: 41 }])).toThrow(/TF Serving label/);
  });

  it('serializes the ConfigMap as YAML that keeps the config text intact', () => {
    expect(parse(JSON.stringify(configMap)).data['models.config']).toBe(configMap.data['models.config']);
  });
});
