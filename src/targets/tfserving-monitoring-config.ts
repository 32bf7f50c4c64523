/**
 * TF Serving's own Prometheus metrics, when the profile turns them on (`prometheus.tfservingMetrics`):
 * the MonitoringConfig text `--monitoring_config_file` names, in a ConfigMap of its own mounted
 * beside the model config. Field numbers from tensorflow_serving/config/monitoring_config.proto:
 * MonitoringConfig.prometheus_config = 1, PrometheusConfig.enable = 1, path = 2.
 * model_servers/http_server.cc registers the handler at that path on the REST server when
 * `enable` is true, so the metrics share the REST port (checked by protoc: test/protoc).
 */
import { LABEL_MANAGED_BY, MANAGED_BY } from '../names.js';
import type { ResolvedPolicy } from '../resolve/policy.js';
import { field, printMessage } from './protobuf-text.js';
import type { Target } from './target.js';

export const TFSERVING_MONITORING_CONFIGMAP_FILE = 'tfserving/monitoring-configmap.yaml';
export const TFSERVING_MONITORING_FILE = 'monitoring.config';
export const TFSERVING_MONITORING_DIR = '/etc/modelgate-monitoring';
/** PrometheusExporter::kPrometheusPath (util/prometheus_exporter.cc), written out so the PodMonitor and the server agree by construction. */
export const TFSERVING_METRICS_PATH = '/monitoring/prometheus/metrics';

export const tfservingMonitoringConfigTarget: Target = {
  name: 'tfserving-monitoring-config',
  build(policy) {
    if (!policy.platform.prometheus.tfservingMetrics) return [];
    return [{ path: TFSERVING_MONITORING_CONFIGMAP_FILE, kind: 'yaml', documents: [monitoringConfigMap(policy)] }];
  },
};

export function monitoringConfigText(): string {
  return printMessage([field('prometheus_config', [field('enable', true), field('path', TFSERVING_METRICS_PATH)])]);
}

export function monitoringConfigMapName(policy: ResolvedPolicy): string {
  return `${policy.name}-tfserving-monitoring`;
}

/** The same bytes for every version and release, so one object serves every ReplicaSet. */
function monitoringConfigMap(policy: ResolvedPolicy): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: monitoringConfigMapName(policy), namespace: policy.namespace, labels: { [LABEL_MANAGED_BY]: MANAGED_BY } },
    data: { [TFSERVING_MONITORING_FILE]: monitoringConfigText() },
  };
}
