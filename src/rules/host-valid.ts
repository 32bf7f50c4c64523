/**
 * traffic.host is the DNS name clients call and the VirtualService host; gateways are Istio
 * gateway references, `name` (same namespace, or `mesh`) or `namespace/name`.
 */
import { isDns1123Label, isDns1123Subdomain } from '../validate/dns-name.js';
import type { Rule } from './rule.js';

export const hostValid: Rule = {
  id: 'host-valid',
  description: 'traffic.host is a lowercase DNS name without wildcards; each gateway is `name` or `namespace/name`.',
  severity: 'error',
  check({ policy, report }) {
    const host = policy.traffic.host;
    if (!isDns1123Subdomain(host)) {
      report({
        path: ['spec', 'traffic', 'host'],
        message: `host \`${host}\` is not a DNS name: use lowercase dot-separated labels of letters, digits and dashes (no scheme, port, path or wildcard)`,
        hint: host.includes('://') || host.includes(':') || host.includes('/') ? 'write only the host, e.g. `fraud-detector.risk.svc.cluster.local`' : `for example \`${host.toLowerCase()}\``,
      });
    }
    policy.traffic.gateways.forEach((gateway, index) => {
      const parts = gateway.split('/');
      const valid = parts.length === 1 ? isDns1123Subdomain(parts[0]!) : parts.length === 2 && isDns1123Label(parts[0]!) && isDns1123Subdomain(parts[1]!);
      if (!valid) {
        report({ path: ['spec', 'traffic', 'gateways', index], message: `gateway \`${gateway}\` is not an Istio gateway reference`, hint: 'write `name`, `namespace/name`, or `mesh` for traffic inside the mesh' });
      }
    });
  },
};
