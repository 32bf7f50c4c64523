/**
 * Two runs at once (issue 17, item 1): 20 pairs of compiles started together over one output
 * folder, from two policy sets that differ in every file, and a compile beside a `rollback`.
 * Every time, both runs succeed, every policy folder is wholly one run's output, and its manifest
 * describes exactly the files on disk.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MANIFEST_FILE, fileHash, parseManifest } from '../../src/emit/manifest.js';
import { policyFolders, readTree, type ExistingFile } from '../../src/emit/tree.js';
import { seedRunningRollouts } from '../support/running-rollouts.js';
import { repoRoot } from '../support/tools.js';
import { byFolder } from '../support/output-folders.js';
import { cliMain, requireBuiltCli, runCli } from './run-cli.js';

const POLICIES = 30;
const PAIRS = 20;
const root = mkdtempSync(path.join(tmpdir(), 'modelgate-concurrent-'));
const out = path.join(root, 'generated');
// The examples are written for the repository's platform profile (gs:// read as its model-reader service account).
writeFileSync(path.join(root, 'modelgate.config.yaml'), readFileSync(path.join(repoRoot, 'modelgate.config.yaml')));
afterAll(() => rmSync(root, { recursive: true, force: true }));
// At rest (no candidate): these are new policies, which first-deploy-at-rest keeps on stable.
const example = readFileSync(path.join(repoRoot, 'policies', 'fraud-detector.yaml'), 'utf8').replace('    candidate: 42\n', '');

function writePolicies(dir: string, replicas: number): void {
  mkdirSync(path.join(root, dir), { recursive: true });
  for (let i = 0; i < POLICIES; i++) {
    const text = example
      .replace('  name: fraud-detector', `  name: fd-${i}`)
      .replace('host: fraud-detector.risk.svc.cluster.local', `host: fd-${i}.risk.svc.cluster.local`)
      .replace(/fraud_detector/g, `fd_${i}`)
      .replace('replicas: 4', `replicas: ${replicas}`);
    writeFileSync(path.join(root, dir, `fd-${i}.yaml`), text);
  }
}

function start(args: string[]): Promise<{ status: number | null; stderr: string }> {
  const child = spawn(process.execPath, [cliMain, ...args], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += String(chunk)));
  return new Promise((resolve) => child.once('exit', (status) => resolve({ status, stderr })));
}

/** Folder → its files, from a finished compile of one set alone. */
function reference(dir: string): Map<string, Map<string, ExistingFile>> {
  rmSync(out, { recursive: true, force: true });
  const run = runCli(['compile', dir, '--out', 'generated'], { cwd: root, timeoutMs: 120_000 });
  expect(run.status, run.stderr).toBe(0);
  return byFolder(readTree(out));
}

const same = (a: Map<string, ExistingFile> | undefined, b: Map<string, ExistingFile> | undefined) =>
  a !== undefined && b !== undefined && a.size === b.size && [...a].every(([file, content]) => b.get(file)?.bytes.equals(content.bytes));

/** Every folder is one of the references, and its manifest lists exactly its files and their hashes. */
function expectWholeFolders(references: Array<Map<string, Map<string, ExistingFile>>>, context: string): void {
  const folders = byFolder(readTree(out));
  expect(policyFolders(out).sort(), context).toEqual([...folders.keys()].sort());
  for (const [folder, files] of folders) {
    expect(references.some((reference) => same(files, reference.get(folder))), `${context}: ${folder} is a mix of two runs`).toBe(true);
    const manifest = parseManifest(folder, readFileSync(path.join(out, folder, MANIFEST_FILE), 'utf8'));
    expect(manifest && [...manifest.files].sort(), `${context}: ${folder}'s manifest does not describe the disk`).toEqual([...files].map(([file, content]) => [file, fileHash(content.bytes)]).sort());
  }
}

describe.skipIf(!requireBuiltCli())('two modelgate runs at once', () => {
  it(`${PAIRS} paired compiles: both succeed, every folder is one run's, manifests match the disk`, async () => {
    writePolicies('set-a', 4);
    writePolicies('set-b', 5);
    const references = [reference('set-a'), reference('set-b')];
    for (let pair = 0; pair < PAIRS; pair++) {
      const runs = await Promise.all([start(['compile', 'set-a', '--out', 'generated']), start(['compile', 'set-b', '--out', 'generated'])]);
      for (const run of runs) expect(run.status, run.stderr).toBe(0);
      expectWholeFolders(references, `pair ${pair}`);
    }
  }, 900_000);

  it('a compile beside a rollback: both succeed and the output is that of the rolled-back policies', async () => {
    rmSync(out, { recursive: true, force: true });
    rmSync(path.join(root, 'policies'), { recursive: true, force: true });
    cpSync(path.join(repoRoot, 'policies'), path.join(root, 'policies'), { recursive: true });
    seedRunningRollouts(out);
    expect(runCli(['compile', 'policies', '--out', 'generated'], { cwd: root, timeoutMs: 120_000 }).status).toBe(0);
    const before = byFolder(readTree(out));
    const runs = await Promise.all([start(['rollback', 'fraud-detector']), start(['compile', 'policies', '--out', 'generated'])]);
    for (const run of runs) expect(run.status, run.stderr).toBe(0);
    const check = runCli(['compile', '--check', 'policies', '--out', 'generated'], { cwd: root, timeoutMs: 120_000 });
    expect(check.status, `${check.stderr}: the last run to write did not compile the latest policies`).toBe(0);
    expectWholeFolders([before, byFolder(readTree(out))], 'rollback');
  }, 300_000);
});
