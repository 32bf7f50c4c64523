/**
 * What a schema node accepts, in the words a data scientist would use: "a duration like 30s,
 * 5m or 1h30m", not `must match pattern "^([0-9]+(ms|s|m|h|d))+$"`.
 */
import type { SchemaDocument, SchemaNode } from './json-schema.js';
import { policySchemaDocument } from './policy-schema.js';

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
  folderName: "one folder name (no '/' or '\\', not starting with '.')",
  segmentLabel: 'a Prometheus label name (letters, digits and _; not starting with a digit)',
  notificationService: 'a notification service name: lowercase letters, digits and inner dashes, at most 27',
};

/** Phrases for patterns written inline in the schema, keyed by the pattern itself. */
const PATTERNS: Record<string, string> = {
  '^[0-9]+(\\.[0-9]+)?m?$': 'a CPU amount like 2, 0.5 or 500m',
  '^[0-9]+(Ki|Mi|Gi|Ti|K|M|G|T)?$': 'a memory amount like 512Mi or 4Gi',
  '^[1-9][0-9]{0,15}$': 'a version number',
  '^[A-Za-z_][A-Za-z0-9_.-]{0,62}$': 'a metric name of letters, digits, `_`, `.` and `-`, not starting with a digit (at most 63)',
  '^[0-9A-Za-z][0-9A-Za-z._+-]{0,62}$': 'a version name like 1.4.0-20250405 (letters, digits, `.`, `_`, `+`, `-`)',
  '^[0-9a-f]{7,40}$': 'a git commit hash: 7 to 40 lowercase hex digits',
  '^[a-zA-Z_:][a-zA-Z0-9_:]*$': 'a Prometheus metric name (letters, digits, `_` and `:`; not starting with a digit)',
  '^[a-zA-Z_][a-zA-Z0-9_]*$': 'a Prometheus label name (letters, digits and `_`; not starting with a digit)',
  '^(?!(namespace|le)$)[a-zA-Z][a-zA-Z0-9_]*$': 'a Prometheus label name other than `namespace` and `le` (letters, digits and `_`; starting with a letter)',
  '^[a-z]([-a-z0-9]{0,18}[a-z0-9])?$': 'a stage name like staging or prod: lowercase letters, digits and `-`, starting with a letter (at most 20)',
  '^(?!.*\\{\\{)https?://[^\\s]+$': "an https:// URL, or http:// to a Service in the cluster, without spaces or `{{`",
  '^(?:(?!\\{\\{)[^\\r\\n])*$': "one line of text without `{{` (Argo Rollouts would read it as a template argument)",
  '^[A-Za-z0-9-]{1,64}$': "an HTTP header name: letters, digits and dashes, at most 64",
  '^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$': "a Kubernetes Secret name: lowercase letters, digits, `-` and `.`",
  '^[-._a-zA-Z0-9]{1,253}$': "a Secret key: letters, digits, `-`, `_` and `.`",
  '^\\{\\$(\\.[A-Za-z_][A-Za-z0-9_]*)*\\}$': "a JSONPath of fields like {$.verdict} or {$.scores.ctr_delta}",
  '^[A-Za-z0-9#@._:/+-]{1,200}$': 'a recipient like #channel or name@example.com (letters, digits and #@._:/+-; no `;`, which separates recipients)',
};

export function describeExpected(node: SchemaNode, document: SchemaDocument = policySchemaDocument): string {
  const named = document.defName(node);
  if (named && NAMED[named]) return NAMED[named];
  if (typeof node.$ref === 'string') {
    const target = document.resolveRef(node.$ref);
    if (target) return describeExpected(target, document);
  }
  if ('const' in node) return `\`${String(node.const)}\``;
  if (Array.isArray(node.enum)) return `one of ${node.enum.map((value) => `\`${String(value)}\``).join(', ')}`;
  if (Array.isArray(node.oneOf)) return (node.oneOf as SchemaNode[]).map((branch) => describeExpected(branch, document)).join(' or ');
  if (typeof node.pattern === 'string') return PATTERNS[node.pattern] ?? `text matching the pattern ${node.pattern}`;
  switch (node.type) {
    case 'integer':
      return `a whole number${range(node)}`;
    case 'number':
      return `a number${range(node)}`;
    case 'string':
      return 'text';
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
  const low = node.minimum !== undefined ? `at least ${node.minimum}` : node.exclusiveMinimum !== undefined ? `above ${node.exclusiveMinimum}` : undefined;
  const high = node.maximum !== undefined ? `at most ${node.maximum}` : node.exclusiveMaximum !== undefined ? `below ${node.exclusiveMaximum}` : undefined;
  if (node.minimum !== undefined && node.maximum !== undefined) return ` from ${node.minimum} to ${node.maximum}`;
  if (low && high) return ` ${low} and ${high}`;
  return low || high ? ` ${low ?? high}` : '';
}
