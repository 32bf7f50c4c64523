/**
 * Names that more than one target must spell the same way: subsets, routes, labels, services.
 * A target never invents one of these; it imports it from here.
 */
import { hash } from 'node:crypto';
import type { Gate, ResolvedPolicy } from './resolve/policy.js';
import { formatDuration } from './resolve/units.js';

/** The VirtualService route Argo Rollouts shifts weights on. */
export const ROUTE_PRIMARY = 'primary';
/** Managed route used during the shadow phase. */
export const ROUTE_MIRROR = 'mirror';
/** Managed route carrying the sticky user-id cohort. */
export const ROUTE_STICKY = 'sticky-users';
export function cohortRouteName(cohortName: string): string {
  return `cohort-${cohortName}`;
}

/** Pod label carrying the TF Serving version; Istio reports it as `destination_version`. */
export const LABEL_VERSION = 'version';
export const LABEL_APP = 'app';
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
/**
 * Pod annotation `rollback --live` writes: the version TF Serving's `stable` label resolves to on
 * that pod, which after a live move differs from the pod's `version` label (what Istio reports).
 */
export const ANNOTATION_SERVED_VERSION = 'modelgate.io/served-version';
export const MANAGED_BY = 'modelgate';

/**
 * Routing mode: Istio HOST-LEVEL traffic splitting (Argo Rollouts `canaryService` /
 * `stableService`), not subset-level. Callers use one Service, `<policy>`, which is also the
 * Rollout's `stableService`: Argo pins its selector to the stable ReplicaSet's
 * `rollouts-pod-template-hash` once that ReplicaSet is available (rollout/service.go
 * reconcileStableAndCanaryService → ensureSVCTargets), so a caller outside the mesh, which
 * reaches the ClusterIP directly, only ever gets stable. `<policy>-canary` is the
 * `canaryService`, pinned to the canary ReplicaSet. The VirtualService (hosts: the callers'
 * Service) moves weights between those two hosts (istio.go processRoutes matches destinations by
 * host). Subset-level routing cannot give non-mesh callers a stable-only Service: subsets filter
 * the endpoints of the DestinationRule's host, so that host must select both versions; and with
 * canary/stable Services set Argo skips its wait for an available ReplicaSet before switching
 * subsets (istio.go shouldDelayDestinationRuleUpdate), so the two modes are not combined.
 */
export function serviceName(policy: ResolvedPolicy): string {
  return policy.name;
}
export const CANARY_SERVICE_SUFFIX = '-canary';
/** The Rollout's `canaryService`; `serviceName` is its `stableService`. */
export function canaryServiceName(policy: ResolvedPolicy): string {
  return `${policy.name}${CANARY_SERVICE_SUFFIX}`;
}

/** The name mesh callers resolve: `<service>.<namespace>.svc.<cluster domain>` (`cluster.local` unless the profile says otherwise). */
export function serviceFqdn(policy: ResolvedPolicy, service = serviceName(policy)): string {
  return istioHost(service, policy.namespace, policy.platform.clusterDomain);
}

/**
 * istio/istio pilot/pkg/model/config.go `ResolveShortnameToFQDN`, applied to every VirtualService
 * host by `resolveVirtualServiceShortnames` (pilot/pkg/model/virtualservice.go): `*` and IP
 * addresses stay as written, a name without a dot gets `.<namespace>.svc.<domain>`, and any name
 * with a dot is taken as fully qualified. The domain is istiod's `--domain`, the cluster domain.
 */
export function istioHost(host: string, namespace: string, clusterDomain: string): string {
  if (host === '*' || host.includes('.') || host.includes(':')) return host;
  return `${host}.${namespace}.svc.${clusterDomain}`;
}

/**
 * Istio's `destination_service_name` for each version's traffic. A client proxy
 * (`reporter="source"`) reports the host its route chose: stable traffic under `<policy>`, canary
 * traffic (weighted, header and mirror routes alike) under `<policy>-canary`. A server proxy
 * (`reporter="destination"`) names the service from the request's authority, which is the
 * callers' `<policy>` for both. Queries that select one model's traffic match both names.
 */
export function reportedServiceNames(policy: ResolvedPolicy): { stable: string; canary: string } {
  return { stable: serviceName(policy), canary: canaryServiceName(policy) };
}

/** Istio object Argo Rollouts edits; the Rollout names it. */
export function virtualServiceName(policy: ResolvedPolicy): string {
  return policy.name;
}

/** TF Serving version labels. */
export const TF_LABEL_STABLE = 'stable';
export const TF_LABEL_CANARY = 'canary';

