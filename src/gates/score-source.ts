/**
 * Where a drift gate's score histogram comes from. TF Serving exports no histogram of its
 * outputs, so the series are the platform's score exporter's (profile `scoreExporter`): a sidecar
 * in every serving pod of a policy with a drift gate, scraped by the policy's PodMonitor, which
 * attaches `namespace` and the drift gates' version labels. The rule `drift-source-scraped`, the
 * pod template, the PodMonitor and the PromQL check all read these facts from here.
 */
import { LABEL_VERSION } from '../names.js';
import type { ExportedMetric, Platform } from '../resolve/platform.js';
import type { DriftGate, Gate, ResolvedPolicy } from '../resolve/policy.js';

export const SCORE_EXPORTER_CONTAINER = 'score-exporter';
/** The exporter's container port name, which the PodMonitor endpoint selects (at most 15 characters). */
export const SCORE_EXPORTER_PORT = 'scores';
/**
 * The serving pod's version label as Prometheus' Kubernetes pod discovery exposes it to
 * relabeling: `__meta_kubernetes_pod_label_<name>` (discovery/kubernetes/pod.go, podLabelPrefix).
 */
export const POD_VERSION_META_LABEL = `__meta_kubernetes_pod_label_${LABEL_VERSION}`;

/**
 * The labels every target of a PodMonitor carries, which a scraped series gets on top of its own
 * (`honorLabels` unset: a clashing exposed label becomes `exported_<name>`, scrape/scrape.go
 * mutateSampleLabels): namespace, container, pod, job and endpoint from the Operator's generated
 * relabelings (prometheus-operator pkg/prometheus/promcfg.go generatePodMonitorConfig), instance
 * from Prometheus itself (scrape/target.go PopulateLabels: defaults to the address).
 */
export const OPERATOR_TARGET_LABELS: readonly string[] = ['namespace', 'container', 'pod', 'job', 'endpoint', 'instance'];

export function driftGates(policy: ResolvedPolicy): DriftGate[] {
  return policy.gates.checks.filter((gate: Gate): gate is DriftGate => gate.metric === 'drift');
}

/** The exporter's entry for the histogram a drift gate reads; undefined when the profile's exporter emits none of that name. */
export function exportedMetric(platform: Platform, gate: DriftGate): ExportedMetric | undefined {
  return platform.scoreExporter?.metrics.find((metric) => metric.name === gate.histogram);
}

/** The pods run the exporter when a drift gate reads one of its histograms (and only then: it costs a container per pod). */
export function runsScoreExporter(policy: ResolvedPolicy): boolean {
  return driftGates(policy).some((gate) => exportedMetric(policy.platform, gate) !== undefined);
}

/** The labels the PodMonitor copies from the pod's version label onto the exporter's series: each drift gate's version label. */
export function scoreVersionLabels(policy: ResolvedPolicy): string[] {
  return [...new Set(driftGates(policy).map((gate) => gate.versionLabel))].sort();
}

/** Where the policy's PodMonitor lives and what it is called: its own name, in its namespace. */
export function podMonitorIdentity(policy: ResolvedPolicy): { name: string; namespace: string } {
  return { name: policy.name, namespace: policy.namespace };
}

/**
 * The `job` label every series the policy's PodMonitor scrapes carries: `<namespace>/<name>` of
 * the PodMonitor, which the Operator writes unless the PodMonitor sets `jobLabel` (ours never does)
 * (prometheus-operator pkg/prometheus/promcfg.go generatePodMonitorConfig @ 6adcebc: the
 * `target_label: job`, `replacement: <namespace>/<name>` relabeling). `namespace` alone cannot
 * tell two policies' exporters apart when they emit a histogram of the same name; this can.
 */
export function podMonitorJob(policy: ResolvedPolicy): string {
  const { namespace, name } = podMonitorIdentity(policy);
  return `${namespace}/${name}`;
}
