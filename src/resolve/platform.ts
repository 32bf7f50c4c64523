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

export interface StorageProfile {
  scheme: string;
  serviceAccount: string | null;
  env: Array<{ name: string; value: string }>;
}

export interface Platform {
  /** The profile file, or null when the defaults apply. */
  file: string | null;
  prometheus: { url: string; ruleLabels: Record<string, string> };
  /** namespace null: each dashboard ConfigMap goes to its policy's namespace. */
  grafana: { namespace: string | null; folderAnnotation: string; dashboardLabel: string };
  /** modelServicePrincipals: who may call TF Serving's ModelService through the mesh (rollback --live). */
  istio: { version: string; modelServicePrincipals: string[] };
  gateways: GatewayProfile[];
  images: ImageProfile[];
  defaultImage: string;
  modelStorage: StorageProfile[];
  defaultResources: { cpu: string | null; memory: string | null };
}

/**
 * Stock TF Serving images. Since 2.7 they carry no S3 file system (it moved to tensorflow-io;
 * tensorflow/serving#1963), while the GCS one is still built in (tensorflow/tsl
 * platform/cloud/gcs_file_system.cc).
 */
const STOCK_IMAGES: ImageProfile[] = [
  { image: 'tensorflow/serving:2.14.1', storageSchemes: ['file', 'gs'], accelerators: [] },
  { image: 'tensorflow/serving:2.14.1-gpu', storageSchemes: ['file', 'gs'], accelerators: ['nvidia.com/gpu'] },
];

export const DEFAULT_PLATFORM: Platform = {
  file: null,
  // The Service the Prometheus Operator creates for every Prometheus in `monitoring`.
  prometheus: { url: 'http://prometheus-operated.monitoring.svc:9090', ruleLabels: {} },
  // The Grafana Helm chart's sidecar defaults: label `grafana_dashboard`, folder from `grafana_folder` when set.
  grafana: { namespace: null, folderAnnotation: 'grafana_folder', dashboardLabel: 'grafana_dashboard' },
  istio: { version: '1.22', modelServicePrincipals: [] },
  gateways: [],
  images: STOCK_IMAGES,
  defaultImage: 'tensorflow/serving:2.14.1',
  modelStorage: [],
  defaultResources: { cpu: null, memory: null },
};

/* The raw profile, as the schema guarantees it. */
type Raw = Record<string, any>;

/** A schema-valid profile document (or none) → the platform every policy of the repository is compiled for. */
export function resolvePlatform(data: unknown, file: string | null): Platform {
  if (file === null) return DEFAULT_PLATFORM;
  const spec = ((data as Raw).spec ?? {}) as Raw;
  const d = DEFAULT_PLATFORM;
  const images = new Map(d.images.map((image) => [image.image, image]));
  for (const image of (spec.images ?? []) as Raw[]) {
    images.set(image.image, { image: image.image, storageSchemes: image.storageSchemes, accelerators: image.accelerators ?? [] });
  }
  return {
    file,
    prometheus: { url: spec.prometheus?.url ?? d.prometheus.url, ruleLabels: spec.prometheus?.ruleLabels ?? d.prometheus.ruleLabels },
    grafana: {
      namespace: spec.grafana?.namespace ?? d.grafana.namespace,
      folderAnnotation: spec.grafana?.folderAnnotation ?? d.grafana.folderAnnotation,
      dashboardLabel: spec.grafana?.dashboardLabel ?? d.grafana.dashboardLabel,
    },
    istio: { version: spec.istio?.version ?? d.istio.version, modelServicePrincipals: spec.istio?.modelServicePrincipals ?? d.istio.modelServicePrincipals },
    gateways: ((spec.gateways ?? []) as Raw[]).map((gateway) => ({ name: gateway.name, stripsHeaders: gateway.stripsHeaders ?? [], setsHeaders: gateway.setsHeaders ?? [] })),
    images: [...images.values()],
    defaultImage: spec.defaultImage ?? d.defaultImage,
    modelStorage: ((spec.modelStorage ?? []) as Raw[]).map((storage) => ({ scheme: storage.scheme, serviceAccount: storage.serviceAccount ?? null, env: storage.env ?? [] })),
    defaultResources: { cpu: spec.defaultResources?.cpu ?? d.defaultResources.cpu, memory: spec.defaultResources?.memory ?? d.defaultResources.memory },
  };
}
