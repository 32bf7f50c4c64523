/**
 * One CLI, one way of doing things: every command names a policy the same way, every misspelt
 * command or flag gets a suggestion in modelgate's words, release commands check what --propose
 * needs before they touch a file, and the tool never warns about output it just wrote itself.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { beforeEach, describe, expect, it } from 'vitest';
import { ScenarioSyntaxError } from '../../src/simulate/scenario.js';
import { runReleaseAction } from '../../src/gitops/release-action.js';
import { loadPolicy } from '../../src/load/load.js';
import { validateSources } from '../../src/validate/validate.js';
import { requireBuiltCli, runCli } from '../security/run-cli.js';
import { repoRoot } from '../support/tools.js';
import { exampleProfile } from '../gates/example-policies.js';

/** A project like the README's: the example policies and their generated output. */
function project(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'modelgate-cli-'));
  cpSync(path.join(repoRoot, 'policies'), path.join(root, 'policies'), { recursive: true });
  // The examples are written for the repository's platform profile (storage credentials, GPU, requests).
  cpSync(path.join(repoRoot, 'modelgate.config.yaml'), path.join(root, 'modelgate.config.yaml'));
  cpSync(path.join(repoRoot, 'generated'), path.join(root, 'generated'), { recursive: true });
  return root;
}

const NODE_PARSER_TEXT = /To specify a positional argument|ERR_PARSE_ARGS|Unknown option '/;

