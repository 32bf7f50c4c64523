/**
 * `rollback`, `promote` and `abort`: find the policy, edit it in place (refusing what the
 * validator rejects), regenerate the output with `compile`, and with `--propose` open the PR.
 */
import { rename, readFile, writeFile } from 'node:fs/promises';
import { formatDiagnostics } from '../diagnostics/format.js';
import { loadPolicy } from '../load/load.js';
import { readPolicyFiles, UsageError } from '../load/discover.js';
import { readProfileFile } from '../load/profile-file.js';
import type { PolicyEdit } from './edit-policy.js';
import { planBaseFor } from './git.js';
import { proposeAndReport } from './propose-command.js';
import { runReleaseAction } from './release-action.js';
import { readCommandLine, usageError } from '../cli/command-line.js';

export async function runReleaseCommand(action: PolicyEdit['action'], argv: string[], help: string): Promise<number> {
  const line = readCommandLine<{ to?: string; propose: boolean; repo?: string; base: string; out: string; policies: string }>(action, argv, help, {
    ...(action === 'rollback' ? { to: { type: 'string' } } : {}),
    propose: { type: 'boolean', default: false },
    repo: { type: 'string' },
    base: { type: 'string', default: 'main' },
    out: { type: 'string', default: 'generated' },
    policies: { type: 'string', default: 'policies/' },
  });
  if (typeof line === 'number') return line;
  const { values, positionals } = line;
  if (positionals.length !== 1) return usageError(action, 'name exactly one policy (its file, its name, or namespace/name)');
  const to = values.to === undefined ? null : Number(values.to);
  if (to !== null && !(Number.isSafeInteger(to) && to > 0)) return usageError(action, `--to must be a version number, not '${values.to}'`);

  let file: string;
  let profile;
  try {
    file = await findPolicyFile(positionals[0]!, values.policies);
    profile = await readProfileFile('.');
  } catch (error) {
    if (error instanceof UsageError) return usageError(action, error.message);
    throw error;
  }
  const edit: PolicyEdit = action === 'rollback' ? { action, to } : { action };
  const result = runReleaseAction(file, new Uint8Array(await readFile(file)), edit, profile);
  if (!result.ok) {
    if (result.diagnostics.length > 0) process.stdout.write(formatDiagnostics(result.diagnostics, 'human'));
    process.stderr.write(`modelgate ${action}: ${result.message}\n`);
    return 1;
  }
  // Same folder, then rename: the policy is never seen half-written.
  await writeFile(`${file}.modelgate-tmp`, result.text);
  await rename(`${file}.modelgate-tmp`, file);
  process.stdout.write(`${file}: ${result.summary}\n`);
  const compiled = await (await import('../cli/compile.js')).run([values.policies, '--out', values.out]);
  if (compiled !== 0 || !values.propose) return compiled;
  return proposeAndReport(
    { repository: values.repo, base: await planBaseFor(values.base, process.cwd()), baseBranch: values.base, outDir: values.out, policyPaths: [values.policies] },
    { action, summary: result.summary, servingAfter: result.servingAfter, policy: `${result.namespace}/${result.policyName}` },
    action,
  );
}

/** A policy named by its file, its `metadata.name`, or `namespace/name`. */
async function findPolicyFile(given: string, policyDir: string): Promise<string> {
  if (/\.ya?ml$/i.test(given)) return given;
  const matches: string[] = [];
  for (const { file, bytes } of await readPolicyFiles([policyDir])) {
    const data = loadPolicy(file, bytes).policy?.data as { metadata?: { name?: unknown; namespace?: unknown } } | undefined;
    const name = data?.metadata?.name;
    const namespace = data?.metadata?.namespace ?? 'default';
    if (given === name || given === `${namespace}/${name}`) matches.push(file);
  }
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) throw new UsageError(`no policy named '${given}' under ${policyDir}`);
  throw new UsageError(`'${given}' names ${matches.length} policies (${matches.join(', ')}); use namespace/name or the file`);
}
