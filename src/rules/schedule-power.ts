/**
 * Each timed canary step gives the candidate enough requests, over its hold and in each gate
 * measurement window, to detect the regression every gate guards against (src/analysis/power.ts).
 * A 5-minute hold at 1% of 200 rps cannot see an error rate double; `gates.strict` makes it an error.
 */
import { scheduleDetectability, type StepGatePower } from '../analysis/power.js';
import type { ResolvedPolicy } from '../resolve/policy.js';
import { formatDuration } from '../resolve/units.js';
import type { Rule } from './rule.js';

export const schedulePower: Rule = {
  id: 'schedule-power',
  description: 'Every timed canary step and measurement window carries enough candidate traffic for each gate to detect its regression.',
  severity: 'warning',
  check({ policy, report }) {
    const severity = policy.gates.strict ? 'error' : 'warning';
    for (const finding of scheduleDetectability(policy)) {
      const needed = finding.requirement.candidateRequests;
      const step = `step ${finding.stepIndex + 1} (${finding.weightPercent}% for ${formatDuration(finding.holdSeconds)})`;
      const need = `gate \`${finding.gate.name}\` needs about ${count(needed)} candidate requests to detect ${finding.requirement.regression} (${test(policy)})`;
      if (finding.holdRequests < needed) {
        report({
          path: ['spec', 'canary', 'steps', finding.stepIndex, 'hold'],
          severity,
          message: `${step}: ${need}, but ${traffic(policy, finding)} for ${formatDuration(finding.holdSeconds)} gives it about ${count(finding.holdRequests)}, so the hold proves nothing`,
          hint: `hold at least \`${formatDuration(wholeMinutes(finding.minimumSeconds))}\` at ${finding.weightPercent}%, or raise the weight`,
        });
      } else if (finding.windowRequests < needed) {
        // The guard makes a window inconclusive when it holds fewer than minRequests; only a guard
        // below what detection needs lets an underpowered window pass.
        const consequence = policy.gates.minRequests >= needed || finding.windowRequests < policy.gates.minRequests
          ? 'every measurement at this step is inconclusive'
          : `a measurement passes on ${count(policy.gates.minRequests)} requests (gates.minRequests) without the power to see it`;
        report({
          path: ['spec', 'gates', 'interval'],
          severity,
          message: `${step}: ${need}, but each ${formatDuration(policy.gates.intervalSeconds)} measurement window gives it about ${count(finding.windowRequests)} (${traffic(policy, finding)}), so ${consequence}`,
          hint: `set \`interval: ${formatDuration(wholeMinutes(finding.minimumSeconds))}\` or longer, or raise the weight of step ${finding.stepIndex + 1}`,
        });
      }
    }
  },
};

function test(policy: ResolvedPolicy): string {
  return `one-sided α = ${policy.gates.significance}, power ${policy.gates.power}`;
}

function traffic(policy: ResolvedPolicy, finding: StepGatePower): string {
  return `${finding.weightPercent}% of ${policy.traffic.expectedRps} rps`;
}

function count(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Suggestions in whole minutes: nobody writes `hold: 13m29s`. */
function wholeMinutes(seconds: number): number {
  return Math.ceil(seconds / 60) * 60;
}
