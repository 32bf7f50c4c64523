/**
 * The caller's kubeconfig, read as kubectl reads it, and used over TLS against the API stand-in:
 * file precedence, relative paths, tokens, client certificates and CA, exec plugins.
 */
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KubeClient, KubeUnreachableError } from '../../src/kube/client.js';
import { KubeconfigError, kubeconfigFiles, loadKubeconfig } from '../../src/kube/kubeconfig.js';
import { KubeApiStandIn } from '../models/kube-apiserver.js';
import { makeCertificates } from '../support/certificates.js';

let api: KubeApiStandIn | null = null;
afterEach(async () => {
  await api?.close();
  api = null;
});

function folder(): string {
  return mkdtempSync(path.join(tmpdir(), 'modelgate-kubeconfig-'));
}

function write(dir: string, name: string, config: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, typeof config === 'string' ? config : JSON.stringify(config));
  return file;
}

const POD = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' } } as const;

describe('kubeconfigFiles', () => {
  it('takes --kubeconfig, else the existing files of $KUBECONFIG in order, else ~/.kube/config', () => {
    const dir = folder();
    const a = write(dir, 'a', {});
    const b = write(dir, 'b', {});
    expect(kubeconfigFiles('/given')).toEqual(['/given']);
    expect(kubeconfigFiles(undefined, { KUBECONFIG: [a, path.join(dir, 'missing'), b].join(path.delimiter), HOME: dir })).toEqual([a, b]);
    expect(kubeconfigFiles(undefined, { HOME: dir })).toEqual([]);
    const home = path.join(dir, '.kube');
    mkdirSync(home);
    const config = write(home, 'config', {});
    expect(kubeconfigFiles(undefined, { HOME: dir })).toEqual([config]);
  });
});

describe('loadKubeconfig', () => {
  it('merges files as kubectl does: the first definition of a name and the first current-context win', async () => {
    const dir = folder();
    const first = write(dir, 'first', { 'current-context': 'dev', contexts: [{ name: 'dev', context: { cluster: 'dev-cluster', user: 'me', namespace: 'risk' } }], users: [{ name: 'me', user: { token: 'first-token' } }] });
    const second = write(dir, 'second', {
      'current-context': 'prod',
      contexts: [{ name: 'prod', context: { cluster: 'prod-cluster', user: 'me' } }],
      clusters: [{ name: 'dev-cluster', cluster: { server: 'https://dev.example:6443/' } }, { name: 'prod-cluster', cluster: { server: 'https://prod.example' } }],
      users: [{ name: 'me', user: { token: 'second-token' } }],
    });
    const connection = await loadKubeconfig([first, second]);
    expect(connection).toMatchObject({ context: 'dev', server: 'https://dev.example:6443', namespace: 'risk', token: 'first-token' });
    expect(await loadKubeconfig([first, second], 'prod')).toMatchObject({ server: 'https://prod.example', token: 'first-token' });
  });

  it('reads file paths relative to the kubeconfig that names them, and -data fields as base64', async () => {
    const dir = folder();
    writeFileSync(path.join(dir, 'ca.pem'), 'CA-PEM');
    writeFileSync(path.join(dir, 'token'), 'file-token\n');
    const file = write(dir, 'config', {
      'current-context': 'c',
      contexts: [{ name: 'c', context: { cluster: 'k', user: 'u' } }],
      clusters: [{ name: 'k', cluster: { server: 'https://k.example', 'certificate-authority': 'ca.pem', 'tls-server-name': 'kubernetes' } }],
      users: [{ name: 'u', user: { tokenFile: 'token', 'client-certificate-data': Buffer.from('CERT').toString('base64'), 'client-key-data': Buffer.from('KEY').toString('base64') } }],
    });
    const connection = await loadKubeconfig([file]);
    expect(connection.ca?.toString()).toBe('CA-PEM');
    expect(connection.token).toBe('file-token');
    expect(connection.tlsServerName).toBe('kubernetes');
    expect([connection.clientCertificate?.toString(), connection.clientKey?.toString()]).toEqual(['CERT', 'KEY']);
  });

  it('runs an exec credential plugin with its args, env and KUBERNETES_EXEC_INFO, and takes its token', async () => {
    const dir = folder();
    const plugin = path.join(dir, 'plugin.sh');
    // Prints an ExecCredential whose token shows what the plugin was given.
    writeFileSync(plugin, '#!/bin/sh\nkind=$(printf %s "$KUBERNETES_EXEC_INFO" | sed -n \'s/.*"kind":"\\([A-Za-z]*\\)".*/\\1/p\')\nprintf \'{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s-%s-%s"}}\' "$1" "$REGION" "$kind"\n');
    chmodSync(plugin, 0o755);
    const file = write(dir, 'config', {
      'current-context': 'c',
      contexts: [{ name: 'c', context: { cluster: 'k', user: 'u' } }],
      clusters: [{ name: 'k', cluster: { server: 'https://k.example' } }],
      users: [{ name: 'u', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: './plugin.sh', args: ['gke'], env: [{ name: 'REGION', value: 'eu' }], interactiveMode: 'Never' } } }],
    });
    expect((await loadKubeconfig([file])).token).toBe('gke-eu-ExecCredential');
  });

  it('names what is missing: no current context, an unknown context, a context without its cluster, a failing plugin', async () => {
    const dir = folder();
    const base = { contexts: [{ name: 'c', context: { cluster: 'k', user: 'u' } }], users: [{ name: 'u', user: { exec: { command: '/bin/false', installHint: 'install the plugin' } } }] };
    await expect(loadKubeconfig([write(dir, 'a', base)])).rejects.toThrow(/no current-context; pass --context NAME/);
    await expect(loadKubeconfig([write(dir, 'b', base)], 'other')).rejects.toThrow(/context 'other' is not in/);
    await expect(loadKubeconfig([write(dir, 'c', base)], 'c')).rejects.toThrow(/names cluster 'k', which .* does not define/);
    const withCluster = { ...base, clusters: [{ name: 'k', cluster: { server: 'https://k.example' } }] };
    const failing = loadKubeconfig([write(dir, 'd', withCluster)], 'c');
    await expect(failing).rejects.toThrow(KubeconfigError);
    await expect(failing).rejects.toThrow(/exec credential plugin \/bin\/false failed[\s\S]*install the plugin/);
  });
});

