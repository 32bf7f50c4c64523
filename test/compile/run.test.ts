/**
 * The write path of `compile` (runCompile): one policy folder at a time, skipping what did not
 * change, touching only modelgate's files, and leaving everything as it was when it cannot finish.
 */
import { chmodSync, cpSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { runCompile } from '../../src/compile/run.js';
import { JOURNAL_FILE, MANIFEST_FILE, STAGED_SUFFIX, fileHash, parseManifest, renderManifest } from '../../src/emit/manifest.js';
import { manifestKey } from '../../src/emit/manifest-key.js';
import { readTree } from '../../src/emit/tree.js';
import { OutputTreeError } from '../../src/emit/tree-error.js';
import { seedRunningRollouts } from '../support/running-rollouts.js';
import { repoRoot } from '../support/tools.js';

let root: string;
let policies: string;
let out: string;
const cacheHome = process.env.XDG_CACHE_HOME;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'modelgate-run-'));
  // This machine's manifest key, made fresh for each test.
  process.env.XDG_CACHE_HOME = join(root, 'cache');
  policies = join(root, 'policies');
  out = join(root, 'generated');
  cpSync(join(repoRoot, 'policies'), policies, { recursive: true });
  // The examples are written for the repository's platform profile (storage credentials, GPU, requests).
  cpSync(join(repoRoot, 'modelgate.config.yaml'), join(root, 'modelgate.config.yaml'));
  seedRunningRollouts(out);
});
afterEach(() => {
  if (cacheHome === undefined) delete process.env.XDG_CACHE_HOME;
  else process.env.XDG_CACHE_HOME = cacheHome;
  rmSync(root, { recursive: true, force: true });
});

const write = (paths = [policies]) => runCompile({ paths, outDir: out, mode: 'write' });
const check = () => runCompile({ paths: [policies], outDir: out, mode: 'check' });
/** inode, mode and mtime of every entry under `dir`, bookkeeping included. */
function stats(dir = out, prefix = ''): Map<string, string> {
  const entries = new Map<string, string>();
  for (const name of readdirSync(join(dir, prefix)).sort()) {
    const path = prefix ? `${prefix}/${name}` : name;
    const stat = lstatSync(join(dir, path));
    entries.set(path, `${stat.ino} ${stat.mode.toString(8)} ${stat.mtimeMs} ${stat.nlink}`);
    if (stat.isDirectory()) for (const [child, value] of stats(dir, path)) entries.set(child, value);
  }
  return entries;
}
function changed(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...new Set([...before.keys(), ...after.keys()])].filter((path) => before.get(path) !== after.get(path)).sort();
}
function bumpReplicas(file: string): void {
  const text = readFileSync(join(policies, file), 'utf8');
  const bumped = text.replace(/replicas: (\d+)/, (_, n: string) => `replicas: ${Number(n) + 1}`);
  expect(bumped).not.toBe(text);
  writeFileSync(join(policies, file), bumped);
}

