/**
 * Before the schema: is this a ReleasePolicy at all? A Kubernetes manifest, a list or a policy
 * for another language version gets one clear message instead of dozens of schema errors.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { positionOf, type LoadedPolicy } from '../load/load.js';
import { API_VERSION, KIND } from './policy-schema.js';

export function documentHeaderDiagnostics(source: LoadedPolicy): Diagnostic[] {
  const data = source.data;
  const at = (path: string[]) => ({ file: source.file, ...positionOf(source, path), severity: 'error' as const });
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    const what = data === null ? 'nothing' : Array.isArray(data) ? 'a list' : `a single ${typeof data} value`;
    return [{ ...at([]), rule: 'not-a-policy', message: `file holds ${what}, not a policy mapping`, hint: `a policy is a mapping that starts with \`apiVersion: ${API_VERSION}\`` }];
  }
  const { apiVersion, kind } = data as Record<string, unknown>;
  const found: Diagnostic[] = [];
  if (apiVersion !== undefined && apiVersion !== API_VERSION) {
    found.push({ ...at(['apiVersion']), rule: 'unknown-api-version', message: `unknown apiVersion \`${shown(apiVersion)}\``, hint: `this modelgate understands \`apiVersion: ${API_VERSION}\`` });
  }
  if (kind !== undefined && kind !== KIND) {
    found.push({ ...at(['kind']), rule: 'wrong-kind', message: `kind \`${shown(kind)}\` is not a release policy`, hint: `modelgate reads \`kind: ${KIND}\`; keep other manifests out of the policy folder` });
  }
  return found;
}

/** A value quoted back to the user, cut short: a file may hold a quarter-megabyte string there. */
function shown(value: unknown): string {
  const text = String(value);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}
