/**
 * The GitHub token never leaks, whatever goes wrong: every warning, error, error property,
 * stack, and byte written to stdout/stderr during a propose run under each fault is grepped for
 * it. A connection that keeps dropping is reported (after retries) with nothing duplicated, and a
 * rerun converges to one branch and one PR.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createGitHubClient, describeGitHubError } from '../../src/gitops/github-client.js';
import { propose, type Proposal } from '../../src/gitops/propose.js';
import type { Fault } from '../support/fake-github/faults.js';
import { FakeGitHub } from '../support/fake-github/server.js';

const TOKEN = 'ghp_securityTestTokenNeverShown0123456789';
const BRANCH = 'modelgate/update/risk.fraud-detector';
let github: FakeGitHub;
let captured: string[];

beforeEach(async () => {
  github = await new FakeGitHub('acme', 'models', TOKEN).start();
  github.seed('main', new Map([['policies/a.yaml', 'v: 1\n']]));
  captured = [];
  for (const stream of [process.stdout, process.stderr]) vi.spyOn(stream, 'write').mockImplementation((chunk) => (captured.push(String(chunk)), true));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await github.close();
});

const proposal: Proposal = {
  owner: 'acme',
  repo: 'models',
  base: 'main',
  files: new Map([['generated/risk/fraud-detector/a.yaml', 'new\n'], ['policies/a.yaml', 'v: 2\n']]),
  managed: (path) => path.startsWith('generated/'),
  branch: BRANCH,
  title: 'Release fraud-detector 42',
  body: 'body',
  commitMessage: 'modelgate: release fraud-detector 42',
  labels: ['modelgate'],
  reviewers: ['alice-chen'],
};

/** Run propose with `token`, returning everything it said or threw, as text. */
async function proposeCapturingAll(token: string): Promise<{ outcome: unknown; error: unknown; text: string }> {
  const client = createGitHubClient({ token, apiUrl: github.url, timeScale: 0.001 }, (m) => captured.push(m));
  let outcome: unknown = null;
  let error: unknown = null;
  try {
    outcome = await propose(client, proposal, (m) => captured.push(m));
  } catch (caught) {
    error = caught;
    captured.push(describeGitHubError(caught, token), String(caught), (caught as Error)?.stack ?? '', JSON.stringify(caught, Object.getOwnPropertyNames(caught ?? {})));
  }
  return { outcome, error, text: captured.join('\n') };
}

const FAULTS: Array<{ name: string; faults: Fault[] }> = [
  { name: 'server errors past the retries', faults: [{ kind: 'status', status: 502, operationId: 'git/create-tree', times: 10 }] },
  { name: 'a secondary rate limit', faults: [{ kind: 'secondary-rate-limit', retryAfterSeconds: 1, operationId: 'pulls/create', times: 1 }] },
  { name: 'a connection dropped before GitHub acted, every time', faults: [{ kind: 'drop-before', operationId: 'git/create-ref', times: 10 }] },
  { name: 'a connection dropped after GitHub acted, every time', faults: [{ kind: 'drop-after', operationId: 'pulls/create', times: 10 }] },
  { name: 'a rejected token mid-run', faults: [{ kind: 'unauthorized', operationId: 'git/create-commit', times: 1 }] },
];

describe('the token never appears in any output, log or error', () => {
  for (const { name, faults } of FAULTS) {
    it(name, async () => {
      for (const fault of faults) github.faults.add(fault);
      const { text } = await proposeCapturingAll(TOKEN);
      expect(text.length).toBeGreaterThan(0);
      expect(text).not.toContain(TOKEN);
      expect(github.pulls.length).toBeLessThanOrEqual(1);
      expect(github.invalidRequests()).toEqual([]);
    });
  }
});

describe('a connection that keeps dropping', () => {
  it('is reported after the retries, and a rerun converges with nothing duplicated', async () => {
    github.faults.add({ kind: 'drop-after', operationId: 'pulls/create', times: 10 });
    const first = await proposeCapturingAll(TOKEN);
    expect(first.error).not.toBeNull();
    expect(describeGitHubError(first.error, TOKEN)).toMatch(/connection to GitHub kept dropping/);
    // Each dropped create did open the PR on GitHub's side; only one may exist.
    expect(github.pulls).toHaveLength(1);
    github.faults.clear();
    const second = await proposeCapturingAll(TOKEN);
    expect(second.error).toBeNull();
    expect(github.pulls).toHaveLength(1);
    expect([...github.refs.keys()].sort()).toEqual(['refs/heads/main', `refs/heads/${BRANCH}`]);
    expect(github.branchFiles(BRANCH).get('policies/a.yaml')).toBe('v: 2\n');
  });
});
