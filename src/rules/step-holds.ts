/**
 * Every step before the last waits: a positive hold, or `manual` for a person to promote. A step
 * with no hold (or `0s`) moves on before any gate has measured it.
 */
import type { Rule } from './rule.js';

export const stepHolds: Rule = {
  id: 'step-holds',
  description: 'Every canary step before the last has a positive hold duration or `hold: manual`.',
  severity: 'error',
  check({ policy, report }) {
    const steps = policy.canary.steps;
    steps.slice(0, -1).forEach((step, index) => {
      if (step.manual) return;
      if (step.holdSeconds === null) {
        report({ path: ['spec', 'canary', 'steps', index], message: `step ${index + 1} (${step.weightPercent}%) has no hold, so it moves on before any gate measures it`, hint: 'add `hold: 30m` (or `hold: manual`)' });
      } else if (step.holdSeconds <= 0) {
        report({ path: ['spec', 'canary', 'steps', index, 'hold'], message: `step ${index + 1} (${step.weightPercent}%) holds for 0s, so it moves on before any gate measures it`, hint: 'hold long enough for the gates to measure, e.g. `hold: 30m`' });
      }
    });
  },
};
