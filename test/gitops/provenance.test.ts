/** Issue 9: what changed between stable and candidate reaches plan and the PR description. */
import { describe, expect, it } from 'vitest';
import { planChange } from '../../src/gitops/plan.js';
import { provenanceLines, provenanceRows } from '../../src/gitops/provenance.js';
import { pullRequestBody } from '../../src/gitops/pull-request-body.js';
import type { ResolvedPolicy } from '../../src/resolve/policy.js';
import { examplePolicy } from '../gates/example-policies.js';

function bodyFor(policy: ResolvedPolicy): string {
  const file = `${policy.namespace}/${policy.name}/rollout/rollout.yaml`;
  return pullRequestBody(planChange({ outDir: 'generated', policies: [policy], planned: new Map([[file, 'a\n']]), baseFiles: new Map(), basePolicies: [], warnings: [] }), null);
}

describe('provenance', () => {
  it('compares stable 41 and candidate 42 of the fraud detector, offline metric deltas included', () => {
    expect(provenanceRows(examplePolicy('fraud-detector.yaml'))).toEqual([
      { field: 'version', stable: '41', candidate: '42', change: 'newer' },
      { field: 'name', stable: '1.3.3-20250320', candidate: '1.4.0-20250405', change: 'differs' },
      { field: 'data', stable: 'txns-2025-03-15', candidate: 'txns-2025-04-01', change: 'differs' },
      { field: 'commit', stable: '4be21f0', candidate: '77d0c3e', change: 'differs' },
      { field: 'author', stable: 'alice-chen', candidate: 'bo-li', change: 'differs' },
      { field: 'offline auc', stable: '0.941', candidate: '0.947', change: '+0.006' },
      { field: 'offline recall_at_1pct_fpr', stable: '0.62', candidate: '0.65', change: '+0.03' },
    ]);
  });

  it('signs a worse metric negative and says when a metric only one version has cannot be compared', () => {
    const policy = examplePolicy('recommender.yaml');
    policy.versions.info[1731]!.offlineMetrics = { ndcg_at_10: 0.402, coverage: 0.7 };
    expect(provenanceLines(policy)).toEqual([
      'name, stable → candidate: 2025.04.02 → 2025.04.09 (differs)',
      'offline coverage, stable → candidate: — → 0.7 (not comparable)',
      'offline ndcg_at_10, stable → candidate: 0.412 → 0.402 (−0.01)',
    ]);
  });

  it('a metric named constructor or __proto__ is a metric like any other, not a property of Object', () => {
    const policy = examplePolicy('fraud-detector.yaml');
    policy.versions.info[41]!.offlineMetrics = JSON.parse('{"constructor": 0.5}') as Record<string, number>;
    policy.versions.info[42]!.offlineMetrics = JSON.parse('{"__proto__": 0.9, "constructor": 0.75}') as Record<string, number>;
    const rows = provenanceRows(policy).filter((row) => row.field.startsWith('offline'));
    expect(rows).toEqual([
      { field: 'offline __proto__', stable: '—', candidate: '0.9', change: 'not comparable' },
      { field: 'offline constructor', stable: '0.5', candidate: '0.75', change: '+0.25' },
    ]);
    expect(bodyFor(policy)).not.toMatch(/native code|NaN/);
  });

  it('says nothing for a model at rest or with no version facts', () => {
    expect(provenanceRows(examplePolicy('search-ranker.yaml'))).toEqual([]);
    expect(provenanceRows(examplePolicy('churn-scorer.yaml'))).toEqual([]);
  });

  it('appears in the PR description as a table whose cells stay inert', () => {
    const policy = examplePolicy('fraud-detector.yaml');
    policy.versions.info[42]!.dataSnapshot = 'snap | <b>x</b>';
    const body = bodyFor(policy);
    expect(body).toContain('| Candidate compared with stable | Stable | Candidate | Difference |');
    expect(body).toContain('| offline auc | 0.941 | 0.947 | +0.006 |');
    expect(body).toContain('| data | txns-2025-03-15 | snap \\| &lt;b&gt;x&lt;/b&gt; | differs |');
    expect(bodyFor(examplePolicy('churn-scorer.yaml'))).not.toContain('Candidate compared with stable');
  });
});
