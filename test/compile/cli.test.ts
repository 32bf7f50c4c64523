import { cp, mkdir, mkdtemp, readFile, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/compile.js';
import { readTree } from '../../src/emit/tree.js';
import { repoRoot } from '../support/tools.js';
import { candidate43 } from '../support/fraud-detector-edits.js';

let root: string;
let policies: string;
let out: string;
let stdout: string;
let stderr: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'modelgate-compile-'));
  policies = join(root, 'policies');
  out = join(root, 'generated');
  await cp(join(repoRoot, 'policies'), policies, { recursive: true });
  // The examples are written for the repository's platform profile (storage credentials, GPU, requests).
  await cp(join(repoRoot, 'modelgate.config.yaml'), join(root, 'modelgate.config.yaml'));
  // The examples are running already (their Rollouts exist): a new policy may not name a candidate.
  await cp(join(repoRoot, 'generated'), out, { recursive: true });
  stdout = '';
  stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(root, { recursive: true, force: true });
});

async function compile(...flags: string[]): Promise<number> {
  stdout = '';
  stderr = '';
  return run([policies, '--out', out, ...flags]);
}
async function snapshot(dir = out): Promise<Map<string, string>> {
  return new Map([...(await readTree(dir))].map(([path, file]) => [path, file.bytes.toString('utf8')]));
}

describe('modelgate compile', () => {
  it('writes every policy folder with a kustomization, then --check is clean', async () => {
    expect(await compile()).toBe(0);
    const files = await snapshot();
    for (const dir of ['risk/fraud-detector', 'feed/home-recommender', 'default/churn-scorer']) {
      expect(files.has(`${dir}/kustomization.yaml`), dir).toBe(true);
    }
    expect(await compile('--check')).toBe(0);
    expect(stderr).toMatch(/up to date/);
  });

  it('refuses a new policy that names a candidate (no Rollout in the output folder yet), writing nothing', async () => {
    const text = (await readFile(join(policies, 'churn-scorer.yaml'), 'utf8')).replace('name: churn-scorer', 'name: churn-scorer-eu').replace('churn-scorer.default.svc', 'churn-scorer-eu.default.svc');
    await writeFile(join(policies, 'churn-scorer-eu.yaml'), text);
    const before = await snapshot();
    expect(await compile()).toBe(1);
    expect(stdout).toContain('[first-deploy-at-rest]');
    expect(stdout).toContain('a new policy starts at rest on stable; add the candidate in the next change');
    expect([...(await snapshot())]).toEqual([...before]);
  });

  it('is deterministic: compiling twice gives identical bytes and the second run changes nothing', async () => {
    await compile();
    const first = await snapshot();
    await rm(out, { recursive: true });
    // Only what the output depends on stays: the running Rollouts (so the examples are not new
    // policies) and the template ConfigMaps (those a running ReplicaSet may still mount are
    // carried over); every other file is written afresh.
    for (const path of [...first.keys()].filter((path) => path.endsWith('/rollout/rollout.yaml') || path.endsWith('/tfserving/template-configmaps.yaml'))) {
      await mkdir(join(out, path, '..'), { recursive: true });
      await writeFile(join(out, path), first.get(path)!);
    }
    await compile();
    expect([...(await snapshot())]).toEqual([...first]);
    expect(await compile()).toBe(0);
    expect(stderr).toMatch(/up to date/);
  });

  it('--check lists files edited by hand, missing and no longer produced, and writes nothing', async () => {
    await compile();
    const edited = 'risk/fraud-detector/kustomization.yaml';
    await writeFile(join(out, edited), `${await readFile(join(out, edited), 'utf8')}# tweak\n`);
    await unlink(join(out, 'feed/home-recommender/kustomization.yaml'));
    await unlink(join(policies, 'churn-scorer.yaml'));
    const before = await snapshot();

    expect(await compile('--check')).toBe(1);
    expect(stdout).toContain(`${edited}`);
    expect(stdout).toMatch(/edited by hand/);
    expect(stdout).toMatch(/home-recommender\/kustomization\.yaml.*missing/);
    expect(stdout).toMatch(/churn-scorer\/kustomization\.yaml.*no policy produces it/);
    expect([...(await snapshot())]).toEqual([...before]);
  });

  it('--format json reports the differences as diagnostics with rule ids', async () => {
    await compile();
    await unlink(join(out, 'feed/home-recommender/kustomization.yaml'));
    expect(await compile('--check', '--format', 'json')).toBe(1);
    expect(stdout).toContain('output-missing');
  });

  it('writes nothing when a policy is invalid', async () => {
    await compile();
    const before = await snapshot();
    await writeFile(join(policies, 'broken.yaml'), 'apiVersion: modelgate.io/v1alpha1\nkind: ReleasePolicy\nmetadata: { name: broken }\nspec: {}\n');
    await unlink(join(policies, 'churn-scorer.yaml'));
    expect(await compile()).toBe(1);
    expect(stdout).toContain('broken.yaml');
    expect(stderr).toMatch(/nothing was written/);
    expect([...(await snapshot())]).toEqual([...before]);
  });

  it('removes the output of a deleted policy but keeps hand-written files', async () => {
    await compile();
    await writeFile(join(out, 'default/churn-scorer/NOTES.md'), 'ours\n');
    await writeFile(join(out, 'README.md'), 'hand-written\n');
    await unlink(join(policies, 'churn-scorer.yaml'));
    expect(await compile()).toBe(0);
    const files = [...(await snapshot()).keys()];
    expect(files.filter((path) => path.startsWith('default/churn-scorer/'))).toEqual(['default/churn-scorer/NOTES.md']);
    expect(files).toContain('README.md');
  });

  it('refuses an output folder containing a symlink, exit 2, nothing followed', async () => {
    await compile();
    const elsewhere = join(root, 'elsewhere');
    await mkdir(elsewhere);
    await symlink(elsewhere, join(out, 'risk', 'link'));
    const before = await snapshot(policies);
    expect(await compile()).toBe(2);
    expect(stderr).toMatch(/symbolic link/);
    expect((await readTree(elsewhere)).size).toBe(0);
    expect([...(await snapshot(policies))]).toEqual([...before]);
  });

  it('exits 2 on usage errors', async () => {
    expect(await run(['--format', 'xml'])).toBe(2);
    expect(await run(['--nope'])).toBe(2);
    expect(await run([join(root, 'does-not-exist'), '--out', out])).toBe(2);
  });
});

describe('modelgate compile and the running TF Serving config', () => {
  it('refuses to move a label onto a version the generated models.config does not load, writing nothing', async () => {
    await compile();
    const before = await snapshot();
    const file = join(policies, 'fraud-detector.yaml');
    const text = await readFile(file, 'utf8');
    await writeFile(file, candidate43(text));
    const candidateLine = text.split('\n').indexOf('    candidate: 42') + 1;

    expect(await compile()).toBe(1);
    expect(stdout).toContain(`fraud-detector.yaml:${candidateLine}:5: error [tfserving-label-order]`);
    expect([...(await snapshot())]).toEqual([...before]);
  });
});
