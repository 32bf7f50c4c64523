/**
 * A throwaway CA with a server certificate for 127.0.0.1/localhost and a client certificate, made
 * by the `openssl` CLI in a temporary folder (node:crypto makes keys but not X.509 certificates).
 * Returns null when openssl is missing (requireTool: a loud skip, or a failure under CI).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { requireTool } from './tools.js';

export interface TestCertificates {
  /** PEM: the CA that signed both certificates. */
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** A second CA that signed nothing here: trusting only it must fail the handshake. */
  otherCa: string;
}

export function makeCertificates(): TestCertificates | null {
  const openssl = requireTool('openssl');
  if (!openssl) return null;
  const dir = mkdtempSync(path.join(tmpdir(), 'modelgate-certs-'));
  const run = (...args: string[]): void => void execFileSync(openssl, args, { cwd: dir, stdio: 'pipe' });
  try {
    for (const ca of ['ca', 'other-ca']) run('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${ca}.key`, '-out', `${ca}.crt`, '-days', '2', '-subj', `/CN=${ca}`);
    writeFileSync(path.join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:tfserving.test\nextendedKeyUsage=serverAuth\n');
    writeFileSync(path.join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
    for (const who of ['server', 'client']) {
      run('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${who}.key`, '-out', `${who}.csr`, '-subj', `/CN=${who}`);
      run('x509', '-req', '-in', `${who}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${who}.crt`, '-days', '2', '-extfile', `${who}.ext`);
    }
    const read = (file: string): string => readFileSync(path.join(dir, file), 'utf8');
    return { ca: read('ca.crt'), serverCert: read('server.crt'), serverKey: read('server.key'), clientCert: read('client.crt'), clientKey: read('client.key'), otherCa: read('other-ca.crt') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
