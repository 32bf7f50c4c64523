/**
 * The labels one version's Istio series carry in a test scenario: the same reporter and
 * namespace the gate queries select, and the Service name that version's traffic reports under
 * (names.ts `reportedServiceNames`: stable under `<policy>`, canary under `<policy>-canary`), so
 * the queries' match on both names is exercised by both.
 */
import { eq, type Matcher } from '../../src/gates/promql.js';
import { ISTIO_SERVICE_LABEL, ISTIO_VERSION_LABEL, routedHost, serviceMatchers } from '../../src/gates/istio.js';
import { reportedServiceNames } from '../../src/names.js';
import type { ResolvedPolicy } from '../../src/resolve/policy.js';

export function istioSeriesLabels(policy: ResolvedPolicy, version: string): Matcher[] {
  const role = version === String(policy.versions.stable) ? 'stable' : 'canary';
  return serviceMatchers(policy).map((matcher) => (matcher.label === 'destination_service_name' ? eq(matcher.label, reportedServiceNames(policy)[role]) : matcher));
}

/**
 * The labels a mesh caller's proxy (`reporter="source"`) puts on one version's requests: the host
 * its route chose, and the version the pod announced, or `unknown` on a local reply that never
 * reached the pod (src/gates/istio.ts `clientMatchers`, after istio/proxy istio_stats.cc).
 */
export function istioClientSeriesLabels(policy: ResolvedPolicy, version: string, localReply: boolean): Matcher[] {
  const role = version === String(policy.versions.stable) ? 'stable' : 'canary';
  return [
    eq('reporter', 'source'),
    eq(ISTIO_SERVICE_LABEL, routedHost(policy, role)),
    eq('destination_service_name', reportedServiceNames(policy)[role]),
    eq('destination_service_namespace', policy.namespace),
    eq(ISTIO_VERSION_LABEL, localReply ? 'unknown' : version),
  ];
}
