import { describe, expect, it } from 'vitest';
import { MAX_FLOW_DEPTH } from '../../src/load/flow-depth.js';
import { MAX_POLICY_BYTES } from '../../src/load/load.js';
import { diagnosticsFor, expectDiagnostics, minimalPolicy } from '../support/rule-harness.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('hostile input gets one clear diagnostic, never a crash', () => {
  it('YAML syntax errors are placed where the parser stopped', () => {
    expectDiagnostics('metadata:\n  name: [demo\nspec: {}\n', [{ rule: 'yaml-syntax', line: 3, column: 1, hint: 'brackets, quotes and indentation' }]);
  });

  it('duplicate keys name the key, at the repeat', () => {
    expectDiagnostics('apiVersion: modelgate.io/v1alpha1\nkind: ReleasePolicy\nkind: ReleasePolicy\n', [
      { rule: 'duplicate-key', line: 3, column: 1, message: 'key `kind` appears twice' },
    ]);
  });

  it('a second document is refused at its start', () => {
    expectDiagnostics('a: 1\n---\nb: 2\n', [{ rule: 'multiple-documents', line: 2, column: 1 }]);
  });

  it('empty and comment-only files are called empty', () => {
    expectDiagnostics('', [{ rule: 'empty-file', line: 1, column: 1 }]);
    expectDiagnostics('# nothing yet\n\n', [{ rule: 'empty-file', line: 1, column: 1 }]);
  });

  it('an alias bomb is refused before it expands', () => {
    let text = 'a: &a [x, x, x, x, x, x, x, x, x, x]\n';
    for (let level = 1; level <= 9; level++) text += `b${level}: &b${level} [${Array(10).fill(level === 1 ? '*a' : `*b${level - 1}`).join(', ')}]\n`;
    expectDiagnostics(text, [{ rule: 'yaml-aliases', line: 1, column: 1, message: 'aliases expand too far' }]);
  });

  it('custom and non-JSON YAML tags are refused at the tagged value; JSON-type tags are fine', () => {
    expectDiagnostics('apiVersion: !foo modelgate.io/v1alpha1\n', [{ rule: 'yaml-tag', line: 1, column: 18, message: 'YAML tag `!foo`' }]);
    expectDiagnostics('kind: ReleasePolicy\napiVersion: !!binary aGVsbG8=\n', [{ rule: 'yaml-tag', line: 2, column: 22, message: '`!!binary`' }]);
    expect(diagnosticsFor('x: !!str true\n').map((d) => d.rule)).not.toContain('yaml-tag');
  });

  it('a file over the size limit is refused without parsing it', () => {
    expectDiagnostics({ 'big.yaml': bytes(`# ${'x'.repeat(MAX_POLICY_BYTES)}\n`) }, [{ rule: 'file-too-large', line: 1, column: 1, message: `at most ${MAX_POLICY_BYTES}` }]);
  });

  it('non-UTF-8 bytes are reported at the first bad byte', () => {
    expectDiagnostics({ 'latin1.yaml': Uint8Array.from([...bytes('a: 1\nname: caf'), 0xe9, 0x0a]) }, [{ rule: 'encoding', line: 2, column: 10, message: 'not valid UTF-8 (byte 14)' }]);
  });

  it('a lone UTF-16 surrogate escape is reported at its value, in a value or a key', () => {
    expectDiagnostics(minimalPolicy().replace('basePath: /models/demo', 'basePath: "/models/\\udc00"'), [{ rule: 'encoding', line: 8, column: 15, message: 'lone UTF-16 surrogate' }]);
    expectDiagnostics('a: 1\n"b\\ud800": 2\n', [{ rule: 'encoding', line: 2, column: 1, message: 'lone UTF-16 surrogate' }]);
    expect(diagnosticsFor(minimalPolicy().replace('basePath: /models/demo', 'basePath: "/models/\\ud83d\\ude00"'))).toEqual([]);
  });

  it('10,000 levels of nesting are reported once, at the bracket past the limit, not as a stack overflow', () => {
    expectDiagnostics(`a: 1\nb: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`, [
      { rule: 'too-deep', line: 2, column: 4 + MAX_FLOW_DEPTH, message: `more than ${MAX_FLOW_DEPTH} levels` },
    ]);
  });

  it('brackets inside quoted strings and comments do not count as nesting', () => {
    const brackets = '['.repeat(MAX_FLOW_DEPTH + 1);
    expectDiagnostics(`# ${brackets}\nx: "${brackets}"\ny: '${brackets}'\n`, [
      { rule: 'schema', line: 2, column: 1, message: 'missing `apiVersion`' },
      { rule: 'schema', line: 2, column: 1, message: 'missing `kind`' },
      { rule: 'schema', line: 2, column: 1, message: 'missing `metadata`' },
      { rule: 'schema', line: 2, column: 1, message: 'missing `spec`' },
      { rule: 'schema', line: 2, column: 1, message: 'unknown key `x`' },
      { rule: 'schema', line: 3, column: 1, message: 'unknown key `y`' },
    ]);
  });

  it('deep block nesting within the size limit reads as an ordinary (wrong) document', () => {
    const text = Array.from({ length: 600 }, (_, depth) => `${' '.repeat(depth)}k:\n`).join('');
    const diagnostics = diagnosticsFor(text);
    expect(diagnostics.every((d) => d.rule === 'schema')).toBe(true);
    expect(diagnostics.some((d) => d.message === 'unknown key `k`')).toBe(true);
  });
});
