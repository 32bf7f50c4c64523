/**
 * Read and parse policy files: the data, and (made again from the text when a diagnostic asks)
 * where each node starts, so every later diagnostic can point at the node it is about. Files in
 * the simple subset are read by `simple-yaml.ts`, every other file by yaml.
 */
import { createHash } from 'node:crypto';
import { LineCounter, parseDocument, isMap, isNode, isScalar, isSeq, visit, type Document, type ErrorCode } from 'yaml';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { stagePath } from '../resolve/stages.js';
import { flowDepthExceeded, MAX_FLOW_DEPTH } from './flow-depth.js';
import { readSimpleYaml, simpleYamlPlaces } from './simple-yaml.js';

/** Policies are small; anything larger is a mistake or an attack. */
export const MAX_POLICY_BYTES = 256 * 1024;
/** Aliases expand on conversion; a handful is normal, thousands is a billion-laughs bomb. */
const MAX_ALIAS_COUNT = 50;

const YAML_ERROR_RULES: Partial<Record<ErrorCode, { rule: string; message: string; hint: string }>> = {
  DUPLICATE_KEY: { rule: 'duplicate-key', message: 'key appears twice in the same mapping', hint: 'each key may appear once; remove or merge the repeated one' },
  MULTIPLE_DOCS: { rule: 'multiple-documents', message: 'file holds more than one YAML document', hint: 'keep one policy per file' },
};

const TOO_DEEP = { rule: 'too-deep', message: 'nesting is too deep to read', hint: 'a policy nests a few levels deep; check for runaway brackets' };

export interface LoadedPolicy {
  /** Path as the user named it. */
  file: string;
  text: string;
  sha256: string;
  /**
   * The YAML document, parsed again from `text` when asked (only a policy edit does): held for
   * every policy of a run, the documents were most of the memory of a 10,000-policy compile.
   */
  readonly doc: Document.Parsed;
  /**
   * Where each node starts and where each line starts, made again from `text` whenever asked
   * (`positionOf` keeps the last policy's): most policies need none or a few in a row, and held
   * for every policy of a run they were the largest part of its memory (67 MiB at 10,000).
   */
  readonly positions: () => Positions;
  /** The document as plain data. */
  data: unknown;
  /** Set when this is one stage of a policy with `spec.stages`: diagnostics point into that stage where it sets the field. */
  stageIndex?: number;
}

export interface Positions {
  /** Where each node starts, the tree `positionOf` walks. */
  places: Place;
  lineCounter: LineCounter;
}

/**
 * A node's start: a mapping value's at its key, a sequence item's at its first character; with
 * the mapping's values by key text (the first of equal keys) or the sequence's items.
 */
export interface Place {
  start: number | undefined;
  keys?: Map<string, Place>;
  items?: Array<Place | undefined>;
}

export type LoadResult = { policy: LoadedPolicy; diagnostics: Diagnostic[] } | { policy: null; diagnostics: Diagnostic[] };

function fail(file: string, rule: string, message: string, hint?: string, line = 1, column = 1): { policy: null; diagnostics: Diagnostic[] } {
  return { policy: null, diagnostics: [{ file, line, column, severity: 'error', rule, message, ...(hint ? { hint } : {}) }] };
}

