/** The fake GitHub must behave like GitHub where modelgate depends on it, or the propose tests prove nothing. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Octokit } from '@octokit/rest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeGitHub } from '../support/fake-github/server.js';

let github: FakeGitHub;
let octokit: Octokit;
const repo = { owner: 'acme', repo: 'models' };

beforeEach(async () => {
  github = await new FakeGitHub('acme', 'models', 'secret-token').start();
  github.seed('main', new Map([['README.md', 'hello\n'], ['policies/a.yaml', 'a: 1\n']]));
  octokit = new Octokit({ auth: 'secret-token', baseUrl: github.url });
});
afterEach(() => github.close());

async function status(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
    return 200;
  } catch (error) {
    return (error as { status: number }).status;
  }
}

describe('fake GitHub', () => {
  it('computes the same tree ids as git', async () => {
    const main = await octokit.rest.git.getRef({ ...repo, ref: 'heads/main' });
    const commit = await octokit.rest.git.getCommit({ ...repo, commit_sha: main.data.object.sha });
    const dir = mkdtempSync(path.join(tmpdir(), 'fake-gh-'));
    mkdirSync(path.join(dir, 'policies'));
    writeFileSync(path.join(dir, 'README.md'), 'hello\n');
    writeFileSync(path.join(dir, 'policies', 'a.yaml'), 'a: 1\n');
    execFileSync('git', ['init', '-q'], { cwd: dir });
    execFileSync('git', ['add', '.'], { cwd: dir });
    const tree = execFileSync('git', ['write-tree'], { cwd: dir, encoding: 'utf8' }).trim();
    expect(commit.data.tree.sha).toBe(tree);
  });

  it('rejects a request whose body breaks the OpenAPI description', async () => {
    const code = await status(octokit.request('POST /repos/{owner}/{repo}/git/refs', { ...repo, ref: 'refs/heads/x' } as never));
    expect(code).toBe(422);
    expect(github.invalidRequests()[0]?.errors.join()).toMatch(/sha/);
  });

  it('rejects a misspelt body field that GitHub would silently ignore', async () => {
    const main = await octokit.rest.git.getRef({ ...repo, ref: 'heads/main' });
    const code = await status(octokit.request('POST /repos/{owner}/{repo}/git/refs', { ...repo, ref: 'refs/heads/x', sha: main.data.object.sha, forse: true } as never));
    expect(code).toBe(422);
  });

  it('refuses a ref update that is not a fast-forward unless forced', async () => {
    const main = (await octokit.rest.git.getRef({ ...repo, ref: 'heads/main' })).data.object.sha;
    const tree = (await octokit.rest.git.getCommit({ ...repo, commit_sha: main })).data.tree.sha;
    const unrelated = (await octokit.rest.git.createCommit({ ...repo, message: 'other root', tree, parents: [] })).data.sha;
    expect(await status(octokit.rest.git.updateRef({ ...repo, ref: 'heads/main', sha: unrelated }))).toBe(422);
    expect(await status(octokit.rest.git.updateRef({ ...repo, ref: 'heads/main', sha: unrelated, force: true }))).toBe(200);
  });

  it('refuses a second open pull request for the same head', async () => {
    const main = (await octokit.rest.git.getRef({ ...repo, ref: 'heads/main' })).data.object.sha;
    await octokit.rest.git.createRef({ ...repo, ref: 'refs/heads/feature', sha: main });
    await octokit.rest.pulls.create({ ...repo, head: 'feature', base: 'main', title: 'one' });
    expect(await status(octokit.rest.pulls.create({ ...repo, head: 'feature', base: 'main', title: 'two' }))).toBe(422);
    expect(github.pulls).toHaveLength(1);
  });

  it('answers 401 to a wrong token', async () => {
    const stranger = new Octokit({ auth: 'wrong', baseUrl: github.url });
    expect(await status(stranger.rest.git.getRef({ ...repo, ref: 'heads/main' }))).toBe(401);
  });

  it('deletes and adds files through a tree built on a base tree', async () => {
    const main = (await octokit.rest.git.getRef({ ...repo, ref: 'heads/main' })).data.object.sha;
    const base = (await octokit.rest.git.getCommit({ ...repo, commit_sha: main })).data.tree.sha;
    const tree = await octokit.rest.git.createTree({
      ...repo,
      base_tree: base,
      tree: [
        { path: 'policies/a.yaml', mode: '100644', type: 'blob', sha: null },
        { path: 'generated/x/y.yaml', mode: '100644', type: 'blob', content: 'y\n' },
      ],
    });
    const commit = await octokit.rest.git.createCommit({ ...repo, message: 'm', tree: tree.data.sha, parents: [main] });
    await octokit.rest.git.updateRef({ ...repo, ref: 'heads/main', sha: commit.data.sha });
    expect([...github.branchFiles('main').keys()].sort()).toEqual(['README.md', 'generated/x/y.yaml']);
    expect(github.invalidRequests()).toEqual([]);
  });
});
