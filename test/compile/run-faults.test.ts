/**
 * A write that fails part-way (a full disk) leaves every folder as it was and nothing staged
 * behind, and a one-policy change needs room only for that policy's changed files, not for a
 * second copy of the tree (issue 17, item 17). The disk is filled by failing `writeFileSync`.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCompile } from '../../src/compile/run.js';
import { lockPath } from '../../src/emit/output-lock.js';
import { readTree } from '../../src/emit/tree.js';
import { seedRunningRollouts } from '../support/running-rollouts.js';
import { repoRoot } from '../support/tools.js';

const disk = vi.hoisted(() => ({ freeWrites: Infinity, bytesWritten: 0 }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const writeFileSync: typeof fs.writeFileSync = (file, data, options) => {
    if (disk.freeWrites <= 0) throw Object.assign(new Error(`ENOSPC: no space left on device, write '${String(file)}'`), { code: 'ENOSPC', syscall: 'write' });
    disk.freeWrites--;
    disk.bytesWritten += typeof data === 'string' ? Buffer.byteLength(data) : (data as Uint8Array).byteLength;
    fs.writeFileSync(file, data, options);
  };
  return { ...fs, default: { ...fs, writeFileSync }, writeFileSync };
});

let root: string;
let policies: string;
let out: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'modelgate-faults-'));
  policies = join(root, 'policies');
  out = join(root, 'generated');
  cpSync(join(repoRoot, 'policies'), policies, { recursive: true });
  // The examples are written for the repository's platform profile (storage credentials, GPU, requests).
  cpSync(join(repoRoot, 'modelgate.config.yaml'), join(root, 'modelgate.config.yaml'));
  seedRunningRollouts(out);
  disk.freeWrites = Infinity;
  disk.bytesWritten = 0;
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const write = () => runCompile({ paths: [policies], outDir: out, mode: 'write' });
function bumpReplicas(file: string): void {
  const text = readFileSync(join(policies, file), 'utf8');
  writeFileSync(join(policies, file), text.replace(/replicas: (\d+)/, (_, n: string) => `replicas: ${Number(n) + 1}`));
}
/** Every name under `dir`, bookkeeping and staging included. */
function everything(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((entry) => {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    return entry.isDirectory() ? [path, ...everything(dir, path)] : [path];
  });
}
function treeBytes(): number {
  return everything(out).filter((path) => statSync(join(out, path)).isFile()).reduce((sum, path) => sum + statSync(join(out, path)).size, 0);
}

describe('a full disk during compile', () => {
  it('fails with the error, leaves every file and manifest as it was, and nothing staged or locked behind', async () => {
    await write();
    const before = everything(root).map((path) => [path, statSync(join(root, path)).isFile() ? readFileSync(join(root, path), 'utf8') : '']);
    bumpReplicas('fraud-detector.yaml');
    bumpReplicas('churn-scorer.yaml');
    const changedPolicies = everything(root).filter((path) => path.startsWith('policies/')).map((path) => [path, statSync(join(root, path)).isFile() ? readFileSync(join(root, path), 'utf8') : '']);
    disk.freeWrites = 1;
    await expect(write()).rejects.toMatchObject({ code: 'ENOSPC' });
    const after = everything(root).map((path) => [path, statSync(join(root, path)).isFile() ? readFileSync(join(root, path), 'utf8') : '']);
    expect(after).toEqual([...before.filter(([path]) => !path!.startsWith('policies/')), ...changedPolicies].sort(([a], [b]) => (a! < b! ? -1 : 1)));
    expect(everything(dirname(lockPath(out)))).not.toContain('.generated.modelgate-lock');

    disk.freeWrites = Infinity;
    const result = await write();
    expect(result.written).toBe(true);
    expect((await runCompile({ paths: [policies], outDir: out, mode: 'check' })).changes).toEqual([]);
  });

  it('a one-policy change writes that policy changed files and its manifest, a small part of the tree', async () => {
    await write();
    bumpReplicas('fraud-detector.yaml');
    disk.bytesWritten = 0;
    await write();
    const rollout = readTree(out).get('risk/fraud-detector/rollout/rollout.yaml')!.bytes.byteLength;
    const manifest = statSync(join(out, 'risk/fraud-detector/.modelgate-manifest')).size;
    // The file, the manifest, and the journal (which carries the manifest once more).
    expect(disk.bytesWritten).toBeGreaterThan(rollout + 2 * manifest);
    expect(disk.bytesWritten).toBeLessThan(rollout + 2 * manifest + 1024);
    expect(disk.bytesWritten).toBeLessThan(treeBytes() / 10);
  });
});
