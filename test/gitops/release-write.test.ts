/**
 * The release commands write the policy without ever following a link: a symbolic link planted
 * where a fixed temporary name used to be is left alone, and a policy that is itself a link is
 * refused before anything is written or compiled.
 */
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/tools.js';
import { requireBuiltCli, runCli } from '../security/run-cli.js';

const policy = readFileSync(path.join(repoRoot, 'policies', 'churn-scorer.yaml'), 'utf8');
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'modelgate-release-write-'));
  mkdirSync(path.join(dir, 'repo', 'policies'), { recursive: true });
  writeFileSync(path.join(dir, 'repo', 'policies', 'churn-scorer.yaml'), policy);
  writeFileSync(path.join(dir, 'outside.yaml'), 'untouched\n');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe.runIf(requireBuiltCli())('rollback writes the policy without following links', () => {
  it('a link planted at the old temporary name is not written through', () => {
    const repo = path.join(dir, 'repo');
    symlinkSync(path.join(dir, 'outside.yaml'), path.join(repo, 'policies', 'churn-scorer.yaml.modelgate-tmp'));
    const run = runCli(['rollback', 'policies/churn-scorer.yaml'], { cwd: repo, timeoutMs: 60_000 });
    expect(run.status, run.stderr).toBe(0);
    expect(readFileSync(path.join(dir, 'outside.yaml'), 'utf8')).toBe('untouched\n');
    const written = path.join(repo, 'policies', 'churn-scorer.yaml');
    expect(lstatSync(written).isFile()).toBe(true);
    expect(readFileSync(written, 'utf8')).toBe(policy.replace('    candidate: 8\n', ''));
    expect(existsSync(path.join(repo, 'generated', 'default', 'churn-scorer', 'rollout', 'rollout.yaml'))).toBe(true);
    expect(readdirSync(path.join(repo, 'policies')).sort()).toEqual(['churn-scorer.yaml', 'churn-scorer.yaml.modelgate-tmp']);
  });

  it('a policy that is itself a link is refused, and nothing is written', () => {
    const repo = path.join(dir, 'repo');
    writeFileSync(path.join(dir, 'outside.yaml'), policy);
    rmSync(path.join(repo, 'policies', 'churn-scorer.yaml'));
    symlinkSync(path.join(dir, 'outside.yaml'), path.join(repo, 'policies', 'churn-scorer.yaml'));
    const run = runCli(['rollback', 'policies/churn-scorer.yaml'], { cwd: repo, timeoutMs: 60_000 });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/is a symbolic link/);
    expect(readFileSync(path.join(dir, 'outside.yaml'), 'utf8')).toBe(policy);
    expect(existsSync(path.join(repo, 'generated'))).toBe(false);
  });
});