describe('runCompile writes only what changed', () => {
  it('a second run with nothing changed touches no file, and --check agrees', async () => {
    expect((await write()).written).toBe(true);
    const before = stats();
    const again = await write();
    expect(again.written).toBe(false);
    expect(again.changes).toEqual([]);
    expect(changed(before, stats())).toEqual([]);
    expect((await check()).changes).toEqual([]);
  });

  it('a one-policy change rewrites only that policy files that changed; other folders keep inode and mtime', async () => {
    await write();
    const before = stats();
    bumpReplicas('fraud-detector.yaml');
    const result = await write();
    expect(result.changes.map((c) => c.path)).toEqual(['risk/fraud-detector/rollout/rollout.yaml']);
    const touched = changed(before, stats());
    expect(touched.every((path) => path === 'risk/fraud-detector' || path.startsWith('risk/fraud-detector/')), touched.join(', ')).toBe(true);
    expect(touched).toContain('risk/fraud-detector/rollout/rollout.yaml');
    expect(touched).not.toContain('risk/fraud-detector/istio/virtualservice.yaml');
  });

  it('each folder carries a manifest that describes its files as they are on disk', async () => {
    await write();
    const tree = readTree(out);
    for (const folder of ['risk/fraud-detector', 'feed/home-recommender', 'default/churn-scorer', 'search/search-ranker']) {
      const manifest = parseManifest(folder, readFileSync(join(out, folder, MANIFEST_FILE), 'utf8'));
      const onDisk = [...tree].filter(([path]) => path.startsWith(`${folder}/`));
      expect(manifest && [...manifest.files].sort()).toEqual(onDisk.map(([path, file]) => [path, fileHash(file.bytes)]).sort());
    }
  });

  it('a file edited by hand is rebuilt even though the policy did not change', async () => {
    await write();
    const file = join(out, 'risk/fraud-detector/kustomization.yaml');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, `${text}# edit\n`);
    const result = await write();
    expect(result.changes).toEqual([{ path: 'risk/fraud-detector/kustomization.yaml', status: 'edited-by-hand' }]);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('a manifest edited to hide a change does not fool --check', async () => {
    await write();
    const file = join(out, 'risk/fraud-detector/kustomization.yaml');
    const forged = `${readFileSync(file, 'utf8')}# edit\n`;
    writeFileSync(file, forged);
    const manifestPath = join(out, 'risk/fraud-detector', MANIFEST_FILE);
    const manifest = readFileSync(manifestPath, 'utf8').replace(/^file [0-9a-f]{64} "kustomization.yaml"$/m, `file ${fileHash(forged)} "kustomization.yaml"`);
    writeFileSync(manifestPath, manifest);
    expect((await check()).changes).toEqual([{ path: 'risk/fraud-detector/kustomization.yaml', status: 'edited-by-hand' }]);
  });

  it('compiling one policy file leaves the output of the others alone; a folder compile removes a deleted policy', async () => {
    await write();
    rmSync(join(policies, 'churn-scorer.yaml'));
    await write([join(policies, 'fraud-detector.yaml')]);
    expect(readdirSync(join(out, 'default'))).toEqual(['churn-scorer']);
    const result = await write();
    expect(result.changes.every((c) => c.status === 'extra' && c.path.startsWith('default/churn-scorer/'))).toBe(true);
    expect(readdirSync(out).sort()).toEqual(['feed', 'risk', 'search']);
  });

  it('takes files with the em-dash header of earlier versions as its own and rewrites them in one run', async () => {
    await write();
    const fresh = readTree(out);
    for (const [path, file] of fresh) {
      const text = file.bytes.toString('utf8');
      if (text.startsWith('# Generated by modelgate')) writeFileSync(join(out, path), text.replace(' - do not edit.', ' \u2014 do not edit.'));
    }
    const result = await runCompile({ paths: [policies], outDir: out, mode: 'write' });
    expect(result.blocked).toEqual([]);
    expect(result.changes.length).toBeGreaterThan(0);
    expect(result.changes.every((change) => change.status === 'outdated')).toBe(true);
    expect([...readTree(out)].filter(([path, file]) => !fresh.get(path)?.bytes.equals(file.bytes))).toEqual([]);
  });

  it('refuses to overwrite a hand-written file, writing nothing at all', async () => {
    await write();
    bumpReplicas('fraud-detector.yaml');
    bumpReplicas('churn-scorer.yaml');
    writeFileSync(join(out, 'risk/fraud-detector/rollout/rollout.yaml'), 'kind: HandMade\n');
    const files = () => new Map([...stats()].filter(([path]) => !lstatSync(join(out, path)).isDirectory()));
    const before = files();
    const result = await write();
    expect(result.blocked).toEqual(['risk/fraud-detector/rollout/rollout.yaml']);
    expect(result.written).toBe(false);
    expect(changed(before, files())).toEqual([]);
  });

  it('reports a JSON file edited by hand through its sidecar', async () => {
    // dashboard.json, the one JSON output, is written only when the profile asks for it.
    const profile = parseDocument(readFileSync(join(root, 'modelgate.config.yaml'), 'utf8'));
    profile.setIn(['spec', 'grafana', 'dashboardFile'], true);
    writeFileSync(join(root, 'modelgate.config.yaml'), profile.toString());
    await write();
    const dashboard = join(out, 'risk/fraud-detector/grafana/dashboard.json');
    writeFileSync(dashboard, '{"a": 2}\n');
    expect((await check()).changes).toContainEqual({ path: 'risk/fraud-detector/grafana/dashboard.json', status: 'edited-by-hand' });
  });

  it('refuses a symlinked output folder or a link inside a policy folder, writing nothing', async () => {
    await write();
    const elsewhere = join(root, 'elsewhere');
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, join(out, 'risk/fraud-detector/istio/link'));
    bumpReplicas('fraud-detector.yaml');
    await expect(write()).rejects.toBeInstanceOf(OutputTreeError);
    expect(readdirSync(elsewhere)).toEqual([]);
  });
});

