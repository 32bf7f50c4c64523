/**
 * Any input — random bytes, random YAML structures, example policies with mutated values, keys
 * and structure — gives diagnostics, never an exception; and every policy the validator accepts
 * compiles with no internal error, i.e. its output passes every output check.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileSources } from '../../src/compile/compile.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { FUZZ_SEED, FUZZ_TIMEOUT_MS, fuzzRuns, mutatedPolicy, randomBytes, randomDocument } from '../support/arbitraries.js';
import { PROMETHEUS_RULE_SUFFIX, ruleFileOf } from '../support/prometheus-rule-file.js';
import { repoRoot, requireTool } from '../support/tools.js';
import { exampleProfile } from '../gates/example-policies.js';

function compileText(bytes: Uint8Array) {
  return compileSources([{ file: 'policies/fuzz.yaml', bytes }], { sourceRoot: repoRoot, profile: exampleProfile() });
}

function expectWellFormed(diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) {
    expect(d.file).toBe('policies/fuzz.yaml');
    expect(Number.isInteger(d.line) && d.line >= 1, `line of ${d.rule}`).toBe(true);
    expect(Number.isInteger(d.column) && d.column >= 1, `column of ${d.rule}`).toBe(true);
    expect(d.rule).toMatch(/^[a-z0-9-]+$/);
    expect(d.message.trim()).not.toBe('');
  }
}

/** Compiles without throwing; only a user mistake is reported, never a compiler bug. */
function expectDiagnosticsOnly(bytes: Uint8Array): ReturnType<typeof compileText> {
  const result = compileText(bytes);
  expectWellFormed(result.diagnostics);
  const internal = result.diagnostics.filter((d) => d.rule === 'internal');
  expect(internal, new TextDecoder().decode(bytes)).toEqual([]);
  expect(result.internalError).toBe(false);
  const accepted = result.policies.length === 1;
  expect(accepted ? result.files.size > 0 : result.diagnostics.some((d) => d.severity === 'error')).toBe(true);
  return result;
}

describe('any input gives diagnostics, never an exception or an internal error', () => {
  it('random bytes and damaged example policies', () => {
    fc.assert(fc.property(randomBytes, (bytes) => void expectDiagnosticsOnly(bytes)), { seed: FUZZ_SEED, numRuns: fuzzRuns(300) });
  }, FUZZ_TIMEOUT_MS);

  it('random YAML structures', () => {
    fc.assert(fc.property(randomDocument, (text) => void expectDiagnosticsOnly(new TextEncoder().encode(text))), { seed: FUZZ_SEED, numRuns: fuzzRuns(300) });
  }, FUZZ_TIMEOUT_MS);

  it('example policies with values, keys and structure mutated', () => {
    fc.assert(fc.property(mutatedPolicy(), ({ text }) => void expectDiagnosticsOnly(new TextEncoder().encode(text))), { seed: FUZZ_SEED, numRuns: fuzzRuns(300) });
  }, FUZZ_TIMEOUT_MS);
});

const promtool = requireTool('promtool');
const protoc = requireTool('protoc');
const protoDir = path.join(repoRoot, 'test', 'fixtures', 'tfserving');

/** Output files of mutated policies the validator accepts, for the slower real-tool checks. */
function acceptedOutputs(count: number): Array<[string, string]> {
  const outputs: Array<[string, string]> = [];
  let accepted = 0;
  for (const { text } of fc.sample(mutatedPolicy(), { seed: FUZZ_SEED, numRuns: count * 10 })) {
    const result = compileText(new TextEncoder().encode(text));
    if (result.policies.length === 0) continue;
    outputs.push(...result.files);
    if (++accepted === count) break;
  }
  return outputs;
}

describe.skipIf(!promtool || !protoc)('accepted mutated policies pass promtool and protoc', () => {
  it('promtool check rules and protoc --encode accept every sampled output', () => {
    const outputs = acceptedOutputs(fuzzRuns(8, 100));
    const rules = outputs.filter(([file]) => file.endsWith(PROMETHEUS_RULE_SUFFIX));
    const configs = outputs.filter(([file]) => file.endsWith('/tfserving/models.config'));
    expect(rules.length, 'the sample holds accepted policies').toBeGreaterThan(0);
    const dir = mkdtempSync(path.join(tmpdir(), 'modelgate-fuzz-tools-'));
    try {
      for (const [key, content] of rules) {
        const file = path.join(dir, 'rules.yaml');
        writeFileSync(file, ruleFileOf(content));
        const output = execFileSync(promtool!, ['check', 'rules', file], { encoding: 'utf8', stdio: 'pipe' });
        expect(output, key).toContain('SUCCESS');
      }
      for (const [key, content] of configs) {
        const encoded = execFileSync(protoc!, ['--encode=tensorflow.serving.ModelServerConfig', '-I', protoDir, 'model_server_config.proto'], { input: content, stdio: 'pipe' });
        expect(encoded.length, key).toBeGreaterThan(0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, FUZZ_TIMEOUT_MS);
});
