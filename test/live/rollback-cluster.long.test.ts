/**
 * `rollback --live` finding its pods through the Kubernetes API (the stand-in in
 * test/models/kube-apiserver.ts) instead of --targets, annotating them with the version their
 * `stable` label answers, refusing before any move on a not-ready pod, an RBAC refusal or a
 * silent API server; and speaking TLS to TF Serving pods that serve it.
 */
import { appendFile, cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run as rollback } from '../../src/cli/rollback.js';
import { ANNOTATION_SERVED_VERSION } from '../../src/names.js';
import type { TfServingTls } from '../../src/resolve/platform.js';
import { argoRolloutsTarget } from '../../src/targets/argo-rollouts.js';
import { examplePolicy, repoRoot } from '../gates/example-policies.js';
import { KubeApiStandIn, type EndpointSlice } from '../models/kube-apiserver.js';
import { TfServingStandIn } from '../models/tfserving-model-service.js';
import { standInTls, startPodTls, type PodSpec } from '../models/tfserving-ssl-config.js';
import { makeCertificates } from '../support/certificates.js';
import { readmeRolePermissions } from '../support/readme-rbac.js';

const NAMESPACE = 'risk';
let dir: string;
let stdout: string;
let stderr: string;
let pods: TfServingStandIn[] = [];
let api: KubeApiStandIn | null = null;
const startDir = process.cwd();
const savedEnv = { ...process.env };

async function cli(...argv: string[]): Promise<number> {
  stdout = '';
  stderr = '';
  return rollback(argv);
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'modelgate-live-cluster-'));
  await cp(path.join(repoRoot, 'policies'), path.join(dir, 'policies'), { recursive: true });
  await cp(path.join(repoRoot, 'modelgate.config.yaml'), path.join(dir, 'modelgate.config.yaml'));
  await cp(path.join(repoRoot, 'generated'), path.join(dir, 'generated'), { recursive: true });
  process.chdir(dir);
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  process.env.MODELGATE_ACTOR = 'oncall-ana';
  process.env.KUBECONFIG = path.join(dir, 'no-kubeconfig');
});

afterEach(async () => {
  vi.restoreAllMocks();
  process.chdir(startDir);
  process.env = { ...savedEnv };
  await Promise.all(pods.map((pod) => pod.close()));
  pods = [];
  await api?.close();
  api = null;
});

const standIn = (tls?: { cert: string; key: string; ca?: string }) =>
  new TfServingStandIn({ model: 'fraud_detector', versions: { 42: 'AVAILABLE', 41: 'AVAILABLE', 40: 'AVAILABLE' }, labels: { stable: 41, canary: 42 }, tls }).start();

