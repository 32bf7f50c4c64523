import { chmodSync, existsSync, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JOURNAL_FILE, MANIFEST_FILE, STAGED_SUFFIX } from '../../src/emit/manifest.js';
import { readTree } from '../../src/emit/tree.js';
import { assertSafeOutputDir, commitFolder, discardStaged, recoverInterruptedWrite, stageFolder, type FolderUpdate } from '../../src/emit/write.js';

let root: string;
let out: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'modelgate-write-'));
  out = join(root, 'generated');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function put(path: string, text: string): void {
  mkdirSync(dirname(join(out, path)), { recursive: true });
  writeFileSync(join(out, path), text);
}
function texts(): Record<string, string> {
  return Object.fromEntries([...readTree(out)].map(([path, file]) => [path, file.bytes.toString('utf8')]));
}
function update(write: Record<string, string>, deleted: string[] = [], manifest: string | null = 'm\n'): FolderUpdate {
  return { folder: 'ns/a', write: new Map(Object.entries(write)), delete: deleted, manifest };
}
/** Every entry under the output folder, bookkeeping included. */
function everything(dir = out, prefix = ''): string[] {
  return readdirSync(join(dir, prefix)).flatMap((name) => {
    const path = prefix ? `${prefix}/${name}` : name;
    return lstatSync(join(dir, path)).isDirectory() ? [`${path}/`, ...everything(dir, path)] : [path];
  });
}

describe('stage, then commit, one policy folder', () => {
  it('staging changes nothing visible; the commit puts the new files, deletes the gone ones and writes the manifest', () => {
    put('ns/a/x.yaml', 'old x\n');
    put('ns/a/gone.yaml', 'old gone\n');
    const change = update({ 'ns/a/x.yaml': 'new x\n', 'ns/a/sub/y.yaml': 'new y\n' }, ['ns/a/gone.yaml']);
    stageFolder(out, change);
    expect(texts()).toEqual({ 'ns/a/x.yaml': 'old x\n', 'ns/a/gone.yaml': 'old gone\n' });
    commitFolder(out, change);
    expect(texts()).toEqual({ 'ns/a/x.yaml': 'new x\n', 'ns/a/sub/y.yaml': 'new y\n' });
    expect(readFileSync(join(out, 'ns/a', MANIFEST_FILE), 'utf8')).toBe('m\n');
    expect(everything().filter((path) => path.endsWith(STAGED_SUFFIX) || path.endsWith(JOURNAL_FILE))).toEqual([]);
  });

  it('discarding a staged update leaves the folder as it was, folders it made included', () => {
    put('ns/a/x.yaml', 'old x\n');
    const before = everything();
    const change = update({ 'ns/a/x.yaml': 'new x\n', 'ns/a/deep/er/y.yaml': 'y\n' });
    stageFolder(out, change);
    discardStaged(out, change);
    expect(everything()).toEqual(before);
  });

  it('never writes through a link planted where a file is staged', () => {
    const outside = join(root, 'outside.txt');
    writeFileSync(outside, 'untouched\n');
    mkdirSync(join(out, 'ns/a'), { recursive: true });
    symlinkSync(outside, join(out, `ns/a/x.yaml${STAGED_SUFFIX}`));
    const change = update({ 'ns/a/x.yaml': 'new x\n' });
    stageFolder(out, change);
    commitFolder(out, change);
    expect(readFileSync(outside, 'utf8')).toBe('untouched\n');
    expect(lstatSync(join(out, 'ns/a/x.yaml')).isFile()).toBe(true);
  });

  it('a deleted policy folder goes, unless something else is left in it', () => {
    put('ns/a/x.yaml', 'x\n');
    put('ns/a/sub/y.yaml', 'y\n');
    put('ns/b/notes.md', 'mine\n');
    commitFolder(out, update({}, ['ns/a/x.yaml', 'ns/a/sub/y.yaml'], null));
    expect(existsSync(join(out, 'ns/a'))).toBe(false);
    mkdirSync(join(out, 'ns/b/empty-by-hand'));
    put('ns/b/z.yaml', 'z\n');
    commitFolder(out, { ...update({}, ['ns/b/z.yaml'], null), folder: 'ns/b' });
    expect(everything()).toEqual(['ns/', 'ns/b/', 'ns/b/empty-by-hand/', 'ns/b/notes.md']);
  });

  it('refuses paths that would leave the folder', () => {
    for (const bad of ['../escape.yaml', '/abs.yaml', 'a//b', 'a/./b']) {
      expect(() => stageFolder(out, update({ [bad]: 'x' }))).toThrow(/outside the output folder/);
    }
    expect(readdirSync(root)).not.toContain('escape.yaml');
  });
});

