/**
 * Canary weights rise strictly, each within 1..100: a step that does not add traffic (or a 0%
 * step) holds for nothing, and a falling weight is a rollback written as a release.
 */
import type { Rule } from './rule.js';

export const canaryStepsIncreasing: Rule = {
  id: 'canary-steps-increasing',
  description: 'Canary step weights are strictly increasing and each is between 1 and 100.',
  severity: 'error',
  check({ policy, report }) {
    let previous = 0;
    policy.canary.steps.forEach((step, index) => {
      const path = ['spec', 'canary', 'steps', index, 'weight'];
      if (step.weightPercent < 1 || step.weightPercent > 100) {
        report({ path, message: `step ${index + 1} sends ${step.weightPercent}% of traffic; a step's weight must be between 1% and 100%`, hint: 'remove the step, or give it a weight of at least 1%' });
      } else if (step.weightPercent <= previous) {
        report({ path, message: `step ${index + 1} weight ${step.weightPercent}% is not above the previous step's ${previous}%`, hint: 'each step must send more traffic to the candidate than the one before' });
      }
      previous = Math.max(previous, step.weightPercent);
    });
  },
};
