/**
 * The YAML printer against `yaml` itself: whatever plain data it is given, including hostile
 * strings, the text parses back (as YAML 1.1, as Kubernetes tooling reads it, and as 1.2) to the
 * same data; and for ordinary data it prints the very bytes `yaml`'s Document printer did with the
 * options modelgate used before, so generated files did not change when the printer did.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Document, parse } from 'yaml';
import { printYaml } from '../../src/emit/yaml-printer.js';
import { FUZZ_SEED, fuzzRuns } from '../support/arbitraries.js';

const HOSTILE = ['\n', ' ', '\t', ':', '#', '-', '?', '"', "'", '|', '>', '&', '*', '!', '%', '@', '`', '[', ']', '{', '}', ',', '---', '...', '\r', '\u0000', '\u0085', '\u2028', '\u2029', '\ufeff', '\ud800', '\udc00', '\u00a0', 'yes', 'no', 'on', '~', 'null', '0777', '0x1f', '1e5', '.inf', '.nan', '2025-01-01', '12:30', '<<', 'é', '日本'];
const hostileString = fc.array(fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ maxLength: 4 }), fc.string({ unit: 'binary', maxLength: 3 })), { maxLength: 8 }).map((parts) => parts.join(''));
const hostileKey = hostileString.filter((key) => key.length < 500);

function data(key: fc.Arbitrary<string>, text: fc.Arbitrary<string>): fc.Arbitrary<unknown> {
  const scalar = fc.oneof(text, text, fc.integer(), fc.double({ noNaN: false }), fc.boolean(), fc.constant(null));
  return fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(key, tie('value'), { maxKeys: 4 })),
  })).value;
}
/** What a reader gets back: -0 reads as 0, and JSON-like data otherwise. */
function normalise(value: unknown): unknown {
  if (typeof value === 'number' && Object.is(value, -0)) return 0;
  if (Array.isArray(value)) return value.map(normalise);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalise(v)]));
  return value;
}

describe('printYaml', () => {
  it('round-trips arbitrary data with hostile strings through YAML 1.1 and 1.2 readers', () => {
    fc.assert(
      fc.property(fc.dictionary(hostileKey, data(hostileKey, hostileString), { minKeys: 1, maxKeys: 5 }), (value) => {
        const text = printYaml(value);
        expect(parse(text, { version: '1.1' })).toEqual(normalise(value));
        expect(parse(text, { version: '1.2' })).toEqual(normalise(value));
      }),
      { seed: FUZZ_SEED, numRuns: fuzzRuns(300, 20_000) },
    );
  });

  it('prints what yaml printed for ordinary data (names, queries, multi-line text)', () => {
    const key = fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9._/-]{0,12}$/);
    const text = fc.oneof(
      fc.stringMatching(/^[ -~]{0,30}$/),
      fc.array(fc.stringMatching(/^[ -~]{0,20}$/), { maxLength: 4 }).map((lines) => lines.join('\n')),
      fc.constantFrom('', 'yes', '0777', '1.5', 'a: b', '# x', '- x', '{x}', 'multi\nline\n', '  indented\nx', 'x\n\n\ny\n\n', 'q\'"'),
    );
    // The printer quotes YAML 1.2 number forms and document markers that yaml left plain; both read back the same.
    const ordinary = (s: string) => !/^(%|---|\.\.\.)/m.test(s) && !/^0o[0-7]+$/.test(s) && !/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/.test(s) && !/\n[\t ]+$/.test(s);
    fc.assert(
      fc.property(fc.dictionary(key, data(key, text.filter(ordinary)), { minKeys: 1, maxKeys: 5 }), (value) => {
        const expected = new Document(value, { version: '1.1', aliasDuplicateObjects: false, sortMapEntries: false }).toString({ lineWidth: 0, minContentWidth: 0 });
        expect(printYaml(value)).toBe(expected);
      }),
      { seed: FUZZ_SEED, numRuns: fuzzRuns(300, 20_000) },
    );
  });
});
