/**
 * The validate stage: load → is it a policy → JSON Schema → resolve → semantic rules, per policy
 * and across the set. Only policies that came through without an error are handed on. The
 * platform profile goes through the same load and schema steps first; with an error in it no
 * policy is handed on, since every one would be compiled for the wrong cluster.
 */
import { sortDiagnostics, type Diagnostic } from '../diagnostics/diagnostic.js';
import { atStage, loadPolicy, type LoadedPolicy } from '../load/load.js';
import type { ProfileSource } from '../load/profile-file.js';
import { DEFAULT_PLATFORM, resolvePlatform, type Platform } from '../resolve/platform.js';
import type { ResolvedPolicy } from '../resolve/policy.js';
import { resolvePolicy } from '../resolve/resolve.js';
import { stageIndexes } from '../resolve/stages.js';
import { rules } from '../rules/index.js';
import type { SetFacts } from '../rules/rule.js';
import { sharedKeys } from './shared-keys.js';
import { documentHeaderDiagnostics } from './document-header.js';
import type { SchemaDocument } from './json-schema.js';
import { profileSchemaDocument } from './profile-schema.js';
import { runRules } from './run-rules.js';
import { schemaDiagnostics } from './schema-diagnostics.js';

export interface ValidatedPolicy {
  source: LoadedPolicy;
  policy: ResolvedPolicy;
}

/**
 * `known`: policies of the same run that are not loaded (unchanged since a manifest recorded their
 * set-wide facts). They take part in the set-wide rules by key only; any whose key another policy
 * shares is returned in `recheck`, to be validated again with its file loaded.
 */
export function validateSources(
  files: ReadonlyArray<{ file: string; bytes: Uint8Array; link?: true }>,
  profile: ProfileSource | null = null,
  known: ReadonlyArray<{ file: string; facts: SetFacts }> = [],
): { policies: ValidatedPolicy[]; diagnostics: Diagnostic[]; recheck: string[] } {
  const resolvedProfile = validateProfile(profile);
  if (resolvedProfile.platform === null) return { policies: [], diagnostics: sortDiagnostics(resolvedProfile.diagnostics), recheck: [] };
  const platform = resolvedProfile.platform;
  const diagnostics: Diagnostic[] = [];
  const shaped: ValidatedPolicy[] = [];
  for (const { file, bytes, link } of files) {
    if (link) {
      diagnostics.push({ file, line: 1, column: 1, severity: 'error', rule: 'symlink', message: 'is a symbolic link; modelgate reads policies only from regular files in the repository', hint: 'replace the link with the policy file itself' });
      continue;
    }
    const source = loadShaped(file, bytes, undefined, diagnostics);
    if (!source) continue;
    // A policy with stages is checked and compiled once per stage, each an ordinary policy.
    for (const stageIndex of stageIndexes(source.data)) {
      shaped.push({ source: stageIndex === null ? source : atStage(source, stageIndex), policy: resolvePolicy(source.data, { file, sha256: source.sha256 }, platform, stageIndex) });
    }
  }
  const recheck = sharedKeys(shaped, known);
  if (recheck.length > 0) return { policies: [], diagnostics: [], recheck };
  const ruleDiagnostics = runRules(rules, shaped);
  diagnostics.push(...ruleDiagnostics);
  // Once per set, not once per policy: every policy of the bench's 10,000 carries a warning.
  const failed = new Set(ruleDiagnostics.filter((d) => d.severity === 'error').map((d) => d.file));
  const policies = shaped.filter(({ source }) => !failed.has(source.file));
  return { policies, diagnostics: sortDiagnostics(diagnostics), recheck: [] };
}

/** The repository's platform, or null (with the reasons) when its profile is not valid. */
export function validateProfile(profile: ProfileSource | null): { platform: Platform | null; diagnostics: Diagnostic[] } {
  if (profile === null) return { platform: DEFAULT_PLATFORM, diagnostics: [] };
  const diagnostics: Diagnostic[] = [];
  const source = loadShaped(profile.file, profile.bytes, profileSchemaDocument, diagnostics);
  return { platform: source ? resolvePlatform(source.data, profile.file) : null, diagnostics };
}

/** Load, header and schema: the document when it has the shape its schema describes, else undefined (and why, in `diagnostics`). */
function loadShaped(file: string, bytes: Uint8Array, document: SchemaDocument | undefined, diagnostics: Diagnostic[]): LoadedPolicy | undefined {
  const loaded = loadPolicy(file, bytes);
  diagnostics.push(...loaded.diagnostics);
  if (!loaded.policy) return undefined;
  const source = loaded.policy;
  const header = documentHeaderDiagnostics(source, document?.kind);
  const structural = header.length > 0 ? header : schemaDiagnostics(source, document);
  diagnostics.push(...structural);
  return structural.length > 0 ? undefined : source;
}