describe.skipIf(!requireBuiltCli())('the command line', () => {
  let root: string;
  beforeEach(() => {
    root = project();
  });

  // One verdict: validate runs every check compile runs on a policy, including the ones that
  // compare with the release running now (tfserving-label-order), so a policy never passes
  // validate and then fails compile or plan.
  it.each([
    ['a candidate TF Serving does not load yet', 'policies/fraud-detector.yaml', 'candidate: 42', 'candidate: 43'],
    ['a schema error', 'policies/churn-scorer.yaml', 'weight: 50%, hold: 12h', 'weight: fifty, hold: 12h'],
    ['a rule error', 'policies/recommender.yaml', 'header: x-user-id', 'header: X-User-Id'],
    ['a host two policies route', 'policies/search-ranker.yaml', 'host: search-ranker.search.svc.cluster.local', 'host: fraud-detector.risk.svc.cluster.local'],
  ])('validate and compile reach one verdict on %s', (_what, file, from, to) => {
    const text = readFileSync(path.join(root, file), 'utf8');
    expect(text).toContain(from);
    writeFileSync(path.join(root, file), text.replace(from, to));
    const validate = runCli(['validate', '--format', 'json'], { cwd: root });
    const compile = runCli(['compile', '--check', '--format', 'json'], { cwd: root });
    const policyFindings = (run: { stdout: string }) => (JSON.parse(run.stdout) as Array<{ file: string }>).filter((d) => d.file.startsWith('policies/'));
    expect(validate.status).toBe(1);
    expect(compile.status).toBe(1);
    expect(policyFindings(validate).length).toBeGreaterThan(0);
    expect(policyFindings(validate)).toEqual(policyFindings(compile));
  });

  it('suggests the command meant, never a stack or the argument parser text', () => {
    const run = runCli(['validat'], { cwd: root });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("unknown command 'validat'; did you mean 'validate'?");
  });

  it.each([
    [['validate', '--formt', 'json'], 'unknown option --formt; did you mean --format?'],
    [['compile', '--ot', 'x'], 'unknown option --ot; did you mean --out?'],
    [['rollback', 'fraud-detector', '--too', '40'], 'unknown option --too; did you mean --to?'],
    [['plan', '--format'], '--format needs a value'],
    [['compile', '--check=yes'], '--check takes no value'],
  ])('%j → %s', (args, message) => {
    const run = runCli(args, { cwd: root });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).not.toMatch(NODE_PARSER_TEXT);
  });

  it('simulate takes a policy by name as well as by file, and lists the names when one is unknown', () => {
    const metrics = 'policies/scenarios/fraud-detector/healthy.json';
    const byFile = runCli(['simulate', 'policies/fraud-detector.yaml', '--metrics', metrics], { cwd: root });
    const byName = runCli(['simulate', 'fraud-detector', '--metrics', metrics], { cwd: root });
    const byQualified = runCli(['simulate', 'risk/fraud-detector', '--metrics', metrics], { cwd: root });
    expect(byFile.status).toBe(0);
    expect(byName).toEqual(byFile);
    expect(byQualified).toEqual(byFile);
    const unknown = runCli(['simulate', 'frud-detector', '--metrics', metrics], { cwd: root });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("no policy named 'frud-detector' under policies/; did you mean 'fraud-detector'? (policies: churn-scorer, fraud-detector, home-recommender, search-ranker)");
  });

  it('rollback --to takes a version name from versions.info and does exactly what the number does', () => {
    const other = project();
    const byName = runCli(['rollback', 'fraud-detector', '--to', '1.3.2-20250301'], { cwd: root });
    const byNumber = runCli(['rollback', 'fraud-detector', '--to', '40'], { cwd: other });
    expect(byName.status).toBe(0);
    expect(byName.stdout).toContain('to 40: 100% of traffic on 40');
    expect(readFileSync(path.join(root, 'policies/fraud-detector.yaml'), 'utf8')).toBe(readFileSync(path.join(other, 'policies/fraud-detector.yaml'), 'utf8'));
    const unknown = runCli(['rollback', 'fraud-detector', '--to', '1.9.9'], { cwd: root });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/'1\.9\.9' is neither a version number nor a name in versions\.info \(names: 1\.3\.2-20250301 \(40\), 1\.3\.3-20250320 \(41\)/);
  });

  it('rollback --propose refuses before editing anything when --repo or the token is missing', () => {
    const before = readFileSync(path.join(root, 'policies/fraud-detector.yaml'));
    const env = { ...process.env };
    delete process.env.GITHUB_TOKEN;
    delete process.env.GITHUB_REPOSITORY;
    try {
      const noRepo = runCli(['rollback', 'fraud-detector', '--propose'], { cwd: root });
      expect(noRepo.status).toBe(2);
      expect(noRepo.stderr).toContain('pass --repo OWNER/NAME (or set GITHUB_REPOSITORY); nothing was edited');
      const noToken = runCli(['rollback', 'fraud-detector', '--propose', '--repo', 'acme/models'], { cwd: root });
      expect(noToken.status).toBe(2);
      expect(noToken.stderr).toMatch(/GITHUB_TOKEN.*nothing was edited/);
    } finally {
      process.env = env;
    }
    expect(readFileSync(path.join(root, 'policies/fraud-detector.yaml'))).toEqual(before);
  });

  it('compile on a folder with no policies fails as validate does, and writes nothing', () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'modelgate-empty-'));
    cpSync(path.join(repoRoot, 'policies', 'scenarios'), path.join(empty, 'policies', 'scenarios'), { recursive: true });
    const validate = runCli(['validate'], { cwd: empty });
    const compile = runCli(['compile'], { cwd: empty });
    expect(validate.status).toBe(2);
    expect(compile.status).toBe(2);
    expect(compile.stderr).toContain('no policy files (*.yaml, *.yml) in policies/');
    expect(existsSync(path.join(empty, 'generated'))).toBe(false);
  });

  it("pause POLICY prints the kubectl line for that policy's Rollout as compiled", () => {
    const run = runCli(['pause', 'fraud-detector'], { cwd: root });
    const rollout = parse(readFileSync(path.join(root, 'generated/risk/fraud-detector/rollout/rollout.yaml'), 'utf8')) as { kind: string; metadata: { name: string; namespace: string } };
    expect(run.status).toBe(0);
    expect(rollout.kind).toBe('Rollout');
    expect(run.stdout.split('\n')[0]).toBe(`kubectl argo rollouts pause ${rollout.metadata.name} -n ${rollout.metadata.namespace}`);
    expect(runCli(['pause'], { cwd: root }).status).toBe(2);
  });

  it('schema --write puts the schema where a policy’s yaml-language-server line looks for it', () => {
    const adopter = mkdtempSync(path.join(tmpdir(), 'modelgate-adopter-'));
    const printed = runCli(['schema'], { cwd: adopter });
    const write = runCli(['schema', '--write'], { cwd: adopter });
    expect(write.status).toBe(0);
    const pointer = /\$schema=(\S+)/.exec(readFileSync(path.join(repoRoot, 'policies/churn-scorer.yaml'), 'utf8'))![1]!;
    expect(readFileSync(path.resolve(adopter, 'policies', pointer), 'utf8')).toBe(printed.stdout);
    expect(runCli(['schema', '--write', '--to', 'editor/policy.json'], { cwd: adopter }).status).toBe(0);
    expect(readFileSync(path.join(adopter, 'editor/policy.json'), 'utf8')).toBe(printed.stdout);
    expect(runCli(['schema', '--to', 'x.json'], { cwd: adopter }).status).toBe(2);
  });

  it('simulate reports a scenario that is not JSON at its line and column', () => {
    writeFileSync(path.join(root, 'broken.json'), '{\n  "description": "x",\n  "minutes" 30\n}\n');
    const run = runCli(['simulate', 'fraud-detector', '--metrics', 'broken.json'], { cwd: root });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^modelgate simulate: broken\.json:3:13: scenario is not valid JSON: /);
  });
});