describe('hand-written files and folders under generated/ (issue 17, item 7)', () => {
  it('keep their modes, mtime, inode and hard links, and empty folders stay, across a compile that rewrites their policy folder', async () => {
    await write();
    const folder = join(out, 'risk/fraud-detector');
    mkdirSync(join(folder, 'notes'));
    writeFileSync(join(folder, 'notes/mine.md'), 'mine\n');
    chmodSync(join(folder, 'notes'), 0o700);
    chmodSync(join(folder, 'notes/mine.md'), 0o600);
    linkSync(join(folder, 'notes/mine.md'), join(root, 'hard-link.md'));
    mkdirSync(join(folder, 'istio/empty-by-hand'));
    mkdirSync(join(out, 'elsewhere-empty'));
    utimesSync(join(folder, 'notes/mine.md'), 1_000_000, 1_000_000);
    utimesSync(join(folder, 'notes'), 1_000_000, 1_000_000);
    const keep = ['risk/fraud-detector/notes', 'risk/fraud-detector/notes/mine.md', 'risk/fraud-detector/istio/empty-by-hand', 'elsewhere-empty'];
    const before = stats();
    bumpReplicas('fraud-detector.yaml');
    rmSync(join(policies, 'churn-scorer.yaml'));
    expect((await write()).written).toBe(true);
    const after = stats();
    for (const path of keep) expect(after.get(path), path).toBe(before.get(path));
    expect(statSync(join(folder, 'notes/mine.md')).nlink).toBe(2);
  });
});

