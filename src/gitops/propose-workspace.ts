/**
 * `propose` for the working tree: plan against the base, then put the generated files and the
 * policy files on the change's branch and open or update its pull request.
 */
import path from 'node:path';
import { readPolicyFiles, UsageError } from '../load/discover.js';
import { branchName } from './branch-name.js';
import { git } from './git.js';
import { createGitHubClient, type GitHubSettings } from './github-client.js';
import { propose, type ProposeOutcome } from './propose.js';
import { pullRequestBody, pullRequestTitle, type ActionNote } from './pull-request-body.js';
import { planWorkspace, type WorkspaceOptions, type WorkspacePlan } from './workspace-plan.js';

export interface ProposeOptions extends WorkspaceOptions {
  owner: string;
  repo: string;
  /** Branch on GitHub the PR targets. */
  baseBranch: string;
}

export const LABELS = { always: 'modelgate', rollback: ['urgent', 'rollback'] } as const;

export type WorkspaceProposal = { planned: Extract<WorkspacePlan, { ok: false }> } | { planned: Extract<WorkspacePlan, { ok: true }>; outcome: ProposeOutcome };

export async function proposeWorkspace(options: ProposeOptions, settings: GitHubSettings, action: ActionNote | null, warn: (m: string) => void): Promise<WorkspaceProposal> {
  const planned = await planWorkspace(options);
  if (!planned.ok) return { planned };
  const { plan, basePolicyFiles } = planned;
  const files = new Map(plan.after);
  const localPolicies = await readPolicyFiles(options.policyPaths);
  for (const { file, bytes, link } of localPolicies) if (!link) files.set(repositoryPath(file), new TextDecoder().decode(bytes));
  // Deletions come from the plan: modelgate's own output no policy makes any more, and policy files deleted locally.
  const deleted = new Set([...plan.files.filter((f) => f.status === 'deleted').map((f) => f.path), ...[...basePolicyFiles.keys()].filter((file) => !files.has(file))]);
  // GitHub stores paths from the git root; a project nested in a larger repository sits below it.
  const prefix = (await git(['rev-parse', '--show-prefix'], process.cwd())).trim();
  const owners = [...new Set(plan.policies.flatMap((p) => p.policy?.owners ?? p.before?.owners ?? []))].sort();
  const labels: string[] = [LABELS.always, ...(action?.action === 'rollback' ? LABELS.rollback : action ? [action.action] : [])];
  const outcome = await propose(
    createGitHubClient(settings, warn),
    {
      owner: options.owner,
      repo: options.repo,
      base: options.baseBranch,
      files: new Map([...files].map(([file, text]) => [`${prefix}${file}`, text])),
      managed: (file) => file.startsWith(prefix) && deleted.has(file.slice(prefix.length)),
      branch: branchName(action?.action ?? 'update', plan.policies.length > 0 ? plan.policies.map((p) => p.key) : [...files.keys()].filter((f) => !f.startsWith(`${options.outDir}/`))),
      title: pullRequestTitle(plan, action),
      body: pullRequestBody(plan, action),
      commitMessage: action?.audit ? `${pullRequestTitle(plan, action)}\n\n${action.audit}` : pullRequestTitle(plan, action),
      labels,
      reviewers: owners,
    },
    warn,
  );
  return { planned, outcome };
}

/**
 * The path a policy has in the project: relative to its root (where `propose` runs), however the user named it — `/abs/repo/policies/a.yaml` is `policies/a.yaml`, or the
 * commit would delete the policy and add it again under the absolute path.
 */
function repositoryPath(file: string): string {
  const relative = path.relative(process.cwd(), path.resolve(file)).split(path.sep).join('/');
  if (relative.startsWith('../') || relative === '..' || path.isAbsolute(relative)) throw new UsageError(`${file} is outside the repository; propose commits files of the repository it runs in`);
  return relative;
}
