/**
 * Nothing a policy says, and nothing planted next to the output folder, makes modelgate write
 * outside `generated/`: path-like names are rejected at their field, and symlinks where the
 * atomic write stages or parks a tree are never followed.
 */
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { repoRoot } from '../support/tools.js';
import { requireBuiltCli, runCli, STACK_FRAME } from './run-cli.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'modelgate-paths-'));
  mkdirSync(path.join(root, 'policies'));
  // At rest: a new policy with a candidate is refused (first-deploy-at-rest) before any write.
  // The examples are written for the repository's platform profile (storage credentials, GPU, requests).
  writeFileSync(path.join(root, 'modelgate.config.yaml'), readFileSync(path.join(repoRoot, 'modelgate.config.yaml')));
  writeFileSync(path.join(root, 'policies', 'fraud-detector.yaml'), readFileSync(path.join(repoRoot, 'policies', 'fraud-detector.yaml'), 'utf8').replace('    candidate: 42\n', ''));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** Every path under `dir`, links not followed. */
function listing(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

const HOSTILE_NAMES = ['..', '../../etc', 'a/b', '/etc/cron.d', 'a\\b'];

describe.skipIf(!requireBuiltCli())('paths', () => {
  for (const key of ['name', 'namespace'] as const) {
    it(`metadata.${key} that is a path is rejected at its line and nothing is written`, () => {
      const file = path.join(root, 'policies', 'fraud-detector.yaml');
      const original = readFileSync(file, 'utf8');
      const line = original.split('\n').findIndex((l) => l.startsWith(`  ${key}: `)) + 1;
      for (const hostile of HOSTILE_NAMES) {
        writeFileSync(file, original.replace(new RegExp(`^  ${key}: .*$`, 'm'), `  ${key}: ${JSON.stringify(hostile)}`));
        const before = listing(root);
        const run = runCli(['compile', 'policies', '--out', 'generated', '--format', 'json'], { cwd: root });
        expect(run.status, run.stderr).toBe(1);
        expect(run.stderr).not.toMatch(STACK_FRAME);
        const diagnostics = JSON.parse(run.stdout) as Diagnostic[];
        expect(diagnostics.filter((d) => d.severity === 'error' && d.line === line).length, `${JSON.stringify(hostile)}: ${run.stdout}`).toBeGreaterThan(0);
        expect(listing(root)).toEqual(before);
      }
    }, 300_000);
  }

  it('never writes through symlinks planted where the atomic write stages or parks trees', () => {
    const outside = path.join(root, 'outside');
    mkdirSync(outside);
    writeFileSync(path.join(outside, 'keep.txt'), 'untouched\n');
    for (const planted of ['.generated.modelgate-staging', '.generated.modelgate-old']) {
      symlinkSync(outside, path.join(root, planted));
      const run = runCli(['compile', 'policies', '--out', 'generated'], { cwd: root });
      expect(run.stderr).not.toMatch(STACK_FRAME);
      expect([0, 2], run.stderr).toContain(run.status);
      expect(listing(outside), planted).toEqual(['keep.txt']);
      expect(readFileSync(path.join(outside, 'keep.txt'), 'utf8')).toBe('untouched\n');
      if (run.status === 0) expect(lstatSync(path.join(root, 'generated')).isDirectory()).toBe(true);
      rmSync(path.join(root, planted), { force: true });
      rmSync(path.join(root, 'generated'), { recursive: true, force: true });
    }
    expect(existsSync(outside)).toBe(true);
  }, 300_000);
});
