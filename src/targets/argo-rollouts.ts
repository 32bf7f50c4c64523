/**
 * The Argo Rollout that replaces the model's Deployment, and its two Services: the one callers
 * use (the Rollout's `stableService`) and the canary one.
 *
 * The pod template serves one TF Serving version (the candidate while there is one, else
 * stable); the stable ReplicaSet is the previous template, as Argo models it. Traffic moves
 * between the two Services' hosts (host-level routing, see names.ts); the steps come from the
 * policy (see routing/steps.ts).
 */
import {
  analysisArgs,
  analysisTemplateName,
  canaryServiceName,
  LABEL_APP,
  LABEL_MANAGED_BY,
  LABEL_VERSION,
  MANAGED_BY,
  ROUTE_PRIMARY,
  serviceName,
  TFSERVING_CONFIG_DIR,
  virtualServiceName,
} from '../names.js';
import { ANNOTATION_HISTOGRAM_BUCKETS, histogramBucketsAnnotation, latencyBucketsMs } from '../gates/latency-buckets.js';
import { runsScoreExporter, SCORE_EXPORTER_CONTAINER, SCORE_EXPORTER_PORT } from '../gates/score-source.js';
import { storageFor } from '../resolve/platform.js';
import type { ResolvedPolicy, VersionInfo } from '../resolve/policy.js';
import { analysisStartingStep, canarySteps, managedRoutes } from '../routing/steps.js';
import { WARM_REPLICASETS } from '../routing/warm-rollback.js';
import { readinessProbe, warmupNote } from '../routing/warmup.js';
import { subscriptionAnnotations } from '../notifications/subscriptions.js';
import type { Target } from './target.js';
import { templateConfigFile, templateConfigMap } from './tfserving-template-config.js';
import { monitoringConfigMapName, TFSERVING_MONITORING_DIR, TFSERVING_MONITORING_FILE } from './tfserving-monitoring-config.js';
import { tlsArgs, tlsInitContainers, tlsMounts, tlsVolumes } from './tfserving-tls.js';

export const ROLLOUT_FILE = 'rollout/rollout.yaml';
export const SERVICE_FILE = 'rollout/service.yaml';
export const PORT_GRPC = 'grpc';
export const PORT_HTTP = 'http';
const CONFIG_VOLUME = 'tfserving-config';
const MONITORING_VOLUME = 'tfserving-monitoring';
const ANNOTATION_PREFIX = 'modelgate.io/';

export const argoRolloutsTarget: Target = {
  name: 'argo-rollouts',
  build(policy) {
    return [
      { path: ROLLOUT_FILE, kind: 'yaml', documents: [rollout(policy)] },
      { path: SERVICE_FILE, kind: 'yaml', documents: [service(policy, serviceName(policy)), service(policy, canaryServiceName(policy))] },
    ];
  },
};

/** The version the pod template serves. */
export function templateVersion(policy: ResolvedPolicy): number {
  return policy.versions.candidate ?? policy.versions.stable;
}

function rollout(policy: ResolvedPolicy): Record<string, unknown> {
  const steps = canarySteps(policy);
  const hasCandidate = policy.versions.candidate !== null;
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: {
      name: policy.name,
      namespace: policy.namespace,
      labels: { [LABEL_APP]: serviceName(policy), [LABEL_MANAGED_BY]: MANAGED_BY },
      // Argo's notification controller reads who is told from the Rollout's own annotations.
      annotations: { ...provenanceAnnotations(policy), ...subscriptionAnnotations(policy) },
    },
    spec: {
      ...replicaCount(policy),
      selector: { matchLabels: { [LABEL_APP]: serviceName(policy) } },
      template: podTemplate(policy),
      strategy: {
        canary: {
          // Argo pins each Service's selector to its ReplicaSet; callers use the stable one.
          stableService: serviceName(policy),
          canaryService: canaryServiceName(policy),
          trafficRouting: {
            istio: { virtualService: { name: virtualServiceName(policy), routes: [ROUTE_PRIMARY], ...grpcTlsRouteRefs(policy) } },
            ...(managedRoutes(policy).length > 0 ? { managedRoutes: managedRoutes(policy) } : {}),
          },
          ...(hasCandidate
            ? {
                analysis: {
                  templates: [{ templateName: analysisTemplateName(policy) }],
                  args: analysisArgs(policy),
                  startingStep: analysisStartingStep(steps),
                },
              }
            : {}),
          ...(steps.length > 0 ? { steps } : {}),
          // Keep the previous stable's pods running for the warm window after a promotion (and
          // the candidate's after an abort), so a rollback inside it moves traffic onto running
          // pods; older ReplicaSets go at once (see routing/warm-rollback.ts).
          scaleDownDelaySeconds: policy.canary.scaleDownDelaySeconds,
          scaleDownDelayRevisionLimit: WARM_REPLICASETS,
          abortScaleDownDelaySeconds: policy.canary.scaleDownDelaySeconds,
          dynamicStableScale: false,
        },
      },
    },
  };
}