export function loadPolicy(file: string, bytes: Uint8Array): LoadResult {
  if (bytes.byteLength > MAX_POLICY_BYTES) {
    return fail(file, 'file-too-large', `file is ${bytes.byteLength} bytes; a policy may be at most ${MAX_POLICY_BYTES}`, 'split it, or check that this is really a policy file');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    const offset = firstInvalidUtf8(bytes);
    const { line, column } = byteOffsetToPosition(bytes, offset);
    return fail(file, 'encoding', `file is not valid UTF-8 (byte ${offset})`, 'save the file as UTF-8', line, column);
  }
  if (text.trim() === '' || /^(\s*#[^\n]*\n?|\s*\n)*\s*$/.test(text)) {
    return fail(file, 'empty-file', 'file is empty', 'a policy starts with `apiVersion: modelgate.io/v1alpha1`');
  }
  const tooDeepAt = flowDepthExceeded(text);
  if (tooDeepAt !== undefined) {
    const before = text.slice(0, tooDeepAt);
    const line = before.split('\n').length;
    return fail(file, TOO_DEEP.rule, `${TOO_DEEP.message}: brackets nest more than ${MAX_FLOW_DEPTH} levels`, TOO_DEEP.hint, line, tooDeepAt - before.lastIndexOf('\n'));
  }
  // Most policies are in the subset read without yaml's document; the rest, and every file with a
  // mistake, are read by yaml below.
  const simple = readSimpleYaml(text);
  // Same text, same answer: the places are there when a diagnostic asks for them.
  if (simple) return { policy: loadedPolicy(file, bytes, text, simple.data, () => ({ places: simpleYamlPlaces(text)!, lineCounter: lineStarts(text) })), diagnostics: [] };
  // Files outside the subset are few: yaml's places are kept rather than parsed again.
  const read = readYaml(file, text);
  if ('diagnostics' in read) return { policy: null, diagnostics: read.diagnostics };
  return { policy: loadedPolicy(file, bytes, text, read.data, () => read), diagnostics: [] };
}

/**
 * The file as yaml reads it: its data and places, or what is wrong with it. Every file outside
 * the simple subset comes here, and the subset's test compares with it.
 */
export function readYaml(file: string, text: string): ({ data: unknown } & Positions) | { diagnostics: Diagnostic[] } {
  const lineCounter = new LineCounter();
  let doc: Document.Parsed;
  try {
    doc = parse(text, lineCounter);
  } catch (error) {
    return fail(file, 'yaml-syntax', `cannot parse the file: ${firstLine((error as Error).message)}`);
  }
  // A file indented with tabs makes yaml report every tabbed line, and the broken structure adds
  // duplicate keys and schema errors on top: one message that names the cause says more.
  const tabbed = doc.errors.filter((error) => error.code === 'TAB_AS_INDENT');
  if (tabbed.length > 0) {
    const lines = new Set(tabbed.map((error) => lineCounter.linePos(error.pos[0]).line));
    const { line, col } = lineCounter.linePos(tabbed[0]!.pos[0]);
    const where = lines.size > 1 ? `the file is indented with tabs on ${lines.size} lines, the first here` : 'this line is indented with a tab';
    return fail(file, 'yaml-syntax', `${where}; YAML indents with spaces only`, 'replace each tab at the start of a line with spaces, two per level', line, col);
  }
  const errors = [...doc.errors.map(({ pos, code, message }) => ({ offset: pos[0], code, message })), ...duplicateKeys(doc)].sort((a, b) => a.offset - b.offset);
  const diagnostics: Diagnostic[] = [];
  let tooDeepReported = false;
  for (const error of errors) {
    const { line, col } = lineCounter.linePos(error.offset);
    // Should the guard above ever be outrun, yaml reports the stack overflow many times over.
    const tooDeep = /call stack/i.test(error.message);
    if (tooDeep && tooDeepReported) continue;
    tooDeepReported ||= tooDeep;
    const special = tooDeep ? TOO_DEEP : YAML_ERROR_RULES[error.code];
    KEY_AT.lastIndex = error.offset;
    const key = KEY_AT.exec(text)?.[1];
    diagnostics.push({
      file,
      line,
      column: col,
      severity: 'error',
      rule: special?.rule ?? 'yaml-syntax',
      message: error.code === 'DUPLICATE_KEY' && key ? `key \`${key}\` appears twice in the same mapping` : special?.message ?? firstLine(error.message),
      hint: special?.hint ?? 'check brackets, quotes and indentation here and on the line above',
    });
  }
  if (diagnostics.length > 0) return { diagnostics };
  // Every tag is written with `!`; most policies have none, and the full visit costs 2% of a large validate.
  const tagged = text.includes('!') ? firstForeignTag(doc) : undefined;
  if (tagged) {
    const { line, col } = lineCounter.linePos(tagged.offset);
    return fail(file, 'yaml-tag', `YAML tag \`${tagged.tag}\` is not part of the policy language`, 'remove the tag; quote the value if it must be text', line, col);
  }
  const broken = firstLoneSurrogate(doc);
  if (broken !== undefined) {
    const { line, col } = lineCounter.linePos(broken);
    return fail(file, 'encoding', 'text holds a lone UTF-16 surrogate (an escape like `\\udc00` without its pair), which is not a character', 'write the character itself, or both halves of the pair', line, col);
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    return fail(file, 'yaml-aliases', `aliases expand too far: ${firstLine((error as Error).message)}`, 'write the values out instead of nesting aliases');
  }
  const places: Place = { start: isNode(doc.contents) ? doc.contents.range?.[0] : undefined, ...placesUnder(doc.contents) };
  return { data, places, lineCounter };
}

function loadedPolicy(file: string, bytes: Uint8Array, text: string, data: unknown, positions: () => Positions): LoadedPolicy {
  let reparsed: Document.Parsed | undefined;
  return {
    file,
    text,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    get doc() {
      reparsed ??= parse(text, new LineCounter());
      return reparsed;
    },
    positions,
    data,
  };
}

/** The same policy as one stage of its `spec.stages`; copied by descriptor, so the document is not parsed again to copy it. */
export function atStage(source: LoadedPolicy, stageIndex: number): LoadedPolicy {
  return Object.create(Object.prototype, { ...Object.getOwnPropertyDescriptors(source), stageIndex: { value: stageIndex, enumerable: true, writable: true, configurable: true } }) as LoadedPolicy;
}

/** A line counter as yaml fills it while parsing: line 1 at 0, then after every line feed (the simple subset has no other line break). */
function lineStarts(text: string): LineCounter {
  const counter = new LineCounter();
  counter.addNewLine(0);
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) counter.addNewLine(at + 1);
  return counter;
}

