/**
 * The few Kubernetes API calls modelgate makes (get a Rollout or AnalysisRun, list a Service's
 * EndpointSlices, patch a pod's annotations), over node:https with the kubeconfig's CA, client
 * certificate or bearer token. @kubernetes/client-node 2.x was considered and left out: 16 runtime
 * dependencies (websockets, tar, SOCKS, openid-client) for five REST calls, and it pins
 * @types/node 26 as a runtime dependency, which fights this package's Node 22 typings.
 */
import http from 'node:http';
import https from 'node:https';
import type { KubeConnection } from './kubeconfig.js';

/** The API server answered with an error status (RBAC, not found, invalid). */
export class KubeApiError extends Error {
  constructor(
    readonly status: number,
    readonly verb: string,
    readonly resource: string,
    message: string,
  ) {
    super(message);
  }
}

/** No answer at all: DNS, refused connection, TLS handshake, timeout. */
export class KubeUnreachableError extends Error {}

export interface ResourcePath {
  /** '' for the core group (`/api/v1`), else e.g. 'argoproj.io'. */
  group: string;
  version: string;
  /** Plural, as RBAC names it: rollouts, analysisruns, endpointslices, pods. */
  resource: string;
  namespace: string;
  name?: string;
}

const DEFAULT_TIMEOUT_MS = 15_000;

export class KubeClient {
  constructor(
    readonly connection: KubeConnection,
    private readonly timeoutMs = DEFAULT_TIMEOUT_MS,
  ) {}

  get<T>(target: ResourcePath & { name: string }): Promise<T> {
    return this.request<T>('get', target, {});
  }

  list<T>(target: ResourcePath, labelSelector: string): Promise<T> {
    return this.request<T>('list', target, { query: `labelSelector=${encodeURIComponent(labelSelector)}` });
  }

  /** JSON merge patch (RFC 7386), which every resource accepts, built-in or custom; `dryRun` checks without storing. */
  mergePatch<T>(target: ResourcePath & { name: string }, patch: unknown, dryRun = false): Promise<T> {
    return this.request<T>('patch', target, { body: JSON.stringify(patch), contentType: 'application/merge-patch+json', query: dryRun ? 'dryRun=All' : undefined });
  }

  private request<T>(verb: 'get' | 'list' | 'patch', target: ResourcePath, options: { query?: string; body?: string; contentType?: string }): Promise<T> {
    const prefix = target.group === '' ? `/api/${target.version}` : `/apis/${target.group}/${target.version}`;
    const name = target.name === undefined ? '' : `/${encodeURIComponent(target.name)}`;
    const url = new URL(`${this.connection.server}${prefix}/namespaces/${encodeURIComponent(target.namespace)}/${target.resource}${name}${options.query ? `?${options.query}` : ''}`);
    const what = `${verb} ${target.resource}${target.group === '' ? '' : `.${target.group}`} in namespace ${target.namespace}`;
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (this.connection.token !== null) headers.Authorization = `Bearer ${this.connection.token}`;
    if (options.body !== undefined) {
      headers['Content-Type'] = options.contentType!;
      headers['Content-Length'] = String(Buffer.byteLength(options.body));
    }
    const secure = url.protocol === 'https:';
    const tls = secure
      ? {
          ca: this.connection.ca ?? undefined,
          cert: this.connection.clientCertificate ?? undefined,
          key: this.connection.clientKey ?? undefined,
          rejectUnauthorized: !this.connection.insecureSkipTlsVerify,
          servername: this.connection.tlsServerName ?? undefined,
        }
      : {};
    return new Promise<T>((resolve, reject) => {
      const request = (secure ? https : http).request(url, { method: verb === 'patch' ? 'PATCH' : 'GET', headers, timeout: this.timeoutMs, ...tls }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = response.statusCode ?? 0;
          if (status >= 200 && status < 300) {
            try {
              resolve(JSON.parse(text) as T);
            } catch {
              reject(new KubeApiError(status, verb, target.resource, `${what}: the API server's answer is not JSON`));
            }
            return;
          }
          reject(new KubeApiError(status, verb, target.resource, `${what}: ${apiMessage(status, text, verb, target)}`));
        });
      });
      request.on('timeout', () => request.destroy(new Error(`no answer within ${this.timeoutMs / 1000} s`)));
      request.on('error', (error) => reject(new KubeUnreachableError(`${what}: the API server at ${this.connection.server} (context ${this.connection.context}) could not be reached: ${error.message}`)));
      request.end(options.body);
    });
  }
}

/** The Status message the API server sent, with what the caller can do about it. */
function apiMessage(status: number, text: string, verb: string, target: ResourcePath): string {
  let message = `HTTP ${status}`;
  try {
    const body = JSON.parse(text) as { kind?: string; message?: string };
    if (body.kind === 'Status' && typeof body.message === 'string') message = body.message;
  } catch {
    // Not a Status object (a proxy in between); the code says enough.
  }
  const group = target.group === '' ? '"" (core)' : target.group;
  if (status === 401) return `${message}; the kubeconfig's credentials were not accepted (expired token?)`;
  if (status === 403) return `${message}; the caller needs RBAC verb '${verb}' on resource '${target.resource}' (apiGroup ${group}) in namespace ${target.namespace}`;
  return message;
}
