/**
 * Two policies with the same namespace and name would compile to the same objects and the same
 * output folder, each overwriting the other; the later file is reported, naming the first.
 */
import type { Rule } from './rule.js';
import { reportRepeats } from './repeats.js';

export const uniquePolicyNames: Rule = {
  id: 'unique-policy-names',
  description: 'No two policies share a namespace and name.',
  severity: 'error',
  checkAll(ctx) {
    reportRepeats(ctx, ({ policy }) => `${policy.namespace}/${policy.name}`, ['metadata', 'name'], (key, first) => ({
      message: `policy \`${key}\` is already defined in ${first}`,
      hint: 'rename one of them, or move it to another namespace',
    }));
  },
};
