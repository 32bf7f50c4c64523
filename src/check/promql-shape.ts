/**
 * A query's shape, and what the label check needs of it, worked out once per shape.
 *
 * Queries of different policies differ in their string literals (model names, hosts, versions),
 * their numbers (thresholds, sample guards) and their per-policy series names
 * (`modelgate:<namespace>:<policy>:…` records, `<histogram>_bucket`); the structure comes from a
 * few generators (src/gates/queries.ts). So a query is parsed once per shape: literals emptied,
 * numbers made `0`, and every series-like name replaced by a placeholder that lexes the same way
 * (with a colon where the name has one, never a keyword). The parse is boiled down to its label
 * flow (which series each selector reads and by which labels, what each expression passes on),
 * whose tokens are the shape's; the check reads each back through the query's `names`, so it sees
 * the query's own text for every token it looks at (it never reads literals or numbers).
 * Memoizing on literals alone rarely hit: the profile of a 1,000-policy compile spent 10% of its
 * CPU in the lezer parse, and then 7% walking the trees. Escaping inside literals cannot be checked
 * by lezer either way (its string token takes any escape), and a literal broken by a bad escape is
 * no longer a literal, so the shape keeps the error. test/gates/promql-check.test.ts proves that
 * shape and query parse alike and have the same label flow. The flows of the generators' shapes
 * ship with the build (./query-flows.ts), so a run mostly parses nothing.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { SyntaxNode } from '@lezer/common';

const require = createRequire(import.meta.url);
let promqlParser: (typeof import('@prometheus-io/lezer-promql'))['parser'] | undefined;
// Loaded on the first shape the build's table of flows lacks (./query-flows.ts): a run whose
// queries all have known shapes neither loads nor runs the parser.
const parser = () => (promqlParser ??= (require('@prometheus-io/lezer-promql') as typeof import('@prometheus-io/lezer-promql')).parser);

/** Placeholders start with this; any name of the query that does too is abstracted as well, so a placeholder is never ambiguous. */
const PLACEHOLDER = '_mg';

export interface QueryShape {
  text: string;
  /** Placeholder → the name it stands for in this query. */
  names: Map<string, string>;
}

/**
 * The query with its tokens abstracted. The tokens are what this regular expression matches, the
 * specification the test holds a scan by hand to (the regular expression, with its callback per
 * token, cost three times as much):
 * "(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`[^`]*`|(?<![A-Za-z0-9_:.])[A-Za-z_:][A-Za-z0-9_:]*|(?<![A-Za-z0-9_.])\d+(?:\.\d+)?(?![A-Za-z0-9_.])
 * A name is abstracted when it has a colon, ends in `_bucket` or starts as placeholders do (and
 * is not colons only).
 */
export function shapeOf(query: string): QueryShape {
  const names = new Map<string, string>();
  // The abstracted names in order, and their placeholders: a query has a handful.
  const seen: string[] = [];
  const placeholders: string[] = [];
  let text = '';
  // query[copied, at) is still to be copied as it is.
  let copied = 0;
  let at = 0;
  const length = query.length;
  while (at < length) {
    const code = query.charCodeAt(at);
    const kind = CLASS[code]!;
    let end = -1;
    let replacement = '""';
    if (code === DOUBLE_QUOTE || code === SINGLE_QUOTE) {
      end = quotedEnd(query, at, code);
    } else if (kind & NAME_START) {
      if (at > 0 && CLASS[query.charCodeAt(at - 1)]! & BEFORE_NAME) {
        at += 1;
        continue;
      }
      let colon = code === COLON;
      let other = !colon;
      for (end = at + 1; end < length; end += 1) {
        const next = query.charCodeAt(end);
        if (!(CLASS[next]! & NAME_CHAR)) break;
        if (next === COLON) colon = true;
        else other = true;
      }
      if (!(other && (colon || (end - at >= BUCKET.length && query.startsWith(BUCKET, end - BUCKET.length)) || query.startsWith(PLACEHOLDER, at)))) {
        // Stays in the text as it is.
        at = end;
        continue;
      }
      const name = query.slice(at, end);
      let index = seen.indexOf(name);
      if (index === -1) {
        index = seen.length;
        seen.push(name);
        placeholders.push(placeholderFor(name, index));
        names.set(placeholders[index]!, name);
      }
      replacement = placeholders[index]!;
    } else if (kind & DIGIT) {
      if (at === 0 || !(CLASS[query.charCodeAt(at - 1)]! & BEFORE_NUMBER)) end = numberEnd(query, at);
      replacement = '0';
    } else if (code === BACKTICK) {
      end = query.indexOf('`', at + 1);
      if (end !== -1) end += 1;
    }
    if (end === -1) {
      at += 1;
      continue;
    }
    text += query.slice(copied, at) + replacement;
    copied = at = end;
  }
  return { text: copied === 0 ? query : text + query.slice(copied), names };
}

