/**
 * The README, followed as a new user would: its minimal policy onboards a new model in an empty
 * repository, then the walkthrough's own commands (`npx modelgate validate`, `plan`, `propose
 * --repo acme/models`) run against the GitHub stand-in. The pull request must state exactly what
 * merging changes, and that is checked against the generated files themselves, not against the
 * code that wrote the description: the versions TF Serving loads are read from the TF Serving
 * ConfigMap on main and on the PR branch, the canary steps from the Rollout.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGitHub } from './support/fake-github/server.js';
import { cliMain, requireBuiltCli } from './security/run-cli.js';
import { repoRoot } from './support/tools.js';

const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
const TOKEN = 'ghs_walkthroughTokenNeverPrinted0123456';
const walkthrough = readme.slice(readme.indexOf('## From a policy edit to a pull request'), readme.indexOf('## Rules'));

/** A command exactly as the README's walkthrough writes it, run with the built CLI for `npx modelgate`. */
function readmeCommand(pattern: RegExp): string[] {
  const found = pattern.exec(walkthrough);
  if (!found) throw new Error(`the README walkthrough no longer shows ${pattern}`);
  return found[1]!.split(/\s+/).filter(Boolean);
}

let dir: string;
let github: FakeGitHub;

async function modelgate(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [cliMain, ...args], {
      cwd: dir,
      env: { ...process.env, GITHUB_TOKEN: TOKEN, GITHUB_API_URL: github.url, GITHUB_REPOSITORY: '', MODELGATE_GITHUB_TIME_SCALE: '0.001' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

function git(...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args], { cwd: dir, encoding: 'utf8' });
}

/** Versions the generated TF Serving ConfigMaps' configs load, read from their `versions: N` lines. */
function loadedVersions(configMap: string): number[] {
  return [...new Set([...configMap.matchAll(/^\s*versions: (\d+)$/gm)].map((m) => Number(m[1])))].sort((a, b) => b - a);
}

/** Canary weights and pauses of a generated Rollout, as Argo reads them. */
function rolloutSteps(rolloutYaml: string): string[] {
  const rollout = parse(rolloutYaml.replace(/^#.*\n/gm, '')) as { spec: { strategy: { canary: { steps?: Array<Record<string, any>> } } } };
  // A Rollout at rest has no steps.
  return (rollout.spec.strategy.canary.steps ?? []).flatMap((step) => (step.setWeight !== undefined ? [`weight ${step.setWeight}`] : step.pause ? [`pause ${step.pause.duration ?? 'manual'}`] : []));
}

/** Rows of the PR's "What merging changes" table: field → [before, after, change]. */
function changeRows(body: string): Record<string, string[]> {
  const lines = body.slice(body.indexOf('| What merging changes |')).split('\n').slice(2);
  const rows = lines.slice(0, lines.findIndex((line) => !line.startsWith('|')));
  return Object.fromEntries(rows.map((line) => line.split(/(?<!\\)\|/).slice(1, -1).map((cell) => cell.trim())).map(([field, ...rest]) => [field!, rest]));
}

const CONFIG = 'generated/default/churn-scorer/tfserving/template-configmaps.yaml';
const ROLLOUT = 'generated/default/churn-scorer/rollout/rollout.yaml';

describe.skipIf(!requireBuiltCli())('the README walkthrough, in a new repository', () => {
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'modelgate-walkthrough-'));
    github = await new FakeGitHub('acme', 'models', TOKEN).start();
  });
  afterAll(async () => {
    expect(github.invalidRequests()).toEqual([]);
    await github.close();
  });

  it('onboards a model from the README’s minimal policy at rest, and validate refuses the defaults when the candidate comes', async () => {
    const minimal = /## A policy[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)![1]!;
    mkdirSync(path.join(dir, 'policies'));
    // The README's policy sits in policies/, so its schema line points at ../schemas/.
    const file = path.join(dir, 'policies', 'churn-scorer.yaml');
    writeFileSync(file, minimal);
    const validate = await modelgate(readmeCommand(/`npx modelgate (validate)`/));
    expect(validate.code, validate.stdout).toBe(0);
    expect((await modelgate(['compile'])).code).toBe(0);
    git('init', '-q', '-b', 'main');
    git('add', '.');
    git('commit', '-q', '-m', 'onboard churn-scorer');
    const files = new Map(git('ls-files', '-z').split('\0').filter(Boolean).map((name) => [name, readFileSync(path.join(dir, name), 'utf8')]));
    github.seed('main', files);
    expect(loadedVersions(files.get(CONFIG)!)).toEqual([7]);

    // The next change adds the candidate; at 5 requests per second the default schedule cannot
    // judge it, and the README promises this finding.
    writeFileSync(file, minimal.replace('versions: { stable: 7 }', 'versions: { stable: 7, candidate: 8 }'));
    const defaults = await modelgate(readmeCommand(/`npx modelgate (validate)`/));
    expect(defaults.code).toBe(1);
    expect(defaults.stdout).toContain('needs 3,986 requests per version in one window');
    expect(defaults.stdout).toContain('hint: `gates.interval: 27m` and `hold: 1h21m` at step 4');
    writeFileSync(file, minimal);
  });

  it('a preload, planned and proposed: the PR says TF Serving loads it and traffic does not move — as the output shows', async () => {
    const file = path.join(dir, 'policies', 'churn-scorer.yaml');
    // A preload needs label mode, where pods load more than the version they serve.
    const labelled = readFileSync(file, 'utf8').replace('basePath: /models/churn }', 'basePath: /models/churn, versionLabels: true }');
    writeFileSync(file, labelled.replace('versions: { stable: 7 }', 'versions: { stable: 7, preload: [9] }'));
    expect((await modelgate(readmeCommand(/`npx modelgate (validate)`/))).code).toBe(0);
    const plan = await modelgate(readmeCommand(/`npx modelgate (plan)`/));
    expect(plan.code).toBe(0);
    expect(plan.stdout.split('\n')[0]).toBe('default/churn-scorer: TF Serving loads 9; traffic does not move');

    const propose = await modelgate(readmeCommand(/`GITHUB_TOKEN=… npx modelgate (propose --repo acme\/models)`/));
    expect(propose.code, propose.stderr).toBe(0);
    const pr = github.pulls.at(-1)!;
    const branch = github.branchFiles('modelgate/update/default.churn-scorer');
    const before = loadedVersions(github.branchFiles('main').get(CONFIG)!);
    const after = loadedVersions(branch.get(CONFIG)!);
    const loads = after.filter((v) => !before.includes(v));
    const unloads = before.filter((v) => !after.includes(v));
    expect([loads, unloads]).toEqual([[9], []]);
    expect(pr.title).toBe('modelgate: default/churn-scorer: TF Serving loads 9');
    expect(changeRows(pr.body!)).toEqual({ 'TF Serving loads': [before.join(', '), after.join(', '), `loads ${loads.join(', ')}`] });
    // Traffic does not move: the Rollout's steps are what they were.
    expect(rolloutSteps(branch.get(ROLLOUT)!)).toEqual(rolloutSteps(github.branchFiles('main').get(ROLLOUT)!));
    expect(pr.body).toContain('**TF Serving loads 9; traffic does not move**');
    expect(propose.stdout + propose.stderr + plan.stdout).not.toContain(TOKEN);
  });

  it('a longer hold on a running canary: the PR is titled as hold-only and its one row is the Rollout’s one changed pause', async () => {
    // The preload is merged: compiled and committed, so TF Serving loads 9.
    expect((await modelgate(['compile'])).code).toBe(0);
    git('add', '.');
    git('commit', '-q', '-m', 'preload 9');
    // 9 is loaded now, so it may become the candidate, with the schedule the churn-scorer example uses at 5 rps.
    const file = path.join(dir, 'policies', 'churn-scorer.yaml');
    const withCandidate = (hold: string) =>
      `${readFileSync(file, 'utf8').replace(/versions: \{[^}]*\}/, 'versions: { stable: 7, candidate: 9 }').replace(/\n  canary:[\s\S]*$/, '\n')}  canary:\n    steps:\n      - { weight: 50%, hold: ${hold} }\n      - { weight: 100% }\n  gates:\n    interval: 1h\n    failureLimit: 1\n    checks:\n      - { metric: errorRate, max: 2% }\n`;
    writeFileSync(file, withCandidate('12h'));
    const ready = await modelgate(['compile']);
    expect(ready.code, ready.stdout + ready.stderr).toBe(0);
    git('add', '.');
    git('commit', '-q', '-m', 'candidate 9');
    github.seed('main', new Map(git('ls-files', '-z').split('\0').filter(Boolean).map((name) => [name, readFileSync(path.join(dir, name), 'utf8')])));

    writeFileSync(file, withCandidate('13h'));
    const propose = await modelgate(readmeCommand(/`GITHUB_TOKEN=… npx modelgate (propose --repo acme\/models)`/));
    expect(propose.code, propose.stderr).toBe(0);
    const pr = github.pulls.at(-1)!;
    const stepsBefore = rolloutSteps(github.branchFiles('main').get(ROLLOUT)!);
    const stepsAfter = rolloutSteps(github.branchFiles('modelgate/update/default.churn-scorer').get(ROLLOUT)!);
    const changed = stepsBefore.flatMap((step, i) => (step === stepsAfter[i] ? [] : [[step, stepsAfter[i]]]));
    expect(stepsAfter).toHaveLength(stepsBefore.length);
    expect(changed).toEqual([['pause 12h', 'pause 13h']]);
    expect(pr.title).toBe('modelgate: default/churn-scorer: hold-only change: step 1 50% for 13h');
    expect(changeRows(pr.body!)).toEqual({ 'step 1': ['50% for 12h', '50% for 13h', 'longer hold'] });
  });
});
