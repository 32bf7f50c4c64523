/**
 * The resolved platform profile: what differs per cluster, not per model, with a default for
 * every field so a repository without `modelgate.config.yaml` still compiles. Targets and rules
 * read it as `policy.platform`; a policy field that also exists here (image, resources) wins.
 */

export interface GatewayProfile {
  /** `<namespace>/<name>`, as a VirtualService names the gateway. */
  name: string;
  stripsHeaders: string[];
  setsHeaders: string[];
}

export interface ImageProfile {
  image: string;
  /** Base path schemes the image can read: `file`, `gs`, `s3`, `hdfs`. */
  storageSchemes: string[];
  /** Extended resources the image needs one of, e.g. `nvidia.com/gpu`. */
  accelerators: string[];
}

/** A container env entry, as Kubernetes writes it: a value, or a key of a Secret. */
export type StorageEnv = { name: string; value: string } | { name: string; valueFrom: { secretKeyRef: { name: string; key: string } } };

export interface StorageProfile {
  scheme: string;
  serviceAccount: string | null;
  env: StorageEnv[];
  /** Secrets whose keys all become env variables (Kubernetes `envFrom[].secretRef`). */
  envFrom: Array<{ secretRef: { name: string } }>;
}

/** A histogram the score exporter emits, and the labels it writes on it itself (besides `le`). */
export interface ExportedMetric {
  name: string;
  labels: string[];
}

/**
 * The platform team's score exporter: a sidecar beside TF Serving serving the score histograms
 * drift gates read (TF Serving exports no histogram of its outputs).
 */
export interface ScoreExporter {
  image: string;
  port: number;
  path: string;
  /** Requests and equal limits of the exporter container; empty: none. */
  resources: { cpu?: string; memory?: string };
  metrics: ExportedMetric[];
}

/**
 * TF Serving serving its gRPC port over TLS itself (targets/tfserving-tls.ts): the Secret in each
 * policy's namespace with tls.crt, tls.key and, with clientAuth, ca.crt; the name in the pods'
 * certificate; whether callers must present a certificate; and the CA file `rollback --live`
 * trusts unless told otherwise, as the profile wrote it (relative to the profile's folder).
 */
export interface TfServingTls {
  secret: string;
  serverName: string;
  clientAuth: boolean;
  caFile: string | null;
}

export interface Platform {
  /** The profile file, or null when the defaults apply. */
  file: string | null;
  /** ruleFile: also the plain rule file beside the PrometheusRule (the same groups, written twice). */
  /**
   * podMonitor: emit a PodMonitor per policy, with these labels (null: none is emitted).
   * tfservingMetrics: turn on TF Serving's own metrics and scrape them.
   */
  prometheus: { url: string; ruleLabels: Record<string, string>; ruleFile: boolean; podMonitor: { labels: Record<string, string> } | null; tfservingMetrics: boolean };
  scoreExporter: ScoreExporter | null;
  /**
   * namespace null: each dashboard ConfigMap goes to its policy's namespace. dashboardFile: also
   * the dashboard JSON beside the ConfigMap that carries it (the same bytes, written twice).
   */
  grafana: { namespace: string | null; folderAnnotation: string; dashboardLabel: string; dashboardFile: boolean };
  /** The Kubernetes cluster domain: a short Service name is `<svc>.<ns>.svc.<clusterDomain>`. */
  clusterDomain: string;
  /** modelServicePrincipals: who may call TF Serving's ModelService through the mesh (rollback --live). */
  istio: { version: string; modelServicePrincipals: string[] };
  gateways: GatewayProfile[];
  images: ImageProfile[];
  defaultImage: string;
  modelStorage: StorageProfile[];
  defaultResources: { cpu: string | null; memory: string | null };
  /** Argo Rollouts notification services, and whether argo-rollouts-notification-configmap defines each. */
  notificationServices: Array<{ name: string; configured: boolean }>;
  /**
   * The pod annotations and labels kube-state-metrics exports as `kube_pod_annotations` /
   * `kube_pod_labels` labels (its `--metric-annotations-allowlist` / `--metric-labels-allowlist`
   * for pods). Off by default in kube-state-metrics, so none unless the profile says so.
   */
  kubeStateMetrics: { podAnnotations: string[]; podLabels: string[] };
  /**
   * The application counters ratio gates read, which the model's callers emit and scrape
   * themselves: the label on which they name the model they count for (its policy's name), so
   * two policies in one namespace whose counters share a name are told apart.
   */
  ratioCounters: { modelLabel: string };
  /**
   * The per-pod metrics the cluster's custom metrics adapter serves the HorizontalPodAutoscaler:
   * the requests per second and the requests in flight of each pod (null: the adapter serves no
   * such metric, so no policy may scale on it).
   */
  autoscaling: { requestsPerSecond: AdapterMetric | null; inFlightRequests: AdapterMetric | null };
  /** tls null: TF Serving's gRPC port is plaintext (inside the mesh the sidecars add mTLS). */
  tfserving: { tls: TfServingTls | null };
}