/** One EndpointSlice per stand-in pod (each listens on its own loopback port). */
function slice(service: string, index: number, pod: TfServingStandIn, conditions: { ready?: boolean; terminating?: boolean } = { ready: true }): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${service}-${index}`, namespace: NAMESPACE, labels: { 'kubernetes.io/service-name': service } },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['127.0.0.1'], conditions, targetRef: { kind: 'Pod', name: `fraud-detector-${index}`, namespace: NAMESPACE } }],
    ports: [{ name: 'http', port: 1, protocol: 'TCP' }, { name: 'grpc', port: pod.port, protocol: 'TCP', appProtocol: 'grpc' }],
  };
}

/** Four pods: two behind the stable Service, two behind the canary Service, one of them listed under both. */
async function cluster(options: ConstructorParameters<typeof KubeApiStandIn>[0] = {}): Promise<string> {
  pods = await Promise.all(Array.from({ length: 4 }, () => standIn()));
  api = await new KubeApiStandIn({ token: 't0ken', ...options }).start();
  pods.forEach((pod, index) => {
    api!.put(slice(index < 2 ? 'fraud-detector' : 'fraud-detector-canary', index, pod));
    api!.put({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `fraud-detector-${index}`, namespace: NAMESPACE, labels: { version: index < 2 ? '41' : '42' } } });
  });
  api.put({ ...slice('fraud-detector', 1, pods[1]!), metadata: { name: 'fraud-detector-again', namespace: NAMESPACE, labels: { 'kubernetes.io/service-name': 'fraud-detector-canary' } } });
  const file = path.join(dir, 'kubeconfig');
  await writeFile(file, JSON.stringify({ 'current-context': 'prod', contexts: [{ name: 'prod', context: { cluster: 'k', user: 'u' } }], clusters: [{ name: 'k', cluster: { server: api.url } }], users: [{ name: 'u', user: { token: 't0ken' } }] }));
  return file;
}

describe('rollback --live with the pods found from the EndpointSlices', () => {
  it('moves every pod of both Services once, annotates each with the version stable answers, then edits the policy', async () => {
    const kubeconfig = await cluster();
    expect(await cli('fraud-detector', '--live', '--to', '40', '--kubeconfig', kubeconfig), stderr).toBe(0);
    for (const pod of pods) {
      expect(Object.fromEntries(pod.labels)).toEqual({ stable: 40 });
      expect(pod.reloads).toHaveLength(1);
    }
    for (let index = 0; index < 4; index++) expect(api!.pod(NAMESPACE, `fraud-detector-${index}`)!.metadata.annotations).toEqual({ [ANNOTATION_SERVED_VERSION]: '40' });
    expect(stdout).toContain(`  fraud-detector-2 (${pods[2]!.address})  stable → 40\n`);
    expect(await readFile('policies/fraud-detector.yaml', 'utf8')).toMatch(/stable: 40\n/);
    const calls = api!.requests.map((request) => `${request.method} ${request.path}${request.query} ${request.contentType ?? ''}`.trim());
    expect(calls.slice(0, 2)).toEqual([
      'GET /apis/discovery.k8s.io/v1/namespaces/risk/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dfraud-detector',
      'GET /apis/discovery.k8s.io/v1/namespaces/risk/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dfraud-detector-canary',
    ]);
    // The dry runs (RBAC checked before any label moves), then the real patches.
    expect(calls.slice(2)).toEqual([
      ...[0, 1, 2, 3].map((index) => `PATCH /api/v1/namespaces/risk/pods/fraud-detector-${index}?dryRun=All application/merge-patch+json`),
      ...[0, 1, 2, 3].map((index) => `PATCH /api/v1/namespaces/risk/pods/fraud-detector-${index} application/merge-patch+json`),
    ]);
  });

  it("needs no permission beyond the README's Role", async () => {
    const kubeconfig = await cluster({ allowed: readmeRolePermissions() });
    expect(await cli('fraud-detector', '--live', '--to', '40', '--kubeconfig', kubeconfig), stderr).toBe(0);
    expect(api!.pod(NAMESPACE, 'fraud-detector-0')!.metadata.annotations).toEqual({ [ANNOTATION_SERVED_VERSION]: '40' });
  });

  it('stopped part way, each pod is annotated with what its stable label answers now, and git is left alone', async () => {
    const kubeconfig = await cluster();
    // Pod 2 loses version 40 right after the first status read: the move stops there.
    pods[2]!.afterStatus = (pod) => {
      pod.versions.set(40, 'LOADING');
      pod.afterStatus = null;
    };
    expect(await cli('fraud-detector', '--live', '--to', '40', '--kubeconfig', kubeconfig)).toBe(1);
    expect(stderr).toContain(`stopped at ${pods[2]!.address}: version 40 is now LOADING`);
    const served = [0, 1, 2, 3].map((index) => api!.pod(NAMESPACE, `fraud-detector-${index}`)!.metadata.annotations?.[ANNOTATION_SERVED_VERSION]);
    expect(served).toEqual(['40', '40', '41', '41']);
    expect(await readFile('policies/fraud-detector.yaml', 'utf8')).toMatch(/stable: 41\n/);
    pods[2]!.versions.set(40, 'AVAILABLE');
    expect(await cli('fraud-detector', '--live', '--to', '40', '--kubeconfig', kubeconfig), stderr).toBe(0);
    expect([0, 1, 2, 3].map((index) => api!.pod(NAMESPACE, `fraud-detector-${index}`)!.metadata.annotations?.[ANNOTATION_SERVED_VERSION])).toEqual(['40', '40', '40', '40']);
  });

  it('refuses before moving anything while a pod is not ready, and leaves a terminating one alone', async () => {
    const kubeconfig = await cluster();
    api!.put(slice('fraud-detector-canary', 3, pods[3]!, { ready: false, terminating: false }));
    expect(await cli('fraud-detector', '--live', '--to', '40', '--kubeconfig', kubeconfig)).toBe(1);
    expect(stderr).toContain(`refused before moving any label: not ready: fraud-detector-3 (127.0.0.1); a pod that becomes ready after the move starts on its config file's labels`);
    expect(pods.every((pod) => pod.statusReads === 0 && pod.reloads.length === 0)).toBe(true);
    api!.put(slice('fraud-detector-canary', 3, pods[3]!, { ready: false, terminating: true }));
    expect(await cli('fraud-detector', '--live', '--to', '40', '--kubeconfig', kubeconfig), stderr).toBe(0);
    expect(stdout).toContain('leaving alone the terminating fraud-detector-3 (127.0.0.1)');
    expect(pods[3]!.reloads).toEqual([]);
    expect(pods.slice(0, 3).every((pod) => pod.label('stable') === 40)).toBe(true);
  });

  it('an RBAC refusal to patch pods stops it before any label moves, naming the verb and resource', async () => {
    const kubeconfig = await cluster({ allowed: ['list endpointslices'], user: 'system:serviceaccount:ml-ops:modelgate-rollback' });
    expect(await cli('fraud-detector', '--live', '--to', '40', '--kubeconfig', kubeconfig)).toBe(1);
    expect(stderr).toContain(
      `pods "fraud-detector-0" is forbidden: User "system:serviceaccount:ml-ops:modelgate-rollback" cannot patch resource "pods" in API group "" in the namespace "risk"; the caller needs RBAC verb 'patch' on resource 'pods' (apiGroup "" (core)) in namespace risk`,
    );
    expect(pods.every((pod) => pod.reloads.length === 0)).toBe(true);
    expect(await readFile('policies/fraud-detector.yaml', 'utf8')).toMatch(/stable: 41\n/);
  });

  it('an API server that does not answer stops it before any label moves', async () => {
    const kubeconfig = await cluster();
    const url = api!.url;
    await api!.close();
    expect(await cli('fraud-detector', '--live', '--to', '40', '--kubeconfig', kubeconfig)).toBe(1);
    expect(stderr).toContain(`refused before moving any label: list endpointslices.discovery.k8s.io in namespace risk: the API server at ${url} (context prod) could not be reached`);
    expect(pods.every((pod) => pod.statusReads === 0)).toBe(true);
  });

  it('without --targets and without a kubeconfig it is a usage error naming both ways', async () => {
    expect(await cli('fraud-detector', '--live', '--to', '40')).toBe(2);
    expect(stderr).toContain('--live needs the pods: no kubeconfig ($KUBECONFIG, ~/.kube/config or --kubeconfig) to find them from the EndpointSlices of fraud-detector and fraud-detector-canary, or --targets HOST:PORT,...');
  });
});

