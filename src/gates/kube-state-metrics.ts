/**
 * What kube-state-metrics exports about pods beyond its defaults (kubernetes/kube-state-metrics
 * internal/store/pod.go `createPodAnnotationsGenerator` / `createPodLabelsGenerator`): one series
 * per pod, value 1, labelled `namespace`, `pod` and `uid` (`descPodLabelsDefaultLabels`), plus one
 * label per allowlisted annotation or label that the pod carries. The label name is the prefix,
 * `_`, and the key with every character outside [a-zA-Z0-9_] replaced by `_`, then snake-cased
 * (internal/store/utils.go `labelName`, `SanitizeLabelName`, `toSnakeCase`): the annotation
 * `modelgate.io/served-version` becomes `annotation_modelgate_io_served_version`. A pod without
 * the annotation still has its series, without that label.
 */
import type { Platform } from '../resolve/platform.js';

export const KUBE_POD_ANNOTATIONS = 'kube_pod_annotations';
export const KUBE_POD_LABELS = 'kube_pod_labels';
const POD_SERIES_LABELS = ['namespace', 'pod', 'uid'];

export function annotationLabel(key: string): string {
  return exportedName('annotation', key);
}

export function podLabelLabel(key: string): string {
  return exportedName('label', key);
}

function exportedName(prefix: string, key: string): string {
  return `${prefix}_${key.replace(/[^a-zA-Z0-9_]/g, '_').replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase()}`;
}

/** The labels a kube-state-metrics pod series carries under this profile; null for any other series. */
export function kubeStateMetricsLabels(platform: Platform, metric: string): Set<string> | null {
  const { podAnnotations, podLabels } = platform.kubeStateMetrics;
  if (metric === KUBE_POD_ANNOTATIONS) return new Set([...POD_SERIES_LABELS, ...podAnnotations.map(annotationLabel)]);
  if (metric === KUBE_POD_LABELS) return new Set([...POD_SERIES_LABELS, ...podLabels.map(podLabelLabel)]);
  return null;
}
