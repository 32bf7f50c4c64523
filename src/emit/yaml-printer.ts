/**
 * A YAML printer for the plain data modelgate builds (maps, lists, strings, numbers, booleans,
 * null): block style, keys in insertion order, never an alias, never a folded line. It makes the
 * same choices as `yaml`'s Document.toString with the options modelgate used
 * (yaml/dist/stringify/stringifyString.js: plainString, quotedString, blockString), so output is
 * byte-identical, at a fraction of the cost: the profile of a 1,000-policy compile spent a quarter
 * of its CPU building and printing `yaml` Documents. Where a string is hostile (control
 * characters, lone surrogates, line separators) it is always double-quoted with escapes; every
 * string parses back as itself (test/emit/yaml-printer.test.ts checks that property).
 *
 * Quoting follows YAML 1.1, which Kubernetes tooling (go-yaml) reads: `yes`, `on`, `0777` or a
 * date are not strings there, so those come out quoted; the YAML 1.2 forms are quoted too.
 */

/** Scalars a YAML 1.1 or 1.2 reader would not read as a string (yaml/dist/schema/yaml-1.1, core). */
const NOT_A_STRING_FORMS = [
  /^(?:Y|y|[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON|N|n|[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/,
  /^(?:~|[Nn]ull|NULL)?$/,
  /^[-+]?0b[0-1_]+$/,
  /^[-+]?0[0-7_]+$/,
  /^[-+]?[0-9][0-9_]*$/,
  /^[-+]?0x[0-9a-fA-F_]+$/,
  /^0o[0-7]+$/,
  /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
  /^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?[eE][-+]?[0-9]+$/,
  /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/,
  /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/,
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:t|T|[ \t]+)[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]+)?(?:[ \t]*(?:Z|[-+][012]?[0-9](?::[0-9]{2})?))?)?$/,
  /^<<$/,
];
/** The forms above as one test: every alternative is anchored at both ends, so one call decides. */
const NOT_A_STRING = new RegExp(NOT_A_STRING_FORMS.map((form) => form.source).join('|'));
const INDENT = '  ';

/** Characters that cannot stand raw in any scalar: C0/C1 controls (but tab and newline), lone surrogates, BOM, NEL and the Unicode line separators YAML 1.1 breaks lines at. */
const MUST_ESCAPE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}\u2028\u2029\uFEFF]/u;
/**
 * MUST_ESCAPE with every surrogate, paired or not: without the `u` flag the scan runs three to
 * four times faster over the long strings (dashboards, queries), and only a string it matches
 * needs the exact test.
 */
const MAY_ESCAPE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\uD800-\uDFFF\u2028\u2029\uFEFF]/;
/** yaml's plainString: what a plain scalar may not start with, contain or end with. */
const NOT_PLAIN = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
/** A document marker at the start of a line; only used on one-line strings, so without the `m` flag. */
const DOCUMENT_MARKER = /^(%|---|\.\.\.)/;

/** Printed single-line strings: keys and label values repeat across every object of every policy. */
const printedStrings = new Map<string, string>();
/** Longer strings are rarely seen twice (queries, dashboards), and the map stays small. */
const MEMO_MAX_LENGTH = 64;
const MEMO_MAX_ENTRIES = 1 << 16;

/** One YAML document, ending in a newline. */
export function printYaml(value: unknown): string {
  const data = plain(value);
  if (!isCollection(data)) return `${printScalar(data, 1)}\n`;
  if (isEmpty(data)) return Array.isArray(data) ? '[]\n' : '{}\n';
  // Pieces joined once: concatenating as we go built ropes that every nested list flattened again.
  const out: string[] = [];
  if (Array.isArray(data)) printSeq(data, 0, '', out);
  else printMap(data, 0, '', out);
  return out.join('');
}

type Data = null | boolean | number | string | Data[] | { [key: string]: Data };

/** As `yaml` does before printing: an object's `toJSON` (the Kubernetes model classes have one). */
function plain(value: unknown): Data {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') return (value as { toJSON(): Data }).toJSON();
  return value as Data;
}

function isCollection(value: Data): value is Data[] | { [key: string]: Data } {
  return value !== null && typeof value === 'object';
}

function isEmpty(value: Data[] | { [key: string]: Data }): boolean {
  if (Array.isArray(value)) return value.length === 0;
  for (const key in value) if (value[key] !== undefined) return false;
  return true;
}

/** Indentation of each depth, built once. */
const indents: string[] = [''];
function indentOf(depth: number): string {
  while (indents.length <= depth) indents.push(indents[indents.length - 1] + INDENT);
  return indents[depth]!;
}

/** `lead`: what goes before the first entry, the indentation or nothing when it follows a dash. */
function printMap(map: { [key: string]: Data }, depth: number, lead: string, out: string[]): void {
  const indent = indentOf(depth);
  for (const key of Object.keys(map)) {
    const value = plain(map[key]);
    if (value === undefined) continue;
    out.push(lead, printString(key, indent, true), ':');
    lead = indent;
    printValue(value, depth, out);
  }
}

function printSeq(list: Data[], depth: number, lead: string, out: string[]): void {
  const indent = indentOf(depth);
  for (const item of list) {
    const value = plain(item) ?? null;
    out.push(lead, '- ');
    lead = indent;
    // The first entry of a nested collection sits on the dash's line.
    if (isCollection(value) && !isEmpty(value)) {
      if (Array.isArray(value)) printSeq(value, depth + 1, '', out);
      else printMap(value, depth + 1, '', out);
    } else {
      out.push(isCollection(value) ? (Array.isArray(value) ? '[]' : '{}') : printScalar(value, depth + 1), '\n');
    }
  }
}

