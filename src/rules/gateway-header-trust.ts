/**
 * A sticky, cohort or segment header decides who gets the candidate, or which gate judges a
 * request. Through a gateway that passes it on unchanged, any outside caller chooses it (sends
 * `x-acme-staff: true` and gets the candidate). The platform profile says which headers each
 * gateway strips or sets; only those are trusted from callers outside the mesh.
 */
import { policyHeaders } from '../routing/headers.js';
import type { Rule } from './rule.js';

/** Istio's reserved gateway name for sidecars inside the mesh, not an entry point from outside. */
const MESH_GATEWAY = 'mesh';

export const gatewayHeaderTrust: Rule = {
  id: 'gateway-header-trust',
  description: 'Each sticky, cohort and segment header is stripped or set by every gateway in traffic.gateways, as the platform profile lists them.',
  severity: 'warning',
  check({ policy, report }) {
    for (const gatewayName of policy.traffic.gateways.filter((name) => name !== MESH_GATEWAY)) {
      // A gateway named without a namespace is in the VirtualService's own (Istio's `gateways` field).
      const qualified = gatewayName.includes('/') ? gatewayName : `${policy.namespace}/${gatewayName}`;
      const gateway = policy.platform.gateways.find((entry) => entry.name === qualified);
      for (const header of policyHeaders(policy)) {
        // Envoy lowercases header names, so the gateway's `x-user-id` is the policy's `X-User-Id` too.
        const name = header.name.toLowerCase();
        if (gateway && (gateway.stripsHeaders.includes(name) || gateway.setsHeaders.includes(name))) continue;
        report({
          path: header.path,
          message: `header \`${header.name}\` decides ${header.decides}, and gateway ${gatewayName} ${gateway ? 'neither strips nor sets it' : 'is not in the platform profile'}: a caller through the gateway chooses it`,
          hint: `make ${gatewayName} strip or set \`${header.name}\`, and list it under that gateway's stripsHeaders or setsHeaders in modelgate.config.yaml`,
        });
      }
    }
  },
};
