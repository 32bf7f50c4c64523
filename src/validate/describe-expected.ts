/**
 * What a schema node accepts, in the words a data scientist would use: "a duration like 30s,
 * 5m or 1h30m", not `must match pattern "^([0-9]+(ms|s|m|h|d))+$"`.
 */
import { defName, resolveRef, type SchemaNode } from './policy-schema.js';

/** Phrases for the schema's named value types; keys are `$defs` names. */
const NAMED: Record<string, string> = {
  duration: 'a duration like 30s, 5m or 1h30m',
  percent: 'a percentage like 10% or 0.5%',
  percentagePoints: 'percentage points like 0.5pp',
  wholePercent: 'a whole percentage like 5% (Istio and Argo Rollouts weights are integers)',
  weight: 'a whole percentage like 5% or a whole number 0–100',
  version: 'a whole version number, 1 or more',
  url: 'an https:// URL without spaces',
  gateName: 'a lowercase name of letters, digits and dashes (at most 40, starting and ending with a letter or digit)',
  segmentLabel: 'a Prometheus label name (letters, digits and _; not starting with a digit)',
};

export function describeExpected(node: SchemaNode): string {
  const named = defName(node);
  if (named && NAMED[named]) return NAMED[named];
  if (typeof node.$ref === 'string') {
    const target = resolveRef(node.$ref);
    if (target) return describeExpected(target);
  }
  if ('const' in node) return `\`${String(node.const)}\``;
  if (Array.isArray(node.enum)) return `one of ${node.enum.map((value) => `\`${String(value)}\``).join(', ')}`;
  if (Array.isArray(node.oneOf)) return (node.oneOf as SchemaNode[]).map(describeExpected).join(' or ');
  switch (node.type) {
    case 'integer':
      return `a whole number${range(node)}`;
    case 'number':
      return `a number${range(node)}`;
    case 'string':
      return typeof node.pattern === 'string' ? `text matching ${node.pattern}` : 'text';
    case 'boolean':
      return '`true` or `false`';
    case 'array':
      return 'a list';
    case 'object':
      return 'a mapping of keys to values';
    default:
      return 'a valid value';
  }
}

function range(node: SchemaNode): string {
  const low = node.minimum ?? node.exclusiveMinimum;
  const high = node.maximum ?? node.exclusiveMaximum;
  const lowWord = node.exclusiveMinimum !== undefined ? 'above' : 'from';
  const highWord = node.exclusiveMaximum !== undefined ? 'below' : 'to';
  if (low !== undefined && high !== undefined) return ` ${lowWord} ${low} ${highWord} ${high}`;
  if (low !== undefined) return node.exclusiveMinimum !== undefined ? ` above ${low}` : ` of at least ${low}`;
  if (high !== undefined) return node.exclusiveMaximum !== undefined ? ` below ${high}` : ` of at most ${high}`;
  return '';
}
