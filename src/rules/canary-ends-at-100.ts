/**
 * The last canary step sends 100% to the candidate; otherwise the release never finishes and
 * two versions serve users indefinitely.
 */
import type { Rule } from './rule.js';

export const canaryEndsAt100: Rule = {
  id: 'canary-ends-at-100',
  description: 'The final canary step has weight 100%, so a release completes.',
  severity: 'error',
  check({ policy, report }) {
    const steps = policy.canary.steps;
    const last = steps[steps.length - 1];
    if (last && last.weightPercent !== 100) {
      report({ path: ['spec', 'canary', 'steps', steps.length - 1, 'weight'], message: `the last canary step sends ${last.weightPercent}%, so the release never completes`, hint: 'end the schedule with `- { weight: 100% }`' });
    }
  },
};
