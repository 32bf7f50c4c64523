/**
 * Put a set of files on a branch as one commit on top of the base branch and open a pull
 * request for it, or bring the one already open up to date. Every step is idempotent, so a run
 * killed half-way, or a request whose answer was lost, converges to one branch and one PR when
 * run again.
 */
import type { GitHubClient } from './github-client.js';
import { gitBlobSha } from './git-blob.js';

export interface Proposal {
  owner: string;
  repo: string;
  base: string;
  /** Desired content of files, by repository path. */
  files: ReadonlyMap<string, string>;
  /** Paths whose absence from `files` means "delete it" (e.g. everything under `generated/`). */
  managed: (path: string) => boolean;
  /** Branch named after the change, so proposing it again finds the same branch and PR. */
  branch: string;
  title: string;
  body: string;
  commitMessage: string;
  labels: string[];
  /** GitHub users (`alice`) and teams (`org/team`). */
  reviewers: string[];
}

export type ProposeOutcome =
  | { kind: 'unchanged' }
  | { kind: 'opened' | 'updated'; number: number; url: string; branch: string; changedPaths: string[] };

/** Trailer marking commits modelgate made; a branch without it is someone's work and is never overwritten. */
export const PROPOSAL_TRAILER = 'Proposed-by: modelgate';

type TreeChange = { path: string; mode: '100644'; type: 'blob'; content?: string; sha?: null };

export async function propose(octokit: GitHubClient, proposal: Proposal, warn: (message: string) => void): Promise<ProposeOutcome> {
  const repo = { owner: proposal.owner, repo: proposal.repo };
  const baseSha = (await octokit.rest.git.getRef({ ...repo, ref: `heads/${proposal.base}` })).data.object.sha;
  const baseTree = (await octokit.rest.git.getCommit({ ...repo, commit_sha: baseSha })).data.tree.sha;
  const changes = await changesFrom(octokit, proposal, baseTree);
  if (changes.length === 0) return { kind: 'unchanged' };
  const changedPaths = changes.map((change) => change.path);
  const branch = proposal.branch;

  const tree = (await octokit.rest.git.createTree({ ...repo, base_tree: baseTree, tree: changes })).data.sha;
  await pointBranchAt(octokit, proposal, branch, baseSha, tree);
  const pr = await openOrUpdatePull(octokit, proposal, branch);
  await requestReviewers(octokit, proposal, pr, warn);
  if (proposal.labels.length > 0) await octokit.rest.issues.addLabels({ ...repo, issue_number: pr.number, labels: proposal.labels });
  return { kind: pr.opened ? 'opened' : 'updated', number: pr.number, url: pr.url, branch, changedPaths };
}

