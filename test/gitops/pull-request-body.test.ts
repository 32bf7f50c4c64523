/** The PR description: right facts in the right cells, and hostile policy text stays inert. */
import { describe, expect, it } from 'vitest';
import { planChange } from '../../src/gitops/plan.js';
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
    expect(cells(row)).toEqual(['default/churn-scorer', 'churn', 'stable 7, candidate 8', 'dana-okafor', 'error-rate: error rate ≤ 2%', '7']);
    expect(body).toContain('| generated/default/churn-scorer/rollout/rollout.yaml | added | +2 −0 |');
    expect(body).toContain('- [ ] default/churn-scorer: rollback target 7 is retained');
    expect(body).toContain('- rollback to 7 is warm: stable keeps its 1 pod running throughout the release');
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
    // A link needs an unescaped `](`; an escaped bracket before `(` is text.
    expect(body).not.toMatch(/(?<!\\)\](\(|:)/);
    expect(body).not.toContain('\u202E');
    expect(body).toContain('acme/\\{\\{owners\\}\\}');
  });

  it('opens a rollback with a banner naming the version that will serve', () => {
    const policy = examplePolicy('search-ranker.yaml');
    const body = pullRequestBody(planFor(policy), { action: 'rollback', summary: 's', servingAfter: 12, policy: 'search/search-ranker', readiness: 'rollback to 12 starts cold: 1 pods start' });
    expect(body.startsWith('> [!CAUTION]\n> **Urgent rollback. After merge, version 12 of search/search-ranker serves 100% of traffic; rollback to 12 starts cold: 1 pods start.**\n')).toBe(true);
  });
});
