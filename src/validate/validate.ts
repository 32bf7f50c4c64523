/**
 * The validate stage: load → is it a policy → JSON Schema → resolve → semantic rules, per policy
 * and across the set. Only policies that came through without an error are handed on.
 */
import { hasErrors, sortDiagnostics, type Diagnostic } from '../diagnostics/diagnostic.js';
import { loadPolicy, type LoadedPolicy } from '../load/load.js';
import type { ResolvedPolicy } from '../resolve/policy.js';
import { resolvePolicy } from '../resolve/resolve.js';
import { rules } from '../rules/index.js';
import { documentHeaderDiagnostics } from './document-header.js';
import { runRules } from './run-rules.js';
import { schemaDiagnostics } from './schema-diagnostics.js';

export interface ValidatedPolicy {
  source: LoadedPolicy;
  policy: ResolvedPolicy;
}

export function validateSources(files: ReadonlyArray<{ file: string; bytes: Uint8Array; link?: true }>): { policies: ValidatedPolicy[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const shaped: ValidatedPolicy[] = [];
  for (const { file, bytes, link } of files) {
    if (link) {
      diagnostics.push({ file, line: 1, column: 1, severity: 'error', rule: 'symlink', message: 'is a symbolic link; modelgate reads policies only from regular files in the repository', hint: 'replace the link with the policy file itself' });
      continue;
    }
    const loaded = loadPolicy(file, bytes);
    diagnostics.push(...loaded.diagnostics);
    if (!loaded.policy) continue;
    const source = loaded.policy;
    const header = documentHeaderDiagnostics(source);
    const structural = header.length > 0 ? header : schemaDiagnostics(source);
    diagnostics.push(...structural);
    if (structural.length > 0) continue;
    shaped.push({ source, policy: resolvePolicy(source.data, { file, sha256: source.sha256 }) });
  }
  const ruleDiagnostics = runRules(rules, shaped);
  diagnostics.push(...ruleDiagnostics);
  const policies = shaped.filter(({ source }) => !hasErrors(ruleDiagnostics.filter((d) => d.file === source.file)));
  return { policies, diagnostics: sortDiagnostics(diagnostics) };
}
