/**
 * The compile pipeline: read policy files → validate and resolve → build the planned output.
 * Reads its inputs and nothing else; `compile`, `plan` and `propose` decide what to do with the
 * plan. `previousOutput` is the output folder as it is, for the checks that compare a release
 * with the one before it and for the objects a running release still uses (build.ts).
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { readPolicyFiles } from '../load/discover.js';
import { readProfileFile, type ProfileSource } from '../load/profile-file.js';
import { validateSources } from '../validate/validate.js';
import { buildPolicies, type BuildOptions, type BuildResult } from './build.js';
import { releaseChecks } from './release-checks.js';

export interface CompileOptions extends Omit<BuildOptions, 'policyChecks'> {
  /** The platform profile; compile reads `modelgate.config.yaml` from `sourceRoot` (the repository root) when not given. */
  profile?: ProfileSource | null;
}

export async function compile(paths: readonly string[], options: CompileOptions): Promise<BuildResult> {
  const profile = options.profile !== undefined ? options.profile : await readProfileFile(options.sourceRoot);
  return compileSources(await readPolicyFiles([...paths]), { ...options, profile });
}

export function compileSources(files: Array<{ file: string; bytes: Uint8Array }>, options: CompileOptions): BuildResult {
  const validated = validateSources(files, options.profile ?? null);
  const previousOutput = options.previousOutput;
  const policyChecks = previousOutput ? releaseChecks(previousOutput) : [];
  const built = buildPolicies(validated.policies, { ...options, policyChecks });
  const diagnostics: Diagnostic[] = [...validated.diagnostics, ...built.diagnostics];
  return { ...built, diagnostics };
}