/** A metric of custom.metrics.k8s.io as an HPA `Pods` metric names it: its name, and the labels selecting its series. */
export interface AdapterMetric {
  metric: string;
  selector: Record<string, string>;
}

/** The name NVIDIA's device plugin advertises (NVIDIA/k8s-device-plugin). */
const NVIDIA_GPU = 'nvidia.com/gpu';

/**
 * Stock TF Serving images from 2.7 on (2.7.x–2.9.x, 2.10.x–2.19.x, latest; each with its -gpu
 * twin, listed first so it matches first). Since 2.7 they carry no S3 file system: "File system
 * scheme 's3' not implemented" where 2.6.2 loaded the same path (tensorflow/serving#1963; S3
 * moved to tensorflow-io, which the C++ model server does not load). The GCS file system is
 * still built in (tensorflow/tsl platform/cloud/gcs_file_system.cc, `REGISTER_FILE_SYSTEM("gs", …)`).
 * Older tags match none of these, so a policy on one gets the unknown-image warning rather
 * than a verdict these entries cannot back.
 */
const STOCK_TAGS = ['2.7.*', '2.8.*', '2.9.*', '2.1?.*', 'latest'];
const STOCK_IMAGES: ImageProfile[] = STOCK_TAGS.flatMap((tag) => [
  { image: `tensorflow/serving:${tag}-gpu`, storageSchemes: ['file', 'gs'], accelerators: [NVIDIA_GPU] },
  { image: `tensorflow/serving:${tag}`, storageSchemes: ['file', 'gs'], accelerators: [] },
]);

export const DEFAULT_PLATFORM: Platform = {
  file: null,
  // The Service the Prometheus Operator creates for every Prometheus in `monitoring`.
  prometheus: { url: 'http://prometheus-operated.monitoring.svc:9090', ruleLabels: {}, ruleFile: false, podMonitor: null, tfservingMetrics: false },
  scoreExporter: null,
  // The Grafana Helm chart's sidecar defaults: label `grafana_dashboard`, folder from `grafana_folder` when set.
  grafana: { namespace: null, folderAnnotation: 'grafana_folder', dashboardLabel: 'grafana_dashboard', dashboardFile: false },
  // Kubernetes' and Istio's default cluster domain (kubelet --cluster-domain, istiod --domain).
  clusterDomain: 'cluster.local',
  istio: { version: '1.22', modelServicePrincipals: [] },
  gateways: [],
  images: STOCK_IMAGES,
  defaultImage: 'tensorflow/serving:2.14.1',
  modelStorage: [],
  defaultResources: { cpu: null, memory: null },
  notificationServices: [],
  kubeStateMetrics: { podAnnotations: [], podLabels: [] },
  ratioCounters: { modelLabel: 'model' },
  autoscaling: { requestsPerSecond: null, inFlightRequests: null },
  tfserving: { tls: null },
};

/* The raw profile, as the schema guarantees it. */
type Raw = Record<string, any>;

