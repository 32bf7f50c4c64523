/**
 * SIGKILL `modelgate compile` while it rewrites the output of 200 policies: after recovery every
 * policy folder is byte for byte its old content or its new one, with a manifest that describes
 * it, and the next run finishes the new tree. test/emit/kill.long.test.ts does this for the writer
 * alone; this covers the whole command with real output. Kills land at a seeded delay after the
 * run takes its lock, so they hit the build and the write however slow the machine is.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { MANIFEST_FILE, fileHash, parseManifest } from '../../src/emit/manifest.js';
import { lockPath } from '../../src/emit/output-lock.js';
import { readTree, type ExistingFile } from '../../src/emit/tree.js';
import { recoverInterruptedWrite } from '../../src/emit/write.js';
import { FUZZ_SEED, fuzzRuns } from '../support/arbitraries.js';
import { byFolder } from '../support/output-folders.js';
import { repoRoot } from '../support/tools.js';
import { cliMain, requireBuiltCli, runCli } from './run-cli.js';

const POLICIES = 200;
/** 10 in `npm test`, 30 under `npm run fuzz`: each kill costs most of a compile. */
const KILLS = fuzzRuns(10, 20_000 / 30);
// At rest (no candidate): these are new policies, which first-deploy-at-rest keeps on stable.
const example = readFileSync(path.join(repoRoot, 'policies', 'fraud-detector.yaml'), 'utf8').replace('    candidate: 42\n', '');

const root = mkdtempSync(path.join(tmpdir(), 'modelgate-compile-kill-'));
const out = path.join(root, 'generated');
// The example is written for the repository's platform profile (gs:// read as its model-reader service account).
writeFileSync(path.join(root, 'modelgate.config.yaml'), readFileSync(path.join(repoRoot, 'modelgate.config.yaml')));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function writePolicies(replicas: number): void {
  rmSync(path.join(root, 'policies'), { recursive: true, force: true });
  mkdirSync(path.join(root, 'policies'));
  for (let i = 0; i < POLICIES; i++) {
    const text = example
      .replace('  name: fraud-detector', `  name: fd-${i}`)
      .replace('namespace: risk', `namespace: ns-${i % 10}`)
      .replace('host: fraud-detector.risk.svc.cluster.local', `host: fd-${i}.ns-${i % 10}.svc.cluster.local`)
      .replace(/fraud_detector/g, `fd_${i}`)
      .replace('replicas: 4', `replicas: ${replicas}`);
    writeFileSync(path.join(root, 'policies', `fd-${i}.yaml`), text);
  }
}

function compileFully(): void {
  const run = runCli(['compile', 'policies', '--out', 'generated'], { cwd: root, timeoutMs: 120_000 });
  expect(run.status, run.stderr).toBe(0);
}

/** Paths whose bytes or mode differ, or that only one tree has. */
function differences(a: ReadonlyMap<string, ExistingFile>, b: ReadonlyMap<string, ExistingFile>): string[] {
  const paths = new Set([...a.keys(), ...b.keys()]);
  return [...paths].filter((file) => !(a.get(file)?.bytes.equals(b.get(file)?.bytes ?? Buffer.alloc(0)) && a.get(file)?.mode === b.get(file)?.mode)).sort();
}

function sameTree(a: ReadonlyMap<string, ExistingFile>, b: ReadonlyMap<string, ExistingFile>): boolean {
  return differences(a, b).length === 0;
}

/** Folders that are neither wholly old nor wholly new, or whose manifest does not match them. */
function brokenFolders(tree: ReadonlyMap<string, ExistingFile>, oldTree: ReadonlyMap<string, ExistingFile>, newTree: ReadonlyMap<string, ExistingFile>): string[] {
  const [olds, news] = [byFolder(oldTree), byFolder(newTree)];
  return [...byFolder(tree)].flatMap(([folder, files]) => {
    if (!sameTree(files, olds.get(folder) ?? new Map()) && !sameTree(files, news.get(folder) ?? new Map())) return [`${folder}: mixed`];
    const manifest = parseManifest(folder, readFileSync(path.join(out, folder, MANIFEST_FILE), 'utf8'));
    const listed = manifest ? [...manifest.files].sort() : [];
    const onDisk = [...files].map(([file, content]) => [file, fileHash(content.bytes)]).sort();
    return JSON.stringify(listed) === JSON.stringify(onDisk) ? [] : [`${folder}: manifest does not match`];
  });
}

/** Start compile; once it holds the lock, wait `delayMs` and SIGKILL it. */
async function killWhileWriting(delayMs: number): Promise<void> {
  const child = spawn(process.execPath, [cliMain, 'compile', 'policies', '--out', 'generated'], { cwd: root, stdio: 'ignore' });
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  while (!exited && !existsSync(lockPath(out))) await new Promise((resolve) => setTimeout(resolve, 2));
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  child.kill('SIGKILL');
  await exit;
}

describe.skipIf(!requireBuiltCli())(`SIGKILL during compile of ${POLICIES} policies`, () => {
  it('leaves every policy folder fully old or fully new with its manifest, and the next run completes the new tree', async () => {
    writePolicies(4);
    compileFully();
    const oldTree = await readTree(out);
    const oldCopy = path.join(root, 'old-tree');
    await cp(out, oldCopy, { recursive: true });
    writePolicies(5);
    compileFully();
    const newTree = await readTree(out);
    expect(oldTree.size).toBeGreaterThan(POLICIES);
    expect(sameTree(oldTree, newTree), 'the two runs must differ for the test to mean anything').toBe(false);

    const delays = fc.sample(fc.integer({ min: 0, max: 4000 }), { seed: FUZZ_SEED, numRuns: KILLS });
    for (const delayMs of delays) {
      await rm(out, { recursive: true, force: true });
      await cp(oldCopy, out, { recursive: true });
      await killWhileWriting(delayMs);
      recoverInterruptedWrite(out);
      expect(brokenFolders(readTree(out), oldTree, newTree), `killed after ${delayMs} ms`).toEqual([]);
    }
    compileFully();
    const final = await readTree(out);
    expect(differences(final, newTree), 'the run after the kills did not finish the new tree').toEqual([]);
  }, 900_000);
});
