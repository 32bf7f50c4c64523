/** The PR description: right facts in the right cells, and hostile policy text stays inert. */
import { describe, expect, it } from 'vitest';
import { planChange } from '../../src/gitops/plan.js';
import { describeChange } from '../../src/gitops/plan-words.js';
import { pullRequestBody } from '../../src/gitops/pull-request-body.js';
import type { ResolvedPolicy } from '../../src/resolve/policy.js';
import { examplePolicy } from '../gates/example-policies.js';

function planFor(policy: ResolvedPolicy) {
  const file = `${policy.namespace}/${policy.name}/rollout/rollout.yaml`;
  return planChange({ outDir: 'generated', policies: [policy], planned: new Map([[file, 'a\nb\n']]), baseFiles: new Map(), basePolicies: [], warnings: [] });
}

/** Cells of a Markdown table row, splitting only on pipes that are not escaped. */
function cells(row: string): string[] {
  return row.split(/(?<!\\)\|/).slice(1, -1).map((cell) => cell.trim());
}

describe('pull request description', () => {
  it('summarises each policy in one table row with gates and rollback target', () => {
    const body = pullRequestBody(planFor(examplePolicy('churn-scorer.yaml')), null);
    const row = body.split('\n').find((line) => line.startsWith('| default/churn'))!;
    expect(cells(row)).toEqual(['default/churn\\-scorer', 'churn', '7 → 8', 'dana\\-okafor', 'error\\-rate\\: error rate ≤ 2%', '7']);
    expect(body).toContain('| generated/default/churn\\-scorer/rollout/rollout\\.yaml | added | 2 |');
    expect(body).toContain('- [ ] default/churn\\-scorer\\: rollback target 7 is loaded');
  });

  it('keeps hostile policy text inert: no pings, no HTML, no links, no broken table, no template syntax', () => {
    const policy = examplePolicy('fraud-detector.yaml');
    policy.owners = ['@security-team', 'x | y', 'acme/{{owners}}'];
    policy.model.name = '<script>alert(1)</script>';
    policy.versions.info[42]!.name = '[click](javascript:alert(1))';
    policy.versions.info[42]!.commit = 'abc\u202Edef';
    const body = pullRequestBody(planFor(policy), null);
    const row = body.split('\n').find((line) => line.startsWith('| risk/'))!;
    expect(cells(row)).toHaveLength(6);
    expect(body).not.toMatch(/@\w/);
    expect(body).not.toContain('<script>');
    expect(body).not.toMatch(/\]\(javascript/);
    expect(body).not.toContain('\u202E');
    expect(body).toContain('acme/\\{\\{owners\\}\\}');
  });

  it('opens a rollback with a banner naming the version that will serve', () => {
    const policy = examplePolicy('search-ranker.yaml');
    const body = pullRequestBody(planFor(policy), { action: 'rollback', summary: 's', servingAfter: 12, policy: 'search/search-ranker' });
    expect(body.startsWith('> [!CAUTION]\n> **Urgent rollback\\. After merge, version 12 of search/search\\-ranker serves 100% of traffic\\.**\n')).toBe(true);
  });
});

describe('describeChange', () => {
  const fraud = examplePolicy('fraud-detector.yaml');
  const promoted = { ...fraud, versions: { ...fraud.versions, stable: 42, candidate: null } };
  const rolledBack = { ...fraud, versions: { ...fraud.versions, stable: 40, candidate: null } };
  const withdrawn = { ...fraud, versions: { ...fraud.versions, candidate: null } };

  it.each([
    ['a release in progress', fraud, fraud, 'candidate 42 enters shadow at 100% mirror for 1h, then 1% → 5% → 25% → 50% → 100% (at least 4h); rollback target 41'],
    ['a new policy', fraud, null, 'new policy: candidate 42 enters shadow at 100% mirror for 1h, then 1% → 5% → 25% → 50% → 100% (at least 4h); rollback target 41'],
    ['a promotion', promoted, fraud, 'candidate 42 promoted: 100% of traffic on 42; rollback target 41'],
    ['a rollback', rolledBack, fraud, 'rollback: 100% of traffic on 40 (was stable 41 with candidate 42)'],
    ['a withdrawn candidate', withdrawn, fraud, 'candidate 42 withdrawn: 100% of traffic stays on 41'],
    ['a steady state', withdrawn, withdrawn, 'steady: 100% of traffic on 41'],
    ['a removed policy', null, withdrawn, 'policy removed: its generated files are deleted (was serving 41)'],
  ] as const)('words for %s', (_, policy, before, words) => {
    expect(describeChange(policy as ResolvedPolicy | null, before as ResolvedPolicy | null)).toBe(words);
  });

  it('names manual holds and the approvals they add', () => {
    expect(describeChange(examplePolicy('recommender.yaml'), null)).toBe(
      'new policy: candidate 1731 takes 1% → 5% → 25% → 50% (manual hold) → 100% of traffic (at least 1h10m plus 1 manual approval); rollback target 1730',
    );
  });
});
