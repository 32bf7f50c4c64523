/**
 * The plan and the PR say what merging does — built from the policy before and after — not what
 * the policy says as a whole: a preload moves no traffic, a new candidate abandons the old one,
 * a hold-only change says so in its title, and a loosened gate is called out.
 */
import { describe, expect, it } from 'vitest';
import { describePolicyChange } from '../../src/gitops/change-description.js';
import { linesChanged } from '../../src/gitops/lines-changed.js';
import { textChart, timelineOf, timelineSentence } from '../../src/gitops/timeline.js';
import type { ResolvedPolicy } from '../../src/resolve/policy.js';
import { examplePolicy } from '../gates/example-policies.js';

const fraud = examplePolicy('fraud-detector.yaml');
/** The fraud detector with its versions block changed; `retained` follows the resolver. */
function withVersions(change: Partial<ResolvedPolicy['versions']>, base: ResolvedPolicy = fraud): ResolvedPolicy {
  return { ...base, versions: { ...base.versions, ...change } };
}

describe('what merging a policy change does', () => {
  it('a preload loads and unloads versions and moves no traffic', () => {
    const after = withVersions({ preload: [43], retained: [43, 42, 41] });
    const change = describePolicyChange(fraud, after);
    expect(change.headline).toBe('TF Serving loads 43 and unloads 40; traffic does not move');
    expect(change.title).toBe('TF Serving loads 43 and unloads 40');
    expect(change.rows).toEqual([{ field: 'TF Serving loads', before: '42, 41, 40', after: '43, 42, 41', change: 'loads 43 and unloads 40' }]);
    expect(change.callouts).toEqual([]);
  });

  it('a new candidate says the old one is abandoned, and shows the provenance that changes', () => {
    const preloaded = withVersions({ preload: [43], retained: [43, 42, 41] });
    const info = { ...fraud.versions.info, 43: { name: '1.4.1-20250410', dataSnapshot: 'txns-2025-04-08', commit: '1a2b3c4', author: 'bo-li', offlineMetrics: { auc: 0.949 } } };
    const after = withVersions({ candidate: 43, preload: [], retained: [43, 41, 40], info }, preloaded);
    const change = describePolicyChange(preloaded, after);
    expect(change.headline).toMatch(/^candidate 42 is replaced by 43, which starts over: candidate 43: shadow at 100% mirror for 1h, then 1% → 5% → 25% → 50% → 100% of traffic, then a 1h soak at 100% with the gates judging \(at least 5h\); rollback target 41$/);
    expect(change.title).toBe('candidate 42 → 43 (42 abandoned)');
    expect(change.callouts[0]).toBe('candidate 42 is abandoned wherever its rollout stands; its traffic returns to stable 41');
    expect(change.rows).toEqual(
      expect.arrayContaining([
        { field: 'candidate', before: '42', after: '43', change: 'changed' },
        { field: 'TF Serving loads', before: '43, 42, 41', after: '43, 41, 40', change: 'loads 40 and unloads 42' },
        { field: 'candidate commit', before: '77d0c3e', after: '1a2b3c4', change: 'changed' },
        { field: 'candidate offline auc', before: '0.947', after: '0.949', change: '+0.002' },
        { field: 'candidate offline recall_at_1pct_fpr', before: '0.65', after: 'none', change: 'removed' },
      ]),
    );
  });

  it('a hold-only change says so, in the headline and the title', () => {
    const steps = fraud.canary.steps.map((step, i) => (i === 1 ? { ...step, holdSeconds: 3600 } : step));
    const change = describePolicyChange(fraud, { ...fraud, canary: { ...fraud.canary, steps } });
    expect(change.holdOnly).toBe(true);
    expect(change.headline).toBe('hold-only change (step 2: 5% for 30m → 5% for 1h); traffic does not move');
    expect(change.title).toBe('hold-only change: step 2 5% for 1h');
    expect(change.rows).toEqual([{ field: 'step 2', before: '5% for 30m', after: '5% for 1h', change: 'longer hold' }]);
  });

  it('calls out a loosened or removed gate, and names it in the title', () => {
    const checks = fraud.gates.checks
      .filter((gate) => gate.name !== 'segment-error-rate')
      .map((gate) => (gate.metric === 'latency' ? { ...gate, maxIncreasePercent: 25 } : gate.metric === 'drift' ? { ...gate, max: 0.02 } : gate));
    const change = describePolicyChange(fraud, { ...fraud, gates: { ...fraud.gates, checks, failureLimit: fraud.gates.failureLimit + 2 } });
    const byField = Object.fromEntries(change.rows.map((row) => [row.field, row.change]));
    expect(byField).toEqual({ 'gate latency-p99': 'loosened', 'gate score-drift': 'tightened', 'gate segment-error-rate': 'removed', 'failure limit': 'loosened' });
    expect(change.callouts).toEqual([
      'gate latency-p99 is loosened: P99 latency ≤ stable +10% → P99 latency ≤ stable +25%',
      'gate segment-error-rate is removed: error rate per merchant_category ≤ stable +1pp → none',
      'failure limit is loosened: 1 → 3',
    ]);
    expect(change.title).toBe('change gate latency-p99, gate score-drift, gate segment-error-rate, failure limit (loosens latency-p99, segment-error-rate)');
    expect(change.headline).toMatch(/; traffic does not move$/);
  });

  it('a rollback target change is a row; a retention change is said by what it loads', () => {
    const after = { ...withVersions({ retain: 4, retained: [42, 41, 40, 39] }), rollback: { ...fraud.rollback, toVersion: 40 } };
    expect(describePolicyChange(fraud, after).rows).toEqual([
      { field: 'rollback target', before: '41', after: '40', change: 'changed' },
      { field: 'TF Serving loads', before: '42, 41, 40', after: '42, 41, 40, 39', change: 'loads 39' },
    ]);
    // More retention than there are versions to keep loads nothing, so it gets its own row.
    expect(describePolicyChange(fraud, withVersions({ retain: 6, retained: [42, 41, 40, 39] })).rows).toContainEqual({ field: 'retain', before: '3', after: '6', change: 'changed' });
  });

  it.each([
    ['a promotion', withVersions({ stable: 42, candidate: null }), 'candidate 42 promoted: 100% of traffic on 42; rollback target 41', 'promote 42 to stable'],
    ['a rollback', withVersions({ stable: 40, candidate: null }), 'rollback: 100% of traffic on 40 (was stable 41 with candidate 42)', 'roll back to 40'],
    ['a withdrawn candidate', withVersions({ candidate: null }), 'candidate 42 withdrawn: 100% of traffic stays on 41', 'withdraw candidate 42'],
    ['no change in meaning', fraud, 'the generated files change while the policy means the same (a modelgate upgrade, or output edited by hand)', 'regenerate the output (the policy is unchanged)'],
  ] as const)('%s', (_, after, headline, title) => {
    expect(describePolicyChange(fraud, after)).toMatchObject({ headline, title });
  });

  it('a new and a removed policy', () => {
    expect(describePolicyChange(null, examplePolicy('recommender.yaml')).headline).toBe(
      'new policy: candidate 1731: 1% → 5% → 25% → 50% (manual hold) → 100% of traffic (at least 1h10m plus 1 manual approval); rollback target 1730',
    );
    expect(describePolicyChange(fraud, null)).toMatchObject({ headline: 'policy removed: its generated files are deleted (it was serving 41)', title: 'remove the policy' });
  });
});

