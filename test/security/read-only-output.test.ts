/**
 * A read-only `generated/` (issue 17, item 8): compile exits 2 saying it cannot write, changes
 * nothing, leaves nothing behind, and once the folder is writable again the next run just works.
 * Permissions do not bind root, so as root the CLI runs as `nobody` over a tree it owns.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliMain, requireBuiltCli, STACK_FRAME } from './run-cli.js';
import { seedRunningRollouts } from '../support/running-rollouts.js';
import { repoRoot } from '../support/tools.js';

const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;
const root = mkdtempSync(join(tmpdir(), 'modelgate-read-only-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function compile(): { status: number | null; stderr: string } {
  const run = spawnSync(process.execPath, [cliMain, 'compile', 'policies', '--out', 'generated'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
    ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
  });
  return { status: run.status, stderr: run.stderr };
}
function everything(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((entry) => {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    return entry.isDirectory() ? [`${path}/`, ...everything(dir, path)] : [`${path} ${readFileSync(join(dir, path), 'utf8').length}`];
  });
}
function setMode(dir: string, mode: number): void {
  chmodSync(dir, mode);
  for (const entry of readdirSync(dir, { withFileTypes: true })) if (entry.isDirectory()) setMode(join(dir, entry.name), mode);
}
function chownTree(path: string): void {
  chownSync(path, NOBODY, NOBODY);
  if (statSync(path).isDirectory()) for (const name of readdirSync(path)) chownTree(join(path, name));
}

describe.skipIf(!requireBuiltCli())('a read-only output folder', () => {
  it('exits 2 naming the problem, changes nothing, leaves nothing behind, and does not block the next run', () => {
    cpSync(join(repoRoot, 'policies'), join(root, 'policies'), { recursive: true });
    // The examples are written for the repository's platform profile (storage credentials, GPU, requests).
    cpSync(join(repoRoot, 'modelgate.config.yaml'), join(root, 'modelgate.config.yaml'));
    seedRunningRollouts(join(root, 'generated'));
    chmodSync(root, 0o755);
    if (asRoot) chownTree(root);
    expect(compile().status).toBe(0);
    const file = join(root, 'policies', 'fraud-detector.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/replicas: (\d+)/, (_, n: string) => `replicas: ${Number(n) + 1}`));
    setMode(join(root, 'generated'), 0o555);
    const before = everything(root);

    const run = compile();
    expect(run.status, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/EACCES|permission denied/i);
    expect(run.stderr).not.toMatch(STACK_FRAME);
    expect(everything(root)).toEqual(before);

    setMode(join(root, 'generated'), 0o755);
    const again = compile();
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/wrote generated\//);
  }, 120_000);
});
