/**
 * Edit a YAML file's text at the nodes the parsed document points to, so everything not edited
 * — comments, blank lines, quoting, inline-versus-block style, padding, a byte-order mark, CRLF
 * line ends — stays byte for byte. Serializing the whole document again would restyle every
 * inline map in the file.
 */
import { isAlias, isMap, isScalar, isSeq, parseDocument, visit, type Alias, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { isDeepStrictEqual } from 'node:util';

export type YamlEdit =
  /** Set a number; with `after`, a missing one is added right after that key. */
  | { op: 'set'; path: readonly string[]; value: number; after?: string }
  | { op: 'delete'; path: readonly string[] }
  /** Set a list of numbers; a missing one is added right after the key `after`. */
  | { op: 'list'; path: readonly string[]; values: number[]; after: string };

interface Splice {
  start: number;
  end: number;
  text: string;
}

/** The loader's reading of a policy (YAML 1.2, no merge keys); edits must be read the same way. */
const PARSE_OPTIONS = { version: '1.2', uniqueKeys: true, strict: true } as const;

/**
 * Apply `edits` to `text` (parsed as `doc`). The result must mean exactly the original data with
 * the edits applied; should the splice ever disagree, the document's own rendering is used, and
 * if that disagrees too there is no text to write (undefined).
 */
export function spliceYaml(text: string, doc: Document.Parsed, edits: readonly YamlEdit[]): string | undefined {
  const expected = doc.toJS() as unknown;
  for (const edit of edits) applyToData(expected, edit);
  // Aliases of edited nodes (and aliases an edit path runs through) are written out first, so
  // editing an anchored value changes that value only, and no alias loses its anchor.
  const detached = detachAliases(text, doc, edits);
  const base = detached === text ? doc : parseDocument(detached, PARSE_OPTIONS);
  const eol = detached.includes('\r\n') ? '\r\n' : '\n';
  const splices = edits.flatMap((edit) => splicesFor(detached, base, edit, eol)).sort((a, b) => b.start - a.start);
  let out = detached;
  for (const splice of splices) out = out.slice(0, splice.start) + splice.text + out.slice(splice.end);
  if (means(out, expected)) return out;
  const reference = base.clone();
  for (const edit of edits) applyToDocument(reference, edit);
  const rendered = reference.toString({ flowCollectionPadding: false, lineWidth: 0 });
  return means(rendered, expected) ? rendered : undefined;
}

function means(text: string, expected: unknown): boolean {
  const reparsed = parseDocument(text, PARSE_OPTIONS);
  return reparsed.errors.length === 0 && isDeepStrictEqual(reparsed.toJS(), expected);
}

function applyToData(data: unknown, edit: YamlEdit): void {
  let parent = data as Record<string, unknown>;
  for (const key of edit.path.slice(0, -1)) {
    if (typeof parent[key] !== 'object' || parent[key] === null) {
      if (edit.op !== 'set' && !(edit.op === 'list' && edit.values.length > 0)) return;
      parent[key] = {};
    }
    parent = parent[key] as Record<string, unknown>;
  }
  const key = edit.path[edit.path.length - 1]!;
  if (edit.op === 'set') parent[key] = edit.value;
  else if (edit.op === 'delete' || edit.values.length === 0) delete parent[key];
  else parent[key] = [...edit.values];
}

function applyToDocument(doc: Document, edit: YamlEdit): void {
  if (edit.op === 'set') doc.setIn(edit.path, edit.value);
  else if (edit.op === 'delete') doc.deleteIn(edit.path);
  else if (edit.values.length === 0) doc.deleteIn(edit.path);
  else {
    const list = doc.createNode(edit.values);
    list.flow = true;
    doc.setIn(edit.path, list);
  }
}

/** Replace each alias that an edit would break or silently change by the value it stands for. */
function detachAliases(text: string, doc: Document.Parsed, edits: readonly YamlEdit[]): string {
  const onPath = new Set<Alias>();
  const touched: Array<readonly [number, number]> = [];
  for (const edit of edits) {
    let node: unknown = doc.contents;
    for (const key of edit.path) {
      if (!isMap(node)) break;
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === key);
      if (!pair) break;
      node = pair.value;
      if (isAlias(node)) onPath.add(node);
    }
    const range = (node as Node | null)?.range;
    if (range) touched.push([range[0], range[1]]);
  }
  const replaced: Splice[] = [];
  visit(doc, {
    Alias(_, alias) {
      const target = alias.resolve(doc);
      const overlaps = target?.range && touched.some(([start, end]) => target.range![0] < end && start < target.range![1]);
      if (!alias.range || !(onPath.has(alias) || overlaps)) return;
      replaced.push({ start: alias.range[0], end: alias.range[1], text: literalOf(text, alias, doc) });
    },
  });
  let out = text;
  for (const splice of replaced.sort((a, b) => b.start - a.start)) out = out.slice(0, splice.start) + splice.text + out.slice(splice.end);
  return out;
}

