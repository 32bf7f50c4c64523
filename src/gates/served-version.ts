/**
 * After `rollback --live` moves TF Serving's `stable` label on running pods, a pod's `version`
 * label (Istio's `destination_version`) no longer says which version answers label-addressed
 * requests; the command records the version that does in the pod annotation
 * `modelgate.io/served-version`. Prometheus sees that annotation and the pod's labels only through
 * kube-state-metrics (kube-state-metrics.ts), and only when the profile says it exports them.
 * Then every gate of a label-mode policy gives no value while any of its pods serves another
 * version than its label says (Argo records Inconclusive, never a pass or a failure of the
 * model), and the AnalysisTemplate metric, the alert, the dashboard panel and `status` name the
 * pods.
 */
import { ANNOTATION_SERVED_VERSION, LABEL_APP, LABEL_VERSION, serviceName } from '../names.js';
import type { ResolvedPolicy } from '../resolve/policy.js';
import { annotationLabel, KUBE_POD_ANNOTATIONS, KUBE_POD_LABELS, podLabelLabel } from './kube-state-metrics.js';
import { bin, call, eq, ne, selector, str, type Expr } from './promql.js';

/** The served-version label of `kube_pod_annotations`, and the version label of `kube_pod_labels`. */
export const SERVED_VERSION_LABEL = annotationLabel(ANNOTATION_SERVED_VERSION);
export const POD_VERSION_LABEL = podLabelLabel(LABEL_VERSION);

/** What the profile must declare kube-state-metrics exports, for the gates to see a live move. */
export const SERVED_VERSION_EXPORTS = { podAnnotations: [ANNOTATION_SERVED_VERSION], podLabels: [LABEL_APP, LABEL_VERSION] };

/** Only label mode moves labels live; the check needs the annotation and the pod's `app` and `version` labels exported. */
export function servedVersionSeen(policy: ResolvedPolicy): boolean {
  const exported = policy.platform.kubeStateMetrics;
  return (
    policy.model.versionLabels &&
    SERVED_VERSION_EXPORTS.podAnnotations.every((key) => exported.podAnnotations.includes(key)) &&
    SERVED_VERSION_EXPORTS.podLabels.every((key) => exported.podLabels.includes(key))
  );
}

/**
 * One series per pod of this policy whose served-version annotation differs from its `version`
 * label, labelled `pod`, the served version and the label's version; null where it cannot be
 * seen. PromQL compares label values only by matching on them, so the annotation's value is
 * copied into a label named like the pod's version label (`label_replace`) and a pod is kept
 * unless that copy matches its own.
 */
export function servedVersionMismatch(policy: ResolvedPolicy): Expr | null {
  if (!servedVersionSeen(policy)) return null;
  const annotated = selector(KUBE_POD_ANNOTATIONS, [eq('namespace', policy.namespace), ne(SERVED_VERSION_LABEL, '')]);
  const pods = selector(KUBE_POD_LABELS, [eq('namespace', policy.namespace), eq(podLabelLabel(LABEL_APP), serviceName(policy))]);
  const withVersionLabel = bin('*', annotated, pods, { on: ['namespace', 'pod'], groupLeft: [POD_VERSION_LABEL] });
  const servedAsVersionLabel = call('label_replace', annotated, str(POD_VERSION_LABEL), str('$1'), str(SERVED_VERSION_LABEL), str('(.*)'));
  return bin('unless', withVersionLabel, servedAsVersionLabel, { on: ['namespace', 'pod', POD_VERSION_LABEL] });
}

/** A gate's measurement, withheld while any pod of the policy serves another version than its label says. */
export function unlessServedVersionMismatch(policy: ResolvedPolicy, measurement: Expr): Expr {
  const mismatch = servedVersionMismatch(policy);
  return mismatch === null ? measurement : bin('unless', measurement, mismatch, { on: [] });
}
