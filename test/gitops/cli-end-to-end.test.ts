/**
 * plan, propose and the release commands end to end: a temporary git repository holding the
 * example policies and their compiled output, and the fake GitHub standing in for github.com
 * (reached through GITHUB_API_URL, as in GitHub Actions).
 */
import { execFileSync, spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run as compile } from '../../src/cli/compile.js';
import { run as plan } from '../../src/cli/plan.js';
import { run as propose } from '../../src/cli/propose.js';
import { run as rollback } from '../../src/cli/rollback.js';
import { run as promote } from '../../src/cli/promote.js';
import { run as pause } from '../../src/cli/pause.js';
import { readTree } from '../../src/emit/tree.js';
import { repoRoot } from '../gates/example-policies.js';
import type { FakeGitHub } from '../support/fake-github/server.js';
import { publishOnFakeGitHub } from '../support/github-repository.js';
import { TfServingStandIn } from '../models/tfserving-model-service.js';

const TOKEN = 'ghs_e2eTokenThatMustNeverBePrinted0123';
const REPO = ['--repo', 'acme/models'];
let dir: string;
let github: FakeGitHub;
let stdout: string;
let stderr: string;
let output: string;
const startDir = process.cwd();
const savedEnv = { ...process.env };

function sh(...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
}

async function cli(command: (argv: string[]) => Promise<number>, ...argv: string[]): Promise<number> {
  stdout = '';
  stderr = '';
  const code = await command(argv);
  output += stdout + stderr;
  return code;
}

async function edit(file: string, from: string | RegExp, to: string): Promise<void> {
  const text = await readFile(file, 'utf8');
  const next = text.replace(from, to);
  expect(next).not.toBe(text);
  await writeFile(file, next);
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'modelgate-e2e-'));
  await cp(path.join(repoRoot, 'policies'), path.join(dir, 'policies'), { recursive: true });
  // The examples are written for the repository's platform profile (storage credentials, GPU, requests).
  await cp(path.join(repoRoot, 'modelgate.config.yaml'), path.join(dir, 'modelgate.config.yaml'));
  // As the README advises: compile's manifests are a local cache, not for git.
  await cp(path.join(repoRoot, '.gitignore'), path.join(dir, '.gitignore'));
  // The examples are running already (their Rollouts exist): a new policy may not name a candidate.
  await cp(path.join(repoRoot, 'generated'), path.join(dir, 'generated'), { recursive: true });
  process.chdir(dir);
  output = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  expect(await cli(compile, 'policies/')).toBe(0);
  github = await publishOnFakeGitHub(dir, TOKEN);
});

afterEach(async () => {
  vi.restoreAllMocks();
  process.chdir(startDir);
  process.env = { ...savedEnv };
  expect(output).not.toContain(TOKEN);
  expect(github.invalidRequests()).toEqual([]);
  await github.close();
  await rm(dir, { recursive: true, force: true });
});

/** generated/ as `compile` writes it in the working tree, keyed by repository path. */
async function compiledOutput(): Promise<Map<string, string>> {
  expect(await cli(compile, 'policies/')).toBe(0);
  return new Map([...(await readTree(path.join(dir, 'generated')))].map(([file, f]) => [`generated/${file}`, f.bytes.toString('utf8')]));
}

function onBranch(branch: string, prefix: string): Map<string, string> {
  return new Map([...github.branchFiles(branch)].filter(([file]) => file.startsWith(prefix)));
}

