/**
 * A stand-in Kubernetes API server on loopback (HTTP, or HTTPS with the certificates a test
 * makes), answering the calls modelgate makes the way kube-apiserver does:
 * - paths `/apis/<group>/<version>/namespaces/<ns>/<resource>[/<name>]` and `/api/v1/...` for the
 *   core group; GET of one object, GET of a list with `labelSelector` (equality terms only, the
 *   form `kubernetes.io/service-name=<svc>` takes), PATCH of a pod;
 * - PATCH with `dryRun=All` checks everything and stores nothing;
 * - PATCH bodies by Content-Type as k8s.io/apiserver handlers/patch.go accepts them: JSON merge
 *   patch and strategic merge patch (for built-in kinds; for the pod metadata patched here both
 *   merge maps the same way), anything else is 415;
 * - errors as `Status` objects with the messages of k8s.io/apiserver endpoints/handlers
 *   (`<resource>.<group> "<name>" not found`, RBAC's `User "<u>" cannot <verb> resource "<r>" in
 *   API group "<g>" in the namespace "<ns>"`), 401 without the expected bearer token.
 * Rollouts and AnalysisRuns are validated against the upstream CRD schemas
 * (test/fixtures/crds/argoproj.io) when a test stores them, so a test cannot invent a status field.
 * EndpointSlices and Pods follow k8s.io/api discovery/v1 and core/v1 types (only the fields read).
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { validatorFor } from '../support/upstream-crds.js';

type Json = Record<string, any>;

export interface EndpointSlice {
  apiVersion: 'discovery.k8s.io/v1';
  kind: 'EndpointSlice';
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  addressType: 'IPv4' | 'IPv6' | 'FQDN';
  endpoints: Array<{
    addresses: string[];
    conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean };
    targetRef?: { kind: string; name: string; namespace: string };
  }>;
  ports: Array<{ name?: string; port?: number; protocol?: string; appProtocol?: string }>;
}

export interface Pod {
  apiVersion: 'v1';
  kind: 'Pod';
  metadata: { name: string; namespace: string; annotations?: Record<string, string>; labels?: Record<string, string> };
}

export interface KubeRequest {
  method: string;
  path: string;
  query: string;
  contentType: string | undefined;
  body: string;
}

export interface StandInOptions {
  /** Bearer token the server expects; requests without it get 401. */
  token?: string;
  /** TLS: PEM certificate and key; with `ca`, client certificates signed by it are required. */
  tls?: { cert: string; key: string; ca?: string };
  /** `<verb> <resource>` pairs the caller may use (RBAC); all when absent. */
  allowed?: string[];
  user?: string;
}

const RESOURCES: Record<string, { group: string; version: string; kind: string }> = {
  rollouts: { group: 'argoproj.io', version: 'v1alpha1', kind: 'Rollout' },
  analysisruns: { group: 'argoproj.io', version: 'v1alpha1', kind: 'AnalysisRun' },
  endpointslices: { group: 'discovery.k8s.io', version: 'v1', kind: 'EndpointSlice' },
  pods: { group: '', version: 'v1', kind: 'Pod' },
};

const PATCH_TYPES = new Set(['application/merge-patch+json', 'application/strategic-merge-patch+json']);

export class KubeApiStandIn {
  /** Stored objects by `<resource>/<namespace>/<name>`. */
  readonly objects = new Map<string, Json>();
  readonly requests: KubeRequest[] = [];
  private server: Server | null = null;
  port = 0;

  constructor(private readonly options: StandInOptions = {}) {}

  get url(): string {
    return `${this.options.tls ? 'https' : 'http'}://127.0.0.1:${this.port}`;
  }

  /** Store an object; Rollouts and AnalysisRuns must match the upstream CRD schema. */
  put(object: Rollout | AnalysisRun | EndpointSlice | Pod): this {
    const resource = Object.keys(RESOURCES).find((key) => RESOURCES[key]!.kind === object.kind)!;
    const crd = object.apiVersion.startsWith('argoproj.io/') ? validatorFor(object.apiVersion, object.kind) : undefined;
    const body: unknown = object;
    if (crd && !crd(body)) throw new Error(`stand-in: ${object.kind} ${object.metadata.name} does not match the upstream CRD: ${JSON.stringify(crd.errors)}`);
    this.objects.set(`${resource}/${object.metadata.namespace}/${object.metadata.name}`, structuredClone(object));
    return this;
  }

  pod(namespace: string, name: string): Pod | undefined {
    return this.objects.get(`pods/${namespace}/${name}`) as Pod | undefined;
  }

