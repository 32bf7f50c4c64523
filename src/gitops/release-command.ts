/**
 * `rollback`, `promote` and `abort`: find the policy, edit it in place (refusing what the
 * validator rejects), regenerate the output with `compile`, and with `--propose` open the PR.
 */
import { randomBytes } from 'node:crypto';
import { lstat, open, rename, readFile, rm } from 'node:fs/promises';
import { previousOutputIn } from '../emit/previous-output.js';
import { formatDiagnostics } from '../diagnostics/format.js';
import { UsageError } from '../load/discover.js';
import { readProfileFile, type ProfileSource } from '../load/profile-file.js';
import { validateSources } from '../validate/validate.js';
import type { PolicyEdit } from './edit-policy.js';
import { planBaseFor } from './git.js';
import { proposeAndReport, proposeTarget } from './propose-command.js';
import { runReleaseAction, stageOf } from './release-action.js';
import { readCommandLine, usageError } from '../cli/command-line.js';
import { enterPolicyProject, findPolicyFile, POLICY_ARGUMENT, versionArgument } from '../cli/policy-argument.js';

/**
 * The flags every policy-editing command takes (rollback --live too), so they mean the same
 * everywhere. `--out` and `--policies` default to the project root's (src/load/project-root.ts).
 */
export const RELEASE_FLAGS = {
  propose: { type: 'boolean', default: false },
  repo: { type: 'string' },
  base: { type: 'string', default: 'main' },
  out: { type: 'string' },
  policies: { type: 'string' },
} as const;

/** `audit`: the live move this edit records (`rollback --live`), printed and carried into the PR. */
export async function runReleaseCommand(action: PolicyEdit['action'], argv: string[], help: string, audit?: string): Promise<number> {
  const line = readCommandLine<{ to?: string; stage?: string; propose: boolean; repo?: string; base: string; out?: string; policies?: string }>(action, argv, help, {
    ...(action === 'rollback' ? { to: { type: 'string' } } : {}),
    stage: { type: 'string' },
    ...RELEASE_FLAGS,
  });
  if (typeof line === 'number') return line;
  const { values, positionals } = line;
  if (positionals.length !== 1) return usageError(action, `name exactly one policy (${POLICY_ARGUMENT})`);
  // Everything --propose needs is checked before the policy is touched: an edit left behind by a
  // proposal that could never be made is one more thing to clean up in an emergency.
  if (values.propose) {
    const target = proposeTarget(values.repo);
    if ('error' in target) return usageError(action, `${target.error}; nothing was edited`);
  }

  const target = await policyToEdit(action, positionals[0]!, values);
  if (typeof target === 'number') return target;
  const { file, bytes, mode, profile, policyDir, outDir } = target;
  let to: number | null = null;
  if (values.to !== undefined) {
    try {
      const policies = validateSources([{ file, bytes }], profile).policies;
      const chosen = policies.length === 0 ? 0 : stageOf(policies, values.stage ?? null);
      const current = typeof chosen === 'number' ? policies[chosen]?.policy : undefined;
      to = versionArgument(values.to, current?.versions.info ?? {});
    } catch (error) {
      if (error instanceof UsageError) return usageError(action, error.message);
      throw error;
    }
  }
  const edit: PolicyEdit = action === 'rollback' ? { action, to } : { action };
  const result = runReleaseAction(file, bytes, edit, profile, values.stage ?? null, previousOutputIn(outDir));
  if (!result.ok) {
    if (result.diagnostics.length > 0) process.stdout.write(formatDiagnostics(result.diagnostics, 'human'));
    process.stderr.write(`modelgate ${action}: ${result.message}\n`);
    return 1;
  }
  await replaceFile(file, result.text, mode);
  process.stdout.write(`${file}: ${result.summary}\n${result.readiness ? `${file}: ${result.readiness}\n` : ''}`);
  const compiled = await (await import('../cli/compile.js')).run([policyDir, '--out', outDir]);
  if (compiled !== 0 || !values.propose) return compiled;
  return proposeAndReport(
    { repository: values.repo, base: await planBaseFor(values.base, process.cwd()), baseBranch: values.base, outDir, policyPaths: [policyDir] },
    { action, summary: result.summary, servingAfter: result.servingAfter, policy: `${result.namespace}/${result.policyName}`, ...(result.readiness ? { readiness: result.readiness } : {}), ...(audit ? { audit } : {}) },
    action,
  );
}

export interface PolicyToEdit {
  file: string;
  bytes: Uint8Array;
  /** The file's permission bits, kept by the rewrite. */
  mode: number;
  profile: ProfileSource | null;
  policyDir: string;
  outDir: string;
}

/**
 * The policy file a policy-editing command rewrites, read once in its project (never through a
 * symbolic link); or, after saying why, the exit code.
 */
export async function policyToEdit(command: string, given: string, values: { policies?: string; out?: string }): Promise<PolicyToEdit | number> {
  try {
    const project = enterPolicyProject(given, values.policies);
    const outDir = values.out === undefined ? 'generated' : project.typed(values.out);
    const file = await findPolicyFile(project.given, project.policyDir);
    const profile = await readProfileFile('.');
    const info = await lstat(file).catch(() => undefined);
    if (!info) return usageError(command, `${file}: no such file`);
    if (info.isSymbolicLink()) return usageError(command, `${file} is a symbolic link; edit the file it points to, inside the repository`);
    return { file, bytes: new Uint8Array(await readFile(file)), mode: info.mode & 0o777, profile, policyDir: project.policyDir, outDir };
  } catch (error) {
    if (error instanceof UsageError) return usageError(command, error.message);
    throw error;
  }
}

/**
 * Write through a new file in the same folder, then rename: the policy is never seen
 * half-written. The temporary name is random and created exclusively (`wx` fails on anything
 * already there, a planted symbolic link included), so the write never follows a link.
 */
export async function replaceFile(file: string, text: string, mode: number): Promise<void> {
  const temporary = `${file}.${randomBytes(8).toString('hex')}.modelgate-tmp`;
  const handle = await open(temporary, 'wx', mode);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temporary, { force: true });
    throw error;
  }
  await handle.close();
  await rename(temporary, file);
}
