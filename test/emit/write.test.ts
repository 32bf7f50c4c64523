import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readTree, type ExistingFile } from '../../src/emit/tree.js';
import { assertSafeOutputDir, previousDir, recoverInterruptedWrite, stagingDir, writeTreeAtomically } from '../../src/emit/write.js';

let root: string;
let out: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'modelgate-write-'));
  out = join(root, 'generated');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function tree(entries: Record<string, string>): Map<string, ExistingFile> {
  return new Map(Object.entries(entries).map(([path, text]) => [path, { bytes: Buffer.from(text), mode: 0o644 }]));
}
async function writeRaw(dir: string, entries: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(entries)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
}
async function texts(dir: string): Promise<Record<string, string>> {
  return Object.fromEntries([...(await readTree(dir))].map(([path, file]) => [path, file.bytes.toString('utf8')]));
}

const OLD = { 'ns/a/x.yaml': 'old x\n', 'ns/a/gone.yaml': 'old gone\n' };
const NEW = { 'ns/a/x.yaml': 'new x\n', 'ns/b/y.yaml': 'new y\n' };

describe('writeTreeAtomically', () => {
  it('replaces the whole folder and leaves no staging or backup behind', async () => {
    await writeRaw(out, OLD);
    await writeTreeAtomically(out, tree(NEW));
    expect(await texts(out)).toEqual(NEW);
    expect((await readdir(root)).sort()).toEqual(['generated']);
  });

  it('creates the folder on a first run', async () => {
    await writeTreeAtomically(join(root, 'deep', 'generated'), tree(NEW));
    expect(await texts(join(root, 'deep', 'generated'))).toEqual(NEW);
  });

  it('refuses paths that would leave the folder', async () => {
    for (const bad of ['../escape.yaml', '/abs.yaml', 'a//b', 'a/./b']) {
      await expect(writeTreeAtomically(out, tree({ [bad]: 'x' }))).rejects.toThrow(/outside the output folder/);
    }
    expect(await readdir(root)).not.toContain('escape.yaml');
  });
});

/* Each state below is what a SIGKILL between two steps of writeTreeAtomically leaves on disk. */
describe('recovery after a run killed mid-write', () => {
  it('killed while staging: the old tree stays, the staging folder is removed', async () => {
    await writeRaw(out, OLD);
    await writeRaw(stagingDir(out), { 'ns/a/x.yaml': 'half' });
    await recoverInterruptedWrite(out);
    expect(await texts(out)).toEqual(OLD);
    expect(await readdir(root)).toEqual(['generated']);
  });

  it('killed between the two renames: the old tree comes back whole', async () => {
    await writeRaw(previousDir(out), OLD);
    await writeRaw(stagingDir(out), NEW);
    await recoverInterruptedWrite(out);
    expect(await texts(out)).toEqual(OLD);
    expect(await readdir(root)).toEqual(['generated']);
  });

  it('killed after the swap: the new tree stays, the old one is removed', async () => {
    await writeRaw(out, NEW);
    await writeRaw(previousDir(out), { 'ns/a/x.yaml': 'partly deleted' });
    await recoverInterruptedWrite(out);
    expect(await texts(out)).toEqual(NEW);
    expect(await readdir(root)).toEqual(['generated']);
  });

  it('the next write after a kill between the renames starts from the old tree', async () => {
    await writeRaw(out, OLD);
    await rename(out, previousDir(out));
    await writeTreeAtomically(out, tree(NEW));
    expect(await texts(out)).toEqual(NEW);
    expect(await readdir(root)).toEqual(['generated']);
  });
});

describe('assertSafeOutputDir', () => {
  it('refuses a folder holding the working directory or the policies', () => {
    expect(() => assertSafeOutputDir(root, [join(root, 'policies', 'a.yaml')])).toThrow(/contains/);
    expect(() => assertSafeOutputDir(join(root, 'generated'), [join(root, 'generated', 'cwd')])).toThrow(/contains/);
    expect(() => assertSafeOutputDir(join(root, 'generated'), [join(root, 'policies'), join(root, 'generated..x')])).not.toThrow();
  });
});