describe('modelgate plan', () => {
  it('says what happens to traffic, then shows the diff of the generated files', async () => {
    await edit('policies/fraud-detector.yaml', '{ weight: 1%, hold: 30m }', '{ weight: 1%, hold: 45m }');
    expect(await cli(plan)).toBe(0);
    // What merging does, not the whole policy again: only a hold changes, so traffic does not move.
    expect(stdout).toMatch(/^risk\/fraud-detector: hold-only change \(step 1: 1% for 30m → 1% for 45m\); traffic does not move\n  \* step 1: 1% for 30m → 1% for 45m \(longer hold\)\n/);
    expect(stdout).toContain('  - duration: at least 5h15m, at most 5h15m when every measurement is conclusive\n');
    expect(stdout).toContain('  - shadow: at most 1h of 100% mirroring, 1,200 extra requests per second to the candidate, about 4,320,000 in all');
    expect(stdout).toContain('--- a/generated/risk/fraud-detector/rollout/rollout.yaml\n+++ b/generated/risk/fraud-detector/rollout/rollout.yaml\n');
    expect(stdout).toMatch(/^-            duration: 30m\n\+            duration: 45m$/m);
  });

  it('reports no change when generated/ at the base matches', async () => {
    expect(await cli(plan)).toBe(0);
    expect(stdout).toBe('no changes: generated/ at HEAD already matches the policies\n');
  });

  it('prints the PR description with --format markdown', async () => {
    await edit('policies/recommender.yaml', 'candidate: 1731', 'candidate: 1731\n    preload: []');
    await edit('policies/churn-scorer.yaml', '{ weight: 50%, hold: 12h }', '{ weight: 50%, hold: 18h }');
    expect(await cli(plan, '--format', 'markdown')).toBe(0);
    expect(stdout).toContain('| default/churn-scorer | churn | stable 7, candidate 8 | dana-okafor | error-rate: error rate ≤ 2% | 7 |');
    expect(stdout).toContain('**hold-only change (step 1: 50% for 12h → 50% for 18h); traffic does not move**');
    expect(stdout).toContain('| step 1 | 50% for 12h | 50% for 18h | longer hold |');
    expect(stdout).toContain('Candidate 8: 50% for 18h, then 100%: at least 18h.\n\n```text\n');
    expect(stdout).not.toContain('mermaid');
    expect(stdout).toMatch(/^\| generated\/default\/churn-scorer\/rollout\/rollout\.yaml \| modified \| \+2 −2 \|$/m);
  });

  it('refuses invalid policies with diagnostics', async () => {
    await edit('policies/churn-scorer.yaml', 'stable: 7', 'stable: seven');
    expect(await cli(plan)).toBe(1);
    expect(stdout).toMatch(/policies\/churn-scorer\.yaml:\d+:\d+: error/);
  });
});

