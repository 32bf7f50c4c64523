/**
 * Grafana: the policy's dashboard as a JSON file (for import or file provisioning) and as a
 * ConfigMap for the Grafana Helm chart's dashboard sidecar (kiwigrid/k8s-sidecar), which loads every
 * ConfigMap carrying the label `grafana_dashboard` (any value) and, with
 * `sidecar.dashboards.folderAnnotation: grafana_folder`, files it under the annotated folder.
 * The ConfigMap lives in the policy's namespace: the sidecar must search it (`searchNamespace`).
 */
import { dashboard, dashboardUid } from '../dashboard/dashboard.js';
import { serializeJson } from '../emit/serialize.js';
import { LABEL_MANAGED_BY, MANAGED_BY } from '../names.js';
import type { ResolvedPolicy } from '../resolve/policy.js';
import type { Target } from './target.js';

export const GRAFANA_DASHBOARD_FILE = 'grafana/dashboard.json';
export const GRAFANA_CONFIGMAP_FILE = 'grafana/dashboard-configmap.yaml';
export const GRAFANA_DASHBOARD_LABEL = 'grafana_dashboard';
export const GRAFANA_FOLDER_ANNOTATION = 'grafana_folder';

export function dashboardConfigMapName(policy: ResolvedPolicy): string {
  return `${policy.name}-dashboard`;
}

export const grafanaTarget: Target = {
  name: 'grafana',
  build(policy) {
    if (!policy.dashboard.enabled) return [];
    const model = dashboard(policy);
    const folder = policy.dashboard.folder;
    const configMap = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: dashboardConfigMapName(policy),
        namespace: policy.namespace,
        labels: { [LABEL_MANAGED_BY]: MANAGED_BY, [GRAFANA_DASHBOARD_LABEL]: '1' },
        ...(folder === null ? {} : { annotations: { [GRAFANA_FOLDER_ANNOTATION]: folder } }),
      },
      // The sidecar writes each key as a file into one shared folder: the uid keeps the name unique.
      // serializeJson is what emit writes for dashboard.json, so both carry the same bytes.
      data: { [`${dashboardUid(policy)}.json`]: serializeJson(model) },
    };
    return [
      { path: GRAFANA_DASHBOARD_FILE, kind: 'json', documents: [model] },
      { path: GRAFANA_CONFIGMAP_FILE, kind: 'yaml', documents: [configMap] },
    ];
  },
};
