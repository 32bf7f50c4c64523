/**
 * The CLI on hostile input: `validate` and `compile` exit 0, 1 or 2, print no stack trace and
 * report no internal error, whatever the policy files hold. A process timeout guards against hangs.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FUZZ_SEED, FUZZ_TIMEOUT_MS, fuzzRuns, mutatedPolicy, randomBytes, randomDocument } from '../support/arbitraries.js';
import { requireBuiltCli, runCli, STACK_FRAME } from '../security/run-cli.js';

const anyPolicyFile: fc.Arbitrary<Uint8Array> = fc.oneof(
  randomBytes,
  randomDocument.map((text) => new TextEncoder().encode(text)),
  mutatedPolicy().map(({ text }) => new TextEncoder().encode(text)),
);

describe.skipIf(!requireBuiltCli())('modelgate validate and compile on hostile files', () => {
  it('exit 0, 1 or 2 with no stack trace and no internal error', () => {
    fc.assert(
      fc.property(fc.array(anyPolicyFile, { minLength: 1, maxLength: 3 }), fc.constantFrom('validate', 'compile'), (files, command) => {
        const root = mkdtempSync(path.join(tmpdir(), 'modelgate-cli-fuzz-'));
        try {
          mkdirSync(path.join(root, 'policies'));
          files.forEach((bytes, i) => writeFileSync(path.join(root, 'policies', `p${i}.yaml`), bytes));
          const run = runCli([command, 'policies', ...(command === 'compile' ? ['--out', 'generated'] : [])], { cwd: root });
          const output = `${run.stdout}\n${run.stderr}`;
          expect(run.signal, 'the hang guard killed it').toBeNull();
          expect([0, 1, 2], output).toContain(run.status);
          expect(output).not.toMatch(STACK_FRAME);
          expect(output).not.toMatch(/internal error/);
        } finally {
          rmSync(root, { recursive: true, force: true });
        }
      }),
      { seed: FUZZ_SEED, numRuns: fuzzRuns(10, 100) },
    );
  }, FUZZ_TIMEOUT_MS ?? 300_000);
});