/** A scalar keeps its own spelling; a collection becomes JSON, which YAML reads the same in any position. */
function literalOf(text: string, alias: Alias, doc: Document.Parsed): string {
  const target = alias.resolve(doc);
  if (isScalar(target) && target.range && (target.type === 'QUOTE_DOUBLE' || target.type === 'QUOTE_SINGLE' || !/[,[\]{}#\n]/.test(String(target.source ?? target.value)))) {
    return text.slice(target.range[0], target.range[1]);
  }
  return JSON.stringify(alias.toJS(doc));
}

function splicesFor(text: string, doc: Document.Parsed, edit: YamlEdit, eol: string): Splice[] {
  const parent = doc.getIn(edit.path.slice(0, -1), true);
  if (!isMap(parent)) return [];
  const key = edit.path[edit.path.length - 1]!;
  const pair = parent.items.find((item) => isScalar(item.key) && String(item.key.value) === key) as Pair<Node, Node> | undefined;
  if (edit.op === 'set') {
    if (!pair && edit.after !== undefined) return insertAfter(text, parent, edit.after, key, String(edit.value), eol);
    if (!pair || !isScalar(pair.value) || !pair.value.range) return [];
    return [{ start: pair.value.range[0], end: pair.value.range[1], text: String(edit.value) }];
  }
  if (edit.op === 'delete' || edit.values.length === 0) return pair ? removePair(text, parent.flow === true, parent.items as Pair<Node, Node>[], pair) : [];
  const inline = `[${edit.values.join(', ')}]`;
  if (pair && isSeq(pair.value) && pair.value.range) {
    if (pair.value.flow) return [{ start: pair.value.range[0], end: pair.value.range[1], text: inline }];
    const start = lineStart(text, pair.value.range[0]);
    const indent = text.slice(start, pair.value.range[0]);
    return [{ start, end: lineEnd(text, pair.value.range[1] - 1), text: edit.values.map((v) => `${indent}- ${v}`).join(eol) }];
  }
  return insertAfter(text, parent, edit.after, key, inline, eol);
}

/** A new `key: value` right after the key `after` of `parent`, in the mapping's own style. */
function insertAfter(text: string, parent: YAMLMap, after: string, key: string, value: string, eol: string): Splice[] {
  const anchor = parent.items.find((item) => isScalar(item.key) && String(item.key.value) === after) as Pair<Node, Node> | undefined;
  if (!anchor?.value?.range || !isScalar(anchor.key) || !anchor.key.range) return [];
  if (parent.flow) return [{ start: anchor.value.range[1], end: anchor.value.range[1], text: `, ${key}: ${value}` }];
  const at = lineEnd(text, anchor.value.range[1]);
  const indent = text.slice(lineStart(text, anchor.key.range[0]), anchor.key.range[0]);
  return [{ start: at, end: at, text: `${eol}${indent}${key}: ${value}` }];
}

function removePair(text: string, flow: boolean, items: Pair<Node, Node>[], pair: Pair<Node, Node>): Splice[] {
  const keyStart = pair.key.range![0];
  const valueEnd = pair.value?.range?.[1] ?? pair.key.range![1];
  if (!flow) {
    const start = lineStart(text, keyStart);
    const end = lineEnd(text, valueEnd);
    return [{ start, end: afterLineBreak(text, end), text: '' }];
  }
  const index = items.indexOf(pair);
  const next = items[index + 1];
  if (next) return [{ start: keyStart, end: next.key.range![0], text: '' }];
  const previous = items[index - 1];
  return [{ start: previous ? (previous.value?.range?.[1] ?? previous.key.range![1]) : keyStart, end: valueEnd, text: '' }];
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Offset of the line break (`\n`, or the `\r` of `\r\n`) ending the line that holds `offset`, or the end of the text. */
function lineEnd(text: string, offset: number): number {
  const end = text.indexOf('\n', offset);
  if (end === -1) return text.length;
  return end > 0 && text[end - 1] === '\r' ? end - 1 : end;
}

function afterLineBreak(text: string, offset: number): number {
  if (text.startsWith('\r\n', offset)) return offset + 2;
  return Math.min(offset + 1, text.length);
}
