/**
 * Inputs built to exhaust time or memory get a clear error, in a child process whose heap is
 * capped and whose run is cut off by a hang guard: the cap and the guard turn "slow" or "huge"
 * into a failed test instead of a stuck CI machine.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { repoRoot } from '../support/tools.js';
import { requireBuiltCli, runCli, STACK_FRAME } from './run-cli.js';

const example = readFileSync(path.join(repoRoot, 'policies', 'fraud-detector.yaml'), 'utf8');
const root = mkdtempSync(path.join(tmpdir(), 'modelgate-limits-'));
// A project root (the files below sit beside policies/, not in it).
mkdirSync(path.join(root, 'policies'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function withSteps(count: number): string {
  const steps = Array.from({ length: count }, (_, i) => `      - { weight: ${Math.min(100, 1 + Math.floor(i / 1000))}%, hold: 1m }`).join('\n');
  return example.replace(/    steps:\n(      - .*\n)+/, `    steps:\n${steps}\n`);
}

function withPrevious(count: number): string {
  return example.replace('previous: [40, 39]', `previous: [${Array.from({ length: count }, (_, i) => 100 + i).join(', ')}]`);
}

/** Nine aliases of nine aliases of nine…: 9^9 strings once expanded. */
const aliasBomb = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]', ...'bcdefghi'.split('').map((name, i) => `${name}: &${name} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(', ')}]`)].join('\n');

const CASES: Array<{ name: string; text: string; rule: string; message: RegExp }> = [
  { name: 'a YAML alias bomb', text: aliasBomb, rule: 'yaml-aliases', message: /aliases expand too far/ },
  { name: '10k-deep flow brackets', text: `${'['.repeat(10_000)}${']'.repeat(10_000)}\n`, rule: 'too-deep', message: /too deep/ },
  { name: '10k-deep flow mappings', text: `${'{a: '.repeat(10_000)}1${'}'.repeat(10_000)}\n`, rule: 'too-deep', message: /too deep/ },
  { name: '10k-deep block sequences on one line', text: `${'- '.repeat(10_000)}x\n`, rule: 'too-deep', message: /too deep/ },
  { name: 'a 4 MB file', text: `# ${'x'.repeat(4 * 1024 * 1024)}\n${example}`, rule: 'file-too-large', message: /at most 262144/ },
  { name: 'a 250 kB apiVersion, quoted back only in part', text: `apiVersion: "${'a'.repeat(250_000)}"\n`, rule: 'unknown-api-version', message: /^unknown apiVersion `a{77}…`$/ },
  { name: 'a 100k-step schedule', text: withSteps(100_000), rule: 'file-too-large', message: /at most/ },
  { name: 'a 101-step schedule', text: withSteps(101), rule: 'schema', message: /`steps` may have at most 100 items/ },
  { name: 'a 100k-entry versions.previous', text: withPrevious(100_000), rule: 'file-too-large', message: /at most/ },
  { name: 'a 101-entry versions.previous', text: withPrevious(101), rule: 'schema', message: /`previous` may have at most 100 items/ },
];

describe.skipIf(!requireBuiltCli())('limits: a clear error within bounded time and memory', () => {
  for (const { name, text, rule, message } of CASES) {
    it(`${name} → ${rule}`, () => {
      const file = path.join(root, `${rule}-${name.replace(/\W+/g, '-')}.yaml`);
      writeFileSync(file, text);
      const run = runCli(['validate', '--format', 'json', file], { cwd: root, timeoutMs: 30_000, maxOldSpaceMb: 96 });
      expect(run.signal, `killed by the hang guard or heap cap: ${run.stderr.slice(0, 500)}`).toBeNull();
      expect(run.stderr).not.toMatch(STACK_FRAME);
      expect(run.status, run.stderr.slice(0, 500)).toBe(1);
      const diagnostics = JSON.parse(run.stdout) as Diagnostic[];
      const found = diagnostics.find((d) => d.rule === rule);
      expect(found, JSON.stringify(diagnostics).slice(0, 500)).toBeDefined();
      expect(found!.message).toMatch(message);
      expect(found!.line).toBeGreaterThanOrEqual(1);
    });
  }
});

/**
 * Many findings in one file: validation was quadratic in them (a key lookup per diagnostic, a
 * pairwise duplicate-key check, a copy of the rest of the file per YAML error), so 7,000 bad
 * steps took 50 s. The hang guard turns a relapse into a failure; `npm run bench` measures it.
 */
describe.skipIf(!requireBuiltCli())('limits: many findings in one file', () => {
  const manyBadSteps = example.replace(/    steps:\n(      - .*\n)+/, `    steps:\n${'      - { weight: 0, x: 1 }\n'.repeat(7_000)}`);
  const manyUnknownKeys = `${example}${Array.from({ length: 20_000 }, (_, i) => `  k${i}: 1\n`).join('')}`;

  it.each([
    ['7,000 bad steps', manyBadSteps, 'schema', 7_000],
    ['20,000 unknown keys', manyUnknownKeys, 'schema', 20_000],
  ])('%s: every finding in JSON, the first 100 and a count of the rest for people', (name, text, rule, atLeast) => {
    const file = path.join(root, `${name.replace(/\W+/g, '-')}.yaml`);
    writeFileSync(file, text);
    const json = runCli(['validate', '--format', 'json', file], { cwd: root, timeoutMs: 30_000, maxOldSpaceMb: 512 });
    expect(json.signal, 'killed by the hang guard or heap cap').toBeNull();
    const diagnostics = JSON.parse(json.stdout) as Diagnostic[];
    expect(diagnostics.filter((d) => d.rule === rule).length).toBeGreaterThanOrEqual(atLeast);
    const human = runCli(['validate', file], { cwd: root, timeoutMs: 30_000, maxOldSpaceMb: 512 });
    expect(human.signal, 'killed by the hang guard or heap cap').toBeNull();
    const lines = human.stdout.split('\n');
    // Paths are shown from the project root, the scratch folder here.
    const shown = path.basename(file);
    expect(lines.filter((line) => line.startsWith(`${shown}:`) && /: (error|warning) \[/.test(line))).toHaveLength(100);
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    expect(lines).toContain(`${shown}: ${diagnostics.length - 100} more (${errors - 100} errors, ${diagnostics.length - errors} other) not shown; --format json lists every one`);
  });
});
