/**
 * The part of `propose` (and of `rollback --propose` and friends) that talks to the user:
 * GitHub settings from the environment, the outcome in one line, and every failure as a message
 * with the token scrubbed out.
 */
import { formatDiagnostics } from '../diagnostics/format.js';
import { sortDiagnostics } from '../diagnostics/diagnostic.js';
import { describeGitHubError, githubSettingsFromEnv, scrub } from './github-client.js';
import { UsageError } from '../load/discover.js';
import { GitError } from './git.js';
import { proposeWorkspace, type ProposeOptions } from './propose-workspace.js';
import type { ActionNote } from './pull-request-body.js';

/**
 * The repository and GitHub settings a proposal needs, or why they are missing. Release commands
 * ask before they edit anything, so a missing token does not leave an edited policy behind.
 */
export function proposeTarget(repository: string | undefined): { owner: string; repo: string; settings: Exclude<ReturnType<typeof githubSettingsFromEnv>, { error: string }> } | { error: string } {
  const given = repository ?? process.env.GITHUB_REPOSITORY;
  const match = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(given ?? '');
  if (!match) return { error: given ? `--repo must be OWNER/NAME, not '${given}'` : 'pass --repo OWNER/NAME (or set GITHUB_REPOSITORY)' };
  const settings = githubSettingsFromEnv(process.env);
  if ('error' in settings) return { error: settings.error };
  return { owner: match[1]!, repo: match[2]!, settings };
}

export async function proposeAndReport(options: Omit<ProposeOptions, 'owner' | 'repo'> & { repository: string | undefined }, action: ActionNote | null, command: string): Promise<number> {
  const target = proposeTarget(options.repository);
  if ('error' in target) return fail(command, target.error);
  const { owner, repo, settings } = target;
  const warn = (message: string) => process.stderr.write(`modelgate ${command}: ${scrub(message, settings.token)}\n`);
  try {
    const result = await proposeWorkspace({ ...options, owner, repo }, settings, action, warn);
    if (!('outcome' in result)) {
      process.stdout.write(formatDiagnostics(sortDiagnostics(result.planned.build.diagnostics), 'human'));
      process.stderr.write(`modelgate ${command}: invalid policies; nothing was proposed\n`);
      return 1;
    }
    const { outcome } = result;
    if (outcome.kind === 'unchanged') process.stdout.write(`nothing to propose: ${options.baseBranch} already holds these policies and their generated files\n`);
    else process.stdout.write(`${outcome.kind} pull request #${outcome.number} from ${outcome.branch}: ${outcome.url}\n${outcome.changedPaths.map((file) => `  ${file}\n`).join('')}`);
    return 0;
  } catch (error) {
    if (error instanceof GitError || error instanceof UsageError) return fail(command, scrub(error.message, settings.token));
    return fail(command, describeGitHubError(error, settings.token));
  }
}

function fail(command: string, message: string): number {
  process.stderr.write(`modelgate ${command}: ${message}\n`);
  return 2;
}
