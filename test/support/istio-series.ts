/**
 * The labels one version's Istio series carry in a test scenario: the same reporter and
 * namespace the gate queries select, and the Service name that version's traffic reports under
 * (names.ts `reportedServiceNames`: stable under `<policy>`, canary under `<policy>-canary`), so
 * the queries' match on both names is exercised by both.
 */
import { eq, type Matcher } from '../../src/gates/promql.js';
import { serviceMatchers } from '../../src/gates/istio.js';
import { reportedServiceNames } from '../../src/names.js';
import type { ResolvedPolicy } from '../../src/resolve/policy.js';

export function istioSeriesLabels(policy: ResolvedPolicy, version: string): Matcher[] {
  const role = version === String(policy.versions.stable) ? 'stable' : 'canary';
  return serviceMatchers(policy).map((matcher) => (matcher.label === 'destination_service_name' ? eq(matcher.label, reportedServiceNames(policy)[role]) : matcher));
}
