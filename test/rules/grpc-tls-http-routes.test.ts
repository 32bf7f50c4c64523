import { describe, it } from 'vitest';
import { expectDiagnostics, expectValid, minimalPolicy } from '../support/rule-harness.js';

const warning = { rule: 'grpc-tls-http-routes', severity: 'warning' as const };
const TLS_PROFILE = 'apiVersion: modelgate.io/v1alpha1\nkind: PlatformProfile\nspec:\n  tfserving:\n    tls: { secret: tfserving-grpc-tls, serverName: tfserving.internal }\n';
const withTraffic = (traffic: string, extra = '') => minimalPolicy(extra).replace('    host: demo.default.svc.cluster.local\n', `    host: demo.default.svc.cluster.local\n${traffic}`);

describe('grpc-tls-http-routes', () => {
  it('names the shadow mirror and each cohort, on spec.traffic', () => {
    const policy = withTraffic('    cohorts:\n      - { name: staff, header: x-staff, exact: "true" }\n', '  shadow: { duration: 1h }\n');
    expectDiagnostics(policy, [{ ...warning, line: 12, column: 3, message: 'the shadow mirror, cohort staff move REST requests only; gRPC connections follow the weight steps' }], TLS_PROFILE);
  });

  it('on a sticky policy, says gRPC callers move only at promotion', () => {
    const policy = withTraffic('    sticky: { header: x-user-id }\n  canary:\n    steps:\n      - { weight: 5%, hold: 1h }\n      - { weight: 100% }\n');
    expectDiagnostics(policy, [{ ...warning, line: 12, column: 3, message: 'the sticky steps on x-user-id move REST requests only; gRPC connections follow the weight steps (none before 100% on a sticky policy: all gRPC callers move at promotion)' }], TLS_PROFILE);
  });

  it('is silent without the profile section, with weight steps only, or with no candidate', () => {
    expectValid(minimalPolicy('  shadow: { duration: 1h }\n'));
    expectValid(minimalPolicy(), TLS_PROFILE);
    expectValid(minimalPolicy('  shadow: { duration: 1h }\n').replace('    candidate: 2\n', ''), TLS_PROFILE);
  });
});
