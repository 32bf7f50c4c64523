/**
 * Two VirtualServices for one host conflict in Istio (which one wins is undefined), so two
 * policies may not route the same host; the later file is reported, naming the first. Hosts are
 * compared as Istio reads them: a short host (no dot) means a service in the VirtualService's own
 * namespace, so `churn-scorer` in namespace `default` is `churn-scorer.default.svc.cluster.local`.
 */
import type { Rule, SetFacts } from './rule.js';
import { reportRepeats } from './repeats.js';

/** Istio's default `--domain` (the Kubernetes cluster domain). */
const ISTIO_DOMAIN_SUFFIX = 'cluster.local';

/**
 * istio/istio pilot/pkg/model/config.go `ResolveShortnameToFQDN`, applied to every VirtualService
 * host by `resolveVirtualServiceShortnames` (pilot/pkg/model/virtualservice.go): `*` and IP
 * addresses stay as written, a name without a dot gets `.<namespace>.svc.<domain>`, and any name
 * with a dot is taken as fully qualified.
 */
export function istioHost(host: string, namespace: string): string {
  if (host === '*' || host.includes('.') || host.includes(':')) return host;
  return `${host}.${namespace}.svc.${ISTIO_DOMAIN_SUFFIX}`;
}

const hostKey = ({ host, namespace }: SetFacts): string => istioHost(host, namespace);

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
