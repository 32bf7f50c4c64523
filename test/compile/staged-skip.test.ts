/**
 * A policy with `spec.stages` compiles to one folder per stage. Unchanged, it is taken from its
 * folders' sealed manifests like any other policy (issue 14: "an output built from several
 * policies records all of them"): each stage folder's manifest lists every folder of the policy,
 * and the policy is skipped only when exactly those folders name it and each is as written.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCompile } from '../../src/compile/run.js';
import { MANIFEST_FILE, parseManifest, renderManifest } from '../../src/emit/manifest.js';
import { manifestKey } from '../../src/emit/manifest-key.js';
import { repoRoot } from '../support/tools.js';

/** The folders `compile` built in this test, in order. */
const built = vi.hoisted(() => ({ folders: [] as string[] }));
vi.mock('../../src/compile/build.js', async (importOriginal) => {
  const build = await importOriginal<typeof import('../../src/compile/build.js')>();
  const buildPolicy: typeof build.buildPolicy = (entry, dir, options) => {
    built.folders.push(dir);
    return build.buildPolicy(entry, dir, options);
  };
  return { ...build, buildPolicy };
});

const STAGES = ['churn-staging/churn-scorer', 'churn/churn-scorer'];
let root: string;
let out: string;
const cacheHome = process.env.XDG_CACHE_HOME;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'modelgate-staged-skip-'));
  process.env.XDG_CACHE_HOME = join(root, 'cache');
  cpSync(join(repoRoot, 'test/fixtures/staged-repository'), root, { recursive: true });
  out = join(root, 'generated');
  built.folders = [];
});
afterEach(() => {
  if (cacheHome === undefined) delete process.env.XDG_CACHE_HOME;
  else process.env.XDG_CACHE_HOME = cacheHome;
  rmSync(root, { recursive: true, force: true });
});

const run = (mode: 'write' | 'check') => runCompile({ paths: [join(root, 'policies')], outDir: out, mode });
/** Builds of one run. */
async function builds(mode: 'write' | 'check'): Promise<{ folders: string[]; result: Awaited<ReturnType<typeof run>> }> {
  built.folders = [];
  const result = await run(mode);
  return { folders: built.folders, result };
}

describe('an unchanged policy with stages is skipped like any other', () => {
  it('a second compile and --check build no stage, and find nothing to change', async () => {
    const first = await builds('write');
    expect(first.folders.sort()).toEqual(STAGES);
    expect(first.result.written).toBe(true);
    for (const folder of STAGES) {
      const manifest = parseManifest(folder, readFileSync(join(out, folder, MANIFEST_FILE), 'utf8'));
      expect(manifest?.outputs).toEqual(STAGES);
    }
    const again = await builds('write');
    expect(again.folders).toEqual([]);
    expect(again.result.changes).toEqual([]);
    const check = await builds('check');
    expect(check.folders).toEqual([]);
    expect(check.result.changes).toEqual([]);
  });

  it("replays the policy's findings from its manifests once, not once per stage", async () => {
    await run('write');
    for (const folder of STAGES) {
      const path = join(out, folder, MANIFEST_FILE);
      const manifest = parseManifest(folder, readFileSync(path, 'utf8'))!;
      manifest.diagnostics = [{ line: 3, column: 1, severity: 'warning', rule: 'from-the-manifest', message: 'recorded' }];
      writeFileSync(path, renderManifest(folder, manifest, manifestKey()));
    }
    for (const mode of ['write', 'check'] as const) {
      const { folders, result } = await builds(mode);
      expect(folders).toEqual([]);
      expect(result.diagnostics.map((d) => `${d.rule} ${d.line}:${d.column}`)).toEqual(['from-the-manifest 3:1']);
    }
  });

  it('a stage folder removed by hand is written again; the other stage is built but not rewritten', async () => {
    await run('write');
    const prod = join(out, 'churn/churn-scorer');
    const kept = readFileSync(join(out, 'churn-staging/churn-scorer/rollout/rollout.yaml'));
    rmSync(prod, { recursive: true });
    const check = await builds('check');
    expect(check.folders.sort()).toEqual(STAGES);
    expect(check.result.changes.length).toBeGreaterThan(0);
    expect(check.result.changes.every((change) => change.status === 'missing' && change.path.startsWith('churn/churn-scorer/'))).toBe(true);
    const write = await builds('write');
    expect(write.result.changes).toEqual(check.result.changes);
    expect(readFileSync(join(out, 'churn-staging/churn-scorer/rollout/rollout.yaml'))).toEqual(kept);
    expect((await builds('check')).result.changes).toEqual([]);
  });

  it('a hand edit in one stage folder is found by --check and undone by compile', async () => {
    await run('write');
    const file = join(out, 'churn-staging/churn-scorer/kustomization.yaml');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, `${text}# edit\n`);
    expect((await run('check')).changes).toEqual([{ path: 'churn-staging/churn-scorer/kustomization.yaml', status: 'edited-by-hand' }]);
    expect((await run('write')).changes).toEqual([{ path: 'churn-staging/churn-scorer/kustomization.yaml', status: 'edited-by-hand' }]);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('a stage folder copied by hand under another namespace is not taken for the policy output: its files are extra', async () => {
    await run('write');
    cpSync(join(out, 'churn/churn-scorer'), join(out, 'elsewhere/churn-scorer'), { recursive: true });
    const check = await run('check');
    expect(check.changes.length).toBeGreaterThan(0);
    expect(check.changes.every((change) => change.status === 'extra' && change.path.startsWith('elsewhere/churn-scorer/'))).toBe(true);
    await run('write');
    expect((await builds('check')).result.changes).toEqual([]);
  });
});