const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;
const BACKTICK = 0x60;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;
const DOT = 0x2e;
const COLON = 0x3a;

/** Character classes of the specification, one bit each; a code unit beyond ASCII is in none. */
const NAME_START = 1; // [A-Za-z_:]
const NAME_CHAR = 2; // [A-Za-z0-9_:]
const DIGIT = 4; // \d
const BEFORE_NAME = 8; // [A-Za-z0-9_:.], before which no name starts
const BEFORE_NUMBER = 16; // [A-Za-z0-9_.], before or after which no number stands
const CLASS = new Uint8Array(0x10000);
for (let code = 0; code < 0x80; code += 1) {
  const char = String.fromCharCode(code);
  const word = /[A-Za-z0-9_]/.test(char);
  CLASS[code] =
    (/[A-Za-z_:]/.test(char) ? NAME_START : 0) |
    (word || char === ':' ? NAME_CHAR : 0) |
    (/[0-9]/.test(char) ? DIGIT : 0) |
    (word || char === ':' || char === '.' ? BEFORE_NAME : 0) |
    (word || char === '.' ? BEFORE_NUMBER : 0);
}

/** What `.` does not match without the `s` flag. */
const isLineTerminator = (code: number): boolean => code === NEWLINE || code === 0x0d || code === 0x2028 || code === 0x2029;

/** End of the quoted literal opening at `at`, -1 when it is not closed on its line. */
function quotedEnd(query: string, at: number, quote: number): number {
  // Most literals have neither escape nor newline: three searches find their end.
  const close = query.indexOf(quote === DOUBLE_QUOTE ? '"' : "'", at + 1);
  if (close === -1) return -1;
  const escape = query.indexOf('\\', at + 1);
  if (escape === -1 || escape > close) {
    const newline = query.indexOf('\n', at + 1);
    if (newline === -1 || newline > close) return close + 1;
  }
  for (let i = at + 1; i < query.length; ) {
    const code = query.charCodeAt(i);
    if (code === quote) return i + 1;
    if (code === NEWLINE) return -1;
    if (code === BACKSLASH) {
      if (i + 1 >= query.length || isLineTerminator(query.charCodeAt(i + 1))) return -1;
      i += 2;
    } else i += 1;
  }
  return -1;
}

/** End of the number starting at `at`, -1 when a name character or dot follows it (then it is none). */
function numberEnd(query: string, at: number): number {
  let end = at + 1;
  while (end < query.length && CLASS[query.charCodeAt(end)]! & DIGIT) end += 1;
  if (query.charCodeAt(end) === DOT && CLASS[query.charCodeAt(end + 1)]! & DIGIT) {
    end += 2;
    while (end < query.length && CLASS[query.charCodeAt(end)]! & DIGIT) end += 1;
  }
  // A shorter match is followed by a digit or the dot, so only the longest can stand.
  return CLASS[query.charCodeAt(end)]! & BEFORE_NUMBER ? -1 : end;
}

const BUCKET = '_bucket';

/**
 * Lexes as the name does wherever it stands, even where it does not belong (a name with a colon
 * in a label list): the colons stay where they are, the first part carries the number that makes
 * the placeholder unique, a later part keeps a leading digit (`a:5m`) and is otherwise `x`.
 */
function placeholderFor(name: string, index: number): string {
  let placeholder = '';
  let numbered = false;
  for (let from = 0; ; ) {
    const colon = name.indexOf(':', from);
    const end = colon === -1 ? name.length : colon;
    if (end > from) {
      placeholder += numbered ? (CLASS[name.charCodeAt(from)]! & DIGIT ? name.slice(from, end) : 'x') : `${PLACEHOLDER}${index}`;
      numbered = true;
    }
    if (colon === -1) return placeholder;
    placeholder += ':';
    from = colon + 1;
  }
}