/* Each state below is what a SIGKILL between two steps leaves on disk. */
describe('recovery after a run killed mid-write', () => {
  it('killed while staging: the old files stay, the staged ones are removed', () => {
    put('ns/a/x.yaml', 'old x\n');
    stageFolder(out, update({ 'ns/a/x.yaml': 'new x\n', 'ns/b/y.yaml': 'new y\n' }));
    recoverInterruptedWrite(out);
    expect(texts()).toEqual({ 'ns/a/x.yaml': 'old x\n' });
    expect(everything().filter((path) => path.endsWith(STAGED_SUFFIX))).toEqual([]);
  });

  it('killed after the commit point: the journal is replayed to the whole new folder', () => {
    put('ns/a/x.yaml', 'old x\n');
    put('ns/a/y.yaml', 'old y\n');
    put('ns/a/gone.yaml', 'gone\n');
    const change = update({ 'ns/a/x.yaml': 'new x\n', 'ns/a/y.yaml': 'new y\n' }, ['ns/a/gone.yaml'], 'new manifest\n');
    stageFolder(out, change);
    // What the commit leaves after its journal is in place and one rename is done.
    writeFileSync(join(out, 'ns/a', JOURNAL_FILE), `${JSON.stringify({ write: [...change.write.keys()], delete: change.delete, manifest: change.manifest })}\n`);
    renameSync(join(out, `ns/a/x.yaml${STAGED_SUFFIX}`), join(out, 'ns/a/x.yaml'));
    recoverInterruptedWrite(out);
    expect(texts()).toEqual({ 'ns/a/x.yaml': 'new x\n', 'ns/a/y.yaml': 'new y\n' });
    expect(readFileSync(join(out, 'ns/a', MANIFEST_FILE), 'utf8')).toBe('new manifest\n');
    expect(existsSync(join(out, 'ns/a', JOURNAL_FILE))).toBe(false);
  });

  it('brings back a whole tree parked by an older modelgate, and refuses a link in its place', () => {
    const parked = join(root, '.generated.modelgate-old');
    mkdirSync(join(parked, 'ns/a'), { recursive: true });
    writeFileSync(join(parked, 'ns/a/x.yaml'), 'old x\n');
    recoverInterruptedWrite(out);
    expect(texts()).toEqual({ 'ns/a/x.yaml': 'old x\n' });
    expect(readdirSync(root)).toEqual(['generated']);

    const outside = join(root, 'outside');
    mkdirSync(outside);
    symlinkSync(outside, parked);
    expect(() => recoverInterruptedWrite(out)).toThrow(/modelgate-old.*not a folder/);
    expect(lstatSync(out).isDirectory()).toBe(true);
    expect(lstatSync(parked).isSymbolicLink()).toBe(true);
  });
});

describe('hand-written files keep what they are', () => {
  it('a commit does not touch the inode, mode, mtime or links of files and folders it does not own', () => {
    put('ns/a/x.yaml', 'old x\n');
    put('ns/a/notes/mine.md', 'mine\n');
    linkSync(join(out, 'ns/a/notes/mine.md'), join(root, 'hard-link.md'));
    chmodSync(join(out, 'ns/a/notes'), 0o700);
    chmodSync(join(out, 'ns/a/notes/mine.md'), 0o600);
    utimesSync(join(out, 'ns/a/notes/mine.md'), 1_000_000, 1_000_000);
    const before = statSync(join(out, 'ns/a/notes/mine.md'));
    const change = update({ 'ns/a/x.yaml': 'new x\n' });
    stageFolder(out, change);
    commitFolder(out, change);
    const after = statSync(join(out, 'ns/a/notes/mine.md'));
    expect({ ino: after.ino, mode: after.mode, mtimeMs: after.mtimeMs, nlink: after.nlink }).toEqual({ ino: before.ino, mode: before.mode, mtimeMs: before.mtimeMs, nlink: 2 });
    expect(statSync(join(out, 'ns/a/notes')).mode & 0o777).toBe(0o700);
  });
});

describe('the mode of what compile writes', () => {
  it('is 0644 under any umask: the usual one needs no chmod, one taking read bits gets it', () => {
    const umask = process.umask(0o022);
    try {
      for (const mask of [0o022, 0o077, 0o266]) {
        process.umask(mask);
        const change = { ...update({ 'ns/a/x.yaml': `x ${mask}\n`, 'ns/a/sub/y.yaml': `y ${mask}\n`, 'ns/a/z.yaml': `z ${mask}\n` }), folder: 'ns/a' };
        stageFolder(out, change);
        commitFolder(out, change);
        for (const path of ['ns/a/x.yaml', 'ns/a/sub/y.yaml', 'ns/a/z.yaml']) expect([mask, path, statSync(join(out, path)).mode & 0o777]).toEqual([mask, path, 0o644]);
      }
    } finally {
      process.umask(umask);
    }
  });
});

describe('assertSafeOutputDir', () => {
  it('refuses a folder holding the working directory or the policies', () => {
    expect(() => assertSafeOutputDir(root, [join(root, 'policies', 'a.yaml')])).toThrow(/contains/);
    expect(() => assertSafeOutputDir(join(root, 'generated'), [join(root, 'generated', 'cwd')])).toThrow(/contains/);
    expect(() => assertSafeOutputDir(join(root, 'generated'), [join(root, 'policies'), join(root, 'generated..x')])).not.toThrow();
  });
});
