import { describe, it } from 'vitest';
import { expectDiagnostics, expectValid } from '../support/rule-harness.js';

const policy = (gateways: string) => `apiVersion: modelgate.io/v1alpha1
kind: ReleasePolicy
metadata: { name: demo }
spec:
  model: { name: demo, basePath: /models/demo }
  versions: { stable: 1, candidate: 2 }
  traffic:
    host: demo.svc
    gateways: ${gateways}
    sticky: { header: x-user-id }
    cohorts:
      - { name: staff, header: x-staff, exact: "true" }
    segments:
      - { label: region, header: x-region }
`;
const profile = (gateway: string) => `apiVersion: modelgate.io/v1alpha1
kind: PlatformProfile
spec:
  gateways: [${gateway}]
`;

describe('gateway-header-trust', () => {
  it('warns for each header a gateway the profile does not describe passes on', () => {
    expectDiagnostics(policy('[mesh, edge/public]'), [
      { rule: 'gateway-header-trust', line: 10, column: 15, severity: 'warning', message: 'header `x-user-id` decides which users get the candidate, and gateway edge/public is not in the platform profile' },
      { rule: 'gateway-header-trust', line: 12, column: 24, severity: 'warning', message: 'header `x-staff` decides who is in cohort staff, which gets the candidate' },
      { rule: 'gateway-header-trust', line: 14, column: 26, severity: 'warning', message: 'header `x-region` decides the region segment' },
    ]);
  });

  it('warns for a gateway-exposed cohort header the gateway neither strips nor sets', () => {
    expectDiagnostics(policy('[mesh, edge/public]'), [
      { rule: 'gateway-header-trust', line: 12, column: 24, severity: 'warning', message: 'header `x-staff` decides who is in cohort staff, which gets the candidate, and gateway edge/public neither strips nor sets it: a caller through the gateway chooses it', hint: "make edge/public strip or set `x-staff`, and list it under that gateway's stripsHeaders or setsHeaders" },
    ], profile('{ name: edge/public, stripsHeaders: [x-region], setsHeaders: [x-user-id] }'));
  });

  it('is silent when every gateway strips or sets every header, and for a policy only the mesh reaches', () => {
    expectDiagnostics(policy('[mesh, edge/public]'), [], profile('{ name: edge/public, stripsHeaders: [x-staff, x-region], setsHeaders: [x-user-id] }'));
    expectValid(policy('[mesh]'));
    // Without a namespace the gateway is the VirtualService's own namespace's, as Istio reads it.
    expectDiagnostics(policy('[mesh, public]'), [], profile('{ name: default/public, stripsHeaders: [x-staff, x-region], setsHeaders: [x-user-id] }'));
  });
});