const certificates = makeCertificates();

describe.skipIf(!certificates)('over TLS with the kubeconfig CA and client certificate', () => {
  it('trusts the cluster CA and presents the client certificate the API server requires', async () => {
    const certs = certificates!;
    api = await new KubeApiStandIn({ tls: { cert: certs.serverCert, key: certs.serverKey, ca: certs.ca } }).start();
    api.put(POD);
    const dir = folder();
    writeFileSync(path.join(dir, 'client.crt'), certs.clientCert);
    writeFileSync(path.join(dir, 'client.key'), certs.clientKey);
    const file = write(dir, 'config', {
      'current-context': 'c',
      contexts: [{ name: 'c', context: { cluster: 'k', user: 'u' } }],
      clusters: [{ name: 'k', cluster: { server: api.url, 'certificate-authority-data': Buffer.from(certs.ca).toString('base64') } }],
      users: [{ name: 'u', user: { 'client-certificate': 'client.crt', 'client-key': 'client.key' } }],
    });
    const client = new KubeClient(await loadKubeconfig([file]));
    expect(await client.get({ group: '', version: 'v1', resource: 'pods', namespace: 'ns', name: 'p' })).toMatchObject({ metadata: { name: 'p' } });
  });

  it('refuses a server whose certificate the kubeconfig CA did not sign', async () => {
    const certs = certificates!;
    api = await new KubeApiStandIn({ tls: { cert: certs.serverCert, key: certs.serverKey } }).start();
    api.put(POD);
    const connection = { server: api.url, namespace: null, context: 'c', ca: Buffer.from(certs.otherCa), insecureSkipTlsVerify: false, tlsServerName: null, token: null, clientCertificate: null, clientKey: null };
    const failure = new KubeClient(connection).get({ group: '', version: 'v1', resource: 'pods', namespace: 'ns', name: 'p' });
    await expect(failure).rejects.toThrow(KubeUnreachableError);
    await expect(failure).rejects.toThrow(/could not be reached: .*(certificate|self[- ]signed)/i);
    expect(api.requests).toEqual([]);
  });
});
