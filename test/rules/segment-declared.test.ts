import { describe, it } from 'vitest';
import { expectDiagnostics, expectValid, minimalPolicy, SCORE_EXPORTER_PROFILE } from '../support/rule-harness.js';

const gates = `  gates:
    checks:
      - { metric: errorRate, maxIncrease: 1pp, segment: occupation }
`;

describe('segment-declared', () => {
  it('reports a per-segment gate whose label nothing puts on the metrics, at its segment', () => {
    expectDiagnostics(minimalPolicy(gates), [
      { rule: 'segment-declared', line: 16, column: 48, message: 'could never fire', hint: 'traffic.segments' },
    ]);
  });

  it('accepts the gate once traffic.segments says which header carries the label', () => {
    const policy = minimalPolicy(gates).replace(
      '    host: demo.default.svc.cluster.local\n',
      '    host: demo.default.svc.cluster.local\n    segments: [{ label: occupation, header: x-occupation }]\n',
    );
    expectValid(policy);
  });

  it("refuses a segment label that would overwrite one of Istio's own", () => {
    const policy = minimalPolicy().replace(
      '    host: demo.default.svc.cluster.local\n',
      '    host: demo.default.svc.cluster.local\n    segments:\n      - { label: response_code, header: x-code }\n',
    );
    expectDiagnostics(policy, [{ rule: 'segment-declared', line: 15, column: 11, message: "Istio's standard labels" }]);
  });

  it('reports a per-segment drift gate whose histogram is not declared to carry the label, and accepts it once declared', () => {
    const drift = (labels: string) => minimalPolicy(`  gates:
    checks:
      - { metric: drift, histogram: regional_score, buckets: [0.5, 1], max: 0.1, segment: region${labels} }
`);
    expectDiagnostics(drift(''), [{ rule: 'segment-declared', line: 16, column: 82, message: 'does not declare that `regional_score` carries that label', hint: 'labels: [region]' }], SCORE_EXPORTER_PROFILE);
    expectValid(drift(', labels: [region]'), SCORE_EXPORTER_PROFILE);
  });
});

describe('segment-declared (ratio gates)', () => {
  const ratio = (labels: string) => minimalPolicy(`  gates:
    checks:
      - { metric: ratio, numerator: demo_clicks_total, denominator: demo_views_total, expected: 4%, maxDecrease: 10%, segment: region${labels} }
`);

  it('reports a per-segment ratio gate whose counters are not declared to carry the label, and accepts it once declared', () => {
    expectDiagnostics(ratio(''), [{ rule: 'segment-declared', line: 16, column: 119, message: '`demo_clicks_total` and `demo_views_total` carry that label', hint: 'labels: [region]' }]);
    expectValid(ratio(', labels: [region]'));
  });
});
