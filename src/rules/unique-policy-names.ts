/**
 * Two policies with the same namespace and name would compile to the same objects and the same
 * output folder, each overwriting the other; the later file is reported, naming the first.
 */
import type { Rule, SetFacts } from './rule.js';
import { reportRepeats } from './repeats.js';

const nameKey = ({ namespace, name }: SetFacts): string => `${namespace}/${name}`;

export const uniquePolicyNames: Rule = {
  id: 'unique-policy-names',
  description: 'No two policies share a namespace and name.',
  severity: 'error',
  setKey: nameKey,
  checkAll(ctx) {
    reportRepeats(ctx, nameKey, ['metadata', 'name'], (key, first) => ({
      message: `policy \`${key}\` is already defined in ${first}`,
      hint: 'rename one of them, or move it to another namespace',
    }));
  },
};
