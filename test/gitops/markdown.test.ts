/** User strings in PR descriptions render as themselves and can do nothing else. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { markdown } from '../../src/gitops/markdown.js';

/** How CommonMark reads escaped text back: backslash escapes and entities resolve, nothing else happens. */
function rendered(text: string): string {
  return text
    .replace(/\\([!-/:-@[-`{-~])/g, '$1')
    .replace(/&lt;|&gt;|&quot;|&amp;/g, (e) => ({ '&lt;': '<', '&gt;': '>', '&quot;': '"', '&amp;': '&' })[e]!);
}

describe('markdown()', () => {
  it('neutralises the classic attacks', () => {
    expect(markdown('a | b')).toBe('a \\| b');
    expect(markdown('<script>alert(1)</script>')).not.toMatch(/<|>/);
    expect(markdown('[x](javascript:alert(1))')).toBe('\\[x\\](javascript:alert(1))');
    expect(markdown('see https://evil.example and www.evil.example')).toBe('see https\\://evil.example and www\\.evil.example');
    expect(markdown('- not a list')).toBe('\\- not a list');
    expect(markdown('# not a heading')).toBe('\\# not a heading');
    expect(markdown('{{owner}}')).toBe('\\{\\{owner\\}\\}');
    expect(markdown('ping @alice and @acme/risk-ml')).not.toMatch(/@\w/);
    expect(markdown('abc\u202Edef')).toBe('abc\\[U\\+202E\\]def');
    expect(markdown('two\nlines')).toBe('two lines');
  });

  it('shows zero-width and other invisible characters as code points, as the README promises', () => {
    expect(markdown('auc\u200b')).toBe('auc\\[U\\+200B\\]');
    expect(markdown('a\u200cb\u200dc\u2060d\u00ade\u3164f')).toBe('a\\[U\\+200C\\]b\\[U\\+200D\\]c\\[U\\+2060\\]d\\[U\\+00AD\\]e\\[U\\+3164\\]f');
    expect(markdown('tag\u{e0041}')).toBe('tag\\[U\\+E0041\\]');
    // The joiner modelgate adds after @ stays a joiner.
    expect(markdown('@x')).toBe('@\u200dx');
  });

  it('leaves no active construct in any string (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (text) => {
        const out = markdown(text);
        expect(out).not.toMatch(/[\n\r<>\u202a-\u202e\u2066-\u2069\u200b\u200c\u2060\u00ad\ufeff]/);
        expect(out.replace(/@\u200d/g, '')).not.toMatch(/\u200d/);
        expect(out).not.toMatch(/@[^\u200d]/);
        // Every character that acts anywhere is escaped by an odd run of backslashes …
        for (const match of out.matchAll(/(\\*)([`*_{}[\]|~])/g)) expect(match[1]!.length % 2).toBe(1);
        // … and the rest where they act: no autolink, no list, heading or break at the start.
        expect(out).not.toMatch(/(^|[^\\]):\/\/|www\.|(mailto|xmpp):/i);
        expect(out).not.toMatch(/^\s*([#+-]|\d+[.)])(\s|$)|^\s*-[-\s]*$/);
      }),
      { seed: 5, numRuns: 500 },
    );
  });

  it('keeps raw Markdown readable: versions, decimals and signs are written as they are', () => {
    expect(markdown('1.4.0-20250405')).toBe('1.4.0-20250405');
    expect(markdown('offline auc: 0.941 → 0.947 (+0.006)')).toBe('offline auc: 0.941 → 0.947 (+0.006)');
    expect(markdown('P99 latency ≤ stable +10%')).toBe('P99 latency ≤ stable +10%');
  });

  it('renders back to the original text, newlines shown as spaces (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }).filter((s) => !/[\u0000-\u001f\u007f\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u2028\u2029\u2060-\u2064\u206a-\u206f\u3164\ufeff\uffa0\u061c\u202a-\u202e\u2066-\u2069]|\udb40[\udc00-\udc7f]/.test(s.replace(/\n/g, ''))), (text) => {
        expect(rendered(markdown(text)).replace(/@\u200d/g, '@')).toBe(text.replace(/\r\n?|\n/g, ' '));
      }),
      { seed: 5, numRuns: 500 },
    );
  });
});
