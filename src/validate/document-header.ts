/**
 * Before the schema: is this document the kind expected here at all? A Kubernetes manifest, a list
 * or a document for another language version gets one clear message instead of dozens of schema errors.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { positionOf, type LoadedPolicy } from '../load/load.js';
import type { DocumentKind } from './json-schema.js';
import { policySchemaDocument } from './policy-schema.js';

export function documentHeaderDiagnostics(source: LoadedPolicy, expected: DocumentKind = policySchemaDocument.kind): Diagnostic[] {
  const data = source.data;
  const { apiVersion: API_VERSION, kind: KIND, noun } = expected;
  const at = (path: string[]) => ({ file: source.file, ...positionOf(source, path), severity: 'error' as const });
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    const what = data === null ? 'nothing' : Array.isArray(data) ? 'a list' : `a single ${typeof data} value`;
    return [{ ...at([]), rule: 'not-a-policy', message: `file holds ${what}, not a ${noun} mapping`, hint: `a ${noun} is a mapping that starts with \`apiVersion: ${API_VERSION}\`` }];
  }
  const { apiVersion, kind } = data as Record<string, unknown>;
  const found: Diagnostic[] = [];
  if (apiVersion !== undefined && apiVersion !== API_VERSION) {
    found.push({ ...at(['apiVersion']), rule: 'unknown-api-version', message: `unknown apiVersion \`${shown(apiVersion)}\``, hint: `this modelgate understands \`apiVersion: ${API_VERSION}\`` });
  }
  if (kind !== undefined && kind !== KIND) {
    found.push({ ...at(['kind']), rule: 'wrong-kind', message: `kind \`${shown(kind)}\` is not a ${noun === 'policy' ? 'release policy' : noun}`, hint: `modelgate reads \`kind: ${KIND}\`; ${expected.place}` });
  }
  return found;
}

/** A value quoted back to the user, cut short: a file may hold a quarter-megabyte string there. */
function shown(value: unknown): string {
  const text = String(value);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}
