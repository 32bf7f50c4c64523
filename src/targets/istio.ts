/**
 * Istio VirtualService and DestinationRule that Argo Rollouts manages: one named primary route
 * with stable/canary subset destinations (stable 100 at rest; the controller moves the weights),
 * and subsets selected by the app label (the controller adds `rollouts-pod-template-hash`).
 *
 * networking.istio.io/v1beta1: served by every Istio release Argo Rollouts supports, covered by
 * the schemas of @kubernetes-models/istio (Istio 1.18: v1alpha3/v1beta1) that `crd-schemas`
 * checks against. Istio serves all its versions from one storage schema, so a controller
 * reading v1alpha3 (Argo's default) sees the same object.
 */
import { destinationRuleName, LABEL_APP, LABEL_MANAGED_BY, MANAGED_BY, ROUTE_PRIMARY, serviceName, SUBSET_CANARY, SUBSET_STABLE, virtualServiceName } from '../names.js';
import type { ResolvedPolicy } from '../resolve/policy.js';
import type { Target } from './target.js';

export const VIRTUAL_SERVICE_FILE = 'istio/virtualservice.yaml';
export const DESTINATION_RULE_FILE = 'istio/destinationrule.yaml';
const API_VERSION = 'networking.istio.io/v1beta1';

export const istioTarget: Target = {
  name: 'istio',
  build(policy) {
    return [
      { path: VIRTUAL_SERVICE_FILE, kind: 'yaml', documents: [virtualService(policy)] },
      { path: DESTINATION_RULE_FILE, kind: 'yaml', documents: [destinationRule(policy)] },
    ];
  },
};

function metadata(name: string, policy: ResolvedPolicy): Record<string, unknown> {
  return { name, namespace: policy.namespace, labels: { [LABEL_APP]: serviceName(policy), [LABEL_MANAGED_BY]: MANAGED_BY } };
}

function virtualService(policy: ResolvedPolicy): Record<string, unknown> {
  const { gateways, timeoutSeconds, retries } = policy.traffic;
  const host = serviceName(policy);
  return {
    apiVersion: API_VERSION,
    kind: 'VirtualService',
    metadata: metadata(virtualServiceName(policy), policy),
    spec: {
      hosts: [policy.traffic.host],
      ...(gateways.length > 0 ? { gateways } : {}),
      http: [
        {
          name: ROUTE_PRIMARY,
          route: [
            { destination: { host, subset: SUBSET_STABLE }, weight: 100 },
            { destination: { host, subset: SUBSET_CANARY }, weight: 0 },
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
    },
  };
}

function destinationRule(policy: ResolvedPolicy): Record<string, unknown> {
  const selector = { [LABEL_APP]: serviceName(policy) };
  return {
    apiVersion: API_VERSION,
    kind: 'DestinationRule',
    metadata: metadata(destinationRuleName(policy), policy),
    spec: {
      host: serviceName(policy),
      subsets: [
        { name: SUBSET_STABLE, labels: selector },
        { name: SUBSET_CANARY, labels: selector },
      ],
    },
  };
}

/**
 * Decimal seconds (`0.3s`): the one duration spelling both protobuf's JSON Duration (what Istio
 * decodes) and the CRD's CEL `duration()` accept.
 */
export function protoDuration(seconds: number): string {
  return `${Number(seconds.toFixed(3))}s`;
}
