/**
 * A drift gate compares score histograms, and TF Serving exports none: the series exist only if
 * the profile's score exporter emits that histogram (with the labels the gate declares) and a
 * generated PodMonitor scrapes it, and the exporter can listen beside TF Serving. Otherwise the
 * gate's query matches nothing, every measurement is Inconclusive, and the Rollout pauses for a human.
 */
import { exportedMetric } from '../gates/score-source.js';
import type { Rule } from './rule.js';

const PROFILE = 'modelgate.config.yaml';

export const driftSourceScraped: Rule = {
  id: 'drift-source-scraped',
  description: "A drift gate's histogram is one the profile's score exporter emits, with every label the gate declares, the profile has modelgate generate the PodMonitor that scrapes it, and the exporter's port is free beside TF Serving.",
  severity: 'error',
  check({ policy, report }) {
    const { scoreExporter, prometheus } = policy.platform;
    policy.gates.checks.forEach((gate, index) => {
      if (gate.metric !== 'drift') return;
      const series = `${gate.histogram}_bucket`;
      const metric = exportedMetric(policy.platform, gate);
      if (!metric) {
        report({
          path: ['spec', 'gates', 'checks', index, 'histogram'],
          message: scoreExporter
            ? `gate \`${gate.name}\` reads \`${series}\`, which nobody produces: the profile's score exporter emits only ${scoreExporter.metrics.map((m) => `\`${m.name}\``).join(', ')}, and TF Serving exports no score histograms`
            : `gate \`${gate.name}\` reads \`${series}\`, which nobody produces: TF Serving exports no score histograms and the profile names no score exporter`,
          hint: `list it in ${PROFILE}: spec.scoreExporter.metrics: [{ name: ${gate.histogram} }]${scoreExporter ? '' : ' (with the exporter image and port)'}`,
        });
        return;
      }
      const clash = [policy.model.grpcPort, policy.model.restPort].indexOf(scoreExporter!.port);
      if (clash >= 0) {
        report({
          path: ['spec', 'gates', 'checks', index, 'histogram'],
          message: `gate \`${gate.name}\` reads the score exporter, whose port ${scoreExporter!.port} is TF Serving's ${clash === 0 ? 'gRPC' : 'REST'} port in this policy: the containers share the pod's network, so one of them cannot listen`,
          hint: `choose another port in ${PROFILE}: spec.scoreExporter.port`,
        });
      }
      if (!prometheus.podMonitor) {
        report({
          path: ['spec', 'gates', 'checks', index, 'histogram'],
          message: `gate \`${gate.name}\` reads \`${series}\` from the score exporter, but nothing scrapes it: the profile does not have modelgate generate a PodMonitor`,
          hint: `set ${PROFILE}: spec.prometheus.podMonitor: { labels: { release: <your kube-prometheus-stack release> } }`,
        });
      }
      // The PodMonitor attaches namespace and the version label; every other label is the exporter's own.
      const attached = new Set(['namespace', gate.versionLabel]);
      const missing = gate.labels.filter((label) => !attached.has(label) && !metric.labels.includes(label));
      if (missing.length > 0) {
        report({
          path: ['spec', 'gates', 'checks', index, 'labels'],
          message: `gate \`${gate.name}\` declares that \`${series}\` carries ${missing.map((l) => `\`${l}\``).join(', ')}, but the score exporter writes ${metric.labels.length > 0 ? `only ${metric.labels.map((l) => `\`${l}\``).join(', ')}` : 'no labels of its own'} and the PodMonitor attaches only namespace and \`${gate.versionLabel}\``,
          hint: `if the exporter does write it, list it in ${PROFILE}: spec.scoreExporter.metrics[${gate.histogram}].labels; otherwise remove it from the gate`,
        });
      }
    });
  },
};
