import { describe, it } from 'vitest';
import { expectDiagnostics, expectValid, minimalPolicy, SCORE_EXPORTER_PROFILE } from '../support/rule-harness.js';

describe('gates-consistent', () => {
  it('warns about a non-tail latency percentile, at the percentile', () => {
    expectDiagnostics(
      minimalPolicy(`  gates:
    checks:
      - { metric: latency, percentile: 20, maxIncrease: 10%, expected: 20ms }
`),
      [{ rule: 'gates-consistent', line: 16, column: 28, severity: 'warning', message: 'P20' }],
    );
  });

  it('reports a baseline error rate of 0% or 100%, at the field, and accepts one between', () => {
    expectDiagnostics(
      minimalPolicy(`  gates:
    baselineErrorRate: 0%
`),
      [{ rule: 'gates-consistent', line: 15, column: 5, severity: 'error', message: 'baseline error rate of 0%' }],
    );
    expectDiagnostics(
      minimalPolicy(`  gates:
    baselineErrorRate: 100%
`),
      [{ rule: 'gates-consistent', line: 15, column: 5, severity: 'error', message: 'baseline error rate of 100%' }],
    );
    expectValid(
      minimalPolicy(`  gates:
    baselineErrorRate: 2%
`),
    );
  });

  it('reports drift buckets that are not above 0 or not increasing, at the bound', () => {
    expectDiagnostics(
      minimalPolicy(`  gates:
    checks:
      - metric: drift
        max: 0.1
        histogram: demo_score
        buckets: [0, 0.5, 0.5, 1]
`),
      [
        { rule: 'gates-consistent', line: 19, column: 19, severity: 'error', message: 'must be above 0' },
        { rule: 'gates-consistent', line: 19, column: 27, severity: 'error', message: 'not above the previous bound 0.5' },
      ],
      SCORE_EXPORTER_PROFILE,
    );
  });

  it('warns when a hold allows no more measurements than failureLimit tolerates, at the hold', () => {
    expectDiagnostics(
      minimalPolicy(`  canary:
    steps:
      - { weight: 5%, hold: 10m }
      - { weight: 100% }
  gates:
    interval: 5m
    failureLimit: 2
`),
      [{ rule: 'gates-consistent', line: 16, column: 23, severity: 'warning', message: 'can never fail', hint: 'hold at least 15m' }],
    );
  });

  it('warns when a hold is shorter than the gate interval', () => {
    expectDiagnostics(
      minimalPolicy(`  canary:
    steps:
      - { weight: 5%, hold: 1m }
      - { weight: 100% }
`),
      [{ rule: 'gates-consistent', line: 16, column: 23, severity: 'warning', message: 'no gate measures it' }],
    );
  });

  it('says nothing about release settings at rest: they are the plan for the next candidate', () => {
    expectValid(
      `apiVersion: modelgate.io/v1alpha1
kind: ReleasePolicy
metadata: { name: demo }
spec:
  model: { name: demo, basePath: /models/demo }
  versions: { stable: 1 }
  traffic: { host: demo.svc }
  shadow: { duration: 1h }
  gates: { interval: 1m }
`,
    );
  });

  it("reports a ratio gate whose version label is the profile's model label, at the version label, and accepts another", () => {
    const ratio = (versionLabel: string) => minimalPolicy(`  gates:
    checks:
      - { metric: ratio, numerator: demo_clicks_total, denominator: demo_views_total, expected: 4%, maxDecrease: 10%, versionLabel: ${versionLabel} }
`);
    expectDiagnostics(ratio('model'), [{ rule: 'gates-consistent', line: 16, column: 119, severity: 'error', message: 'reads the version from `model`', hint: 'versionLabel:' }]);
    expectValid(ratio('model_version'));
    // With the profile's model label elsewhere, `model` is free for the version.
    expectValid(ratio('model'), 'apiVersion: modelgate.io/v1alpha1\nkind: PlatformProfile\nspec:\n  ratioCounters: { modelLabel: service }\n');
  });

  it('accepts tail percentiles, increasing buckets and holds longer than failureLimit intervals', () => {
    expectValid(
      minimalPolicy(`  canary:
    steps:
      - { weight: 5%, hold: 20m }
      - { weight: 100% }
  gates:
    interval: 5m
    failureLimit: 2
    checks:
      - { metric: latency, percentile: 99.9, maxIncrease: 10%, expected: 200ms }
      - { metric: drift, max: 0.1, histogram: demo_score, buckets: [0.1, 0.5, 1] }
`),
      SCORE_EXPORTER_PROFILE,
    );
  });
});
