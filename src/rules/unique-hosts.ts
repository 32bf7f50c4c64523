/**
 * Two VirtualServices for one host conflict in Istio (which one wins is undefined), so two
 * policies may not route the same host; the later file is reported, naming the first.
 */
import type { Rule } from './rule.js';
import { reportRepeats } from './repeats.js';

export const uniqueHosts: Rule = {
  id: 'unique-hosts',
  description: 'No two policies route the same traffic.host.',
  severity: 'error',
  checkAll(ctx) {
    reportRepeats(ctx, ({ policy }) => policy.traffic.host, ['spec', 'traffic', 'host'], (key, first) => ({
      message: `host \`${key}\` is already routed by ${first}`,
      hint: 'each model needs its own host; two VirtualServices for one host conflict in Istio',
    }));
  },
};
