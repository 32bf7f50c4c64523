/** The propose flow against the fake GitHub: one branch, one PR, whatever fails along the way. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGitHubClient, describeGitHubError } from '../../src/gitops/github-client.js';
import { propose, type Proposal } from '../../src/gitops/propose.js';
import { FakeGitHub } from '../support/fake-github/server.js';

const TOKEN = 'ghs_fakeTokenThatMustNeverBePrinted';
let github: FakeGitHub;
let warnings: string[];

beforeEach(async () => {
  github = await new FakeGitHub('acme', 'models', TOKEN).start();
  github.seed('main', new Map([['README.md', 'hi\n'], ['generated/risk/old/a.yaml', 'old\n'], ['policies/a.yaml', 'v: 1\n']]));
  warnings = [];
});
afterEach(async () => {
  expect(github.invalidRequests()).toEqual([]);
  await github.close();
});

function client(token = TOKEN) {
  return createGitHubClient({ token, apiUrl: github.url, timeScale: 0.001 }, (m) => warnings.push(m));
}

function proposal(files: Record<string, string>, overrides: Partial<Proposal> = {}): Proposal {
  return {
    owner: 'acme',
    repo: 'models',
    base: 'main',
    files: new Map(Object.entries(files)),
    managed: (path) => path.startsWith('generated/'),
    branch: 'modelgate/update/risk.fraud-detector',
    title: 'Release fraud-detector 42',
    body: 'body one',
    commitMessage: 'modelgate: release fraud-detector 42',
    labels: ['modelgate'],
    reviewers: ['alice-chen', 'acme/risk-ml'],
    ...overrides,
  };
}

const NEXT = { 'generated/risk/fraud-detector/a.yaml': 'new\n', 'policies/a.yaml': 'v: 2\n' };

describe('propose', () => {
  it('opens one PR whose branch holds exactly the wanted files, with reviewers and labels', async () => {
    const outcome = await propose(client(), proposal(NEXT), (m) => warnings.push(m));
    expect(outcome).toMatchObject({ kind: 'opened', number: 1, branch: 'modelgate/update/risk.fraud-detector' });
    const files = github.branchFiles('modelgate/update/risk.fraud-detector');
    expect(Object.fromEntries(files)).toEqual({ 'README.md': 'hi\n', ...NEXT });
    expect(github.pulls).toHaveLength(1);
    expect(github.pulls[0]).toMatchObject({ reviewers: ['alice-chen'], teams: ['risk-ml'], labels: ['modelgate'], base: 'main' });
  });

  it('updates the open PR on a second proposal instead of opening another', async () => {
    await propose(client(), proposal(NEXT), () => undefined);
    const again = await propose(client(), proposal({ ...NEXT, 'generated/risk/fraud-detector/a.yaml': 'newer\n' }, { body: 'body two' }), () => undefined);
    expect(again).toMatchObject({ kind: 'updated', number: 1 });
    expect(github.pulls).toHaveLength(1);
    expect(github.pulls[0]!.body).toBe('body two');
    expect(github.branchFiles('modelgate/update/risk.fraud-detector').get('generated/risk/fraud-detector/a.yaml')).toBe('newer\n');
  });

  it('does nothing when the base already holds the files', async () => {
    const outcome = await propose(client(), proposal({ 'generated/risk/old/a.yaml': 'old\n', 'policies/a.yaml': 'v: 1\n' }), () => undefined);
    expect(outcome).toEqual({ kind: 'unchanged' });
    expect(github.pulls).toHaveLength(0);
    expect([...github.refs.keys()]).toEqual(['refs/heads/main']);
  });

  it('retries server errors and secondary rate limits', async () => {
    github.faults.add({ kind: 'status', status: 502, operationId: 'git/create-tree', times: 2 });
    github.faults.add({ kind: 'secondary-rate-limit', retryAfterSeconds: 1, operationId: 'pulls/create', times: 1 });
    const outcome = await propose(client(), proposal(NEXT), () => undefined);
    expect(outcome.kind).toBe('opened');
    expect(github.requests.filter((r) => r.operationId === 'git/create-tree')).toHaveLength(3);
    expect(github.requests.filter((r) => r.operationId === 'pulls/create')).toHaveLength(2);
    expect(warnings.join('\n')).toMatch(/secondary rate limit/);
  });

  it('converges when a connection drops before or after GitHub acted', async () => {
    github.faults.add({ kind: 'drop-before', operationId: 'git/create-commit', times: 1 });
    github.faults.add({ kind: 'drop-after', operationId: 'git/create-ref', times: 1 });
    github.faults.add({ kind: 'drop-after', operationId: 'pulls/create', times: 1 });
    const outcome = await propose(client(), proposal(NEXT), () => undefined);
    // The PR did not exist before this run: it was opened, though its answer was lost.
    expect(outcome).toMatchObject({ kind: 'opened', number: 1 });
    expect(github.pulls).toHaveLength(1);
    expect(github.pulls[0]).toMatchObject({ reviewers: ['alice-chen'], labels: ['modelgate'] });
    expect(github.branchFiles('modelgate/update/risk.fraud-detector').get('policies/a.yaml')).toBe('v: 2\n');
  });

  it('reports a connection that keeps dropping after its retries', async () => {
    github.faults.add({ kind: 'drop-before', operationId: 'git/create-tree', times: 100 });
    const error = await propose(client(), proposal(NEXT), () => undefined).catch((e: unknown) => e);
    expect(describeGitHubError(error, TOKEN)).toMatch(/^the connection to GitHub kept dropping, even after retries/);
    expect(github.requests.filter((r) => r.operationId === 'git/create-tree')).toHaveLength(4);
    expect(github.pulls).toHaveLength(0);
  });

  it('abandons a request GitHub never answers, retries it, and says so', async () => {
    github.faults.add({ kind: 'hang', operationId: 'git/create-tree', times: 100 });
    const patient = createGitHubClient({ token: TOKEN, apiUrl: github.url, timeScale: 0.001, requestTimeoutMs: 200 }, (m) => warnings.push(m));
    const error = await propose(patient, proposal(NEXT), () => undefined).catch((e: unknown) => e);
    expect(describeGitHubError(error, TOKEN)).toMatch(/^GitHub did not answer within 30s, even after retries/);
    expect(github.requests.filter((r) => r.operationId === 'git/create-tree')).toHaveLength(4);
    expect(github.pulls).toHaveLength(0);
  });

  it('reports a secondary rate limit that never clears as a rate limit, not a permission', async () => {
    github.faults.add({ kind: 'secondary-rate-limit', retryAfterSeconds: 1, operationId: 'pulls/create', times: 100 });
    const error = await propose(client(), proposal(NEXT), () => undefined).catch((e: unknown) => e);
    const message = describeGitHubError(error, TOKEN);
    expect(message).toMatch(/^GitHub's rate limit did not clear after 3 waits \(403\)/);
    expect(message).not.toMatch(/token needs/);
  });

  it('reports a rejected token without ever showing it', async () => {
    const error = await propose(client(`${TOKEN}-revoked`), proposal(NEXT), () => undefined).catch((e: unknown) => e);
    const message = describeGitHubError(error, `${TOKEN}-revoked`);
    expect(message).toMatch(/rejected the token \(401/);
    expect(message).not.toContain(TOKEN);
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain(TOKEN);
  });

  it('converges to one PR after a run that stopped between branch and PR', async () => {
    github.faults.add({ kind: 'status', status: 500, operationId: 'pulls/create', times: 10 });
    await expect(propose(client(), proposal(NEXT), () => undefined)).rejects.toMatchObject({ status: 500 });
    expect(github.refs.has('refs/heads/modelgate/update/risk.fraud-detector')).toBe(true);
    expect(github.pulls).toHaveLength(0);
    github.faults.clear();
    const commits = github.objects.commits.size;
    const fresh = await propose(client(), proposal(NEXT), () => undefined);
    expect(fresh).toMatchObject({ kind: 'opened' });
    expect(github.pulls).toHaveLength(1);
    // The branch commit from the first run already held the right content, so it was reused.
    expect(github.objects.commits.size).toBe(commits);
  });

  it('never overwrites a branch holding someone else\'s commit', async () => {
    const main = github.refs.get('refs/heads/main')!;
    github.refs.set('refs/heads/modelgate/update/risk.fraud-detector', main);
    await expect(propose(client(), proposal(NEXT), () => undefined)).rejects.toThrow(/did not make; refusing/);
    expect(github.refs.get('refs/heads/modelgate/update/risk.fraud-detector')).toBe(main);
  });
});
