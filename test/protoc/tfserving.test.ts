/**
 * protoc, with .protos of TF Serving's ModelServerConfig and MonitoringConfig written from their
 * documented field names and numbers, parses every generated config; decoding it again gives back
 * our text byte for byte, which shows the escaping matches protobuf's own printer. A broken
 * config is rejected.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ResolvedPolicy } from '../../src/resolve/policy.js';
import { tfservingTarget } from '../../src/targets/tfserving.js';
import { tfservingTemplateConfigTarget } from '../../src/targets/tfserving-template-config.js';
import { TFSERVING_METRICS_PATH, TFSERVING_MONITORING_FILE, tfservingMonitoringConfigTarget } from '../../src/targets/tfserving-monitoring-config.js';
import { examplePolicies, examplePolicy, repoRoot } from '../gates/example-policies.js';
import { requireTool } from '../support/tools.js';

const protoc = requireTool('protoc');
const protoDir = path.join(repoRoot, 'test', 'fixtures', 'tfserving');
const MODEL_SERVER_CONFIG = { message: 'tensorflow.serving.ModelServerConfig', proto: 'model_server_config.proto' };
const MONITORING_CONFIG = { message: 'tensorflow.serving.MonitoringConfig', proto: 'monitoring_config.proto' };
type Message = typeof MODEL_SERVER_CONFIG;

/** `--monitoring_config_file` is a MonitoringConfig; every other config file a ModelServerConfig. */
function messageOf(name: string): Message {
  return name === TFSERVING_MONITORING_FILE ? MONITORING_CONFIG : MODEL_SERVER_CONFIG;
}

function protocRun(mode: '--encode' | '--decode', input: Buffer | string, { message, proto }: Message = MODEL_SERVER_CONFIG): { ok: boolean; stdout: Buffer; stderr: string } {
  try {
    const stdout = execFileSync(protoc!, [`${mode}=${message}`, '-I', protoDir, proto], { input, stdio: 'pipe' });
    return { ok: true, stdout, stderr: '' };
  } catch (error) {
    const e = error as { stdout: Buffer; stderr: Buffer };
    return { ok: false, stdout: e.stdout, stderr: e.stderr.toString() };
  }
}

function roundTrip(text: string, message: Message = MODEL_SERVER_CONFIG): string {
  const encoded = protocRun('--encode', text, message);
  expect(encoded.stderr).toBe('');
  expect(encoded.ok).toBe(true);
  return protocRun('--decode', encoded.stdout, message).stdout.toString('utf8');
}

function configTexts(policy: ResolvedPolicy): Array<[string, string]> {
  const files = [...tfservingTarget.build(policy), ...tfservingTemplateConfigTarget.build(policy), ...tfservingMonitoringConfigTarget.build(policy)];
  const configMaps = files.flatMap((f) => (f.kind === 'yaml' ? f.documents! : [])) as Array<{ data: Record<string, string> }>;
  const plain = files.filter((f) => f.kind === 'text').map((f): [string, string] => [f.path, f.text!]);
  return [...configMaps.flatMap((configMap) => Object.entries(configMap.data)), ...plain];
}

describe.skipIf(!protoc)('protoc parses generated TF Serving configs', () => {
  for (const policy of examplePolicies()) {
    it(`every config of ${policy.name} encodes and decodes back to the same text`, () => {
      for (const [name, text] of configTexts(policy)) {
        expect(roundTrip(text, messageOf(name)), name).toBe(text);
      }
    });
  }

  it("reads the monitoring config as TF Serving's MonitoringConfig: Prometheus on, at the path the PodMonitor scrapes", () => {
    const texts = configTexts(examplePolicy('fraud-detector.yaml')).filter(([name]) => name === TFSERVING_MONITORING_FILE);
    expect(texts.length).toBeGreaterThan(0);
    for (const [, text] of texts) {
      expect(roundTrip(text, MONITORING_CONFIG)).toBe(text);
      expect(text).toBe(`prometheus_config {\n  enable: true\n  path: "${TFSERVING_METRICS_PATH}"\n}\n`);
      // A misspelt field or a quoted bool is not a MonitoringConfig: the oracle is awake.
      expect(protocRun('--encode', text.replace('enable: true', 'enable: "true"'), MONITORING_CONFIG).ok).toBe(false);
      expect(protocRun('--encode', text.replace('prometheus_config', 'prometheus'), MONITORING_CONFIG).ok).toBe(false);
    }
  });

  it('escapes hostile model names and paths the way protobuf does', () => {
    const base = examplePolicy('fraud-detector.yaml');
    const policy: ResolvedPolicy = {
      ...base,
      model: { ...base.model, name: 'fraud"}\n  config { name: "evil', basePath: "C:\\models\\modèle\t'日本'" },
    };
    // The monitoring config holds no user text; every model config must survive the names.
    for (const [name, text] of configTexts(policy).filter(([file]) => messageOf(file) === MODEL_SERVER_CONFIG)) {
      expect(roundTrip(text), name).toBe(text);
      expect(text.match(/^\s*config \{$/gm)).toHaveLength(1);
    }
  });

  it('rejects a deliberately broken config (the oracle is awake)', () => {
    const [, text] = configTexts(examplePolicy('fraud-detector.yaml'))[0]!;
    expect(protocRun('--encode', text.replace('versions: 42', 'versions: "42"')).ok).toBe(false);
    expect(protocRun('--encode', text.replace('model_platform', 'model_platfrom')).ok).toBe(false);
    expect(protocRun('--encode', text.slice(0, -2)).ok).toBe(false);
  });
});