/** A map value after its key's colon: on the same line, or the nested block below it. */
function printValue(value: Data, depth: number, out: string[]): void {
  if (!isCollection(value)) {
    out.push(' ', printScalar(value, depth + 1), '\n');
  } else if (isEmpty(value)) {
    out.push(Array.isArray(value) ? ' []\n' : ' {}\n');
  } else {
    out.push('\n');
    if (Array.isArray(value)) printSeq(value, depth + 1, indentOf(depth + 1), out);
    else printMap(value, depth + 1, indentOf(depth + 1), out);
  }
}

/** `depth`: where the scalar's continuation lines (a block literal's body) start. */
function printScalar(value: Exclude<Data, Data[] | { [key: string]: Data }> | undefined, depth: number): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return printNumber(value);
  return printString(value, indentOf(depth), false);
}

/** yaml's stringifyNumber and the 1.1 int tag: integers in base 10, others as JSON writes them. */
function printNumber(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? '.nan' : value < 0 ? '-.inf' : '.inf';
  if (Object.is(value, -0)) return '-0';
  return Number.isInteger(value) ? value.toString(10) : JSON.stringify(value);
}

/**
 * A string without a line break prints the same as key or value at any indentation (`quoted`
 * and `blockLiteral` differ only for multi-line text), so those are printed once per run.
 */
function printString(value: string, indent: string, isKey: boolean): string {
  if (value.length > MEMO_MAX_LENGTH) return printNewString(value, indent, isKey);
  let printed = printedStrings.get(value);
  if (printed === undefined) {
    printed = printNewString(value, indent, isKey);
    if (!value.includes('\n')) {
      if (printedStrings.size >= MEMO_MAX_ENTRIES) printedStrings.clear();
      printedStrings.set(value, printed);
    }
  }
  return printed;
}

/**
 * yaml's choice, cheapest tests first: a value of several lines is a block literal whatever
 * else it holds (yaml tests NOT_PLAIN first, but both branches lead there), so only a string of
 * one line is scanned for what would stop it being plain.
 */
function printNewString(value: string, indent: string, isKey: boolean): string {
  if (MAY_ESCAPE.test(value) && MUST_ESCAPE.test(value)) return doubleQuoted(value);
  if (value.includes('\n')) return isKey ? quoted(value, indent, isKey) : blockLiteral(value, indent, isKey);
  if (NOT_PLAIN.test(value) || DOCUMENT_MARKER.test(value) || NOT_A_STRING.test(value)) return quoted(value, indent, isKey);
  return value;
}

/** yaml's quotedString: single quotes for a string with `"` and no `'`, double quotes otherwise. */
function quoted(value: string, indent: string, isKey: boolean): string {
  if (!value.includes('"') || value.includes("'")) return doubleQuoted(value);
  if ((isKey && value.includes('\n')) || /[ \t]\n|\n[ \t]/.test(value)) return doubleQuoted(value);
  return `'${value.replace(/'/g, "''").replace(/\n+/g, `$&\n${indent}`)}'`;
}

/**
 * JSON's escapes are YAML's; on top, the characters JSON leaves raw that YAML may not carry raw
 * (C1 controls, NEL, line and paragraph separators, BOM) are escaped as well.
 */
function doubleQuoted(value: string): string {
  return JSON.stringify(value).replace(/[\x7f-\x9f\u2028\u2029\uFEFF]/g, (char) => {
    const code = char.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** yaml's blockString, literal style (line width 0 never folds): `|`, chomping and indentation indicators as needed. */
function blockLiteral(text: string, indent: string, isKey: boolean): string {
  let endStart = text.length;
  while (endStart > 0 && (text[endStart - 1] === ' ' || text[endStart - 1] === '\t')) endStart--;
  // `\n[\t ]+$`: trailing blanks on a last line of their own would be lost as indentation.
  if (endStart < text.length && text[endStart - 1] === '\n') return quoted(text, indent, isKey);
  while (endStart > 0 && '\n\t '.includes(text[endStart - 1]!)) endStart--;
  let end = text.substring(endStart);
  const endNewline = end.indexOf('\n');
  const chomp = endNewline === -1 ? '-' : text === end || endNewline !== end.length - 1 ? '+' : '';
  let body = text;
  if (end) {
    body = body.slice(0, -end.length);
    if (end.endsWith('\n')) end = end.slice(0, -1);
    end = end.replace(/(^|(?<!\n))\n+(?!\n|$)/g, `$&${indent}`);
  }
  let startWithSpace = false;
  let startEnd = 0;
  let startNewline = -1;
  for (; startEnd < body.length; startEnd++) {
    const char = body[startEnd];
    if (char === ' ') startWithSpace = true;
    else if (char === '\n') startNewline = startEnd;
    else break;
  }
  let start = body.substring(0, startNewline < startEnd ? startNewline + 1 : startEnd);
  if (start) {
    body = body.substring(start.length);
    start = start.replace(/\n+/g, `$&${indent}`);
  }
  const header = `|${startWithSpace ? '2' : ''}${chomp}`;
  return `${header}\n${indent}${start}${body.replace(/\n+/g, `$&${indent}`)}${end}`;
}
