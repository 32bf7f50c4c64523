/**
 * The project root: found from any subdirectory (or from the policy path given), never above the
 * git root, refused outside any project; and `compile` run inside `policies/` writes `generated/`
 * beside it, never `policies/generated/`.
 */
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/load/discover.js';
import { findProjectRoot } from '../../src/load/project-root.js';
import { cliMain, requireBuiltCli, runCli } from '../security/run-cli.js';
import { FakeGitHub } from '../support/fake-github/server.js';
import { repoRoot } from '../support/tools.js';

const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function scratch(): string {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'modelgate-root-')));
  made.push(dir);
  return dir;
}

/** A copy of this repository's project files (policies, profile, generated output) under `dir`. */
function exampleProject(dir: string): string {
  mkdirSync(dir, { recursive: true });
  for (const entry of ['policies', 'generated', 'modelgate.config.yaml']) cpSync(path.join(repoRoot, entry), path.join(dir, entry), { recursive: true });
  return dir;
}

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args], { cwd: dir, encoding: 'utf8' });
}

/** Whether some folder above `dir` (up to /) would make it part of a project. */
function projectAbove(dir: string): boolean {
  for (let at = path.dirname(dir); ; at = path.dirname(at)) {
    if (existsSync(path.join(at, 'modelgate.config.yaml')) || existsSync(path.join(at, 'policies')) || existsSync(path.join(at, '.git'))) return true;
    if (path.dirname(at) === at) return false;
  }
}

describe('findProjectRoot', () => {
  it('is the nearest folder upward holding policies/ or modelgate.config.yaml', () => {
    const root = scratch();
    mkdirSync(path.join(root, 'policies', 'team-a'), { recursive: true });
    mkdirSync(path.join(root, 'docs', 'deep'), { recursive: true });
    expect(findProjectRoot(path.join(root, 'docs', 'deep'))).toBe(root);
    expect(findProjectRoot(path.join(root, 'policies', 'team-a'))).toBe(root);
    expect(findProjectRoot(path.join(root, 'policies', 'team-a', 'fraud.yaml'))).toBe(root);

    const profileOnly = scratch();
    writeFileSync(path.join(profileOnly, 'modelgate.config.yaml'), 'prometheus: {}\n');
    mkdirSync(path.join(profileOnly, 'src'));
    expect(findProjectRoot(path.join(profileOnly, 'src'))).toBe(profileOnly);
  });

  it('finds a project nested inside a git repository, not the repository root', () => {
    const repo = scratch();
    mkdirSync(path.join(repo, '.git'));
    mkdirSync(path.join(repo, 'ml', 'policies'), { recursive: true });
    mkdirSync(path.join(repo, 'policies'));
    expect(findProjectRoot(path.join(repo, 'ml', 'policies'))).toBe(path.join(repo, 'ml'));
    expect(findProjectRoot(repo)).toBe(repo);
  });

  it('stops at the git root (a .git folder, or the .git file of a worktree): policies/ above it is not borrowed', () => {
    const outer = scratch();
    mkdirSync(path.join(outer, 'policies'));
    mkdirSync(path.join(outer, 'repo', 'src'), { recursive: true });
    mkdirSync(path.join(outer, 'repo', '.git'));
    mkdirSync(path.join(outer, 'worktree', 'src'), { recursive: true });
    writeFileSync(path.join(outer, 'worktree', '.git'), 'gitdir: /elsewhere\n');
    for (const start of [path.join(outer, 'repo', 'src'), path.join(outer, 'worktree', 'src')]) {
      expect(() => findProjectRoot(start)).toThrow(UsageError);
      expect(() => findProjectRoot(start)).toThrow(/not inside a modelgate project: .* up to the git root .*(repo|worktree)/);
    }
  });

  it('refuses outside any project, saying what it looked for', () => {
    const lone = scratch();
    mkdirSync(path.join(lone, 'sub'));
    // The refusal is only meaningful when nothing above the scratch folder is a project.
    expect(projectAbove(lone), `a folder above ${lone} holds policies/, modelgate.config.yaml or .git`).toBe(false);
    expect(() => findProjectRoot(path.join(lone, 'sub'))).toThrow(/not inside a modelgate project: no modelgate\.config\.yaml and no policies\/ folder in .*sub or any folder above it, up to the file-system root/);
  });
});

