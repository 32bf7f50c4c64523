/**
 * The copied upstream CRD schemas (test/fixtures/crds) are exactly what `npm run crds:refresh`
 * extracts from the manifests named in sources.json: the script runs against a loopback server
 * that serves those manifests, rebuilt from the copies, at the recorded repository/commit/path.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ESM script without type declarations
import { refreshCrds } from '../fixtures/crds/refresh.mjs';
import { upstreamCrdsDir } from '../support/tools.js';

interface Source { repository: string; commit: string; path: string; schemas: string[] }
const { sources } = JSON.parse(readFileSync(path.join(upstreamCrdsDir, 'sources.json'), 'utf8')) as { sources: Source[] };

/** A CRD manifest as upstream publishes it: one CustomResourceDefinition per kind, several versions. */
function manifestOf(source: Source): string {
  const byKind = new Map<string, { group: string; versions: object[] }>();
  for (const name of source.schemas) {
    const [, group, kind, version] = /^(.+)\/([a-z]+)_(v\w+)\.json$/.exec(name)!;
    const schema = JSON.parse(readFileSync(path.join(upstreamCrdsDir, name), 'utf8')) as object;
    const crd = byKind.get(kind!) ?? { group: group!, versions: [{ name: 'v0retired', served: false, schema: { openAPIV3Schema: { type: 'object' } } }] };
    crd.versions.push({ name: version, served: true, storage: true, schema: { openAPIV3Schema: schema } });
    byKind.set(kind!, crd);
  }
  const docs = [...byKind].map(([kind, crd]) => stringify({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: `${kind}s.${crd.group}` }, spec: { group: crd.group, names: { kind: kind[0]!.toUpperCase() + kind.slice(1), plural: `${kind}s` }, scope: 'Namespaced', versions: crd.versions } }, { lineWidth: 0 }));
  return ['# upstream header comment', 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: not-a-crd }', ...docs].join('\n---\n');
}

let server: Server;
let baseUrl: string;
const requested: string[] = [];
const withheld = new Set<string>();

beforeAll(async () => {
  const manifests = new Map(sources.map((source) => [`/${source.repository}/${source.commit}/${source.path}`, manifestOf(source)]));
  server = createServer((request, response) => {
    requested.push(request.url!);
    const body = withheld.has(request.url!) ? undefined : manifests.get(request.url!);
    response.writeHead(body === undefined ? 404 : 200).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function copyOfFixtures(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'modelgate-crds-'));
  cpSync(upstreamCrdsDir, dir, { recursive: true });
  return dir;
}

const listed = sources.flatMap((source) => source.schemas).sort();

describe('upstream CRD copies', () => {
  it('are exactly the schemas sources.json lists, each with a repository, commit and path', () => {
    const present = readdirSync(upstreamCrdsDir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .flatMap((entry) => readdirSync(path.join(upstreamCrdsDir, entry.name)).map((file) => `${entry.name}/${file}`))
      .sort();
    expect(present).toEqual(listed);
    for (const source of sources) expect(source).toMatchObject({ repository: expect.stringMatching(/^[\w.-]+\/[\w.-]+$/), commit: expect.stringMatching(/^[0-9a-f]{7,40}$/), path: expect.any(String) });
  });

  it('crds:refresh fetches each manifest at its commit and rewrites every copy byte for byte', async () => {
    const dir = copyOfFixtures();
    for (const name of listed) rmSync(path.join(dir, name));
    requested.length = 0;
    expect((await refreshCrds({ dir, baseUrl }) as string[]).sort()).toEqual(listed);
    expect(requested.sort()).toEqual(sources.map((source) => `/${source.repository}/${source.commit}/${source.path}`).sort());
    for (const name of listed) expect(readFileSync(path.join(dir, name), 'utf8') === readFileSync(path.join(upstreamCrdsDir, name), 'utf8'), name).toBe(true);
    expect(existsSync(path.join(dir, 'argoproj.io', 'rollout_v0retired.json'))).toBe(false);
  });

  it('writes nothing when one manifest cannot be fetched', async () => {
    const dir = copyOfFixtures();
    for (const name of listed) rmSync(path.join(dir, name));
    const last = sources.at(-1)!;
    withheld.add(`/${last.repository}/${last.commit}/${last.path}`);
    try {
      await expect(refreshCrds({ dir, baseUrl })).rejects.toThrow(/HTTP 404/);
    } finally {
      withheld.clear();
    }
    for (const name of listed) expect(existsSync(path.join(dir, name)), name).toBe(false);
  });

  it('refuses a manifest that lacks a listed schema, naming it', async () => {
    const dir = copyOfFixtures();
    const sourcesFile = path.join(dir, 'sources.json');
    const edited = { sources: sources.map((source, index) => (index === 0 ? { ...source, schemas: [...source.schemas, 'networking.istio.io/gateway_v1.json'] } : source)) };
    writeFileSync(sourcesFile, JSON.stringify(edited));
    await expect(refreshCrds({ dir, baseUrl })).rejects.toThrow(/has no schema for networking\.istio\.io\/gateway_v1\.json/);
  });
});
