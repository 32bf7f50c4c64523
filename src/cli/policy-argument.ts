/**
 * How every command that acts on one policy reads it: its file, its `metadata.name`, or
 * `namespace/name`, looked up under the policy folder. An unknown name lists the names that exist
 * (with the closest first), so a typo costs one more try, not a search.
 */
import { hasErrors } from '../diagnostics/diagnostic.js';
import { formatDiagnostics } from '../diagnostics/format.js';
import { loadPolicy } from '../load/load.js';
import { readPolicyFiles, UsageError } from '../load/discover.js';
import { readProfileFile } from '../load/profile-file.js';
import { enterProjectRoot, POLICY_FOLDER } from '../load/project-root.js';
import type { ResolvedPolicy } from '../resolve/policy.js';
import { stageOf } from '../gitops/release-action.js';
import { closestName } from '../validate/did-you-mean.js';
import { validateSources } from '../validate/validate.js';
import { usageError } from './command-line.js';

export const POLICY_ARGUMENT = 'its file, its name, or namespace/name';

/** Whether the user named the policy by its file rather than by its name. */
function isPolicyPath(given: string): boolean {
  return /\.ya?ml$/i.test(given);
}

/**
 * Enter the project the policy argument belongs to (from its file, else from `--policies`, else
 * the working folder); returns the argument and the policy folder as seen from the root.
 */
export function enterPolicyProject(given: string, policies: string | undefined): { given: string; policyDir: string; typed: (path: string) => string } {
  const pointers = [...(isPolicyPath(given) ? [given] : []), ...(policies === undefined ? [] : [policies])];
  const { typed } = enterProjectRoot(pointers);
  return { given: isPolicyPath(given) ? typed(given) : given, policyDir: policies === undefined ? `${POLICY_FOLDER}/` : typed(policies), typed };
}

/** The policy file `given` names. */
export async function findPolicyFile(given: string, policyDir: string): Promise<string> {
  if (isPolicyPath(given)) return given;
  const known: Array<{ file: string; name: string; qualified: string }> = [];
  for (const { file, bytes } of await readPolicyFiles([policyDir])) {
    const data = loadPolicy(file, bytes).policy?.data as { metadata?: { name?: unknown; namespace?: unknown } } | undefined;
    const name = data?.metadata?.name;
    if (typeof name !== 'string') continue;
    const namespace = typeof data?.metadata?.namespace === 'string' ? data.metadata.namespace : 'default';
    known.push({ file, name, qualified: `${namespace}/${name}` });
  }
  const matches = known.filter((entry) => given === entry.name || given === entry.qualified);
  if (matches.length === 1) return matches[0]!.file;
  if (matches.length > 1) throw new UsageError(`'${given}' names ${matches.length} policies (${matches.map((m) => m.file).join(', ')}); use namespace/name or the file`);
  if (known.length === 0) throw new UsageError(`no policy named '${given}': ${policyDir} holds no policies`);
  const names = [...new Set(known.map((entry) => entry.name))].sort();
  const suggestion = closestName(given.split('/').pop()!, names);
  throw new UsageError(`no policy named '${given}' under ${policyDir}${suggestion ? `; did you mean '${suggestion}'?` : ''} (policies: ${names.join(', ')})`);
}

/**
 * The one policy a command acts on, validated, once in its project (see `enterPolicyProject`); or,
 * after saying why on stderr, the exit code (2: no project, no such policy, or it does not
 * validate, so the command cannot act on it). `stage`: for a command that takes `--stage`, its
 * value (null when not given), which picks one stage of a policy with `spec.stages`; a command
 * without the flag leaves it undefined and refuses a staged policy.
 */
export async function validNamedPolicy(command: string, typedGiven: string, typedPolicies: string | undefined, stage?: string | null): Promise<ResolvedPolicy | number> {
  let files;
  let profile;
  try {
    const { given, policyDir } = enterPolicyProject(typedGiven, typedPolicies);
    files = await readPolicyFiles([await findPolicyFile(given, policyDir)]);
    profile = await readProfileFile('.');
  } catch (error) {
    if (error instanceof UsageError) return usageError(command, error.message);
    throw error;
  }
  const { policies, diagnostics } = validateSources(files, profile);
  if (policies.length === 0 || hasErrors(diagnostics)) {
    process.stderr.write(formatDiagnostics(diagnostics, 'human'));
    return usageError(command, `${files[0]!.file} does not validate; fix it first`);
  }
  if (stage === undefined) {
    const stages = policies[0]!.policy.stage?.order;
    return stages ? usageError(command, `${files[0]!.file} has stages (${stages.join(', ')}); ${command} reads a policy without stages`) : policies[0]!.policy;
  }
  const chosen = stageOf(policies, stage);
  return typeof chosen === 'string' ? usageError(command, chosen) : policies[chosen]!.policy;
}

/**
 * A version as a user writes it: its number, or its name from `versions.info` (`1.3.2-20250301`).
 * Numbers win: a name that is all digits would be ambiguous, and the schema allows it.
 */
export function versionArgument(given: string, info: Readonly<Record<number, { name?: string | null }>>): number {
  if (/^[1-9][0-9]{0,15}$/.test(given) && Number.isSafeInteger(Number(given))) return Number(given);
  const named = Object.entries(info).filter(([, entry]) => entry.name === given);
  if (named.length === 1) return Number(named[0]![0]);
  const names = Object.entries(info)
    .filter(([, entry]) => typeof entry.name === 'string')
    .map(([version, entry]) => `${entry.name} (${version})`);
  throw new UsageError(`'${given}' is neither a version number nor a name in versions.info${names.length > 0 ? ` (names: ${names.join(', ')})` : ''}`);
}
