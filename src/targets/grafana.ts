/**
 * Grafana: the policy's dashboard as a ConfigMap for the Grafana Helm chart's dashboard sidecar (kiwigrid/k8s-sidecar), which loads every
 * ConfigMap carrying the label `sidecar.dashboards.label` (any value) and, with
 * `sidecar.dashboards.folderAnnotation`, files it under the annotated folder. Label, annotation and
 * namespace come from the platform profile: by default the sidecar watches only its own
 * namespace, so the profile names it; without one the ConfigMap lives in the policy's namespace
 * and the sidecar must search it (`searchNamespace`). The same dashboard as a JSON file (for
 * import or file provisioning) repeats it byte for byte (47% of all output bytes), so it is written
 * only when the profile asks (`grafana.dashboardFile`).
 */
import { dashboard, dashboardUid } from '../dashboard/dashboard.js';
import { serializeJson } from '../emit/serialize.js';
import { LABEL_MANAGED_BY, MANAGED_BY } from '../names.js';
import type { ResolvedPolicy } from '../resolve/policy.js';
import type { Target } from './target.js';

export const GRAFANA_DASHBOARD_FILE = 'grafana/dashboard.json';
export const GRAFANA_CONFIGMAP_FILE = 'grafana/dashboard-configmap.yaml';

/** In the profile's shared Grafana namespace two policies may share a name, so there the namespace is part of it. */
export function dashboardConfigMapName(policy: ResolvedPolicy): string {
  return policy.platform.grafana.namespace === null ? `${policy.name}-dashboard` : `${policy.namespace}-${policy.name}-dashboard`;
}

/**
 * The dashboard object each ConfigMap built here serializes, with that JSON: the PromQL check
 * reads the panels' queries from it instead of parsing the JSON back (~9 MB for 1,000 policies).
 * Handed over once: held until the ConfigMap is written, every policy's dashboard object would
 * outlive the young generation, and a fresh compile of 10,000 peaked ~100 MiB higher.
 */
const dashboards = new WeakMap<object, { json: string; model: unknown }>();

/** The dashboard `json` (a value of `configMap`'s data) is the serialization of, when this target built both and nobody took it yet; undefined otherwise (parse it). */
export function dashboardSerializedAs(configMap: object, json: string): unknown {
  const built = dashboards.get(configMap);
  dashboards.delete(configMap);
  return built?.json === json ? built.model : undefined;
}

export const grafanaTarget: Target = {
  name: 'grafana',
  build(policy) {
    if (!policy.dashboard.enabled) return [];
    const model = dashboard(policy);
    const folder = policy.dashboard.folder;
    const grafana = policy.platform.grafana;
    const json = serializeJson(model);
    const configMap = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: dashboardConfigMapName(policy),
        namespace: grafana.namespace ?? policy.namespace,
        labels: { [LABEL_MANAGED_BY]: MANAGED_BY, [grafana.dashboardLabel]: '1' },
        ...(folder === null ? {} : { annotations: { [grafana.folderAnnotation]: folder } }),
      },
      // The sidecar writes each key as a file into one shared folder: the uid keeps the name unique.
      // serializeJson is what emit writes for dashboard.json, so both carry the same bytes.
      data: { [`${dashboardUid(policy)}.json`]: json },
    };
    dashboards.set(configMap, { json, model });
    return [
      ...(grafana.dashboardFile ? [{ path: GRAFANA_DASHBOARD_FILE, kind: 'json' as const, documents: [model] }] : []),
      { path: GRAFANA_CONFIGMAP_FILE, kind: 'yaml', documents: [configMap] },
    ];
  },
};