function parse(text: string, lineCounter: LineCounter): Document.Parsed {
  // Duplicate keys are found below in one pass per mapping; yaml's own check compares each
  // key with every earlier one, which takes minutes on a mapping of 20,000 keys.
  return parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, strict: true, version: '1.2' });
}

/** The places of a node's children, as `positionOf` looked them up in the document. */
function placesUnder(node: unknown): Omit<Place, 'start'> {
  if (isMap(node)) {
    const keys = new Map<string, Place>();
    for (const pair of node.items) {
      // Keys compare as text: `40:` (a number in YAML) and `"40"` both answer to path part 40 or "40".
      if (!isScalar(pair.key)) continue;
      const text = String(pair.key.value);
      if (!keys.has(text)) keys.set(text, { start: pair.key.range?.[0], ...placesUnder(pair.value) });
    }
    return { keys };
  }
  if (isSeq(node)) return { items: node.items.map((item) => (isNode(item) ? { start: item.range?.[0], ...placesUnder(item) } : undefined)) };
  return {};
}

/**
 * `"\udc00"` is a valid YAML escape but no Unicode character: TF Serving would read U+FFFD and
 * libyaml-based readers reject the JSON escape it becomes, so such text never reaches an output.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function firstLoneSurrogate(doc: Document.Parsed): number | undefined {
  let found: number | undefined;
  visit(doc, {
    Scalar(_, node) {
      if (typeof node.value !== 'string' || !LONE_SURROGATE.test(node.value)) return undefined;
      found = node.range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  return found;
}

/** The key written at an offset (sticky: matched in place, without copying the rest of the file). */
const KEY_AT = /("[^"\n]*"|'[^'\n]*'|[^:#\n]*[^:#\s])\s*:/y;

/** Every key that repeats an earlier key of its mapping, compared as yaml's `uniqueKeys` does (scalars by value). */
function duplicateKeys(doc: Document.Parsed): Array<{ offset: number; code: ErrorCode; message: string }> {
  const found: Array<{ offset: number; code: ErrorCode; message: string }> = [];
  visit(doc, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const { key } of map.items) {
        const value = isScalar(key) ? key.value : key;
        if (!seen.has(value)) seen.add(value);
        else if (isNode(key) && key.range) found.push({ offset: key.range[0], code: 'DUPLICATE_KEY', message: 'Map keys must be unique' });
      }
    },
  });
  return found;
}

/** Tags that only say what plain JSON data already is; `exact: !!str true` is a fair use. */
const JSON_TAGS = new Set(['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((name) => `tag:yaml.org,2002:${name}`));

/** Custom tags are ignored with a warning by yaml, and `!!binary`, `!!timestamp`, `!!set` make non-JSON data. */
function firstForeignTag(doc: Document.Parsed): { tag: string; offset: number } | undefined {
  let found: { tag: string; offset: number } | undefined;
  visit(doc, {
    Node(_, node) {
      if (node.tag === undefined || JSON_TAGS.has(node.tag)) return undefined;
      found = { tag: node.tag.replace(/^tag:yaml\.org,2002:/, '!!'), offset: node.range?.[0] ?? 0 };
      return visit.BREAK;
    },
  });
  return found;
}

/**
 * Position of the node at `path`, or of its closest ancestor that exists. A mapping value is
 * shown at its key (`weight:`), where a reader's eye goes; a sequence item at its first character.
 */
export function positionOf(source: LoadedPolicy, given: ReadonlyArray<string | number>): { line: number; column: number } {
  const path = source.stageIndex === undefined ? given : stagePath(source.data, source.stageIndex, given);
  const { places, lineCounter } = positionsOf(source);
  for (let depth = path.length; depth > 0; depth--) {
    const offset = startOf(places, path.slice(0, depth));
    if (offset !== undefined) {
      const { line, col } = lineCounter.linePos(offset);
      return { line, column: col };
    }
  }
  const { line, col } = lineCounter.linePos(places.start ?? 0);
  return { line, column: col };
}

/** The last policy's positions: the rules report policy by policy, and a policy's stages share them. */
let recent: { of: LoadedPolicy['positions']; positions: Positions } | undefined;

function positionsOf(source: LoadedPolicy): Positions {
  if (recent?.of !== source.positions) recent = { of: source.positions, positions: source.positions() };
  return recent.positions;
}

function startOf(root: Place, path: ReadonlyArray<string | number>): number | undefined {
  let place: Place | undefined = root;
  let start: number | undefined;
  for (const part of path) {
    if (place.keys) place = place.keys.get(String(part));
    else if (place.items && typeof part === 'number') place = place.items[part];
    else return undefined;
    if (!place) return undefined;
    start = place.start;
  }
  return start;
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.trim();
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let low = 0;
  let high = bytes.byteLength;
  // Binary search for the shortest prefix that fails to decode.
  while (low < high) {
    const mid = (low + high) >> 1;
    try {
      decoder.decode(bytes.subarray(0, mid + 1), { stream: true });
      decoder.decode();
      low = mid + 1;
    } catch {
      high = mid;
    }
  }
  return low;
}

function byteOffsetToPosition(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