  async start(): Promise<this> {
    const handler = (request: IncomingMessage, response: ServerResponse): void => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => this.handle(request, Buffer.concat(chunks).toString('utf8'), response));
    };
    const tls = this.options.tls;
    const server = tls ? createHttpsServer({ cert: tls.cert, key: tls.key, ca: tls.ca, requestCert: tls.ca !== undefined, rejectUnauthorized: tls.ca !== undefined }, handler) : createHttpServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return Promise.resolve();
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  }

  private handle(request: IncomingMessage, body: string, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', 'http://stand-in');
    this.requests.push({ method: request.method ?? '', path: url.pathname, query: url.search, contentType: request.headers['content-type'], body });
    const reply = (code: number, object: Json): void => {
      response.writeHead(code, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify(object));
    };
    const status = (code: number, reason: string, message: string): void => reply(code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });

    if (this.options.token !== undefined && request.headers.authorization !== `Bearer ${this.options.token}`) return status(401, 'Unauthorized', 'Unauthorized');
    const match = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))\/namespaces\/([^/]+)\/([^/]+)(?:\/([^/]+))?$/.exec(url.pathname);
    const resource = match ? RESOURCES[match[5]!] : undefined;
    if (!match || !resource || (match[1] ? resource.group !== '' : resource.group !== match[2] || resource.version !== match[3])) {
      return status(404, 'NotFound', 'the server could not find the requested resource');
    }
    const [namespace, plural, name] = [decodeURIComponent(match[4]!), match[5]!, match[6] === undefined ? undefined : decodeURIComponent(match[6])];
    const verb = request.method === 'GET' ? (name === undefined ? 'list' : 'get') : request.method === 'PATCH' && name !== undefined ? 'patch' : null;
    if (verb === null) return status(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
    if (this.options.allowed && !this.options.allowed.includes(`${verb} ${plural}`)) {
      const subject = name === undefined ? plural : `${plural}${resource.group ? `.${resource.group}` : ''} "${name}"`;
      return status(403, 'Forbidden', `${subject} is forbidden: User "${this.options.user ?? 'system:anonymous'}" cannot ${verb} resource "${plural}" in API group "${resource.group}" in the namespace "${namespace}"`);
    }
    const qualified = `${plural}${resource.group ? `.${resource.group}` : ''}`;
    if (verb === 'list') {
      const selector = url.searchParams.get('labelSelector') ?? '';
      const terms = selector === '' ? [] : selector.split(',').map((term) => /^([A-Za-z0-9./_-]+)=([A-Za-z0-9._-]*)$/.exec(term));
      if (terms.some((term) => term === null)) return status(400, 'BadRequest', `unable to parse requirement: ${selector}`);
      const items = [...this.objects.entries()]
        .filter(([key]) => key.startsWith(`${plural}/${namespace}/`))
        .map(([, object]) => object)
        .filter((object) => terms.every((term) => object.metadata.labels?.[term![1]!] === term![2]));
      return reply(200, { apiVersion: resource.group ? `${resource.group}/${resource.version}` : 'v1', kind: `${resource.kind}List`, metadata: { resourceVersion: '1' }, items });
    }
    const key = `${plural}/${namespace}/${name}`;
    const object = this.objects.get(key);
    if (!object) return status(404, 'NotFound', `${qualified} "${name}" not found`);
    if (verb === 'get') return reply(200, object);
    const type = request.headers['content-type']?.split(';')[0]?.trim();
    if (type === undefined || !PATCH_TYPES.has(type) || (type === 'application/strategic-merge-patch+json' && resource.group !== '')) {
      return status(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml${resource.group === '' ? ', application/strategic-merge-patch+json' : ''}`);
    }
    let patch: unknown;
    try {
      patch = JSON.parse(body);
    } catch (error) {
      return status(400, 'BadRequest', `error decoding patch: ${(error as Error).message}`);
    }
    const patched = mergePatch(object, patch) as Json;
    if (patched.metadata?.name !== name || patched.metadata?.namespace !== namespace) return status(422, 'Invalid', `${qualified} "${name}" is invalid: metadata.name or namespace changed`);
    // dryRun=All: every check above, nothing stored (k8s.io/apiserver handlers/patch.go, rest.go dryRun).
    if (url.searchParams.get('dryRun') === null) this.objects.set(key, patched);
    else if (url.searchParams.get('dryRun') !== 'All') return status(400, 'BadRequest', `dryRun: Unsupported value: "${url.searchParams.get('dryRun')}": supported values: "All"`);
    return reply(200, patched);
  }
}

/** RFC 7386 JSON merge patch: objects merge, null deletes, anything else replaces. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Json = target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Json) } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

/** The shapes tests build; the upstream schema is the judge of their fields. */
export interface Rollout {
  apiVersion: 'argoproj.io/v1alpha1';
  kind: 'Rollout';
  metadata: { name: string; namespace: string };
  spec: Json;
  status?: Json;
}

export interface AnalysisRun {
  apiVersion: 'argoproj.io/v1alpha1';
  kind: 'AnalysisRun';
  metadata: { name: string; namespace: string };
  spec: Json;
  status?: Json;
}
