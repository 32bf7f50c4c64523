import { describe, it } from 'vitest';
import { expectDiagnostics, expectValid, minimalPolicy } from '../support/rule-harness.js';

const warning = { rule: 'managed-routes-drop-timeouts', severity: 'warning' as const };

describe('managed-routes-drop-timeouts', () => {
  it('names the shadow phase: its mirror route takes every request without the timeout', () => {
    const policy = minimalPolicy('  shadow: { duration: 1h }\n').replace('    host: demo.default.svc.cluster.local\n', '    host: demo.default.svc.cluster.local\n    timeout: 300ms\n');
    expectDiagnostics(policy, [{ ...warning, line: 14, column: 5, message: 'the 300ms timeout do not apply during the shadow phase (1h: every request)' }]);
  });

  it('names each cohort and the sticky steps, and the retries', () => {
    const traffic = `    retries: { attempts: 2 }
    sticky: { header: x-user-id }
    cohorts:
      - { name: staff, header: x-staff, exact: "true" }
  canary:
    steps:
      - { weight: 5%, hold: 1h }
      - { weight: 100% }
`;
    const policy = minimalPolicy().replace('    host: demo.default.svc.cluster.local\n', `    host: demo.default.svc.cluster.local\n${traffic}`);
    expectDiagnostics(policy, [{ ...warning, line: 14, column: 5, message: 'the 2 retries do not apply during cohort staff (requests with x-staff), from its step until promotion; sticky steps 5% (requests whose x-user-id' }]);
  });

  it('is silent without a timeout or retries, or without managed routes', () => {
    expectValid(minimalPolicy('  shadow: { duration: 1h }\n'));
    expectValid(minimalPolicy().replace('    host: demo.default.svc.cluster.local\n', '    host: demo.default.svc.cluster.local\n    timeout: 300ms\n'));
  });
});