describe('positions and messages', () => {
  it('a scenario cut short is reported where the text ends', () => {
    const error = new ScenarioSyntaxError('{\n  "a": [1,', 'Unexpected end of JSON input');
    expect([error.line, error.column, error.message]).toEqual([2, 11, 'scenario is not valid JSON: Unexpected end of JSON input']);
  });

  it('a tab-indented file gets one message that says tabs, at the first tab', () => {
    const text = readFileSync(path.join(repoRoot, 'policies/churn-scorer.yaml'), 'utf8').replace(/^( +)/gm, (spaces) => '\t'.repeat(spaces.length / 2));
    const lines = text.split('\n');
    const first = lines.findIndex((line) => line.startsWith('\t')) + 1;
    const tabbed = lines.filter((line) => line.startsWith('\t')).length;
    const { diagnostics } = loadPolicy('churn-scorer.yaml', new TextEncoder().encode(text));
    expect(diagnostics).toEqual([
      {
        file: 'churn-scorer.yaml',
        line: first,
        column: 1,
        severity: 'error',
        rule: 'yaml-syntax',
        message: `the file is indented with tabs on ${tabbed} lines, the first here; YAML indents with spaces only`,
        hint: 'replace each tab at the start of a line with spaces, two per level',
      },
    ]);
  });
});

describe('no warnings about the tool’s own output', () => {
  const examples = ['fraud-detector.yaml', 'recommender.yaml', 'churn-scorer.yaml', 'search-ranker.yaml'];
  const actions = [{ action: 'rollback', to: null }, { action: 'promote' }, { action: 'abort' }] as const;
  const profile = exampleProfile();
  const warnings = (file: string, text: string | Uint8Array) =>
    validateSources([{ file, bytes: typeof text === 'string' ? new TextEncoder().encode(text) : text }], profile).diagnostics.map((d) => `${d.rule}: ${d.message}`);

  it.each(examples.flatMap((file) => actions.map((edit) => [file, edit.action, edit] as const)))('%s after %s warns of nothing it did not warn of before', (file, _action, edit) => {
    const bytes = new Uint8Array(readFileSync(path.join(repoRoot, 'policies', file)));
    const result = runReleaseAction(`policies/${file}`, bytes, edit, profile);
    if (!result.ok) return expect(result.message).toMatch(/no candidate|nothing to roll back/);
    const before = new Set(warnings(file, bytes));
    expect(warnings(file, result.text).filter((warning) => !before.has(warning))).toEqual([]);
  });

  it('a policy at rest validates without a word', () => {
    expect(warnings('search-ranker.yaml', readFileSync(path.join(repoRoot, 'policies/search-ranker.yaml')))).toEqual([]);
  });
});
