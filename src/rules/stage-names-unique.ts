/**
 * `advance --to STAGE` names a stage, and the order of stages says which one feeds which: two
 * stages with one name would make both ambiguous. Reported once, on the first stage's policy.
 */
import type { Rule } from './rule.js';

export const stageNamesUnique: Rule = {
  id: 'stage-names-unique',
  description: 'No two stages of a policy share a name.',
  severity: 'error',
  check({ policy, report }) {
    if (policy.stage?.index !== 0) return;
    const order = policy.stage.order;
    order.forEach((name, index) => {
      const first = order.indexOf(name);
      if (first < index) report({ path: ['spec', 'stages', index, 'name'], message: `stage \`${name}\` is already stage ${first + 1}`, hint: 'give each stage its own name' });
    });
  },
};
