/**
 * Two VirtualServices for one host conflict in Istio (which one wins is undefined), so two
 * policies may not route the same host; the later file is reported, naming the first. Hosts are
 * compared as Istio reads them: a short host (no dot) means a service in the VirtualService's own
 * namespace, so `churn-scorer` in namespace `default` is `churn-scorer.default.svc.<cluster domain>`,
 * the domain from the platform profile (`clusterDomain`, default `cluster.local`).
 */
import type { Rule, SetFacts } from './rule.js';
import { reportRepeats } from './repeats.js';

/** The set facts carry the host as Istio resolves it (rule.ts `setFactsOf`). */
const hostKey = ({ host }: SetFacts): string => host;

export const uniqueHosts: Rule = {
  id: 'unique-hosts',
  description: 'No two policies route the same traffic.host, as Istio resolves it.',
  severity: 'error',
  setKey: hostKey,
  checkAll(ctx) {
    reportRepeats(ctx, hostKey, ['spec', 'traffic', 'host'], (key, first) => ({
      message: `host \`${key}\` is already routed by ${first}`,
      hint: 'each model needs its own host; two VirtualServices for one host conflict in Istio',
    }));
  },
};