/** The VirtualService's gRPC-over-TLS route, by port, whose weights Argo moves too (istio.ts `grpcTlsRoutes`). */
function grpcTlsRouteRefs(policy: ResolvedPolicy): { tcpRoutes?: Array<{ port: number }> } {
  return policy.platform.tfserving.tls ? { tcpRoutes: [{ port: policy.model.grpcPort }] } : {};
}

/**
 * The replica count in git, unless a HorizontalPodAutoscaler owns it (targets/autoscaling.ts):
 * a count here would be applied by every sync and then rewritten by the HPA through `/scale`.
 */
function replicaCount(policy: ResolvedPolicy): { replicas?: number } {
  return policy.model.autoscaling ? {} : { replicas: policy.model.replicas };
}

function podTemplate(policy: ResolvedPolicy): Record<string, unknown> {
  const version = templateVersion(policy);
  const { cpu, memory, gpu } = policy.model.resources;
  // Kubernetes takes an extended resource (a GPU) in limits, and a request, if given, equal to it.
  const memoryAndCpu = { ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}) };
  const amounts = { ...memoryAndCpu, ...(gpu ? { [gpu.resource]: String(gpu.count) } : {}) };
  // The profile's service account and env for the object store the model lives in.
  const storage = storageFor(policy.platform, policy.model.basePath);
  // Latency buckets dense around the expected percentile, so the latency gate resolves its threshold.
  const buckets = latencyBucketsMs(policy);
  const monitored = policy.platform.prometheus.tfservingMetrics;
  return {
    metadata: {
      labels: {
        [LABEL_APP]: serviceName(policy),
        [LABEL_VERSION]: String(version),
        'app.kubernetes.io/version': String(version),
      },
      ...(buckets ? { annotations: { [ANNOTATION_HISTOGRAM_BUCKETS]: histogramBucketsAnnotation(buckets) } } : {}),
    },
    spec: {
      ...(storage?.serviceAccount ? { serviceAccountName: storage.serviceAccount } : {}),
      ...(policy.platform.tfserving.tls ? { initContainers: tlsInitContainers(policy, memoryAndCpu) } : {}),
      containers: [
        {
          name: 'tfserving',
          image: policy.model.image,
          args: [`--port=${policy.model.grpcPort}`, `--rest_api_port=${policy.model.restPort}`, ...modelConfigArgs(policy, version), ...monitoringArgs(policy), ...tlsArgs(policy)],
          ports: [
            { name: PORT_GRPC, containerPort: policy.model.grpcPort, protocol: 'TCP' },
            { name: PORT_HTTP, containerPort: policy.model.restPort, protocol: 'TCP' },
          ],
          ...(storage && storage.env.length > 0 ? { env: storage.env } : {}),
          ...(storage && storage.envFrom.length > 0 ? { envFrom: storage.envFrom } : {}),
          readinessProbe: readinessProbe(policy, version),
          ...(Object.keys(amounts).length > 0 ? { resources: { requests: { ...amounts }, limits: { ...amounts } } } : {}),
          volumeMounts: [
            { name: CONFIG_VOLUME, mountPath: TFSERVING_CONFIG_DIR, readOnly: true },
            ...(monitored ? [{ name: MONITORING_VOLUME, mountPath: TFSERVING_MONITORING_DIR, readOnly: true }] : []),
            ...tlsMounts(policy),
          ],
        },
        ...scoreExporterContainers(policy),
      ],
      // Default: by content-hashed name, each ReplicaSet keeps the config it started with; label
      // mode: the policy's one models.config, so a label move leaves the template as it was.
      volumes: [
        { name: CONFIG_VOLUME, configMap: { name: templateConfigMap(policy, version).metadata.name } },
        ...(monitored ? [{ name: MONITORING_VOLUME, configMap: { name: monitoringConfigMapName(policy) } }] : []),
        ...tlsVolumes(policy),
      ],
    },
  };
}

