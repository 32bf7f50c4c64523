import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPolicyFiles, UsageError } from '../../src/load/discover.js';

describe('readPolicyFiles', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'modelgate-discover-'));
    await mkdir(path.join(root, 'team', 'nested'), { recursive: true });
    await mkdir(path.join(root, '.git'));
    for (const file of ['z.yaml', 'a.yml', 'notes.md', 'team/nested/m.YAML', '.hidden.yaml', '.git/config.yaml']) {
      await writeFile(path.join(root, file), `# ${file}\n`);
    }
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('finds *.yaml and *.yml recursively, skips hidden entries, sorted, with the paths as given', async () => {
    const files = await readPolicyFiles([root]);
    expect(files.map((f) => path.relative(root, f.file))).toEqual(['a.yml', 'team/nested/m.YAML', 'z.yaml']);
    expect(new TextDecoder().decode(files[0]!.bytes)).toBe('# a.yml\n');
  });

  it('takes a named file whatever its extension, once even when also found through its folder', async () => {
    const notes = path.join(root, 'notes.md');
    const files = await readPolicyFiles([notes, root, path.join(root, 'z.yaml')]);
    expect(files.map((f) => path.basename(f.file))).toEqual(['a.yml', 'notes.md', 'm.YAML', 'z.yaml']);
  });

  it('reads a file named two ways once, under its normalized name', async () => {
    const files = await readPolicyFiles([`${root}/./team/../z.yaml`, root]);
    expect(files.map((f) => path.relative(root, f.file))).toEqual(['a.yml', 'team/nested/m.YAML', 'z.yaml']);
    expect(files.every((f) => !f.file.includes('/./') && !f.file.includes('..'))).toBe(true);
  });

  it('throws a UsageError naming a missing path', async () => {
    await expect(readPolicyFiles([path.join(root, 'missing')])).rejects.toThrow(UsageError);
    await expect(readPolicyFiles([path.join(root, 'missing')])).rejects.toThrow(/missing: no such file or directory/);
  });
});
