/**
 * Text from policies shown in a pull-request description. `markdown(text)` makes any string
 * inert inline Markdown that renders as exactly that text: no links, images, HTML, table-cell
 * breaks, headings or mentions. Templates accept only `Markdown` values, so a user string cannot
 * reach a description without passing through here.
 */
export type Markdown = string & { readonly __markdown: unique symbol };

/** Bidirectional controls can make a reviewer read something other than what is there. */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/**
 * Other invisible or layout-breaking characters, shown by code point as well: controls, line
 * separators, and the zero-width and blank characters (zero-width space, joiners, word joiner,
 * soft hyphen, Hangul fillers, Mongolian vowel separator, tag characters).
 */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200d\u2028\u2029\u2060-\u2064\u206a-\u206f\u3164\ufeff\uffa0]|\udb40[\udc00-\udc7f]/g;
/**
 * Characters that start a construct wherever they stand (code, emphasis, links, table cells,
 * strike-through; braces for anything template-like). Others are escaped only where they act:
 * `#`, `-`, `+` and `1.` at the start of a value, `.` of `www.` and `:` of `x://` (autolinks).
 * Raw Markdown then stays readable: `1.4.0-20250405` is written as it is.
 */
const PUNCTUATION = /[\\`*_{}[\]|~]/g;
const AT_START = /^(\s*)([#+-]|\d+[.)])(?=\s|$)|^(\s*)(-)(?=[-\s]*$)/;
const AUTOLINK = /(www)(\.)|(:)(\/\/)|((?:mailto|xmpp)):/gi;
const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
/** A zero-width joiner after `@` stops GitHub from treating `@name` as a mention. */
const ZWJ = '\u200d';

export function markdown(text: string): Markdown {
  return text
    .replace(/\r\n?|\n/g, ' ')
    .replace(/[&<>"]/g, (c) => HTML[c]!)
    .replace(PUNCTUATION, (c) => `\\${c}`)
    .replace(AT_START, (_, space?: string, marker?: string, ruleSpace?: string, rule?: string) => `${space ?? ruleSpace}${(marker ?? rule)!.replace(/[#+\-.)]/, (c) => `\\${c}`)}`)
    .replace(AUTOLINK, (_, www?: string, dot?: string, colon?: string, slashes?: string, scheme?: string) => (www ? `${www}\\${dot}` : colon ? `\\${colon}${slashes}` : `${scheme}\\:`))
    .replace(BIDI, codePoint)
    .replace(CONTROL, codePoint)
    // Last, so the joiner added here is not itself shown as a code point.
    .replace(/@/g, `@${ZWJ}`) as Markdown;
}

/** Markdown modelgate wrote itself (fixed words, numbers it computed). */
export function trusted(text: string): Markdown {
  return text as Markdown;
}

function codePoint(c: string): string {
  return `\\[U\\+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}\\]`;
}
