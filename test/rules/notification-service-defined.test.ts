import { describe, expect, it } from 'vitest';
import { diagnosticsFor, expectDiagnostics, minimalPolicy } from '../support/rule-harness.js';

const PROFILE = `apiVersion: modelgate.io/v1alpha1
kind: PlatformProfile
spec:
  notifications:
    services:
      - { name: slack, configured: true }
      - { name: pagerduty, configured: false }
`;

const subscribe = (service: string): string =>
  minimalPolicy(`  notifications:
    - on: [on-rollout-aborted, on-analysis-run-failed]
      service: ${service}
      recipients: [ml-oncall]
`);

describe('notification-service-defined', () => {
  it('reports a service the profile lists as not defined in the notification ConfigMap, at the service', () => {
    expectDiagnostics(subscribe('pagerduty'), [{ rule: 'notification-service-defined', line: 16, column: 7, severity: 'error', message: 'configured: false', hint: 'or use `slack`' }], PROFILE);
  });

  it('reports a service the profile does not name, suggesting the closest', () => {
    expectDiagnostics(subscribe('slak'), [{ rule: 'notification-service-defined', line: 16, column: 7, severity: 'error', message: '`slak` is not one the platform profile names', hint: '`slack`' }], PROFILE);
  });

  it('warns, without refusing, when no profile says what the cluster defines', () => {
    expect(diagnosticsFor(subscribe('slack')).map((d) => [d.rule, d.severity, d.line])).toEqual([['notification-service-defined', 'warning', 16]]);
  });

  it('accepts a configured service', () => {
    expect(diagnosticsFor(subscribe('slack'), PROFILE)).toEqual([]);
  });

  it('a trigger Argo Rollouts does not have is a schema error', () => {
    const policy = minimalPolicy(`  notifications:
    - on: [on-rollback]
      service: slack
      recipients: [ml-oncall]
`);
    expect(diagnosticsFor(policy, PROFILE).map((d) => [d.rule, d.line])).toEqual([['schema', 15]]);
  });
});
