/**
 * Edit a YAML file's text at the nodes the parsed document points to, so everything not edited
 * — comments, blank lines, quoting, inline-versus-block style, padding — stays byte for byte.
 * Serializing the whole document again would restyle every inline map in the file.
 */
import { isMap, isScalar, isSeq, parseDocument, type Document, type Node, type Pair } from 'yaml';
import { isDeepStrictEqual } from 'node:util';

export type YamlEdit =
  | { op: 'set'; path: readonly string[]; value: number }
  | { op: 'delete'; path: readonly string[] }
  /** Set a list of numbers; a missing one is added right after the key `after`. */
  | { op: 'list'; path: readonly string[]; values: number[]; after: string };

interface Splice {
  start: number;
  end: number;
  text: string;
}

/**
 * Apply `edits` to `text` (parsed as `doc`). The result is checked against the same edits made
 * through the document API; should the two ever disagree, the document's own rendering wins,
 * because meaning matters more than layout.
 */
export function spliceYaml(text: string, doc: Document.Parsed, edits: readonly YamlEdit[]): string {
  const reference = doc.clone();
  for (const edit of edits) applyToDocument(reference, edit);
  const splices = edits.flatMap((edit) => splicesFor(text, doc, edit)).sort((a, b) => b.start - a.start);
  let out = text;
  for (const splice of splices) out = out.slice(0, splice.start) + splice.text + out.slice(splice.end);
  const reparsed = parseDocument(out);
  if (reparsed.errors.length === 0 && isDeepStrictEqual(reparsed.toJS(), reference.toJS())) return out;
  return reference.toString({ flowCollectionPadding: false, lineWidth: 0 });
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

function splicesFor(text: string, doc: Document.Parsed, edit: YamlEdit): Splice[] {
  const parent = doc.getIn(edit.path.slice(0, -1), true);
  if (!isMap(parent)) return [];
  const key = edit.path[edit.path.length - 1]!;
  const pair = parent.items.find((item) => isScalar(item.key) && String(item.key.value) === key) as Pair<Node, Node> | undefined;
  if (edit.op === 'set') {
    if (!pair || !isScalar(pair.value) || !pair.value.range) return [];
    return [{ start: pair.value.range[0], end: pair.value.range[1], text: String(edit.value) }];
  }
  if (edit.op === 'delete' || edit.values.length === 0) return pair ? removePair(text, parent.flow === true, parent.items as Pair<Node, Node>[], pair) : [];
  const inline = `[${edit.values.join(', ')}]`;
  if (pair && isSeq(pair.value) && pair.value.range) {
    if (pair.value.flow) return [{ start: pair.value.range[0], end: pair.value.range[1], text: inline }];
    const start = lineStart(text, pair.value.range[0]);
    const indent = text.slice(start, pair.value.range[0]);
    return [{ start, end: lineEnd(text, pair.value.range[1] - 1), text: edit.values.map((v) => `${indent}- ${v}`).join('\n') }];
  }
  const anchor = parent.items.find((item) => isScalar(item.key) && String(item.key.value) === edit.after) as Pair<Node, Node> | undefined;
  if (!anchor?.value?.range || !isScalar(anchor.key) || !anchor.key.range) return [];
  if (parent.flow) return [{ start: anchor.value.range[1], end: anchor.value.range[1], text: `, ${key}: ${inline}` }];
  const at = lineEnd(text, anchor.value.range[1]);
  const indent = text.slice(lineStart(text, anchor.key.range[0]), anchor.key.range[0]);
  return [{ start: at, end: at, text: `\n${indent}${key}: ${inline}` }];
}

function removePair(text: string, flow: boolean, items: Pair<Node, Node>[], pair: Pair<Node, Node>): Splice[] {
  const keyStart = pair.key.range![0];
  const valueEnd = pair.value?.range?.[1] ?? pair.key.range![1];
  if (!flow) {
    const start = lineStart(text, keyStart);
    const end = lineEnd(text, valueEnd);
    return [{ start, end: Math.min(end + 1, text.length), text: '' }];
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

/** Offset of the newline ending the line that holds `offset` (or the end of the text). */
function lineEnd(text: string, offset: number): number {
  const end = text.indexOf('\n', offset);
  return end === -1 ? text.length : end;
}
