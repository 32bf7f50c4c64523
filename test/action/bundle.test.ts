/**
 * The GitHub Action as a runner runs it: action.yml names a JavaScript action on node24 whose
 * `main` is the committed bundle; the bundle is exactly what `npm run action:build` makes from
 * the sources (rebuilt here and compared byte for byte); and, copied alone into a checkout of
 * the action (action.yml, the bundle, schemas/ and package.json: no node_modules, no dist/), it
 * runs the checks validate.yml runs on the paths it is given and writes annotations.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { validateAction } from '@action-validator/core';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/tools.js';

type Json = Record<string, any>;

const actionYml = readFileSync(path.join(repoRoot, 'action.yml'), 'utf8');
const action = parse(actionYml) as Json;
const work = mkdtempSync(path.join(tmpdir(), 'modelgate-action-bundle-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('action.yml', () => {
  it('is a JavaScript action on node24 whose main is the committed bundle', () => {
    expect(Object.keys(action.runs).sort()).toEqual(['main', 'using']);
    // GitHub's current runtime (node20 is leaving the runners; there is no node22). The
    // action-validator schema predates node24, so the rest of the file is checked against it with
    // node20 in its place; runners accept node24 as nektos/act's pkg/model/action.go lists it.
    expect(action.runs.using).toBe('node24');
    expect(validateAction(actionYml.replace(/^  using: node24$/m, '  using: node20')).errors).toEqual([]);
    expect(existsSync(path.join(repoRoot, action.runs.main))).toBe(true);
    // Committed, not merely built here: a runner starts the file as the repository holds it.
    expect(execFileSync('git', ['ls-files', '--', action.runs.main], { cwd: repoRoot, encoding: 'utf8' })).toBe(`${action.runs.main}\n`);
    for (const key of ['name', 'description']) expect(typeof action[key], key).toBe('string');
  });

  it('declares exactly the inputs the entry point reads, each with a description', () => {
    const source = readFileSync(path.join(repoRoot, 'src', 'action', 'action.ts'), 'utf8');
    const read = [...source.matchAll(/\binput\('([a-z-]+)'/g)].map((m) => m[1]!);
    expect([...new Set(read)].sort()).toEqual(Object.keys(action.inputs).sort());
    for (const [name, spec] of Object.entries(action.inputs as Json)) expect(typeof spec.description, name).toBe('string');
  });
});

describe('the bundle', () => {
  it('is byte for byte what action/build.mjs makes from the sources now (npm run action:build)', () => {
    // In a process of its own, as `npm run action:build` runs it (vitest would transform dist/).
    const buildAction = (outfile: string): void => {
      const run = spawnSync(process.execPath, [path.join(repoRoot, 'action', 'build.mjs'), outfile], { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 });
      expect(run.status, run.stderr).toBe(0);
    };
    const rebuilt = path.join(work, 'rebuilt.mjs');
    buildAction(rebuilt);
    const committed = readFileSync(path.join(repoRoot, action.runs.main as string));
    const fresh = readFileSync(rebuilt);
    expect(fresh.equals(committed), 'action/dist/index.mjs is stale: run `npm run action:build` and commit it').toBe(true);
    // The same sources make the same bytes again.
    buildAction(path.join(work, 'again.mjs'));
    expect(readFileSync(path.join(work, 'again.mjs')).equals(fresh)).toBe(true);
  });

  describe('run by Node in a checkout of the action, as the runner runs it', () => {
    let checkout: string;
    let repo: string;
    beforeAll(() => {
      // What `uses: owner/modelgate@sha` downloads, minus everything the bundle must not need.
      checkout = path.join(work, 'action-checkout');
      mkdirSync(path.join(checkout, path.dirname(action.runs.main as string)), { recursive: true });
      for (const file of ['action.yml', 'package.json', 'schemas', action.runs.main as string]) cpSync(path.join(repoRoot, file), path.join(checkout, file), { recursive: true });
      repo = path.join(work, 'caller');
      for (const file of ['policies', 'generated', 'modelgate.config.yaml']) cpSync(path.join(repoRoot, file), path.join(repo, file), { recursive: true });
    });

    /** The bundle with inputs as the runner sets them: INPUT_<NAME>, from the workspace. */
    function runAction(inputs: Record<string, string>, runner: { cwd?: string; GITHUB_WORKSPACE?: string } = {}): { status: number | null; stdout: string; stderr: string } {
      const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: work, ...(runner.GITHUB_WORKSPACE ? { GITHUB_WORKSPACE: runner.GITHUB_WORKSPACE } : {}) };
      for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
      const result = spawnSync(process.execPath, [path.join(checkout, action.runs.main as string)], { cwd: runner.cwd ?? repo, env, encoding: 'utf8', timeout: 120_000 });
      return { status: result.status, stdout: result.stdout, stderr: result.stderr };
    }

    it('passes the example repository, several paths given one per line or by spaces', () => {
      expect(existsSync(path.join(checkout, 'node_modules'))).toBe(false);
      for (const policies of ['policies/fraud-detector.yaml\npolicies/churn-scorer.yaml', 'policies/fraud-detector.yaml policies/churn-scorer.yaml', 'policies/']) {
        const run = runAction({ command: 'check', policies, out: 'generated' });
        expect(run.status, `${policies}: ${run.stdout}${run.stderr}`).toBe(0);
        expect(run.stdout).not.toMatch(/^::error/m);
        expect(run.stderr).toContain('generated/ is up to date');
      }
    });

    it('fails a broken policy with an ::error annotation at its line and column, and a stale output with compile --check', () => {
      const file = path.join(repo, 'policies', 'churn-scorer.yaml');
      const text = readFileSync(file, 'utf8');
      try {
        writeFileSync(file, text.replace('stable: 7', 'stable: seven'));
        const broken = runAction({ policies: 'policies/fraud-detector.yaml\npolicies/churn-scorer.yaml' });
        expect(broken.status).toBe(1);
        const line = text.slice(0, text.indexOf('stable: 7')).split('\n').length;
        expect(broken.stdout).toMatch(new RegExp(`^::error file=policies/churn-scorer\\.yaml,line=${line},col=\\d+,title=schema::`, 'm'));
        // Valid but not compiled: the second check of validate.yml, compile --check, catches it.
        writeFileSync(file, text.replace('replicas: 1', 'replicas: 2'));
        const stale = runAction({ command: 'check' });
        expect(stale.status).toBe(1);
        expect(stale.stdout).toMatch(/^::error file=generated\/default\/churn-scorer\/[^,]+,line=1,col=1,title=output-out-of-date::/m);
      } finally {
        writeFileSync(file, text);
      }
    });

    it('annotates a project nested in the repository at the file’s path from the repository root', () => {
      const workspace = path.join(work, 'monorepo');
      for (const file of ['policies', 'generated', 'modelgate.config.yaml']) cpSync(path.join(repo, file), path.join(workspace, 'ml', file), { recursive: true });
      const file = path.join(workspace, 'ml', 'policies', 'churn-scorer.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace('stable: 7', 'stable: seven'));
      const run = runAction({ policies: 'ml/policies/' }, { cwd: workspace, GITHUB_WORKSPACE: workspace });
      expect(run.status).toBe(1);
      expect(run.stdout).toMatch(/^::error file=ml\/policies\/churn-scorer\.yaml,line=\d+,col=\d+,title=schema::/m);
    });

    it('refuses an unknown command with an annotation and exit status 2', () => {
      const run = runAction({ command: 'lint' });
      expect(run.status).toBe(2);
      expect(run.stdout).toBe("::error title=modelgate::unknown command 'lint' (check, validate, compile, propose)\n");
    });
  });
});