async function changesFrom(octokit: GitHubClient, proposal: Proposal, baseTree: string): Promise<TreeChange[]> {
  const listing = await octokit.rest.git.getTree({ owner: proposal.owner, repo: proposal.repo, tree_sha: baseTree, recursive: '1' });
  if (listing.data.truncated) throw new Error('the base branch has too many files for one tree listing; propose cannot tell what changed');
  const remote = new Map(listing.data.tree.filter((entry) => entry.type === 'blob').map((entry) => [entry.path!, entry.sha!]));
  const changes: TreeChange[] = [];
  for (const [path, content] of proposal.files) {
    if (remote.get(path) !== gitBlobSha(content)) changes.push({ path, mode: '100644', type: 'blob', content });
  }
  for (const path of remote.keys()) {
    if (proposal.managed(path) && !proposal.files.has(path)) changes.push({ path, mode: '100644', type: 'blob', sha: null });
  }
  return changes.sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** Make `branch` one commit with `tree` on top of the base head, reusing that commit if it is already there. */
async function pointBranchAt(octokit: GitHubClient, proposal: Proposal, branch: string, baseSha: string, tree: string): Promise<void> {
  const repo = { owner: proposal.owner, repo: proposal.repo };
  const current = await branchHead(octokit, proposal, branch);
  if (current) {
    const commit = (await octokit.rest.git.getCommit({ ...repo, commit_sha: current })).data;
    if (commit.tree.sha === tree && commit.parents.length === 1 && commit.parents[0]!.sha === baseSha) return;
    if (!commit.message.includes(PROPOSAL_TRAILER)) {
      throw new Error(`branch ${branch} holds a commit modelgate did not make; refusing to overwrite it — delete the branch or merge it first`);
    }
  }
  const message = `${proposal.commitMessage}\n\n${PROPOSAL_TRAILER}`;
  const sha = (await octokit.rest.git.createCommit({ ...repo, message, tree, parents: [baseSha] })).data.sha;
  if (current) {
    // The branch is modelgate's own proposal, rebuilt on the current base: replacing it is intended.
    await octokit.rest.git.updateRef({ ...repo, ref: `heads/${branch}`, sha, force: true });
    return;
  }
  try {
    await octokit.rest.git.createRef({ ...repo, ref: `refs/heads/${branch}`, sha });
  } catch (error) {
    // A retried request whose first attempt took effect: the ref exists now, so move it instead.
    if ((error as { status?: number }).status !== 422 || !(await branchHead(octokit, proposal, branch))) throw error;
    await octokit.rest.git.updateRef({ ...repo, ref: `heads/${branch}`, sha, force: true });
  }
}

async function branchHead(octokit: GitHubClient, proposal: Proposal, branch: string): Promise<string | null> {
  try {
    return (await octokit.rest.git.getRef({ owner: proposal.owner, repo: proposal.repo, ref: `heads/${branch}` })).data.object.sha;
  } catch (error) {
    if ((error as { status?: number }).status === 404) return null;
    throw error;
  }
}

interface OpenPull {
  number: number;
  url: string;
  opened: boolean;
  reviewers: string[];
  teams: string[];
}

async function openOrUpdatePull(octokit: GitHubClient, proposal: Proposal, branch: string): Promise<OpenPull> {
  const repo = { owner: proposal.owner, repo: proposal.repo };
  const existing = await findOpenPull(octokit, proposal, branch);
  if (!existing) {
    try {
      const created = (await octokit.rest.pulls.create({ ...repo, head: branch, base: proposal.base, title: proposal.title, body: proposal.body })).data;
      return { number: created.number, url: created.html_url, opened: true, reviewers: [], teams: [] };
    } catch (error) {
      // "A pull request already exists": an earlier attempt succeeded but its answer was lost.
      if ((error as { status?: number }).status !== 422) throw error;
      const raced = await findOpenPull(octokit, proposal, branch);
      if (!raced) throw error;
      // There was no open PR a moment ago, so this run's lost request opened it.
      return { ...(await updatePull(octokit, proposal, raced)), opened: true };
    }
  }
  return updatePull(octokit, proposal, existing);
}

type PullListing = Awaited<ReturnType<GitHubClient['rest']['pulls']['list']>>['data'][number];

async function findOpenPull(octokit: GitHubClient, proposal: Proposal, branch: string): Promise<PullListing | null> {
  const { data } = await octokit.rest.pulls.list({ owner: proposal.owner, repo: proposal.repo, head: `${proposal.owner}:${branch}`, state: 'open' });
  return data[0] ?? null;
}

async function updatePull(octokit: GitHubClient, proposal: Proposal, pr: PullListing): Promise<OpenPull> {
  if (pr.title !== proposal.title || pr.body !== proposal.body) {
    await octokit.rest.pulls.update({ owner: proposal.owner, repo: proposal.repo, pull_number: pr.number, title: proposal.title, body: proposal.body });
  }
  return {
    number: pr.number,
    url: pr.html_url,
    opened: false,
    reviewers: (pr.requested_reviewers ?? []).map((user) => user.login),
    teams: (pr.requested_teams ?? []).map((team) => team.slug),
  };
}

async function requestReviewers(octokit: GitHubClient, proposal: Proposal, pr: OpenPull, warn: (message: string) => void): Promise<void> {
  const users = proposal.reviewers.filter((owner) => !owner.includes('/') && !pr.reviewers.includes(owner));
  // Team review requests name the team by slug within the repository's organisation.
  const teams = proposal.reviewers.filter((owner) => owner.includes('/')).map((owner) => owner.slice(owner.indexOf('/') + 1)).filter((slug) => !pr.teams.includes(slug));
  if (users.length === 0 && teams.length === 0) return;
  try {
    await octokit.rest.pulls.requestReviewers({ owner: proposal.owner, repo: proposal.repo, pull_number: pr.number, reviewers: users, team_reviewers: teams });
  } catch (error) {
    // GitHub refuses reviewers who are not collaborators; the PR still stands, so warn and go on.
    if ((error as { status?: number }).status !== 422) throw error;
    warn(`could not request reviews from ${[...users, ...teams].join(', ')}: ${(error as Error).message}`);
  }
}
