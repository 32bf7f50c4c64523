/**
 * What Istio's standard metrics look like (istio.io/latest/docs/reference/config/metrics): the
 * metric names, the labels they carry, and how one model's traffic is selected from them.
 */
import { reportedServiceNames, serviceFqdn } from '../names.js';
import type { ResolvedPolicy } from '../resolve/policy.js';
import { eq, escapeRegex, re, type Matcher } from './promql.js';

export const ISTIO_REQUESTS = 'istio_requests_total';
export const ISTIO_DURATION_BUCKET = 'istio_request_duration_milliseconds_bucket';
/** Pod label `version` as Istio reports it; modelgate sets it to the TF Serving version number. */
export const ISTIO_VERSION_LABEL = 'destination_version';

/** Labels every Istio standard metric carries; `le` is added on histogram buckets. */
export const ISTIO_STANDARD_LABELS: ReadonlySet<string> = new Set([
  'reporter',
  'source_workload',
  'source_workload_namespace',
  'source_principal',
  'source_app',
  'source_version',
  'source_canonical_service',
  'source_canonical_revision',
  'source_cluster',
  'destination_workload',
  'destination_workload_namespace',
  'destination_principal',
  'destination_app',
  'destination_version',
  'destination_service',
  'destination_service_name',
  'destination_service_namespace',
  'destination_canonical_service',
  'destination_canonical_revision',
  'destination_cluster',
  'request_protocol',
  'response_code',
  'grpc_response_status',
  'response_flags',
  'connection_security_policy',
]);

/**
 * Requests this model served, as reported by the serving pod's own proxy (`reporter="destination"`
 * counts each request once, including mirrored ones, whatever the caller runs). Mirrored requests
 * arrive with `-shadow` appended to their authority, but the name comes from the inbound
 * cluster's metadata, one of the Services selecting the pod (istio pilot cluster_builder.go
 * `addTelemetryMetadata`, read first by istio/proxy istio_stats.cc `populatePeerInfo`), so the
 * gated shadow's measurements match these names too.
 */
export function serviceMatchers(policy: ResolvedPolicy): Matcher[] {
  return [
    eq('reporter', 'destination'),
    eq('destination_service_namespace', policy.namespace),
    // Stable and canary traffic may report different Service names (host-level routing, names.ts).
    re('destination_service_name', [...new Set(Object.values(reportedServiceNames(policy)))].map(escapeRegex).join('|')),
  ];
}

/** The routed host's FQDN, from the upstream cluster's metadata: present on the caller's local replies too. */
export const ISTIO_SERVICE_LABEL = 'destination_service';

/**
 * Requests callers in the mesh sent to one version, as their own proxies report them
 * (`reporter="source"`), local replies included: a route timeout (504 `UT`), a reset or refused
 * connection (503 `UC`/`UF`/`URX`), no healthy pod (503 `UH`). The version is known by the host
 * the route chose, not by `destination_version`: host-level routing sends stable traffic to
 * `<policy>` and canary traffic to `<policy>-canary`, each pinned by Argo to one ReplicaSet
 * (names.ts). The client proxy takes `destination_service` from the upstream cluster's metadata,
 * while `destination_version` and `destination_service_namespace` come from the peer: a reply that
 * never reached the pod (no metadata-exchange header) falls back to the endpoint's metadata, which
 * carries no version, so it reports `destination_version="unknown"`, and with no endpoint at all
 * (`UH`) the namespace is `unknown` too (istio/proxy source/extensions/filters/http/istio_stats/
 * istio_stats.cc `populatePeerInfo`, the ClientSidecar case; istio/istio#49842). Callers outside
 * the mesh report nothing here; they only ever reach stable.
 */
export function clientMatchers(policy: ResolvedPolicy): Matcher[] {
  return [eq('reporter', 'source'), re(ISTIO_SERVICE_LABEL, (['stable', 'canary'] as const).map((role) => escapeRegex(routedHost(policy, role))).join('|'))];
}

/** The host a version's traffic is routed to, as `destination_service` reports it. */
export function routedHost(policy: ResolvedPolicy, role: 'stable' | 'canary'): string {
  return serviceFqdn(policy, reportedServiceNames(policy)[role]);
}

/**
 * What counts as an error: an HTTP 5xx, or a gRPC status that means the server failed
 * (UNKNOWN, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, INTERNAL, UNAVAILABLE, DATA_LOSS). gRPC answers
 * travel as HTTP 200, so 5xx alone would miss them; client mistakes (INVALID_ARGUMENT, NOT_FOUND…)
 * are like 4xx and do not count against the model.
 */
export const HTTP_SERVER_ERROR = '5..';
export const GRPC_SERVER_ERROR = '2|4|8|13|14|15';
