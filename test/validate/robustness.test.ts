/**
 * Whatever a user writes, validate answers with diagnostics placed inside the file: never a throw,
 * never an `internal` finding. Mutating the examples one value at a time reaches the rules with
 * schema-valid but odd policies (0%, huge versions, empty lists), where crashes would hide.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isScalar, parseDocument, visit } from 'yaml';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { validateSources } from '../../src/validate/validate.js';
import { repoRoot } from '../support/tools.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const examples = readdirSync(path.join(repoRoot, 'policies'))
  .filter((name) => name.endsWith('.yaml'))
  .sort()
  .map((name) => readFileSync(path.join(repoRoot, 'policies', name), 'utf8'));

function assertWellFormed(text: string, diagnostics: Diagnostic[]): void {
  const lines = text.split('\n');
  for (const d of diagnostics) {
    expect(d.rule).not.toBe('internal');
    expect(d.message.length).toBeGreaterThan(0);
    expect(d.line).toBeGreaterThanOrEqual(1);
    expect(d.line).toBeLessThanOrEqual(lines.length);
    expect(d.column).toBeGreaterThanOrEqual(1);
    expect(d.column).toBeLessThanOrEqual((lines[d.line - 1] ?? '').length + 1);
  }
}

function validateText(text: string): Diagnostic[] {
  return validateSources([{ file: 'fuzz.yaml', bytes: new TextEncoder().encode(text) }]).diagnostics;
}

/** The path of every scalar value (not map keys) in a document. */
function scalarPaths(text: string): Array<Array<string | number>> {
  const paths: Array<Array<string | number>> = [];
  visit(parseDocument(text), {
    Scalar(key, node, ancestry) {
      if (key === 'key') return;
      const path: Array<string | number> = [];
      for (const [i, parent] of ancestry.entries()) {
        const child = ancestry[i + 1] ?? node;
        if ('items' in parent && Array.isArray(parent.items)) {
          const index = (parent.items as unknown[]).indexOf(child);
          if (index >= 0) path.push(index);
        } else if ('key' in parent && isScalar(parent.key)) {
          path[path.length - 1] = String(parent.key.value);
        }
      }
      paths.push(path);
    },
  });
  return paths;
}

describe('validate is robust', () => {
  it('any text: diagnostics inside the file, no crash', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (text) => {
        assertWellFormed(text, validateText(text));
      }),
      { numRuns: RUNS },
    );
  });

  it('an example with one value replaced: diagnostics inside the file, no crash', () => {
    const targets = examples.map((text) => ({ text, paths: scalarPaths(text) }));
    const value = fc.oneof(fc.integer({ min: -5, max: 2000 }), fc.double({ noNaN: true }), fc.string({ maxLength: 12 }), fc.constantFrom('0%', '100%', '0s', 'manual', '', 'X-Id', '../x', 0, 1, 100), fc.boolean(), fc.constant(null), fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 4 }));
    fc.assert(
      fc.property(fc.nat(), fc.nat(), value, (which, where, replacement) => {
        const target = targets[which % targets.length]!;
        const doc = parseDocument(target.text);
        const at = target.paths[where % target.paths.length]!;
        doc.setIn(at, replacement);
        const text = doc.toString();
        assertWellFormed(text, validateText(text));
      }),
      { numRuns: RUNS },
    );
  });
});
