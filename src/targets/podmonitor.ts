/**
 * The PodMonitor that makes the series drift gates read exist: the Prometheus Operator turns it
 * into a scrape job over the policy's serving pods (stable and canary alike), and attaches
 * `namespace` to every target itself (pkg/prometheus/promcfg.go generatePodMonitorConfig: the
 * `__meta_kubernetes_namespace` → `namespace` relabeling) and `job` (podMonitorJob), which drift
 * gates match so that two policies in one namespace do not read each other's scores. Our
 * relabelings copy the pod's `version` label onto the label each drift gate groups by, so the
 * score histograms carry exactly the labels the gate's query uses (test/models/prometheus-scrape.ts
 * replays this).
 *
 * One endpoint for the score exporter (when a drift gate reads it), one for TF Serving's own
 * metrics on the REST port (when the profile turns them on). Only when the profile asks for
 * PodMonitors, with its labels for the Prometheus `podMonitorSelector`.
 */
import { LABEL_APP, LABEL_MANAGED_BY, LABEL_VERSION, MANAGED_BY, serviceName } from '../names.js';
import { POD_VERSION_META_LABEL, podMonitorIdentity, runsScoreExporter, SCORE_EXPORTER_PORT, scoreVersionLabels } from '../gates/score-source.js';
import type { ResolvedPolicy } from '../resolve/policy.js';
import { PORT_HTTP } from './argo-rollouts.js';
import type { Target } from './target.js';
import { TFSERVING_METRICS_PATH } from './tfserving-monitoring-config.js';

export const PODMONITOR_FILE = 'prometheus/podmonitor.yaml';

export const podMonitorTarget: Target = {
  name: 'podmonitor',
  build(policy) {
    const podMonitor = policy.platform.prometheus.podMonitor;
    const endpoints = podMetricsEndpoints(policy);
    if (!podMonitor || endpoints.length === 0) return [];
    const object = {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PodMonitor',
      // The profile's labels are what the Prometheus `podMonitorSelector` picks by; ours come last so they cannot be overridden.
      metadata: { ...podMonitorIdentity(policy), labels: { ...podMonitor.labels, [LABEL_MANAGED_BY]: MANAGED_BY } },
      spec: {
        // Every pod of the model, whichever ReplicaSet: the gate compares the two versions' series.
        selector: { matchLabels: { [LABEL_APP]: serviceName(policy) } },
        podMetricsEndpoints: endpoints,
      },
    };
    return [{ path: PODMONITOR_FILE, kind: 'yaml', documents: [object] }];
  },
};

function podMetricsEndpoints(policy: ResolvedPolicy): Array<Record<string, unknown>> {
  const exporter = policy.platform.scoreExporter;
  const endpoints: Array<Record<string, unknown>> = [];
  if (exporter && runsScoreExporter(policy)) {
    endpoints.push({ port: SCORE_EXPORTER_PORT, path: exporter.path, relabelings: versionRelabelings(scoreVersionLabels(policy)) });
  }
  if (policy.platform.prometheus.tfservingMetrics) {
    endpoints.push({ port: PORT_HTTP, path: TFSERVING_METRICS_PATH, relabelings: versionRelabelings([LABEL_VERSION]) });
  }
  return endpoints;
}

/** The pod's version label onto each target label a query groups by (Prometheus `replace`: the whole value, `(.*)` → `$1`). */
function versionRelabelings(targetLabels: readonly string[]): Array<Record<string, unknown>> {
  return targetLabels.map((targetLabel) => ({ action: 'replace', sourceLabels: [POD_VERSION_META_LABEL], targetLabel }));
}