/**
 * Which labels flow where in a query, in the order the check looks at them; names are tokens of
 * the text the flow was taken from. Wrappers that pass their input on unchanged (parentheses,
 * range selectors, the query itself) are left out.
 */
export type LabelFlow =
  | { kind: 'selector'; metric: string; matchers: string[] }
  | { kind: 'literal' }
  | { kind: 'aggregation'; input: LabelFlow; by: string[] }
  | { kind: 'call'; fn: string; args: LabelFlow[] }
  | { kind: 'binary'; lhs: LabelFlow; rhs: LabelFlow }
  | { kind: 'unexpected'; node: string };

export type ParsedQuery = { errorAt: number } | { errorAt: null; flow: LabelFlow };

/** The query parsed on its own: where its first syntax error is, or its label flow. */
export function parseQuery(text: string): ParsedQuery {
  const tree = parser().parse(text);
  let errorAt: number | null = null;
  tree.iterate({ enter: (n) => void (n.type.isError && errorAt === null && (errorAt = n.from)) });
  return errorAt === null ? { errorAt, flow: labelFlow(tree.topNode, text) } : { errorAt };
}

/**
 * What a flow depends on besides the text it is taken from: the parser's version and the walk
 * below, as source. The build's table of flows (./query-flows.ts) is stamped with it.
 */
export function flowWalkInputs(): string[] {
  const versionOf = (name: string) => (JSON.parse(readFileSync(path.join(path.dirname(require.resolve(name)), '..', 'package.json'), 'utf8')) as { version: string }).version;
  return [versionOf('@prometheus-io/lezer-promql'), versionOf('@lezer/lr'), ...[parseQuery, labelFlow, expressionChild, lastExpressionChild, argumentsOf, isExpression].map(String), [...EXPRESSIONS].join()];
}

function labelFlow(node: SyntaxNode, text: string): LabelFlow {
  const token = (n: SyntaxNode): string => text.slice(n.from, n.to);
  switch (node.name) {
    case 'PromQL':
    case 'ParenExpr':
    case 'FunctionCallBody':
    case 'MatrixSelector':
      return labelFlow(expressionChild(node), text);
    case 'VectorSelector':
      return {
        kind: 'selector',
        metric: token(node.getChild('Identifier')!),
        matchers: (node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? []).map((matcher) => token(matcher.getChild('LabelName')!)),
      };
    case 'NumberDurationLiteral':
    case 'StringLiteral':
      return { kind: 'literal' };
    case 'AggregateExpr':
      return {
        kind: 'aggregation',
        input: labelFlow(expressionChild(node.getChild('FunctionCallBody')!), text),
        by: node.getChild('AggregateModifier')?.getChild('GroupingLabels')?.getChildren('LabelName').map(token) ?? [],
      };
    case 'FunctionCall':
      return { kind: 'call', fn: token(node.getChild('FunctionIdentifier')!), args: argumentsOf(node.getChild('FunctionCallBody')!).map((arg) => labelFlow(arg, text)) };
    case 'BinaryExpr':
      return { kind: 'binary', lhs: labelFlow(expressionChild(node), text), rhs: labelFlow(lastExpressionChild(node), text) };
    default:
      return { kind: 'unexpected', node: node.name };
  }
}

function expressionChild(node: SyntaxNode): SyntaxNode {
  let child = node.firstChild;
  while (child && !isExpression(child)) child = child.nextSibling;
  if (!child) throw new Error(`no expression inside ${node.name}`);
  return child;
}

function lastExpressionChild(node: SyntaxNode): SyntaxNode {
  let child = node.lastChild;
  while (child && !isExpression(child)) child = child.prevSibling;
  return child!;
}

function argumentsOf(body: SyntaxNode): SyntaxNode[] {
  const args: SyntaxNode[] = [];
  for (let child = body.firstChild; child; child = child.nextSibling) if (isExpression(child)) args.push(child);
  return args;
}

const EXPRESSIONS = new Set(['AggregateExpr', 'BinaryExpr', 'FunctionCall', 'MatrixSelector', 'NumberDurationLiteral', 'ParenExpr', 'VectorSelector', 'SubqueryExpr', 'UnaryExpr', 'StringLiteral']);

function isExpression(node: SyntaxNode): boolean {
  return EXPRESSIONS.has(node.name);
}