/** Prefix of every recording rule and alert this policy produces. */
export function recordPrefix(policy: ResolvedPolicy): string {
  return `modelgate:${policy.namespace.replace(/-/g, '_')}:${policy.name.replace(/-/g, '_')}`;
}

export function gateId(gate: Gate): string {
  return gate.name;
}

/** Output folder of one policy, relative to the output root. */
export function policyDir(policy: ResolvedPolicy): string {
  return `${policy.namespace}/${policy.name}`;
}

/** AnalysisTemplate holding every gate; the Rollout references it with `analysisArgs`. */
export function analysisTemplateName(policy: ResolvedPolicy): string {
  return `${policy.name}-gates`;
}

/**
 * The AnalysisTemplate metric judging a gate limit while the candidate only answers mirrored
 * requests (src/analysis/analysis-metrics.ts); gate names may not end with this suffix.
 */
export const SHADOW_METRIC_SUFFIX = '-shadow';
export function shadowMetricName(limitId: string): string {
  return `${limitId}${SHADOW_METRIC_SUFFIX}`;
}

/** Arguments the Rollout passes to the AnalysisTemplate: which versions to compare. */
export function analysisArgs(policy: ResolvedPolicy): Array<{ name: string; value: string }> {
  return [
    { name: 'stable-version', value: String(policy.versions.stable) },
    { name: 'canary-version', value: String(policy.versions.candidate ?? policy.versions.stable) },
  ];
}

/**
 * TF Serving configuration. Default: each Rollout pod template mounts its own immutable ConfigMap
 * (see `tfservingTemplateConfigMapName`) holding `version-<N>.config`, that one version, so stable
 * and canary pods differ only in that file and their `version` label. With `model.versionLabels`:
 * every template mounts the policy's one `models.config` ConfigMap
 * (`tfservingLabelledConfigMapName`), every retained version with the stable and canary labels.
 */
export const TFSERVING_CONFIG_DIR = '/etc/modelgate';
export const TFSERVING_MODELS_FILE = 'models.config';
export function tfservingVersionFile(version: number): string {
  return `version-${version}.config`;
}

/**
 * Name of the immutable ConfigMap one pod template mounts: `<policy>-tfserving-<version>-<hash>`,
 * the hash taken over its data, as kustomize's configMapGenerator names what it generates. A
 * ConfigMap's content never changes under a name, so every ReplicaSet keeps reading exactly the
 * config it started with; and the same content always gets the same name, so the pod template of
 * a version compiles byte for byte the same whenever that version is served again (a rollback).
 */
export function tfservingTemplateConfigMapName(policy: ResolvedPolicy, version: number, data: Readonly<Record<string, string>>): string {
  const canonical = JSON.stringify(Object.keys(data).sort().map((key) => [key, data[key]]));
  const digest = hash('sha256', canonical, 'hex').slice(0, 10);
  return `${policy.name}-tfserving-${version}-${digest}`;
}

/**
 * Name of the label mode's one ConfigMap, `<policy>-tfserving-models`, which every pod template
 * mounts: fixed, so a label move (which changes the file) leaves every pod template as it was
 * (see tfserving-template-config.ts).
 */
export function tfservingLabelledConfigMapName(policy: ResolvedPolicy): string {
  return `${policy.name}-tfserving-models`;
}

/**
 * A recording rule's series, following Prometheus' `level:metric:operations` convention:
 * `modelgate:risk:fraud_detector:error_ratio_by_merchant_category:rate5m`. Gates, dashboards and
 * `simulate` read these names; the window is the gate interval, so one sample is one measurement.
 */
export function recordedSeries(policy: ResolvedPolicy, metric: string, operation: string, segment: string | null): string {
  const window = formatDuration(policy.gates.intervalSeconds);
  return `${recordPrefix(policy)}:${metric}${segment ? `_by_${segment}` : ''}:${operation}${window}`;
}

/** Alert for one gate limit: `ModelGate` + the limit id in CamelCase (alert names must be metric names). */
export function alertName(limitId: string): string {
  return `ModelGate${limitId.split('-').map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('')}`;
}
export const ALERT_CANARY_SILENT = 'ModelGateCanarySilent';
export const ALERT_SERVED_VERSION_MISMATCH = 'ModelGateServedVersionMismatch';
/** AnalysisTemplate metric that stops the run while a pod serves another version than its label says. */
export const SERVED_VERSION_METRIC = 'served-version-mismatch';
/** PrometheusRule object name; its groups are also written as a plain rule file. */
export function prometheusRuleName(policy: ResolvedPolicy): string {
  return `${policy.name}-gates`;
}

/** The Rollout's name, as Argo Rollouts' controller metrics label it (`rollout_info{name}`). */
export function rolloutName(policy: ResolvedPolicy): string {
  return policy.name;
}