const certificates = makeCertificates();

describe.skipIf(!certificates)('rollback --live over TLS to the pods', () => {
  async function files(): Promise<Record<string, string>> {
    const certs = certificates!;
    const out: Record<string, string> = {};
    for (const [name, pem] of Object.entries({ ca: certs.ca, cert: certs.clientCert, key: certs.clientKey, other: certs.otherCa })) {
      out[name] = path.join(dir, `${name}.pem`);
      await writeFile(out[name]!, pem);
    }
    return out;
  }

  it('trusts the given CA, presents the client certificate the pods require, and checks the name in their certificate', async () => {
    const certs = certificates!;
    pods = await Promise.all([0, 1].map(() => standIn({ cert: certs.serverCert, key: certs.serverKey, ca: certs.ca })));
    const pem = await files();
    const targets = ['--targets', pods.map((pod) => pod.address).join(',')];
    expect(await cli('fraud-detector', '--live', '--to', '40', ...targets, '--grpc-ca', pem.ca!, '--grpc-cert', pem.cert!, '--grpc-key', pem.key!, '--grpc-server-name', 'tfserving.test'), stderr).toBe(0);
    expect(pods.every((pod) => pod.label('stable') === 40)).toBe(true);
  });

  it('refuses pods whose certificate another CA signed, or plaintext to TLS pods, moving nothing', async () => {
    const certs = certificates!;
    pods = await Promise.all([0, 1].map(() => standIn({ cert: certs.serverCert, key: certs.serverKey })));
    const pem = await files();
    const targets = ['--targets', pods.map((pod) => pod.address).join(',')];
    expect(await cli('fraud-detector', '--live', '--to', '40', ...targets, '--grpc-ca', pem.other!, '--timeout', '2')).toBe(1);
    expect(stderr).toContain(`${pods[0]!.address}: status unreadable (UNAVAILABLE`);
    expect(await cli('fraud-detector', '--live', '--to', '40', ...targets, '--timeout', '2')).toBe(1);
    expect(pods.every((pod) => pod.reloads.length === 0 && pod.label('stable') === 41)).toBe(true);
  });

  it('checks the TLS flags before anything: a client certificate without its key, flags without a CA', async () => {
    const pem = await files();
    expect(await cli('fraud-detector', '--live', '--targets', '127.0.0.1:1', '--grpc-ca', pem.ca!, '--grpc-cert', pem.cert!)).toBe(2);
    expect(stderr).toContain('--grpc-cert and --grpc-key go together');
    expect(await cli('fraud-detector', '--live', '--targets', '127.0.0.1:1', '--grpc-server-name', 'x')).toBe(2);
    expect(stderr).toContain('need --grpc-ca');
  });
});

