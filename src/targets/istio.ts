/**
 * The Istio VirtualService Argo Rollouts manages, in host-level mode (see names.ts): one named
 * primary route with the stable Service and the canary Service as destinations (stable 100 at
 * rest; the controller moves the weights). Its hosts are the Service callers use, by FQDN, so a
 * mesh client calling the Service is routed by it, plus the policy's `traffic.host` for callers
 * through a gateway.
 *
 * networking.istio.io/v1beta1: served by every Istio release Argo Rollouts supports, covered by
 * the schemas of @kubernetes-models/istio (Istio 1.18: v1alpha3/v1beta1) that `crd-schemas`
 * checks against. Istio serves all its versions from one storage schema, so a controller
 * reading v1alpha3 (Argo's default) sees the same object.
 */
import { canaryServiceName, LABEL_APP, LABEL_MANAGED_BY, MANAGED_BY, ROUTE_PRIMARY, serviceFqdn, serviceName, virtualServiceName } from '../names.js';
import type { ResolvedPolicy } from '../resolve/policy.js';
import type { Target } from './target.js';

export const VIRTUAL_SERVICE_FILE = 'istio/virtualservice.yaml';
const API_VERSION = 'networking.istio.io/v1beta1';

export const istioTarget: Target = {
  name: 'istio',
  build(policy) {
    return [{ path: VIRTUAL_SERVICE_FILE, kind: 'yaml', documents: [virtualService(policy)] }];
  },
};

/** The VirtualService's hosts: the callers' Service by FQDN, then `traffic.host` when it is another name. */
export function virtualServiceHosts(policy: ResolvedPolicy): string[] {
  return [...new Set([serviceFqdn(policy), policy.traffic.host])];
}

function virtualService(policy: ResolvedPolicy): Record<string, unknown> {
  const { gateways, timeoutSeconds, retries } = policy.traffic;
  return {
    apiVersion: API_VERSION,
    kind: 'VirtualService',
    metadata: { name: virtualServiceName(policy), namespace: policy.namespace, labels: { [LABEL_APP]: serviceName(policy), [LABEL_MANAGED_BY]: MANAGED_BY } },
    spec: {
      hosts: virtualServiceHosts(policy),
      ...(gateways.length > 0 ? { gateways } : {}),
      http: [
        {
          name: ROUTE_PRIMARY,
          route: [
            { destination: { host: serviceName(policy) }, weight: 100 },
            { destination: { host: canaryServiceName(policy) }, weight: 0 },
          ],
          ...(timeoutSeconds !== null ? { timeout: protoDuration(timeoutSeconds) } : {}),
          ...(retries
            ? {
                retries: {
                  attempts: retries.attempts,
                  ...(retries.perTryTimeoutSeconds !== null ? { perTryTimeout: protoDuration(retries.perTryTimeoutSeconds) } : {}),
                },
              }
            : {}),
        },
      ],
      ...grpcTlsRoutes(policy),
    },
  };
}

/**
 * Where TF Serving serves gRPC over TLS itself (profile `tfserving.tls`) the sidecars see that
 * port as opaque TCP (argo-rollouts.ts Service), so the http route above never sees its calls;
 * this `tcp` route, matched by port, carries them with the same two destinations, and Argo
 * Rollouts moves its weights with the http route's (trafficRouting.istio.virtualService.tcpRoutes;
 * rollout/trafficrouting/istio/istio.go generateVirtualServicePatches, processRoutes for Tcp).
 * Istio's TCP routes split connections, not requests: a caller's long-lived gRPC channel stays on
 * one side. The destination names the port, since the Services have two.
 */
function grpcTlsRoutes(policy: ResolvedPolicy): { tcp?: unknown[] } {
  if (!policy.platform.tfserving.tls) return {};
  const port = policy.model.grpcPort;
  return {
    tcp: [
      {
        match: [{ port }],
        route: [
          { destination: { host: serviceName(policy), port: { number: port } }, weight: 100 },
          { destination: { host: canaryServiceName(policy), port: { number: port } }, weight: 0 },
        ],
      },
    ],
  };
}

/**
 * Decimal seconds (`0.3s`): the one duration spelling both protobuf's JSON Duration (what Istio
 * decodes) and the CRD's CEL `duration()` accept.
 */
export function protoDuration(seconds: number): string {
  return `${Number(seconds.toFixed(3))}s`;
}
