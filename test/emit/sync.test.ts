import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderHeader } from '../../src/emit/header.js';
import { readTree } from '../../src/emit/tree.js';
import { OutputTreeError } from '../../src/emit/tree-error.js';
import { scopeOf, syncOutput } from '../../src/emit/sync.js';

let root: string;
let out: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'modelgate-sync-'));
  out = join(root, 'generated');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function generated(source: string, body: string): string {
  return renderHeader(source, body) + body;
}
async function put(path: string, content: string): Promise<void> {
  await mkdir(dirname(join(out, path)), { recursive: true });
  await writeFile(join(out, path), content);
}
async function contents(): Promise<Record<string, string>> {
  const tree = await readTree(out);
  return Object.fromEntries([...tree].map(([path, file]) => [path, file.bytes.toString('utf8')]));
}

const all = scopeOf(['policies']);
const planned = new Map([
  ['ns/a/x.yaml', generated('policies/a.yaml', 'kind: X\n')],
  ['ns/a/y.yaml', generated('policies/a.yaml', 'kind: Y\n')],
]);

describe('syncOutput check', () => {
  it('is clean when the folder matches, and writes nothing', async () => {
    await syncOutput(out, planned, all, 'write');
    expect(await syncOutput(out, planned, all, 'check')).toEqual({ changes: [], written: false });
  });

  it('lists missing, outdated, hand-edited and extra files without touching them', async () => {
    await put('ns/a/x.yaml', generated('policies/a.yaml', 'kind: OLD\n'));
    await put('ns/a/y.yaml', `${generated('policies/a.yaml', 'kind: Y\n')}extra: edited\n`);
    await put('ns/gone/z.yaml', generated('policies/gone.yaml', 'kind: Z\n'));
    const before = await contents();
    const result = await syncOutput(out, new Map([...planned, ['ns/b/w.yaml', generated('policies/b.yaml', 'kind: W\n')]]), all, 'check');
    expect(result.changes).toEqual([
      { path: 'ns/a/x.yaml', status: 'outdated' },
      { path: 'ns/a/y.yaml', status: 'edited-by-hand' },
      { path: 'ns/b/w.yaml', status: 'missing' },
      { path: 'ns/gone/z.yaml', status: 'extra' },
    ]);
    expect(result.written).toBe(false);
    expect(await contents()).toEqual(before);
  });

  it('reports a JSON file edited by hand through its sidecar', async () => {
    const json = '{\n  "a": 1\n}\n';
    const withJson = new Map([['ns/a/d.json', json], ['ns/a/d.json.modelgate-header', renderHeader('policies/a.yaml', json)]]);
    await syncOutput(out, withJson, all, 'write');
    expect((await syncOutput(out, withJson, all, 'check')).changes).toEqual([]);
    await put('ns/a/d.json', '{"a": 2}\n');
    expect((await syncOutput(out, withJson, all, 'check')).changes).toContainEqual({ path: 'ns/a/d.json', status: 'edited-by-hand' });
  });
});

describe('syncOutput write', () => {
  it('removes stale modelgate files but keeps hand-written ones and out-of-scope output', async () => {
    await put('README.md', 'hand-written notes\n');
    await put('ns/a/notes.yaml', 'kind: Mine\n');
    await put('ns/a/old.yaml', generated('policies/a.yaml', 'kind: Old\n'));
    await put('ns/other/o.yaml', generated('elsewhere/o.yaml', 'kind: O\n'));
    await syncOutput(out, planned, all, 'write');
    expect(Object.keys(await contents()).sort()).toEqual(['README.md', 'ns/a/notes.yaml', 'ns/a/x.yaml', 'ns/a/y.yaml', 'ns/other/o.yaml']);
    expect(await readFile(join(out, 'README.md'), 'utf8')).toBe('hand-written notes\n');
  });

  it('compiling one policy file leaves the output of the others alone', async () => {
    await put('ns/b/b.yaml', generated('policies/b.yaml', 'kind: B\n'));
    await syncOutput(out, planned, scopeOf(['policies/a.yaml']), 'write');
    expect(Object.keys(await contents())).toContain('ns/b/b.yaml');
  });

  it('overwrites a hand-edited modelgate file but refuses to overwrite a hand-written one', async () => {
    await put('ns/a/x.yaml', `${generated('policies/a.yaml', 'kind: X\n')}# my edit\n`);
    await syncOutput(out, planned, all, 'write');
    expect(await readFile(join(out, 'ns/a/x.yaml'), 'utf8')).toBe(planned.get('ns/a/x.yaml'));

    await put('ns/a/y.yaml', 'kind: HandMade\n');
    await expect(syncOutput(out, planned, all, 'write')).rejects.toThrow(/hand-written.*ns\/a\/y\.yaml/);
    expect(await readFile(join(out, 'ns/a/y.yaml'), 'utf8')).toBe('kind: HandMade\n');
  });

  it('refuses a symlinked output folder or a symlink inside it, writing nothing', async () => {
    const elsewhere = join(root, 'elsewhere');
    await mkdir(elsewhere);
    await symlink(elsewhere, out);
    await expect(syncOutput(out, planned, all, 'write')).rejects.toBeInstanceOf(OutputTreeError);
    await rm(out);

    await put('ns/a/x.yaml', generated('policies/a.yaml', 'kind: OLD\n'));
    await symlink(elsewhere, join(out, 'ns', 'b'));
    await expect(syncOutput(out, planned, all, 'write')).rejects.toThrow(/symbolic link/);
    expect(await readFile(join(out, 'ns/a/x.yaml'), 'utf8')).toBe(generated('policies/a.yaml', 'kind: OLD\n'));
    expect(await readTree(elsewhere)).toEqual(new Map());
  });
});
