import { describe, it } from 'vitest';
import { expectDiagnostics, expectValid } from '../support/rule-harness.js';

const policy = (check: string, candidateAuc = '0.90') => `apiVersion: modelgate.io/v1alpha1
kind: ReleasePolicy
metadata: { name: demo }
spec:
  model: { name: demo, basePath: /models/demo }
  versions:
    stable: 1
    candidate: 2
    info:
      "1": { offlineMetrics: { auc: 0.92, logloss: 0.30 } }
      "2": { offlineMetrics: { auc: ${candidateAuc}, logloss: 0.31 } }
    offlineChecks:
      - ${check}
  traffic: { host: demo.svc }
`;

describe('offline-metrics-not-worse', () => {
  it('reports a worse candidate with the severity the check asks for, at the check', () => {
    expectDiagnostics(policy('{ metric: auc, better: higher, severity: error }'), [
      { rule: 'offline-metrics-not-worse', line: 13, column: 9, severity: 'error', message: 'auc 0.9, worse than stable 1\'s 0.92 by 0.02' },
    ]);
  });

  it('defaults to a warning, and judges lower-is-better metrics the other way', () => {
    expectDiagnostics(policy('{ metric: logloss, better: lower, tolerance: 0.005 }'), [{ rule: 'offline-metrics-not-worse', line: 13, column: 9, severity: 'warning', message: 'logloss 0.31' }]);
  });

  it("reports a metric not recorded for a version with the check's severity: an error check stays an error", () => {
    expectDiagnostics(policy('{ metric: recall, better: higher, severity: error }'), [
      { rule: 'offline-metrics-not-worse', line: 13, column: 9, severity: 'error', message: 'not recorded for version 1 and 2' },
    ]);
    expectDiagnostics(policy('{ metric: recall, better: higher }'), [
      { rule: 'offline-metrics-not-worse', line: 13, column: 9, severity: 'warning', message: 'not recorded for version 1 and 2' },
    ]);
  });

  it('does not mistake inherited names like toString or __proto__ for recorded metrics', () => {
    for (const metric of ['toString', 'constructor', '__proto__']) {
      expectDiagnostics(policy(`{ metric: ${metric}, better: higher, severity: error }`), [
        { rule: 'offline-metrics-not-worse', line: 13, column: 9, severity: 'error', message: `\`${metric}\` is not recorded for version 1 and 2` },
      ]);
    }
  });

  it('accepts a candidate within tolerance or better', () => {
    expectValid(policy('{ metric: auc, better: higher, tolerance: 0.02, severity: error }'));
    expectValid(policy('{ metric: auc, better: higher, severity: error }', '0.93'));
  });
});