describe('modelgate propose', () => {
  it('opens one PR holding the edited policy and exactly what compile generates, then updates it', async () => {
    await edit('policies/fraud-detector.yaml', '{ weight: 1%, hold: 30m }', '{ weight: 1%, hold: 45m }');
    expect(await cli(propose, ...REPO)).toBe(0);
    expect(stdout).toMatch(/^opened pull request #1 from modelgate\/update\/risk\.fraud-detector/);
    const branch = 'modelgate/update/risk.fraud-detector';
    expect(onBranch(branch, 'generated/')).toEqual(await compiledOutput());
    expect(github.branchFiles(branch).get('policies/fraud-detector.yaml')).toBe(await readFile('policies/fraud-detector.yaml', 'utf8'));
    // Nothing else is lost on the way: scenarios and other files beside the policies stay.
    expect([...github.branchFiles('main').keys()].filter((file) => !github.branchFiles(branch).has(file))).toEqual([]);
    expect(github.pulls[0]).toMatchObject({ base: 'main', reviewers: ['alice-chen'], teams: ['risk-ml'], labels: ['modelgate'] });
    expect(github.pulls[0]).toMatchObject({ title: 'modelgate: risk/fraud-detector: hold-only change: step 1 1% for 45m' });
    expect(github.pulls[0]!.body).toContain('| step 1 | 1% for 30m | 1% for 45m | longer hold |');

    await edit('policies/fraud-detector.yaml', '{ weight: 1%, hold: 45m }', '{ weight: 1%, hold: 50m }');
    expect(await cli(propose, ...REPO)).toBe(0);
    expect(stdout).toMatch(/^updated pull request #1/);
    expect(github.pulls).toHaveLength(1);
    expect(github.pulls[0]!.body).toContain('| step 1 | 1% for 30m | 1% for 50m | longer hold |');
    expect(onBranch(branch, 'generated/')).toEqual(await compiledOutput());
  });

  it('an absolute policy path commits the policy under its repository path', async () => {
    await edit('policies/churn-scorer.yaml', '{ weight: 50%, hold: 12h }', '{ weight: 50%, hold: 18h }');
    expect(await cli(propose, ...REPO, path.join(dir, 'policies'))).toBe(0);
    const branch = 'modelgate/update/default.churn-scorer';
    const files = github.branchFiles(branch);
    expect([...files.keys()].filter((file) => file.startsWith('/'))).toEqual([]);
    expect([...github.branchFiles('main').keys()].filter((file) => !files.has(file))).toEqual([]);
    expect(files.get('policies/churn-scorer.yaml')).toBe(await readFile('policies/churn-scorer.yaml', 'utf8'));
  });

  it('proposes nothing when main already holds the policies and their output', async () => {
    expect(await cli(propose, ...REPO)).toBe(0);
    expect(stdout).toBe('nothing to propose: main already holds these policies and their generated files\n');
    expect(github.pulls).toHaveLength(0);
  });

  it('reads the repository from GITHUB_REPOSITORY as Actions sets it', async () => {
    await edit('policies/churn-scorer.yaml', '{ weight: 50%, hold: 12h }', '{ weight: 50%, hold: 18h }');
    process.env.GITHUB_REPOSITORY = 'acme/models';
    expect(await cli(propose)).toBe(0);
    expect(github.pulls).toHaveLength(1);
  });

  it('reports a rejected token clearly and never prints it', async () => {
    await edit('policies/churn-scorer.yaml', '{ weight: 50%, hold: 12h }', '{ weight: 50%, hold: 18h }');
    process.env.GITHUB_TOKEN = `${TOKEN}x`;
    expect(await cli(propose, ...REPO)).toBe(2);
    expect(stderr).toBe('modelgate propose: GitHub rejected the token (401 Bad credentials): check GITHUB_TOKEN\n');
    expect(output).not.toContain(`${TOKEN}x`);
  });

  it('retries server errors, secondary rate limits and dropped connections', async () => {
    await edit('policies/churn-scorer.yaml', '{ weight: 50%, hold: 12h }', '{ weight: 50%, hold: 18h }');
    github.faults.add({ kind: 'status', status: 503, operationId: 'git/get-tree', times: 2 });
    github.faults.add({ kind: 'secondary-rate-limit', retryAfterSeconds: 2, operationId: 'git/create-tree', times: 1 });
    github.faults.add({ kind: 'drop-after', operationId: 'pulls/create', times: 1 });
    expect(await cli(propose, ...REPO)).toBe(0);
    expect(github.pulls).toHaveLength(1);
    expect(stdout).toMatch(/^opened pull request #1 /);
    expect(stderr).toMatch(/secondary rate limit on POST .*git\/trees; retrying in 2s/);
  });

  it('converges to one PR with the right content after a run that died between branch and PR', async () => {
    await edit('policies/churn-scorer.yaml', '{ weight: 50%, hold: 12h }', '{ weight: 50%, hold: 18h }');
    // From the moment the branch exists, GitHub answers nothing but errors: the run gives up there.
    github.afterApply = (operationId) => {
      if (operationId === 'git/create-ref') github.faults.add({ kind: 'status', status: 500, times: 1000 });
    };
    expect(await cli(propose, ...REPO)).toBe(2);
    expect(stderr).toMatch(/GitHub kept failing \(500\)/);
    expect(github.pulls).toHaveLength(0);
    github.afterApply = null;
    github.faults.clear();
    expect(await cli(propose, ...REPO)).toBe(0);
    expect(github.pulls).toHaveLength(1);
    expect(onBranch('modelgate/update/default.churn-scorer', 'generated/')).toEqual(await compiledOutput());
  });
});

describe('a propose process killed half-way', () => {
  it('is SIGKILLed after creating the branch, and the re-run converges to one PR with the right content', async () => {
    await edit('policies/churn-scorer.yaml', '{ weight: 50%, hold: 12h }', '{ weight: 50%, hold: 18h }');
    const register = path.join(repoRoot, 'test', 'support', 'fake-github', 'register-typescript.mjs');
    const child = spawn(process.execPath, ['--import', register, path.join(repoRoot, 'src', 'cli', 'main.ts'), 'propose', ...REPO], { cwd: dir, env: process.env });
    let childOutput = '';
    child.stdout.on('data', (chunk: Buffer) => (childOutput += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (childOutput += chunk.toString()));
    // Killed while GitHub applies the ref: the branch exists, the process never hears back.
    github.afterApply = (operationId) => {
      if (operationId === 'git/create-ref') child.kill('SIGKILL');
    };
    const signal = await new Promise((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
    github.afterApply = null;
    expect(signal).toBe('SIGKILL');
    expect(childOutput).not.toContain(TOKEN);
    expect(github.refs.has('refs/heads/modelgate/update/default.churn-scorer')).toBe(true);
    expect(github.pulls).toHaveLength(0);

    expect(await cli(propose, ...REPO)).toBe(0);
    expect(github.pulls).toHaveLength(1);
    expect(onBranch('modelgate/update/default.churn-scorer', 'generated/')).toEqual(await compiledOutput());
  }, 120_000);
});

describe('release commands', () => {
  it('rollback --propose opens an urgent PR that names the version serving traffic after merge', async () => {
    expect(await cli(rollback, 'risk/fraud-detector', '--propose', ...REPO)).toBe(0);
    expect(stdout).toContain('policies/fraud-detector.yaml: roll back fraud-detector from candidate 42 to 41: 100% of traffic on 41\n');
    expect(stdout).toContain('policies/fraud-detector.yaml: rollback to 41 is warm: stable keeps its 4 pods running throughout the release\n');
    const pr = github.pulls[0]!;
    expect(pr.title).toBe('[urgent] modelgate: roll back fraud-detector from candidate 42 to 41: 100% of traffic on 41');
    expect(pr.labels).toEqual(['modelgate', 'urgent', 'rollback']);
    expect(pr.body).toContain('**Urgent rollback. After merge, version 41 of risk/fraud-detector serves 100% of traffic; rollback to 41 is warm: stable keeps its 4 pods running throughout the release.**');
    const branch = github.branchFiles('modelgate/rollback/risk.fraud-detector');
    expect(branch.get('policies/fraud-detector.yaml')).not.toMatch(/candidate:/);
    // The edit is in place and compiled: the working tree matches the branch.
    expect(onBranch('modelgate/rollback/risk.fraud-detector', 'generated/')).toEqual(await compiledOutput());
  });

  it('rollback reads the output folder: with a withdrawn candidate carried there, the replaced stable may start cold', async () => {
    // Argo aborted 1731 and its fix 1732 replaced it at once (no `abort` edit); the fix is promoted.
    await edit('policies/recommender.yaml', '    candidate: 1731\n', '    candidate: 1732\n');
    await edit('policies/recommender.yaml', /^( +)"1731": (.*)\n/m, '$1"1731": $2\n$1"1732": { name: 2025.04.16, offlineMetrics: { ndcg_at_10: 0.418 } }\n');
    expect(await cli(compile, 'policies/')).toBe(0);
    expect(await cli(promote, 'feed/home-recommender')).toBe(0);
    expect(await readFile('generated/feed/home-recommender/tfserving/template-configmaps.yaml', 'utf8')).toMatch(/name: home-recommender-tfserving-1731-/);
    expect(await cli(rollback, 'feed/home-recommender', '--to', '1730')).toBe(0);
    expect(stdout).toContain('policies/recommender.yaml: rollback to 1730 may start cold: Argo Rollouts keeps one old ReplicaSet warm (scaleDownDelayRevisionLimit 1) and the withdrawn candidate 1731 ran after 1730;');
    expect(stdout).toContain('6 pods start and load version 1730 from gs://');
  });

  it('rollback refuses a version the policy does not retain, and changes nothing', async () => {
    const before = await readFile('policies/fraud-detector.yaml', 'utf8');
    expect(await cli(rollback, 'fraud-detector', '--to', '39')).toBe(1);
    expect(stderr).toMatch(/version 39 is not one the policy retains/);
    expect(await readFile('policies/fraud-detector.yaml', 'utf8')).toBe(before);
    expect(sh('status', '--porcelain')).toBe('');
  });

  it('promote edits the policy in place and regenerates the output', async () => {
    expect(await cli(promote, 'churn-scorer')).toBe(0);
    expect(sh('status', '--porcelain')).toMatch(/ M policies\/churn-scorer\.yaml/);
    expect(await cli(plan)).toBe(0);
    expect(stdout.split('\n')[0]).toBe('default/churn-scorer: candidate 8 promoted: 100% of traffic on 8; rollback target 8');
  });

  it('pause explains itself instead of editing anything', async () => {
    expect(await cli(pause, 'fraud-detector')).toBe(0);
    expect(stderr).toContain("the current\ncanary step lives in the Argo Rollout's status");
    expect(stdout).toContain('kubectl argo rollouts pause fraud-detector -n risk\n');
    expect(sh('status', '--porcelain')).toBe('');
  });
});

describe('rollback --live (fraud-detector is in label mode), against eight stand-in TF Serving pods', () => {
  let pods: TfServingStandIn[] = [];
  const standIn = () => new TfServingStandIn({ model: 'fraud_detector', versions: { 42: 'AVAILABLE', 41: 'AVAILABLE', 40: 'AVAILABLE' }, labels: { stable: 41, canary: 42 } }).start();
  beforeEach(async () => {
    pods = await Promise.all(Array.from({ length: 8 }, standIn));
    process.env.MODELGATE_ACTOR = 'oncall-ana';
  });
  afterEach(() => Promise.all(pods.map((pod) => pod.close())));
  const targets = () => ['--targets', pods.map((pod) => pod.address).join(',')];

  it('moves every pod\'s stable label, edits the policy and proposes the PR, with the audit line in output, commit and PR body', async () => {
    expect(await cli(rollback, 'risk/fraud-detector', '--live', '--to', '40', ...targets(), '--reason', 'score drift on | merchants', '--propose', ...REPO), stderr).toBe(0);
    for (const pod of pods) expect(Object.fromEntries(pod.labels)).toEqual({ stable: 40 });
    const audit = /^audit: oncall-ana moved the stable label of risk\/fraud-detector live from 41 to 40 at \d{4}-\d\d-\d\dT[0-9:.]+Z; reason: score drift on \| merchants$/m.exec(stdout)?.[0];
    expect(audit).toBeDefined();
    expect(stdout).toContain(`${pods[7]!.address}  stable → 40\n`);
    expect(stdout).toContain('the Rollout is mid-canary (candidate 42); stop it now with:\n  kubectl argo rollouts abort fraud-detector -n risk\n');
    expect(await readFile('policies/fraud-detector.yaml', 'utf8')).toMatch(/stable: 40\n/);
    const pr = github.pulls[0]!;
    expect(pr.labels).toEqual(['modelgate', 'urgent', 'rollback']);
    expect(pr.body).toContain(audit!.replace('|', '\\|'));
    const head = github.refs.get('refs/heads/modelgate/rollback/risk.fraud-detector')!;
    expect(github.objects.commits.get(head)!.message).toContain(audit);
  });

  it('refuses --live for a policy without version labels, touching nothing', async () => {
    expect(await cli(rollback, 'churn-scorer', '--live', ...targets())).toBe(2);
    expect(stderr).toContain('--live moves TF Serving version labels, and default/churn-scorer has none');
    expect(pods.every((pod) => pod.statusReads === 0)).toBe(true);
  });

  it('with one pod unreachable: exit 1, which pod serves what, no edit, no PR; the rerun finishes', async () => {
    const address = pods[6]!.address;
    await pods[6]!.close();
    expect(await cli(rollback, 'fraud-detector', '--live', '--to', '40', '--targets', pods.map((pod) => pod.address).join(','), '--timeout', '1')).toBe(1);
    expect(stderr).toContain(`${address}: status unreadable (UNAVAILABLE`);
    expect(stdout).toContain(`${pods[0]!.address}  stable → 41\n`);
    expect(stdout).toMatch(new RegExp(`${address}  stable → unknown`));
    expect(sh('status', '--porcelain')).toBe('');
    pods[6] = await standIn();
    expect(await cli(rollback, 'fraud-detector', '--live', '--to', '40', ...targets())).toBe(0);
    for (const pod of pods) expect(pod.label('stable')).toBe(40);
  });
});