/** A schema-valid profile document (or none) → the platform every policy of the repository is compiled for. */
export function resolvePlatform(data: unknown, file: string | null): Platform {
  if (file === null) return DEFAULT_PLATFORM;
  const spec = ((data as Raw).spec ?? {}) as Raw;
  const d = DEFAULT_PLATFORM;
  // The profile's entries first: an entry for an image the defaults also cover replaces them.
  const images: ImageProfile[] = [
    ...((spec.images ?? []) as Raw[]).map((image) => ({ image: image.image, storageSchemes: image.storageSchemes, accelerators: image.accelerators ?? [] })),
    ...d.images,
  ];
  return {
    file,
    prometheus: {
      url: spec.prometheus?.url ?? d.prometheus.url,
      ruleLabels: spec.prometheus?.ruleLabels ?? d.prometheus.ruleLabels,
      ruleFile: spec.prometheus?.ruleFile ?? d.prometheus.ruleFile,
      podMonitor: spec.prometheus?.podMonitor ? { labels: spec.prometheus.podMonitor.labels ?? {} } : d.prometheus.podMonitor,
      tfservingMetrics: spec.prometheus?.tfservingMetrics ?? d.prometheus.tfservingMetrics,
    },
    scoreExporter: spec.scoreExporter
      ? {
          image: spec.scoreExporter.image,
          port: spec.scoreExporter.port,
          // The path the Prometheus client libraries serve by default.
          path: spec.scoreExporter.path ?? '/metrics',
          resources: { ...(spec.scoreExporter.resources?.cpu ? { cpu: spec.scoreExporter.resources.cpu } : {}), ...(spec.scoreExporter.resources?.memory ? { memory: spec.scoreExporter.resources.memory } : {}) },
          metrics: (spec.scoreExporter.metrics as Raw[]).map((metric) => ({ name: metric.name, labels: metric.labels ?? [] })),
        }
      : d.scoreExporter,
    grafana: {
      namespace: spec.grafana?.namespace ?? d.grafana.namespace,
      folderAnnotation: spec.grafana?.folderAnnotation ?? d.grafana.folderAnnotation,
      dashboardLabel: spec.grafana?.dashboardLabel ?? d.grafana.dashboardLabel,
      dashboardFile: spec.grafana?.dashboardFile ?? d.grafana.dashboardFile,
    },
    clusterDomain: spec.clusterDomain ?? d.clusterDomain,
    istio: { version: spec.istio?.version ?? d.istio.version, modelServicePrincipals: spec.istio?.modelServicePrincipals ?? d.istio.modelServicePrincipals },
    gateways: ((spec.gateways ?? []) as Raw[]).map((gateway) => ({ name: gateway.name, stripsHeaders: gateway.stripsHeaders ?? [], setsHeaders: gateway.setsHeaders ?? [] })),
    images,
    defaultImage: spec.defaultImage ?? d.defaultImage,
    modelStorage: ((spec.modelStorage ?? []) as Raw[]).map((storage) => ({
      scheme: storage.scheme,
      serviceAccount: storage.serviceAccount ?? null,
      env: ((storage.env ?? []) as Raw[]).map((entry): StorageEnv => ('value' in entry ? { name: entry.name, value: entry.value } : { name: entry.name, valueFrom: { secretKeyRef: { name: entry.valueFrom.secretKeyRef.name, key: entry.valueFrom.secretKeyRef.key } } })),
      envFrom: ((storage.envFrom ?? []) as Raw[]).map((entry) => ({ secretRef: { name: entry.secretRef.name } })),
    })),
    defaultResources: { cpu: spec.defaultResources?.cpu ?? d.defaultResources.cpu, memory: spec.defaultResources?.memory ?? d.defaultResources.memory },
    notificationServices: ((spec.notifications?.services ?? []) as Raw[]).map((service) => ({ name: service.name, configured: service.configured })),
    kubeStateMetrics: {
      podAnnotations: spec.kubeStateMetrics?.podAnnotations ?? d.kubeStateMetrics.podAnnotations,
      podLabels: spec.kubeStateMetrics?.podLabels ?? d.kubeStateMetrics.podLabels,
    },
    ratioCounters: { modelLabel: spec.ratioCounters?.modelLabel ?? d.ratioCounters.modelLabel },
    autoscaling: { requestsPerSecond: adapterMetric(spec.autoscaling?.requestsPerSecond), inFlightRequests: adapterMetric(spec.autoscaling?.inFlightRequests) },
    tfserving: {
      tls: spec.tfserving?.tls
        ? { secret: spec.tfserving.tls.secret, serverName: spec.tfserving.tls.serverName, clientAuth: spec.tfserving.tls.clientAuth ?? false, caFile: spec.tfserving.tls.caFile ?? null }
        : d.tfserving.tls,
    },
  };
}

function adapterMetric(raw: Raw | undefined): AdapterMetric | null {
  return raw ? { metric: raw.metric, selector: raw.selector ?? {} } : null;
}

/**
 * The profile's entry for an image: the first whose reference matches it whole, `*` standing
 * for any run of characters and `?` for one; undefined when the profile says nothing about it.
 */
export function imageProfile(platform: Platform, image: string): ImageProfile | undefined {
  // A digest pins the bytes, not the abilities: `…:2.14.1-gpu@sha256:…` is still the -gpu tag.
  const tagged = image.replace(/@sha256:[0-9a-f]+$/, '');
  return platform.images.find((entry) => imagePattern(entry.image).test(image) || imagePattern(entry.image).test(tagged));
}

/** Compiled once per pattern: every rule and target asks for each policy's image, 1,000 policies × a few lookups. */
const imagePatterns = new Map<string, RegExp>();

function imagePattern(pattern: string): RegExp {
  const known = imagePatterns.get(pattern);
  if (known) return known;
  const parts = pattern.split(/([*?])/).map((part) => (part === '*' ? '.*' : part === '?' ? '.' : part.replace(/[.+^${}()|[\]\\/-]/g, '\\$&')));
  const compiled = new RegExp(`^${parts.join('')}$`);
  imagePatterns.set(pattern, compiled);
  return compiled;
}

/** `s3://bucket/x` → `s3`; a path without a scheme is a local file. */
export function storageScheme(basePath: string): string {
  return /^([a-z][a-z0-9+.-]*):\/\//i.exec(basePath)?.[1]?.toLowerCase() ?? 'file';
}

/** The profile's credentials for the store a base path lives in, if it lists that store. */
export function storageFor(platform: Platform, basePath: string): StorageProfile | undefined {
  return platform.modelStorage.find((storage) => storage.scheme === storageScheme(basePath));
}

/**
 * The accelerators an image needs: its profile entry's; for an image the profile does not
 * describe, a GPU when its tag ends in `-gpu`, as tensorflow/serving's GPU builds do.
 */
export function imageAccelerators(platform: Platform, image: string): string[] {
  const entry = imageProfile(platform, image);
  if (entry) return entry.accelerators;
  return /-gpu(@sha256:[0-9a-f]+)?$/.test(image) ? [NVIDIA_GPU] : [];
}

/**
 * The extended resource a policy's `model.resources.gpu` asks for: the image's first
 * accelerator, else `nvidia.com/gpu`.
 */
export function gpuResource(platform: Platform, image: string): string {
  return imageAccelerators(platform, image)[0] ?? NVIDIA_GPU;
}
