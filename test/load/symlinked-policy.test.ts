/**
 * A policy that is a symbolic link is reported, never read and never silently skipped: skipping
 * it made compile delete that policy's output as no longer produced.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readPolicyFiles } from '../../src/load/discover.js';
import { seedRunningRollouts } from '../support/running-rollouts.js';
import { repoRoot } from '../support/tools.js';
import { requireBuiltCli, runCli } from '../security/run-cli.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'modelgate-symlinked-policy-'));
  cpSync(path.join(repoRoot, 'policies', 'churn-scorer.yaml'), path.join(dir, 'policies', 'churn-scorer.yaml'), { recursive: true });
  cpSync(path.join(repoRoot, 'policies', 'search-ranker.yaml'), path.join(dir, 'policies', 'search-ranker.yaml'));
  // The examples are written for the repository's platform profile (storage credentials, GPU, requests).
  cpSync(path.join(repoRoot, 'modelgate.config.yaml'), path.join(dir, 'modelgate.config.yaml'));
  seedRunningRollouts(path.join(dir, 'generated'), ['churn-scorer']);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function linkChurnScorer(): void {
  renameSync(path.join(dir, 'policies', 'churn-scorer.yaml'), path.join(dir, 'churn-scorer.yaml'));
  symlinkSync(path.join(dir, 'churn-scorer.yaml'), path.join(dir, 'policies', 'churn-scorer.yaml'));
}

describe('a symlinked policy', () => {
  it('is listed as a link and not read', async () => {
    linkChurnScorer();
    const files = await readPolicyFiles([path.join(dir, 'policies')]);
    expect(files.map(({ file, link }) => [path.basename(file), link ?? false])).toEqual([['churn-scorer.yaml', true], ['search-ranker.yaml', false]]);
    expect(files[0]!.bytes.byteLength).toBe(0);
  });

  it.runIf(requireBuiltCli())('fails validate with a diagnostic, and compile keeps its output', () => {
    expect(runCli(['compile'], { cwd: dir, timeoutMs: 60_000 }).status).toBe(0);
    const rollout = path.join(dir, 'generated', 'default', 'churn-scorer', 'rollout', 'rollout.yaml');
    const before = readFileSync(rollout, 'utf8');
    linkChurnScorer();
    const validate = runCli(['validate'], { cwd: dir, timeoutMs: 60_000 });
    expect(validate.status).toBe(1);
    expect(validate.stdout).toContain('policies/churn-scorer.yaml:1:1: error [symlink] is a symbolic link');
    const compile = runCli(['compile'], { cwd: dir, timeoutMs: 60_000 });
    expect(compile.status).toBe(1);
    expect(existsSync(rollout) && readFileSync(rollout, 'utf8')).toBe(before);
  });
});