describe.skipIf(!requireBuiltCli())('commands from anywhere in the project', () => {
  it('compile run inside policies/ (with or without a path there) writes generated/ at the root, never policies/generated/', () => {
    const root = exampleProject(scratch());
    rmSync(path.join(root, 'generated', 'search'), { recursive: true });
    const inside = path.join(root, 'policies');
    const atRest = runCli(['compile', 'search-ranker.yaml'], { cwd: inside, timeoutMs: 60_000 });
    expect(atRest.status, atRest.stderr).toBe(0);
    expect(existsSync(path.join(root, 'generated', 'search', 'search-ranker', 'rollout', 'rollout.yaml'))).toBe(true);
    expect(existsSync(path.join(inside, 'generated'))).toBe(false);
    const check = runCli(['compile', '--check', 'search-ranker.yaml'], { cwd: inside, timeoutMs: 60_000 });
    expect(check.status, check.stderr).toBe(0);
    expect(check.stderr).toBe('generated/ is up to date\n');
    expect(existsSync(path.join(inside, 'generated'))).toBe(false);
  });

  it('an --out inside policies/ is refused (it would be read back as policies) and nothing is created', () => {
    const root = exampleProject(scratch());
    const run = runCli(['compile', '--out', 'generated'], { cwd: path.join(root, 'policies'), timeoutMs: 60_000 });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('output folder policies/generated is inside policies/');
    expect(existsSync(path.join(root, 'policies', 'generated'))).toBe(false);
  });

  it('validate from a subdirectory checks the project’s policies against its profile and output, paths shown from the root', () => {
    const root = exampleProject(scratch());
    mkdirSync(path.join(root, 'docs', 'deep'), { recursive: true });
    const fromRoot = runCli(['validate', '--format', 'json'], { cwd: root, timeoutMs: 60_000 });
    const fromDeep = runCli(['validate', '--format', 'json'], { cwd: path.join(root, 'docs', 'deep'), timeoutMs: 60_000 });
    expect(fromRoot.status, fromRoot.stderr).toBe(0);
    expect(fromDeep.status, fromDeep.stderr).toBe(0);
    expect(fromDeep.stdout).toBe(fromRoot.stdout);
    // The profile is the root's: a broken one fails the run from the subdirectory too.
    writeFileSync(path.join(root, 'modelgate.config.yaml'), 'prometheus: [\n');
    const broken = runCli(['validate', '--format', 'json'], { cwd: path.join(root, 'docs', 'deep'), timeoutMs: 60_000 });
    expect(broken.status).toBe(1);
    expect(broken.stdout).toContain('"file": "modelgate.config.yaml"');
  });

  it('a policy named by name (simulate, pause) is found from inside policies/', () => {
    const root = exampleProject(scratch());
    const pause = runCli(['pause', 'fraud-detector'], { cwd: path.join(root, 'policies', 'scenarios'), timeoutMs: 60_000 });
    expect(pause.status, pause.stderr).toBe(0);
    expect(pause.stdout).toMatch(/^kubectl argo rollouts pause fraud-detector -n risk$/m);
    const simulate = runCli(['simulate', 'fraud-detector', '--metrics', 'fraud-detector/healthy.json'], { cwd: path.join(root, 'policies', 'scenarios'), timeoutMs: 60_000 });
    expect(simulate.status, simulate.stderr).toBe(0);
  });

  it('every command refuses outside any project, with exit 2 and no files written', () => {
    const lone = scratch();
    expect(projectAbove(lone)).toBe(false);
    for (const args of [['validate'], ['compile'], ['plan'], ['pause', 'fraud-detector'], ['rollback', 'fraud-detector'], ['simulate', 'fraud-detector', '--metrics', 'x.json']]) {
      const run = runCli(args, { cwd: lone, timeoutMs: 60_000 });
      expect(run.status, `${args.join(' ')}: ${run.stderr}`).toBe(2);
      expect(run.stderr).toContain('not inside a modelgate project');
    }
    expect(execFileSync('ls', ['-A', lone], { encoding: 'utf8' })).toBe('');
  });

  it('plan in a project nested inside a git repository reads the base output of that project', () => {
    const repo = scratch();
    const project = exampleProject(path.join(repo, 'ml'));
    git(repo, 'init', '-q', '-b', 'main');
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'nested project');
    const unchanged = runCli(['plan'], { cwd: path.join(project, 'policies'), timeoutMs: 60_000 });
    expect(unchanged.status, unchanged.stderr).toBe(0);
    expect(unchanged.stdout).toBe('no changes: generated/ at HEAD already matches the policies\n');
    const file = path.join(project, 'policies', 'search-ranker.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('previous: [11]\n    retain: 2', 'previous: [11, 10]\n    retain: 3'));
    const changed = runCli(['plan'], { cwd: project, timeoutMs: 60_000 });
    expect(changed.status, changed.stderr).toBe(0);
    expect(changed.stdout).toContain('search/search-ranker');
    expect(changed.stdout).not.toContain('fraud-detector');
  });

  it('propose in a project nested inside a git repository commits the project’s files at their place in the repository', async () => {
    const token = 'ghs_nestedProjectTokenNeverPrinted012345';
    const github = await new FakeGitHub('acme', 'models', token).start();
    try {
      const repo = scratch();
      const project = exampleProject(path.join(repo, 'ml'));
      writeFileSync(path.join(repo, 'README.md'), 'the rest of the repository\n');
      git(repo, 'init', '-q', '-b', 'main');
      git(repo, 'add', '.');
      git(repo, 'commit', '-qm', 'nested project');
      const main = new Map(git(repo, 'ls-files', '-z').split('\0').filter(Boolean).map((name) => [name, readFileSync(path.join(repo, name), 'utf8')]));
      github.seed('main', main);
      const file = path.join(project, 'policies', 'search-ranker.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace('previous: [11]\n    retain: 2', 'previous: [11, 10]\n    retain: 3'));
      // Asynchronously: the GitHub stand-in answers from this process.
      await promisify(execFile)(process.execPath, [cliMain, 'propose', '--repo', 'acme/models'], {
        cwd: path.join(project, 'policies'),
        timeout: 120_000,
        env: { ...process.env, GITHUB_TOKEN: token, GITHUB_API_URL: github.url, GITHUB_REPOSITORY: '', MODELGATE_GITHUB_TIME_SCALE: '0.001' },
      });
      const pr = github.pulls.at(-1)!;
      const branch = github.branchFiles(pr.head);
      // Same files as main, the policy and its TF Serving config changed, every one where it was: nothing lands at the git root.
      expect([...branch.keys()].sort()).toEqual([...main.keys()].sort());
      const changed = [...branch].filter(([name, text]) => main.get(name) !== text).map(([name]) => name);
      expect(changed.sort()).toEqual(['ml/generated/search/search-ranker/tfserving/template-configmaps.yaml', 'ml/policies/search-ranker.yaml']);
      expect(branch.get('ml/policies/search-ranker.yaml')).toBe(readFileSync(file, 'utf8'));
    } finally {
      await github.close();
    }
  });
});