describe.skipIf(!certificates)('rollback --live to the pods of a TLS profile (tfserving.tls)', () => {
  const TLS: TfServingTls = { secret: 'tfserving-grpc-tls', serverName: 'tfserving.test', clientAuth: true, caFile: null };

  /** The profile section, as a user writes it. */
  async function tlsProfile(tls: TfServingTls): Promise<void> {
    const caFile = tls.caFile ? `, caFile: ${tls.caFile}` : '';
    await appendFile(path.join(dir, 'modelgate.config.yaml'), `  tfserving:\n    tls: { secret: ${tls.secret}, serverName: ${tls.serverName}, clientAuth: ${tls.clientAuth}${caFile} }\n`);
  }

  /** Pods that start as the generated template makes them: the init container's SSLConfig from the Secret, read as server.cc reads it. */
  async function tlsPods(tls: TfServingTls): Promise<string[]> {
    const certs = certificates!;
    const policy = examplePolicy('fraud-detector.yaml');
    const rollout = argoRolloutsTarget.build({ ...policy, platform: { ...policy.platform, tfserving: { tls } } })[0]!.documents![0] as { spec: { template: { spec: PodSpec } } };
    const started = startPodTls(rollout.spec.template.spec, { [tls.secret]: { 'tls.crt': certs.serverCert, 'tls.key': certs.serverKey, 'ca.crt': certs.ca } })!;
    pods = await Promise.all([0, 1].map(() => standIn(standInTls(started.config))));
    return ['--targets', pods.map((pod) => pod.address).join(',')];
  }

  async function pem(name: string, text: string): Promise<string> {
    await mkdir(path.join(dir, 'certs'), { recursive: true });
    await writeFile(path.join(dir, 'certs', name), text);
    return path.join(dir, 'certs', name);
  }

  it("speaks TLS by default: the profile's CA file and server name, a client certificate for clientAuth pods", async () => {
    const tls = { ...TLS, caFile: 'certs/ca.pem' };
    await tlsProfile(tls);
    await pem('ca.pem', certificates!.ca);
    const targets = await tlsPods(tls);
    const client = ['--grpc-cert', await pem('client.pem', certificates!.clientCert), '--grpc-key', await pem('client.key', certificates!.clientKey)];
    expect(await cli('fraud-detector', '--live', '--to', '40', ...targets, ...client), stderr).toBe(0);
    expect(pods.every((pod) => pod.label('stable') === 40)).toBe(true);
  });

  it("checks the pods' certificate against the profile's serverName, not the address it dials", async () => {
    const tls = { ...TLS, clientAuth: false, serverName: 'elsewhere.test', caFile: 'certs/ca.pem' };
    await tlsProfile(tls);
    await pem('ca.pem', certificates!.ca);
    // The certificate also names 127.0.0.1, so only the profile's name can make this fail.
    const targets = await tlsPods(tls);
    expect(await cli('fraud-detector', '--live', '--to', '40', ...targets, '--timeout', '2')).toBe(1);
    expect(stderr).toContain(`${pods[0]!.address}: status unreadable (UNAVAILABLE`);
    expect(await cli('fraud-detector', '--live', '--to', '40', ...targets, '--grpc-server-name', 'tfserving.test'), stderr).toBe(0);
  });

  it('MODELGATE_GRPC_CA stands in for the CA file, and --grpc-ca wins over both', async () => {
    await tlsProfile({ ...TLS, clientAuth: false, caFile: 'certs/other.pem' });
    await pem('other.pem', certificates!.otherCa);
    const targets = await tlsPods({ ...TLS, clientAuth: false });
    process.env.MODELGATE_GRPC_CA = await pem('ca.pem', certificates!.ca);
    expect(await cli('fraud-detector', '--live', '--to', '40', ...targets, '--grpc-ca', path.join(dir, 'certs/other.pem'), '--timeout', '2')).toBe(1);
    expect(stderr).toContain(`${pods[0]!.address}: status unreadable (UNAVAILABLE`);
    expect(pods.every((pod) => pod.reloads.length === 0)).toBe(true);
    expect(await cli('fraud-detector', '--live', '--to', '40', ...targets), stderr).toBe(0);
    expect(pods.every((pod) => pod.label('stable') === 40)).toBe(true);
  });

  it('refuses plaintext to TLS pods, and clientAuth pods without a client certificate, before calling any pod', async () => {
    await tlsProfile(TLS);
    const targets = await tlsPods(TLS);
    expect(await cli('fraud-detector', '--live', '--to', '40', ...targets)).toBe(2);
    expect(stderr).toContain('modelgate.config.yaml) says the pods serve gRPC over TLS (tfserving.tls), and no CA to check them with: give --grpc-ca FILE, set MODELGATE_GRPC_CA, or set tfserving.tls.caFile (plaintext is refused; no label was moved)');
    expect(await cli('fraud-detector', '--live', '--to', '40', ...targets, '--grpc-ca', await pem('ca.pem', certificates!.ca))).toBe(2);
    expect(stderr).toContain('with clientAuth: the pods accept only callers with a certificate signed by their CA; give --grpc-cert FILE --grpc-key FILE');
    expect(pods.every((pod) => pod.statusReads === 0 && pod.label('stable') === 41)).toBe(true);
  });
});
