/**
 * A TF Serving pod starting with TLS, from its generated pod template: the kubelet part (each
 * volume of the init container under a scratch root: a Secret's `items` as files named `path`, an
 * emptyDir as an empty folder), the init container's command run with bash, and TF Serving
 * reading `--ssl_config_file` as tensorflow/serving model_servers/server.cc does: ParseSSLConfig →
 * ParseProtoTextFile (protobuf TextFormat, here protoc `--encode`, which refuses what TextFormat
 * refuses), then BuildServerCredentialsFromSSLConfigFile: server_key/server_cert as the key pair,
 * custom_ca as the roots for client certificates, client_verify = require and verify them.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '../gates/example-policies.js';

export interface SslConfig {
  server_key: string;
  server_cert: string;
  custom_ca: string;
  client_verify: boolean;
}

interface Container {
  name: string;
  command?: string[];
  args?: string[];
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}

export interface PodSpec {
  initContainers?: Container[];
  containers: Container[];
  volumes: Array<{ name: string; secret?: { secretName: string; items?: Array<{ key: string; path: string }> }; emptyDir?: unknown }>;
}

const SSL_CONFIG_FLAG = '--ssl_config_file=';

/** What the pod's TF Serving reads as its SSLConfig text, given each Secret's data by name; null when it serves plaintext. */
export function startPodTls(pod: PodSpec, secrets: Record<string, Record<string, string>>): { text: string; config: SslConfig } | null {
  const serving = pod.containers.find((container) => container.name === 'tfserving')!;
  const flag = (serving.args ?? []).find((arg) => arg.startsWith(SSL_CONFIG_FLAG));
  if (!flag) return null;
  const root = mkdtempSync(path.join(tmpdir(), 'modelgate-pod-'));
  try {
    const under = (value: string): string => value.replaceAll(/(^|=)\//g, `$1${root}/`);
    for (const volume of pod.volumes) {
      const dir = path.join(root, 'volumes', volume.name);
      mkdirSync(dir, { recursive: true });
      if (!volume.secret) continue;
      const data = secrets[volume.secret.secretName];
      if (!data) throw new Error(`Secret ${volume.secret.secretName} does not exist: the pod never starts`);
      for (const { key, path: file } of volume.secret.items ?? Object.keys(data).map((k) => ({ key: k, path: k }))) {
        if (data[key] === undefined) throw new Error(`Secret ${volume.secret.secretName} has no key ${key}: the volume cannot be mounted`);
        writeFileSync(path.join(dir, file), data[key]!);
      }
    }
    const mount = (container: Container): void => {
      for (const { name, mountPath } of container.volumeMounts ?? []) {
        const at = path.join(root, mountPath);
        mkdirSync(path.dirname(at), { recursive: true });
        if (!existsSync(at)) symlinkSync(path.join(root, 'volumes', name), at);
      }
    };
    for (const init of pod.initContainers ?? []) {
      mount(init);
      const [program, ...rest] = [...(init.command ?? []), ...(init.args ?? [])];
      if (program !== '/bin/bash') throw new Error(`init container ${init.name} runs ${program}, not bash`);
      execFileSync('bash', rest.map((arg, index) => (index < 2 ? arg : under(arg))), { stdio: 'pipe' });
    }
    mount(serving);
    const text = readFileSync(under(flag.slice(SSL_CONFIG_FLAG.length)), 'utf8');
    return { text, config: parseSslConfig(text) };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const protoDir = path.join(repoRoot, 'test', 'fixtures', 'tfserving');

/** protoc's TextFormat parse (throws with protoc's message when TF Serving's TF_CHECK_OK would crash), then the four fields off the wire. */
export function parseSslConfig(text: string): SslConfig {
  const wire = execFileSync('protoc', ['--encode=tensorflow.serving.SSLConfig', '-I', protoDir, 'ssl_config.proto'], { input: text, stdio: 'pipe' });
  const config: SslConfig = { server_key: '', server_cert: '', custom_ca: '', client_verify: false };
  const names: Record<number, 'server_key' | 'server_cert' | 'custom_ca'> = { 1: 'server_key', 2: 'server_cert', 3: 'custom_ca' };
  let at = 0;
  const varint = (): number => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = wire[at++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  };
  while (at < wire.length) {
    const tag = varint();
    const number = tag >> 3;
    if (number === 4) config.client_verify = varint() !== 0;
    else {
      const length = varint();
      const name = names[number];
      if (!name) throw new Error(`SSLConfig has no field ${number}`);
      config[name] = wire.subarray(at, at + length).toString('utf8');
      at += length;
    }
  }
  return config;
}

/** The server credentials BuildServerCredentialsFromSSLConfigFile makes, in the stand-in pod's terms (test/models/tfserving-model-service.ts). */
export function standInTls(config: SslConfig): { cert: string; key: string; ca?: string } {
  return { cert: config.server_cert, key: config.server_key, ...(config.client_verify ? { ca: config.custom_ca } : {}) };
}
