/**
 * The caller's kubeconfig, read as kubectl reads it (k8s.io/client-go tools/clientcmd): the files
 * of `$KUBECONFIG` (path-list; for each named cluster, user and context the first file that
 * defines it wins, as does the first `current-context`), else `~/.kube/config`; relative file
 * paths are relative to the file that names them. Credentials: bearer `token` / `tokenFile`,
 * client certificate and key (file or `-data`), and `exec` credential plugins (GKE's and EKS's
 * default), run as client-go's exec authenticator does (plugin/pkg/client/auth/exec/exec.go: the
 * ExecCredential the plugin prints carries `status.token` or a client certificate and key).
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';

/** What a request to the API server needs: where, whom to trust, who we are. */
export interface KubeConnection {
  server: string;
  /** Namespace of the context (unused when the caller names one). */
  namespace: string | null;
  context: string;
  ca: Buffer | null;
  insecureSkipTlsVerify: boolean;
  tlsServerName: string | null;
  token: string | null;
  clientCertificate: Buffer | null;
  clientKey: Buffer | null;
}

export class KubeconfigError extends Error {}

type Named<T> = { name?: unknown } & T;
interface Entry {
  file: string;
  value: Record<string, unknown>;
}

/** The kubeconfig files kubectl would read, in precedence order; none when there is none. */
export function kubeconfigFiles(explicit?: string, env: NodeJS.ProcessEnv = process.env): string[] {
  if (explicit !== undefined) return [explicit];
  const list = (env.KUBECONFIG ?? '').split(path.delimiter).filter(Boolean);
  if (list.length > 0) return list.filter((file) => existsSync(file));
  const home = path.join(env.HOME ?? homedir(), '.kube', 'config');
  return existsSync(home) ? [home] : [];
}

/**
 * The connection of `context` (default: current-context) from `files`. Throws KubeconfigError
 * with what is missing; an exec plugin is run here, once.
 */
