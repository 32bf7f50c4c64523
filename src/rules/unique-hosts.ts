/**
 * Two VirtualServices for one host conflict in Istio (which one wins is undefined), so two
 * policies may not route the same host; the later file is reported, naming the first. Hosts are
 * compared as Istio reads them: a short host (no dot) means a service in the VirtualService's own
 * namespace, so `churn-scorer` in namespace `default` is `churn-scorer.default.svc.<cluster domain>`,
 * the domain from the platform profile (`clusterDomain`, default `cluster.local`).
 */
import { istioHost } from '../names.js';
import type { Rule } from './rule.js';
import { reportRepeats } from './repeats.js';

export const uniqueHosts: Rule = {
  id: 'unique-hosts',
  description: 'No two policies route the same traffic.host, as Istio resolves it.',
  severity: 'error',
  checkAll(ctx) {
    reportRepeats(ctx, ({ policy }) => istioHost(policy.traffic.host, policy.namespace, policy.platform.clusterDomain), ['spec', 'traffic', 'host'], (key, first) => ({
      message: `host \`${key}\` is already routed by ${first}`,
      hint: 'each model needs its own host; two VirtualServices for one host conflict in Istio',
    }));
  },
};
