import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { tfservingConfigMapName } from '../../src/names.js';
import { escapeProtoString } from '../../src/targets/protobuf-text.js';
import { isTfServingLabel, modelConfig, TFSERVING_MODELS_TEXT_FILE, tfservingTarget } from '../../src/targets/tfserving.js';
import { examplePolicy } from '../gates/example-policies.js';

const fraud = examplePolicy('fraud-detector.yaml');
const files = tfservingTarget.build(fraud);
const configMap = files[0]!.documents![0] as { metadata: { name: string }; data: Record<string, string> };

describe('TF Serving config', () => {
  it('loads every retained version and labels stable and canary', () => {
    const text = files.find((f) => f.path === TFSERVING_MODELS_TEXT_FILE)!.text!;
    expect(fraud.versions.retained).toEqual([42, 41, 40]);
    expect(text).toContain('specific {\n        versions: 42\n        versions: 41\n        versions: 40\n      }');
    expect(text).toContain('version_labels {\n      key: "canary"\n      value: 42\n    }');
    expect(text).toContain('version_labels {\n      key: "stable"\n      value: 41\n    }');
    expect(configMap.data['models.config']).toBe(text);
  });

  it('holds only models.config in the shared ConfigMap: the Rollout pods read their own', () => {
    expect(configMap.metadata.name).toBe(tfservingConfigMapName(fraud));
    expect(Object.keys(configMap.data)).toEqual(['models.config']);
  });

  it('labels only stable at rest', () => {
    const text = tfservingTarget.build(examplePolicy('search-ranker.yaml'))[1]!.text!;
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
