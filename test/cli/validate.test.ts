/**
 * The built CLI, run as users and CI run it (the `bin`, which `npm test` builds before vitest): the examples
 * pass, and a broken copy of each example fails with the same findings in all three formats.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliMain as cli } from '../security/run-cli.js';
import { repoRoot } from '../support/tools.js';

async function modelgate(cwd: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [cli, ...args], { cwd });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** Each example with one or two realistic mistakes; `at` names the text a finding points at. */
const BREAKS = [
  { file: 'churn-scorer.yaml', edits: [['weight: 50%, hold: 12h', 'weight: fifty, hold: 12h']] },
  // Without its timeout and retries and its label mode, fraud-detector's warnings (managed-routes-drop-timeouts,
  // version-labels-memory) go, so only errors remain.
  { file: 'fraud-detector.yaml', edits: [['auc: 0.947', 'auc: 0.93'], ['    to: 41', '    to: 38'], ['    timeout: 300ms\n    retries: { attempts: 2, perTryTimeout: 100ms }\n', ''], ['    versionLabels: true\n', '']] },
  { file: 'recommender.yaml', edits: [['header: x-user-id', 'header: X-User-Id'], ['weight: 25%, hold: 30m', 'weight: 60%, hold: 30m']] },
  { file: 'search-ranker.yaml', edits: [['host: search-ranker.search.svc.cluster.local', 'host: fraud-detector.risk.svc.cluster.local']] },
] as const;

const texts = new Map<string, string>();
/** 1-based line and column of `needle` (the `occurrence`-th) in a broken file. */
function at(file: string, needle: string, occurrence = 1): { line: number; column: number } {
  const text = texts.get(file)!;
  let offset = -1;
  for (let i = 0; i < occurrence; i++) offset = text.indexOf(needle, offset + 1);
  if (offset < 0) throw new Error(`${needle} not in ${file}`);
  const before = text.slice(0, offset);
  return { line: before.split('\n').length, column: offset - before.lastIndexOf('\n') };
}

let dir: string;
let expected: Array<{ file: string; line: number; column: number; rule: string; message: string; hint: string }>;

beforeAll(async () => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: build first with \`npx tsc -p .\` (\`npm test\` does)`);
  dir = await mkdtemp(path.join(tmpdir(), 'modelgate-validate-'));
  await cp(path.join(repoRoot, 'policies'), path.join(dir, 'policies'), { recursive: true });
  // The examples are written for the repository's platform profile (storage credentials, GPU, requests, notification services).
  await cp(path.join(repoRoot, 'modelgate.config.yaml'), path.join(dir, 'modelgate.config.yaml'));
  for (const { file, edits } of BREAKS) {
    let text = await readFile(path.join(dir, 'policies', file), 'utf8');
    for (const [from, to] of edits) {
      expect(text, `${file} still contains ${from}`).toContain(from);
      text = text.replace(from, to);
    }
    texts.set(file, text);
    await writeFile(path.join(dir, 'policies', file), text);
  }
  const p = (file: string) => `policies/${file}`;
  expected = [
    { file: p('churn-scorer.yaml'), ...at('churn-scorer.yaml', 'weight: fifty'), rule: 'schema', message: '`weight` must be a whole percentage like 5% or a whole number 0–100', hint: 'found "fifty"' },
    { file: p('fraud-detector.yaml'), ...at('fraud-detector.yaml', '{ metric: auc'), rule: 'offline-metrics-not-worse', message: "candidate 42 has auc 0.93, worse than stable 41's 0.941 by 0.011 (higher is better; tolerance 0)", hint: 'retrain or investigate before releasing, or raise `tolerance` if this difference is acceptable' },
    { file: p('fraud-detector.yaml'), ...at('fraud-detector.yaml', 'to: 38'), rule: 'retention-covers-rollback', message: 'rollback target 38 is neither stable (41) nor listed in `versions.previous`', hint: 'add 38 to `versions.previous` so it stays on disk, or roll back to 41' },
    { file: p('recommender.yaml'), ...at('recommender.yaml', 'header: X-User-Id'), rule: 'header-names', message: 'header `X-User-Id` has uppercase letters; Istio matches lowercase header names, so it would never match', hint: 'write `x-user-id`' },
    { file: p('recommender.yaml'), ...at('recommender.yaml', 'weight: 50%'), rule: 'canary-steps-increasing', message: "step 4 weight 50% is not above the previous step's 60%", hint: 'each step must send more traffic to the candidate than the one before' },
    { file: p('search-ranker.yaml'), ...at('search-ranker.yaml', 'host: fraud-detector'), rule: 'unique-hosts', message: 'host `fraud-detector.risk.svc.cluster.local` is already routed by policies/fraud-detector.yaml', hint: 'each model needs its own host; two VirtualServices for one host conflict in Istio' },
  ];
});
afterAll(() => (dir ? rm(dir, { recursive: true, force: true }) : undefined));

describe('modelgate validate (built CLI)', () => {
  it('passes the example policies, from the default policies/ folder', async () => {
    const result = await modelgate(repoRoot, 'validate');
    // fraud-detector's shadow runs without its timeout and retries (managed-routes-drop-timeouts), and
    // its label mode states its memory cost (version-labels-memory).
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('warning [managed-routes-drop-timeouts]');
    expect(result.stdout).toContain('warning [version-labels-memory]');
    expect(result.stdout.endsWith(`0 errors, 2 warnings in 4 files\n`)).toBe(true);
  });

  it('json: exactly the expected findings, exit 1', async () => {
    const result = await modelgate(dir, 'validate', '--format', 'json', 'policies/');
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual(expected.map((d) => ({ file: d.file, line: d.line, column: d.column, severity: 'error', rule: d.rule, message: d.message, hint: d.hint })));
  });

  it('human: file:line:col, rule, message, hint and a summary line, exit 1', async () => {
    const result = await modelgate(dir, 'validate', 'policies');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      expected.map((d) => `${d.file}:${d.line}:${d.column}: error [${d.rule}] ${d.message}\n    hint: ${d.hint}\n`).join('') + `${expected.length} errors, 0 warnings in 4 files\n`,
    );
  });

  it('github: one escaped ::error annotation per finding, exit 1', async () => {
    const result = await modelgate(dir, 'validate', '--format', 'github');
    expect(result.code).toBe(1);
    const escape = (text: string) => text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
    expect(result.stdout).toBe(expected.map((d) => `::error file=${d.file},line=${d.line},col=${d.column},title=${d.rule}::${escape(`${d.message}\n${d.hint}`)}\n`).join(''));
    expect(result.stdout).toContain('5%25 or a whole number');
  });

  it('exits 2 with a message for a missing path, an unknown format and an unknown flag', async () => {
    for (const args of [['validate', 'nowhere/'], ['validate', '--format', 'xml'], ['validate', '--strict']]) {
      const result = await modelgate(dir, ...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/^modelgate validate: .+\nRun 'modelgate validate --help' for usage\.\n$/);
    }
  });

  it('modelgate schema prints the schema file', async () => {
    const result = await modelgate(dir, 'schema');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(JSON.parse(await readFile(path.join(repoRoot, 'schemas', 'release-policy.schema.json'), 'utf8')));
  });
});