export async function loadKubeconfig(files: readonly string[], context?: string): Promise<KubeConnection> {
  const clusters = new Map<string, Entry>();
  const users = new Map<string, Entry>();
  const contexts = new Map<string, Entry>();
  let current: string | undefined;
  for (const file of files) {
    let document: Record<string, unknown>;
    try {
      document = (parse(readFileSync(file, 'utf8')) ?? {}) as Record<string, unknown>;
    } catch (error) {
      throw new KubeconfigError(`${file}: ${(error as Error).message}`);
    }
    collect(file, document.clusters, 'cluster', clusters);
    collect(file, document.users, 'user', users);
    collect(file, document.contexts, 'context', contexts);
    if (current === undefined && typeof document['current-context'] === 'string' && document['current-context'] !== '') current = document['current-context'];
  }
  const name = context ?? current;
  if (name === undefined) throw new KubeconfigError(`${files.join(', ')}: no current-context; pass --context NAME`);
  const chosen = contexts.get(name);
  if (!chosen) throw new KubeconfigError(`context '${name}' is not in ${files.join(', ')}`);
  const clusterName = String(chosen.value.cluster ?? '');
  const cluster = clusters.get(clusterName);
  if (!cluster) throw new KubeconfigError(`context '${name}' names cluster '${clusterName}', which ${files.join(', ')} does not define`);
  const server = cluster.value.server;
  if (typeof server !== 'string' || !/^https?:\/\//.test(server)) throw new KubeconfigError(`cluster '${clusterName}' has no http(s) server address`);
  const userName = chosen.value.user;
  const user = typeof userName === 'string' && userName !== '' ? users.get(userName) : undefined;
  if (typeof userName === 'string' && userName !== '' && !user) throw new KubeconfigError(`context '${name}' names user '${userName}', which ${files.join(', ')} does not define`);

  const connection: KubeConnection = {
    server: server.replace(/\/+$/, ''),
    namespace: typeof chosen.value.namespace === 'string' && chosen.value.namespace !== '' ? chosen.value.namespace : null,
    context: name,
    ca: bytes(cluster, 'certificate-authority'),
    insecureSkipTlsVerify: cluster.value['insecure-skip-tls-verify'] === true,
    tlsServerName: typeof cluster.value['tls-server-name'] === 'string' ? cluster.value['tls-server-name'] : null,
    token: null,
    clientCertificate: null,
    clientKey: null,
  };
  if (user) await addCredentials(connection, user);
  return connection;
}

function collect(file: string, list: unknown, key: string, into: Map<string, Entry>): void {
  if (!Array.isArray(list)) return;
  for (const item of list as Array<Named<Record<string, unknown>>>) {
    if (typeof item?.name !== 'string' || into.has(item.name)) continue;
    const value = item[key];
    into.set(item.name, { file, value: value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {} });
  }
}

/** `<field>-data` (base64) or `<field>` (a file path), or null when neither is set. */
function bytes(entry: Entry, field: string): Buffer | null {
  const data = entry.value[`${field}-data`];
  if (typeof data === 'string' && data !== '') return Buffer.from(data, 'base64');
  const file = entry.value[field];
  if (typeof file !== 'string' || file === '') return null;
  const resolved = path.resolve(path.dirname(entry.file), file);
  try {
    return readFileSync(resolved);
  } catch (error) {
    throw new KubeconfigError(`${entry.file}: ${field} ${resolved}: ${(error as Error).message}`);
  }
}

async function addCredentials(connection: KubeConnection, user: Entry): Promise<void> {
  connection.clientCertificate = bytes(user, 'client-certificate');
  connection.clientKey = bytes(user, 'client-key');
  if (typeof user.value.token === 'string' && user.value.token !== '') connection.token = user.value.token;
  else if (typeof user.value.tokenFile === 'string' && user.value.tokenFile !== '') {
    const file = path.resolve(path.dirname(user.file), user.value.tokenFile);
    try {
      connection.token = readFileSync(file, 'utf8').trim();
    } catch (error) {
      throw new KubeconfigError(`${user.file}: tokenFile ${file}: ${(error as Error).message}`);
    }
  }
  if (user.value.exec && typeof user.value.exec === 'object') await runExecPlugin(connection, user.value.exec as Record<string, unknown>, user.file);
  if (user.value['auth-provider'] !== undefined && connection.token === null && connection.clientCertificate === null) {
    throw new KubeconfigError(`${user.file}: the user's auth-provider is not supported (kubectl itself dropped them in 1.26); use an exec plugin or a token`);
  }
}

const EXEC_TIMEOUT_MS = 60_000;

/** client-go exec.go: run the command with its args and env, read an ExecCredential from stdout. */
async function runExecPlugin(connection: KubeConnection, exec: Record<string, unknown>, file: string): Promise<void> {
  const command = exec.command;
  if (typeof command !== 'string' || command === '') throw new KubeconfigError(`${file}: exec plugin without a command`);
  const apiVersion = typeof exec.apiVersion === 'string' ? exec.apiVersion : 'client.authentication.k8s.io/v1';
  const args = Array.isArray(exec.args) ? exec.args.map(String) : [];
  const extraEnv = Array.isArray(exec.env) ? Object.fromEntries((exec.env as Array<{ name: unknown; value: unknown }>).map((e) => [String(e.name), String(e.value)])) : {};
  // A bare name is looked up on PATH; a path with a slash is relative to the kubeconfig (exec.go resolves it so).
  const executable = command.includes('/') ? path.resolve(path.dirname(file), command) : command;
  const execInfo = JSON.stringify({ apiVersion, kind: 'ExecCredential', spec: { interactive: false } });
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(executable, args, { env: { ...process.env, ...extraEnv, KUBERNETES_EXEC_INFO: execInfo }, timeout: EXEC_TIMEOUT_MS, maxBuffer: 1 << 20 }, (error, out, err) => {
      if (error) reject(new KubeconfigError(`exec credential plugin ${command} failed: ${String(err).trim() || error.message}${typeof exec.installHint === 'string' ? `\n${exec.installHint}` : ''}`));
      else resolve(out);
    });
  });
  let credential: { status?: { token?: unknown; clientCertificateData?: unknown; clientKeyData?: unknown } };
  try {
    credential = JSON.parse(stdout);
  } catch {
    throw new KubeconfigError(`exec credential plugin ${command} printed no ExecCredential JSON`);
  }
  const status = credential.status ?? {};
  if (typeof status.token === 'string' && status.token !== '') connection.token = status.token;
  if (typeof status.clientCertificateData === 'string' && typeof status.clientKeyData === 'string') {
    connection.clientCertificate = Buffer.from(status.clientCertificateData);
    connection.clientKey = Buffer.from(status.clientKeyData);
  }
  if (connection.token === null && connection.clientCertificate === null) throw new KubeconfigError(`exec credential plugin ${command} returned neither a token nor a client certificate`);
}
