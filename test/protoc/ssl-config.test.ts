/**
 * The `--ssl_config_file` a TLS profile's pods start with: the generated init container run with
 * bash on an openssl-made Secret (test/models/tfserving-ssl-config.ts), its output read by protoc
 * as TF Serving's SSLConfig. The file is exactly what protobuf-text.ts prints for the same object
 * (so the script escapes as the printer does), decodes back to the Secret's PEM bytes, and
 * protoc's decode of it prints the same text (protobuf's own escaping agrees).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TfServingTls } from '../../src/resolve/platform.js';
import type { ResolvedPolicy } from '../../src/resolve/policy.js';
import { argoRolloutsTarget } from '../../src/targets/argo-rollouts.js';
import { field, printMessage } from '../../src/targets/protobuf-text.js';
import { SSL_CONFIG_FILE, TLS_CONFIG_DIR, TLS_INIT_CONTAINER } from '../../src/targets/tfserving-tls.js';
import { examplePolicy, repoRoot } from '../gates/example-policies.js';
import { makeCertificates } from '../support/certificates.js';
import { requireTool } from '../support/tools.js';
import { parseSslConfig, startPodTls, type PodSpec } from '../models/tfserving-ssl-config.js';

const protoc = requireTool('protoc');
const bash = requireTool('bash');
const certificates = protoc && bash ? makeCertificates() : null;

function withTls(tls: TfServingTls | null, file = 'fraud-detector.yaml'): ResolvedPolicy {
  const policy = examplePolicy(file);
  return { ...policy, platform: { ...policy.platform, tfserving: { tls } } };
}

function podOf(policy: ResolvedPolicy): PodSpec & Record<string, unknown> {
  const rollout = argoRolloutsTarget.build(policy)[0]!.documents![0] as { spec: { template: { spec: PodSpec & Record<string, unknown> } } };
  return rollout.spec.template.spec;
}

const TLS: TfServingTls = { secret: 'tfserving-grpc-tls', serverName: 'tfserving.test', clientAuth: true, caFile: null };

describe.skipIf(!certificates)('the SSLConfig the TLS pods start with', () => {
  const certs = certificates!;
  const secret = { 'tls.crt': certs.serverCert, 'tls.key': certs.serverKey, 'ca.crt': certs.ca };

  it('with clientAuth: key, chain and CA from the Secret, client_verify on; exactly what the protobuf printer gives', () => {
    const started = startPodTls(podOf(withTls(TLS)), { 'tfserving-grpc-tls': secret });
    expect(started).not.toBeNull();
    expect(started!.config).toEqual({ server_key: certs.serverKey, server_cert: certs.serverCert, custom_ca: certs.ca, client_verify: true });
    expect(started!.text).toBe(printMessage([field('server_key', certs.serverKey), field('server_cert', certs.serverCert), field('custom_ca', certs.ca), field('client_verify', true)]));
    // protobuf's own printer writes the same text back (fields in number order).
    const wire = execFileSync(protoc!, ['--encode=tensorflow.serving.SSLConfig', '-I', path.join(repoRoot, 'test/fixtures/tfserving'), 'ssl_config.proto'], { input: started!.text });
    const decoded = execFileSync(protoc!, ['--decode=tensorflow.serving.SSLConfig', '-I', path.join(repoRoot, 'test/fixtures/tfserving'), 'ssl_config.proto'], { input: wire }).toString();
    expect(decoded).toBe(started!.text);
  });

  it('without clientAuth: no CA is read (the Secret may lack ca.crt) and client_verify is off', () => {
    const started = startPodTls(podOf(withTls({ ...TLS, clientAuth: false })), { 'tfserving-grpc-tls': { 'tls.crt': certs.serverCert, 'tls.key': certs.serverKey } });
    expect(started!.config).toEqual({ server_key: certs.serverKey, server_cert: certs.serverCert, custom_ca: '', client_verify: false });
  });

  it('a Secret without ca.crt does not start a clientAuth pod (the volume names the key)', () => {
    expect(() => startPodTls(podOf(withTls(TLS)), { 'tfserving-grpc-tls': { 'tls.crt': certs.serverCert, 'tls.key': certs.serverKey } })).toThrow('has no key ca.crt');
  });

  it('escapes quotes, backslashes and CRLF line ends in the files, so no file content can end the string or open a field', () => {
    const hostile = 'a"b\\c\r\n" }\nclient_verify: false\n';
    const started = startPodTls(podOf(withTls(TLS)), { 'tfserving-grpc-tls': { ...secret, 'tls.crt': hostile } });
    expect(started!.config.server_cert).toBe('a"b\\c\n" }\nclient_verify: false\n');
    expect(started!.config.client_verify).toBe(true);
  });

  it('is refused by protoc when broken (the oracle is awake)', () => {
    const started = startPodTls(podOf(withTls(TLS)), { 'tfserving-grpc-tls': secret })!;
    expect(() => parseSslConfig(started.text.replace('client_verify: true', 'client_verify: "true"'))).toThrow();
    expect(() => parseSslConfig(started.text.replace('server_key', 'server_keys'))).toThrow();
    expect(() => parseSslConfig(started.text.replace(/\\n"\n/, '\n"\n'))).toThrow();
  });

  it('the pod wiring: init container before TF Serving, the config only in memory, the Secret only in the init container', () => {
    const pod = podOf(withTls(TLS));
    expect(pod.initContainers!.map((c) => c.name)).toEqual([TLS_INIT_CONTAINER]);
    expect(pod.containers[0]!.args).toContain(`--ssl_config_file=${TLS_CONFIG_DIR}/${SSL_CONFIG_FILE}`);
    expect(pod.volumes.find((v) => v.name === 'tfserving-tls')).toEqual({ name: 'tfserving-tls', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } });
    expect(pod.containers.flatMap((c) => c.volumeMounts ?? []).map((m) => m.name)).not.toContain('tfserving-tls-secret');
    expect(startPodTls(podOf(withTls(null)), {})).toBeNull();
    expect(podOf(withTls(null)).initContainers).toBeUndefined();
  });
});
