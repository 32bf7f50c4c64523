/**
 * Output is byte-identical whichever way it is reached: with the per-process caches cold or warm
 * (memoized noncentralities, lazily compiled validators), and with the policy set compiled whole
 * or in batches (what a split over worker threads relies on). Uses the benchmark's policy set.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error bench/ is plain JavaScript without declarations
import { writePolicySet } from '../../bench/policy-set.mjs';
import { compileSources } from '../../src/compile/compile.js';
import { hasErrors } from '../../src/diagnostics/diagnostic.js';

const work = mkdtempSync(join(tmpdir(), 'modelgate-identity-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const policyFiles = (writePolicySet(work, 24) as string[]).map((file) => ({ file, bytes: new Uint8Array(readFileSync(file)) }));
const profile = { file: 'modelgate.config.yaml', bytes: new Uint8Array(readFileSync(join(work, 'modelgate.config.yaml'))) };
const compileAll = (files: typeof policyFiles) => compileSources(files, { sourceRoot: work, profile });

describe('compiled output does not depend on the path taken', () => {
  // First in this process: every cache is cold.
  const cold = compileAll(policyFiles);

  it('compiles the synthetic set without errors into many files', () => {
    expect(hasErrors(cold.diagnostics)).toBe(false);
    expect(cold.policies).toHaveLength(policyFiles.length);
    // About ten per policy since the second forms (rules.yaml, dashboard.json) are off by default.
    expect(cold.files.size).toBeGreaterThan(policyFiles.length * 9);
  });

  it('gives the same bytes with warm caches', () => {
    expect([...compileAll(policyFiles).files]).toEqual([...cold.files]);
  });

  it('gives the same bytes compiled in batches as in one run', () => {
    const batches = [policyFiles.slice(0, 7), policyFiles.slice(7, 16), policyFiles.slice(16)];
    const merged = new Map(batches.flatMap((batch) => [...compileAll(batch).files]));
    expect([...merged].sort(([a], [b]) => (a < b ? -1 : 1))).toEqual([...cold.files].sort(([a], [b]) => (a < b ? -1 : 1)));
  });
});
