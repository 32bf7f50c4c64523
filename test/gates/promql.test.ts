import fc from 'fast-check';
import { parser } from '@prometheus-io/lezer-promql';
import { describe, expect, it } from 'vitest';
import { bin, eq, escapeString, num, selector, serialize, sumBy } from '../../src/gates/promql.js';

function parses(query: string): boolean {
  let ok = true;
  parser.parse(query).iterate({ enter: (n) => void (n.type.isError && (ok = false)) });
  return ok;
}

/** Go's unquoting, for the escapes escapeString writes. */
function unquote(literal: string): string {
  return literal
    .slice(1, -1)
    .replace(/\\(x[0-9a-f]{2}|.)/g, (_, e: string) => (e.startsWith('x') && e.length === 3 ? String.fromCharCode(parseInt(e.slice(1), 16)) : ({ n: '\n', r: '\r', t: '\t' } as Record<string, string>)[e] ?? e));
}

describe('PromQL builder', () => {
  it('escapes any label value so the query still parses and the value survives', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        const query = serialize(selector('up', [eq('job', value)]));
        expect(parses(query)).toBe(true);
        const tree = parser.parse(query);
        let literal = '';
        tree.iterate({ enter: (n) => void (n.name === 'StringLiteral' && (literal = query.slice(n.from, n.to))) });
        expect(unquote(literal)).toBe(value);
      }),
    );
  });

  it('writes quotes, backslashes and newlines as escapes', () => {
    expect(escapeString('a"b\\c\nd')).toBe('"a\\"b\\\\c\\nd"');
  });

  it('refuses names that are not metric or label names instead of printing them', () => {
    expect(() => selector('up{job="x"}')).toThrow(/metric name/);
    expect(() => selector('up', [eq('job"} or vector(1) #', 'x')])).toThrow(/label name/);
    expect(() => sumBy(['a-b'], selector('up'))).toThrow(/label name/);
  });

  it('parenthesizes nested binaries so precedence never changes the meaning', () => {
    const query = serialize(bin('*', bin('-', selector('a'), selector('b')), num(100)));
    expect(query).toBe('(a - b) * 100');
  });
});
