/**
 * A latency or error-rate gate judged per segment reads the segment label from Istio's request
 * metrics, and Istio only has that label when `traffic.segments` tells it where the value comes
 * from. A drift gate reads the model's score histogram, and a ratio gate the application's
 * counters, which have the labels the gate declares (`labels:`). Without either the gate's query matches no series and can never fire.
 */
import { ISTIO_STANDARD_LABELS } from '../gates/istio.js';
import type { Rule } from './rule.js';

export const segmentDeclared: Rule = {
  id: 'segment-declared',
  description: 'A latency or error-rate gate with a segment names a label declared in traffic.segments, a drift or ratio gate one declared in its labels, and no declared label replaces one Istio already reports.',
  severity: 'error',
  check({ policy, report }) {
    const declared = new Set(policy.traffic.segments.map((segment) => segment.label));
    policy.gates.checks.forEach((gate, index) => {
      if (gate.segment === null) return;
      if (gate.metric === 'drift' || gate.metric === 'ratio') {
        if (!gate.labels.includes(gate.segment)) {
          const series = gate.metric === 'drift' ? `\`${gate.histogram}\` carries` : `\`${gate.numerator}\` and \`${gate.denominator}\` carry`;
          report({
            path: ['spec', 'gates', 'checks', index, 'segment'],
            message: `gate \`${gate.name}\` judges each \`${gate.segment}\`, but the gate does not declare that ${series} that label, so its query could match no series`,
            hint: `declare it: labels: [${gate.segment}]`,
          });
        }
        return;
      }
      if (declared.has(gate.segment)) return;
      report({
        path: ['spec', 'gates', 'checks', index, 'segment'],
        message: `gate \`${gate.name}\` judges each \`${gate.segment}\`, but nothing adds that label to Istio's request metrics, so its query would match no series and the gate could never fire`,
        hint: `declare where it comes from: traffic.segments: [{ label: ${gate.segment}, header: x-${gate.segment.replace(/_/g, '-')} }]`,
      });
    });
    policy.traffic.segments.forEach((segment, index) => {
      if (!ISTIO_STANDARD_LABELS.has(segment.label)) return;
      report({
        path: ['spec', 'traffic', 'segments', index, 'label'],
        message: `\`${segment.label}\` is one of Istio's standard labels; overriding it would corrupt every gate that reads it`,
        hint: 'choose another label name',
      });
    });
  },
};
