/**
 * Gates that can actually decide something: a tail-latency percentile, drift buckets that form
 * a histogram, a ratio gate whose version label is not the counters' model label, a baseline error rate strictly between 0% and 100%, holds long enough for failureLimit to be reached, and no release settings on a
 * policy that has no candidate to release.
 */
import { formatDuration } from '../resolve/units.js';
import type { Rule } from './rule.js';

export const gatesConsistent: Rule = {
  id: 'gates-consistent',
  description: 'Latency percentiles are tail percentiles, drift buckets increase from above 0, a ratio gate limits one direction and keeps its version label apart from the model label, the baseline error rate lies strictly between 0% and 100%, each hold allows more measurements than failureLimit, and release settings only appear with a candidate.',
  severity: 'error',
  check({ source, policy, report }) {
    const checks = ['spec', 'gates', 'checks'];
    policy.gates.checks.forEach((gate, index) => {
      if (gate.metric === 'latency' && gate.percentile < 50) {
        report({ path: [...checks, index, 'percentile'], severity: 'warning', message: `P${gate.percentile} latency is not a tail latency; a regression for slow requests would go unseen`, hint: 'use `percentile: 99` (or 95, 99.9)' });
      }
      if (gate.metric === 'ratio') {
        const raw = ((source.data as any).spec.gates.checks as Array<Record<string, unknown>>)[index]!;
        if ((raw.maxDecrease !== undefined || raw.maxDrop !== undefined) && (raw.maxIncrease !== undefined || raw.maxRise !== undefined)) {
          report({
            path: [...checks, index],
            message: `ratio gate \`${gate.name}\` limits both a fall (maxDecrease/maxDrop) and a rise (maxIncrease/maxRise); a gate judges one direction, the worse one`,
            hint: 'keep maxDecrease/maxDrop when higher is better (CTR, conversion), maxIncrease/maxRise when lower is better (rejection rate); split into two gates to watch both',
          });
        }
        // The counters are selected on the model label valued with the policy's name (src/gates/ratio-counters.ts); the version cannot live there too.
        const modelLabel = policy.platform.ratioCounters.modelLabel;
        if (gate.versionLabel === modelLabel) {
          report({
            path: [...checks, index, raw.versionLabel === undefined ? 'metric' : 'versionLabel'],
            message: `ratio gate \`${gate.name}\` reads the version from \`${modelLabel}\`, the label on which the profile's ratioCounters.modelLabel says the counters name the model (\`${policy.name}\`), so its query could match no series`,
            hint: `give the version its own label (versionLabel:), or set another ratioCounters.modelLabel in the profile`,
          });
        }
      }
      if (gate.metric === 'drift') {
        gate.buckets.forEach((bound, b) => {
          const before = gate.buckets[b - 1];
          if (bound <= 0) report({ path: [...checks, index, 'buckets', b], message: `drift bucket bound ${bound} must be above 0`, hint: 'list the upper bounds of the score buckets, e.g. [0.1, 0.2, 0.5, 1]' });
          else if (before !== undefined && bound <= before) report({ path: [...checks, index, 'buckets', b], message: `drift bucket bound ${bound} is not above the previous bound ${before}`, hint: 'bucket upper bounds must increase strictly' });
        });
      }
    });

    const baseline = policy.gates.baselineErrorRatePercent;
    if (baseline <= 0 || baseline >= 100) {
      report({ path: ['spec', 'gates', 'baselineErrorRate'], message: `a baseline error rate of ${baseline}% leaves no error rate to detect a rise from`, hint: "write stable's usual error rate, above 0% and below 100%, e.g. `0.5%`" });
    }

    const spec = (source.data as any).spec as Record<string, unknown>;
    // At rest (no candidate) shadow, canary and gates are the plan for the next release, and
    // `rollback`, `promote` and `abort` leave them in place on purpose: nothing to say about them.
    if (policy.versions.candidate === null) return;

    const { intervalSeconds, failureLimit } = policy.gates;
    const explicitSteps = (spec.canary as any)?.steps !== undefined;
    policy.canary.steps.forEach((step, index) => {
      if (step.holdSeconds === null || step.holdSeconds <= 0) return;
      const measurements = Math.floor(step.holdSeconds / intervalSeconds);
      if (measurements > failureLimit) return;
      const hold = formatDuration(step.holdSeconds);
      report({
        path: explicitSteps ? ['spec', 'canary', 'steps', index, 'hold'] : ['spec', 'gates', 'failureLimit'],
        severity: 'warning',
        message:
          measurements === 0
            ? `step ${index + 1} holds ${hold}, shorter than the gate interval ${formatDuration(intervalSeconds)}, so no gate measures it`
            : `step ${index + 1} holds ${hold}: ${measurements} measurement${measurements === 1 ? '' : 's'} every ${formatDuration(intervalSeconds)}, but failureLimit ${failureLimit} tolerates ${failureLimit} failure${failureLimit === 1 ? '' : 's'}, so this step can never fail`,
        hint: `hold at least ${formatDuration((failureLimit + 1) * intervalSeconds)}, or lower \`gates.failureLimit\``,
      });
    });
  },
};
