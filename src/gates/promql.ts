/**
 * A small PromQL builder: node constructors and one serializer. Queries are built as trees and
 * printed once, so a label value is always escaped and a metric or label name is always checked;
 * nothing in modelgate writes PromQL by pasting strings together.
 */
import { formatDuration } from '../resolve/units.js';

export type Expr = Selector | Call | Aggregation | Binary | NumberLiteral | StringLiteral;

export interface Matcher {
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

export interface Selector {
  kind: 'selector';
  metric: string;
  matchers: Matcher[];
  /** Range in seconds, for a range-vector selector (`foo[5m]`). */
  rangeSeconds?: number;
}

export interface Call {
  kind: 'call';
  fn: string;
  args: Expr[];
}

export interface Aggregation {
  kind: 'aggregation';
  op: 'sum' | 'max' | 'min';
  by: string[];
  expr: Expr;
}

export type BinaryOp = '+' | '-' | '*' | '/' | '>' | '>=' | '<' | '<=' | '==' | '!=' | 'and' | 'or' | 'unless';

export interface Binary {
  kind: 'binary';
  op: BinaryOp;
  lhs: Expr;
  rhs: Expr;
  ignoring?: string[];
  on?: string[];
  /** Labels the one side adds to each match (`group_left(a, b)`); empty for `group_left()`. */
  groupLeft?: string[];
}

export interface NumberLiteral {
  kind: 'number';
  value: number;
}

/** A string argument (of `label_replace`); always printed escaped. */
export interface StringLiteral {
  kind: 'string';
  value: string;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function isMetricName(name: string): boolean {
  return METRIC_NAME.test(name);
}

export function isLabelName(name: string): boolean {
  return LABEL_NAME.test(name) && !name.startsWith('__');
}

export function selector(metric: string, matchers: Matcher[] = [], rangeSeconds?: number): Selector {
  if (!isMetricName(metric)) throw new Error(`not a Prometheus metric name: ${JSON.stringify(metric)}`);
  for (const m of matchers) {
    if (!isLabelName(m.label)) throw new Error(`not a Prometheus label name: ${JSON.stringify(m.label)}`);
  }
  return rangeSeconds === undefined ? { kind: 'selector', metric, matchers } : { kind: 'selector', metric, matchers, rangeSeconds };
}

export function eq(label: string, value: string): Matcher {
  return { label, op: '=', value };
}
export function ne(label: string, value: string): Matcher {
  return { label, op: '!=', value };
}
export function re(label: string, value: string): Matcher {
  return { label, op: '=~', value };
}
export function nre(label: string, value: string): Matcher {
  return { label, op: '!~', value };
}

export function call(fn: string, ...args: Expr[]): Call {
  return { kind: 'call', fn, args };
}

export function sumBy(by: string[], expr: Expr): Aggregation {
  for (const label of by) {
    if (!isLabelName(label)) throw new Error(`not a Prometheus label name: ${JSON.stringify(label)}`);
  }
  return { kind: 'aggregation', op: 'sum', by, expr };
}

export function num(value: number): NumberLiteral {
  return { kind: 'number', value };
}

export function str(value: string): StringLiteral {
  return { kind: 'string', value };
}

export function bin(op: BinaryOp, lhs: Expr, rhs: Expr, modifiers: { ignoring?: string[]; on?: string[]; groupLeft?: string[] } = {}): Binary {
  for (const label of [...(modifiers.ignoring ?? []), ...(modifiers.on ?? []), ...(modifiers.groupLeft ?? [])]) {
    if (!isLabelName(label)) throw new Error(`not a Prometheus label name: ${JSON.stringify(label)}`);
  }
  return { kind: 'binary', op, lhs, rhs, ...modifiers };
}

/** Escape a string for a double-quoted PromQL string literal (Go escaping rules). */
export function escapeString(value: string): string {
  let out = '';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `"${out}"`;
}

/** Escape text so a regex matcher matches it literally (RE2 syntax). */
export function escapeRegex(value: string): string {
  return value.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

export function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

/** Print a query on one line. Binary operands that are binary themselves are parenthesized. */
export function serialize(expr: Expr): string {
  switch (expr.kind) {
    case 'number':
      return formatNumber(expr.value);
    case 'string':
      return escapeString(expr.value);
    case 'selector': {
      const matchers = expr.matchers.map((m) => `${m.label}${m.op}${escapeString(m.value)}`).join(', ');
      const range = expr.rangeSeconds === undefined ? '' : `[${formatDuration(expr.rangeSeconds)}]`;
      return `${expr.metric}${matchers ? `{${matchers}}` : ''}${range}`;
    }
    case 'call':
      return `${expr.fn}(${expr.args.map(serialize).join(', ')})`;
    case 'aggregation':
      return `${expr.op}${expr.by.length ? ` by (${expr.by.join(', ')})` : ''} (${serialize(expr.expr)})`;
    case 'binary': {
      const modifiers = [
        expr.ignoring ? ` ignoring(${expr.ignoring.join(', ')})` : '',
        expr.on ? ` on(${expr.on.join(', ')})` : '',
        expr.groupLeft ? ` group_left(${expr.groupLeft.join(', ')})` : '',
      ].join('');
      return `${operand(expr.lhs)} ${expr.op}${modifiers} ${operand(expr.rhs)}`;
    }
  }
}

function operand(expr: Expr): string {
  // Parenthesize every nested binary: no reader (and no bug here) depends on PromQL's precedence table.
  return expr.kind === 'binary' ? `(${serialize(expr)})` : serialize(expr);
}