describe('an unchanged policy is taken from its sealed manifest, by compile and --check alike', () => {
  const fraud = 'risk/fraud-detector';
  const manifestPath = () => join(out, fraud, MANIFEST_FILE);
  /** Rewrite the fraud-detector manifest through `edit` and seal it with `key`. */
  function reseal(edit: (manifest: NonNullable<ReturnType<typeof parseManifest>>) => void, key = manifestKey()): void {
    const manifest = parseManifest(fraud, readFileSync(manifestPath(), 'utf8'))!;
    edit(manifest);
    writeFileSync(manifestPath(), renderManifest(fraud, manifest, key));
  }
  const warnings = (result: Awaited<ReturnType<typeof write>>) => result.diagnostics.filter((d) => d.file.endsWith('fraud-detector.yaml')).map((d) => `${d.rule} ${d.line}:${d.column}`);

  it('replays the warnings the manifest recorded instead of loading the policy', async () => {
    const first = await write();
    expect(warnings(first).length).toBeGreaterThan(0);
    expect(warnings(await write())).toEqual(warnings(first));
    expect(warnings(await check())).toEqual(warnings(first));
    // The manifest, not the policy, is what an unchanged run reads: a sealed edit of its findings shows.
    reseal((manifest) => manifest.diagnostics.splice(0, Infinity, { line: 7, column: 3, severity: 'warning', rule: 'from-the-manifest', message: 'recorded' }));
    expect(warnings(await write())).toEqual(['from-the-manifest 7:3']);
    expect(warnings(await check())).toEqual(['from-the-manifest 7:3']);
  });

  it('never trusts a manifest without this machine\'s seal: a forged one hides no stale output from --check or compile', async () => {
    await write();
    const rollout = join(out, fraud, 'rollout/rollout.yaml');
    const old = readFileSync(rollout);
    bumpReplicas('fraud-detector.yaml');
    await write();
    // The forgery: the old Rollout back on disk, and the manifest of the new policy claiming it.
    writeFileSync(rollout, old);
    const forge = (key: Uint8Array | null) => reseal((manifest) => manifest.files.set(`${fraud}/rollout/rollout.yaml`, fileHash(old)), key);
    const stale = [{ path: `${fraud}/rollout/rollout.yaml`, status: 'outdated' }];
    forge(null);
    expect((await check()).changes).toEqual(stale);
    forge(new Uint8Array(32).fill(7));
    expect((await check()).changes).toEqual(stale);
    expect((await write()).changes).toEqual(stale);
    // With this machine's key the same forgery would pass: the seal is what stops it.
    writeFileSync(rollout, old);
    forge(manifestKey());
    expect((await check()).changes).toEqual([]);
  });

  it('a new policy sharing an unchanged policy\'s host is caught, at the later file\'s line', async () => {
    await write();
    // Sorts after fraud-detector.yaml, so the new file is the one reported; and one sorting
    // before it, so the unchanged file is, at its own line.
    const text = readFileSync(join(policies, 'fraud-detector.yaml'), 'utf8').replace(/name: fraud-detector\n/, 'name: fraud-twin\n');
    writeFileSync(join(policies, 'zz-twin.yaml'), text);
    const hostLine = text.split('\n').findIndex((line) => line.trimStart().startsWith('host:')) + 1;
    const later = await check();
    expect(later.diagnostics.filter((d) => d.rule === 'unique-hosts').map((d) => `${d.file.slice(policies.length + 1)}:${d.line}`)).toEqual([`zz-twin.yaml:${hostLine}`]);
    rmSync(join(policies, 'zz-twin.yaml'));
    writeFileSync(join(policies, 'aa-twin.yaml'), text);
    const earlier = await write();
    expect(earlier.written).toBe(false);
    expect(earlier.diagnostics.filter((d) => d.rule === 'unique-hosts').map((d) => `${d.file.slice(policies.length + 1)}:${d.line}`)).toEqual([`fraud-detector.yaml:${hostLine}`]);
  });
});

describe('compile finishes what a killed run left in a policy folder, found while reading it', () => {
  it('replays a journal and removes a stray staged file, in folders of unchanged policies too', async () => {
    await write();
    const before = readTree(out);
    // A commit killed after its journal was written: one file staged, its rename not yet done.
    const vs = 'risk/fraud-detector/istio/virtualservice.yaml';
    writeFileSync(join(out, `${vs}${STAGED_SUFFIX}`), before.get(vs)!.bytes);
    const manifest = readFileSync(join(out, 'risk/fraud-detector', MANIFEST_FILE), 'utf8');
    writeFileSync(join(out, 'risk/fraud-detector', JOURNAL_FILE), `${JSON.stringify({ write: [vs], delete: [], manifest })}\n`);
    // A run killed while staging: a staged file without a journal.
    writeFileSync(join(out, `default/churn-scorer/kustomization.yaml${STAGED_SUFFIX}`), 'half written');
    const result = await write();
    expect(result.changes).toEqual([]);
    const everything = (dir: string): string[] => readdirSync(dir, { recursive: true }) as string[];
    expect(everything(out).filter((path) => path.endsWith(STAGED_SUFFIX) || path.endsWith(JOURNAL_FILE))).toEqual([]);
    expect([...readTree(out)].filter(([path, file]) => !before.get(path)?.bytes.equals(file.bytes))).toEqual([]);
  });
});