describe('lines changed', () => {
  it('counts lines added and removed as a line diff does', () => {
    expect(linesChanged('a\nb\nc\n', 'a\nB\nc\nd\n')).toEqual({ added: 2, removed: 1 });
    expect(linesChanged('', 'a\nb\n')).toEqual({ added: 2, removed: 0 });
    expect(linesChanged('a\nb\n', '')).toEqual({ added: 0, removed: 2 });
    expect(linesChanged('x\ny\nz\n', 'z\ny\nx\n')).toEqual({ added: 2, removed: 2 });
  });
});

describe('the rollout chart', () => {
  const timeline = timelineOf(fraud)!;
  const chart = textChart(timeline);
  const rows = chart.split('\n').filter((line) => /^(shadow|step \d|soak)/.test(line));

  it('shows every phase, a 1% and a 5% step as visibly as 50%, with a legend for the mirror', () => {
    expect(rows.map((row) => row.trim().split(/\s{2,}/).at(-1))).toEqual(['100% mirrored', '1%', '5%', '25%', '50%', '100%, gates judging']);
    for (const row of rows) expect(row).toMatch(/[█░]/);
    expect(chart).toContain('legend: █ candidate answers that share of users; ░ requests copied to the candidate, answers discarded');
  });

  it('puts time on the x-axis to scale: each bar starts where the one before ends, and its length follows its hold', () => {
    const spans = rows.map((row) => [row.search(/[█░]/), row.search(/[█░]/) + row.slice(8).trim().split(/\s/)[0]!.length]);
    for (let i = 1; i < spans.length; i++) expect(spans[i]![0]).toBe(spans[i - 1]![1]);
    // 1h of shadow is twice 30m at 1%, and a 1h step is twice a 30m one (within a column).
    const length = (i: number) => spans[i]![1]! - spans[i]![0]!;
    expect(Math.abs(length(0) - 2 * length(1))).toBeLessThanOrEqual(1);
    expect(Math.abs(length(3) - 2 * length(2))).toBeLessThanOrEqual(1);
  });

  it('says the same in words, for readers without the chart', () => {
    expect(timelineSentence(timeline)).toBe('shadow for 1h (100% of requests copied to the candidate, its answers discarded), then 1% for 30m, then 5% for 30m, then 25% for 1h, then 50% for 1h, then 100% soaking for 1h (gates still judged; an abort returns to the stable pods, still running): at least 5h');
  });
});