/** TF Serving's own metrics on its REST port, when the profile turns them on (targets/tfserving-monitoring-config.ts). */
function monitoringArgs(policy: ResolvedPolicy): string[] {
  return policy.platform.prometheus.tfservingMetrics ? [`--monitoring_config_file=${TFSERVING_MONITORING_DIR}/${TFSERVING_MONITORING_FILE}`] : [];
}

/**
 * The platform's score exporter beside TF Serving, when a drift gate reads one of its histograms
 * (gates/score-source.ts); the PodMonitor scrapes it by its port name.
 */
function scoreExporterContainers(policy: ResolvedPolicy): Array<Record<string, unknown>> {
  const exporter = policy.platform.scoreExporter;
  if (!exporter || !runsScoreExporter(policy)) return [];
  const resources = Object.keys(exporter.resources).length > 0 ? { resources: { requests: { ...exporter.resources }, limits: { ...exporter.resources } } } : {};
  return [{ name: SCORE_EXPORTER_CONTAINER, image: exporter.image, ports: [{ name: SCORE_EXPORTER_PORT, containerPort: exporter.port, protocol: 'TCP' }], ...resources }];
}

/**
 * Which config the server loads. Default: the one version this pod serves. With
 * `model.versionLabels`: every retained version with its labels, and
 * `--allow_version_labels_for_unavailable_models`, because at start-up the versions are still
 * loading and TF Serving refuses a label on a version that is not AVAILABLE unless the label is
 * new to the server (server_core.cc UpdateModelVersionLabelMap). The config file is read once:
 * `--model_config_file_poll_wait_seconds` is left unset, and unset or zero means "poll exactly
 * once" (main.cc flag help; server.cc starts the poll thread only when it is > 0), so a label
 * moved live with HandleReloadConfigRequest is not undone by the file.
 */
function modelConfigArgs(policy: ResolvedPolicy, version: number): string[] {
  const file = `--model_config_file=${TFSERVING_CONFIG_DIR}/${templateConfigFile(policy, version)}`;
  return policy.model.versionLabels ? [file, '--allow_version_labels_for_unavailable_models=true'] : [file];
}

/** Both select every pod of the model; Argo Rollouts adds the ReplicaSet's pod-template hash. */
function service(policy: ResolvedPolicy, name: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: policy.namespace, labels: { [LABEL_APP]: serviceName(policy), [LABEL_MANAGED_BY]: MANAGED_BY } },
    spec: {
      selector: { [LABEL_APP]: serviceName(policy) },
      // appProtocol tells Istio the protocol, before the port name (istio pkg/config/kube/conversion.go
      // ConvertProtocol). Where TF Serving serves TLS itself the sidecars see only TLS records on the
      // gRPC port: `tcp` makes them pass the stream through (inside mesh mTLS) rather than parse it
      // as HTTP/2, which would fail every call, and lets a VirtualService `tcp` route match it by
      // port (istio.ts; Istio applies tcp routes to ports that are neither HTTP nor TLS, and a TLS
      // port would need routes by SNI, which each caller chooses). The name stays: rollback --live
      // finds the port by it.
      ports: [
        { name: PORT_GRPC, port: policy.model.grpcPort, targetPort: PORT_GRPC, protocol: 'TCP', appProtocol: policy.platform.tfserving.tls ? 'tcp' : 'grpc' },
        { name: PORT_HTTP, port: policy.model.restPort, targetPort: PORT_HTTP, protocol: 'TCP', appProtocol: 'http' },
      ],
    },
  };
}

/**
 * Provenance on the Rollout object (not the pod template, so it never restarts pods): which
 * versions are live and what each one is, under `modelgate.io/<role>-<field>`.
 */
export function provenanceAnnotations(policy: ResolvedPolicy): Record<string, string> {
  const annotations: Record<string, string> = {};
  const roles: Array<[string, number | null]> = [['stable', policy.versions.stable], ['candidate', policy.versions.candidate]];
  for (const [role, version] of roles) {
    if (version === null) continue;
    annotations[`${ANNOTATION_PREFIX}${role}-version`] = String(version);
    const info: VersionInfo | undefined = policy.versions.info[version];
    const fields: Array<[string, string | null | undefined]> = [
      ['name', info?.name],
      ['commit', info?.commit],
      ['data-snapshot', info?.dataSnapshot],
      ['author', info?.author],
    ];
    for (const [field, value] of fields) if (value) annotations[`${ANNOTATION_PREFIX}${role}-${field}`] = value;
  }
  const note = warmupNote(policy);
  if (note) annotations[`${ANNOTATION_PREFIX}warmup-requests`] = note;
  return annotations;
}
