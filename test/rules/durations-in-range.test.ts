import { describe, it } from 'vitest';
import { expectDiagnostics, expectValid, minimalPolicy } from '../support/rule-harness.js';

describe('durations-in-range', () => {
  it('reports a zero gate interval, which promtool rejects as a range', () => {
    expectDiagnostics(minimalPolicy('  gates:\n    interval: 0s\n'), [{ rule: 'durations-in-range', line: 15, column: 5, message: 'an interval of 0s measures nothing' }]);
  });

  it("reports durations past Go's 2562047h47m16s, where Argo, Prometheus and Istio stop", () => {
    expectDiagnostics(
      minimalPolicy(`  traffic:
    host: demo.default.svc.cluster.local
    timeout: 8600000000000000000000000000s
  canary:
    steps:
      - { weight: 50%, hold: manual }
      - { weight: 100% }
  shadow: { duration: 3000000h }
  gates:
    interval: 2562048h
`).replace('  traffic:\n    host: demo.default.svc.cluster.local\n', ''),
      [
        { rule: 'durations-in-range', line: 14, column: 5, message: 'longer than an Istio timeout can hold (at most 2562047h47m16s)' },
        // A timeout beside a shadow phase: Argo's mirror route carries no timeout (issue 12).
        { rule: 'managed-routes-drop-timeouts', line: 14, column: 5, message: 'mirror and header routes' },
        { rule: 'durations-in-range', line: 19, column: 13, message: '3000000h is longer than an Argo Rollouts pause (int32 seconds) can hold (at most 596523h14m7s)' },
        { rule: 'durations-in-range', line: 21, column: 5, message: 'a Prometheus range or an Argo interval' },
      ],
    );
  });

  it("reports a scaleDownDelay or a pause past Argo's int32 seconds", () => {
    expectDiagnostics(minimalPolicy('  canary:\n    scaleDownDelay: 596523h14m8s\n'), [{ rule: 'durations-in-range', line: 15, column: 5, message: 'at most 596523h14m7s' }]);
    expectDiagnostics(minimalPolicy('  canary:\n    steps: [{ weight: 50%, hold: 596523h14m8s }, { weight: 100% }]\n'), [{ rule: 'durations-in-range', line: 15, column: 28, message: 'at most 596523h14m7s' }]);
  });

  it('accepts every duration at its limit', () => {
    expectValid(
      minimalPolicy(`  canary:
    scaleDownDelay: 596523h14m7s
    steps:
      - { weight: 50%, hold: 596523h14m7s }
      - { weight: 100% }
  gates:
    interval: 1ms
    checks:
      - { metric: latency, maxIncrease: 10%, expected: 100ms, for: 2562047h47m16s }
`),
    );
  });
});
