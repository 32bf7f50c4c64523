/**
 * Who may call TF Serving's management methods. TF Serving serves `ModelService`
 * (GetModelStatus, HandleReloadConfigRequest: which versions load and where labels point) on the
 * same gRPC port as predictions, so a port-level NetworkPolicy cannot tell them apart. An Istio
 * AuthorizationPolicy can, by gRPC path (`/<package>.<Service>/<Method>`): action DENY on
 * `/tensorflow.serving.ModelService/*` for every source whose principal is not one the platform
 * profile names. DENY, not ALLOW: any ALLOW policy on a workload denies every request it does not
 * match, predictions included (Istio authorization: "If there are any ALLOW policies for the
 * workload, allow the request if any of them match", else deny). A request with no principal
 * (plaintext, from outside the mesh) matches `notPrincipals` and is denied too.
 *
 * Not where TF Serving serves TLS itself (profile `tfserving.tls`): the sidecar sees only TLS
 * records on that port, and Istio builds a DENY rule for a TCP port without the HTTP-only fields it
 * cannot match (pilot/pkg/security/authz/model/model.go `checkError`: "a wider deny"), so this
 * rule would deny every gRPC call, predictions included, to all but the listed principals. TF
 * Serving's own client certificate check (`tfserving.tls.clientAuth`) is then what guards the port.
 */
import { LABEL_APP, LABEL_MANAGED_BY, MANAGED_BY, serviceName } from '../names.js';
import type { ResolvedPolicy } from '../resolve/policy.js';
import type { Target } from './target.js';

export const AUTHORIZATION_POLICY_FILE = 'istio/authorizationpolicy.yaml';
/** gRPC path prefix of every ModelService method (tensorflow_serving/apis/model_service.proto). */
export const MODEL_SERVICE_PATHS = ['/tensorflow.serving.ModelService/*'];

export const istioAuthorizationTarget: Target = {
  name: 'istio-authorization',
  build(policy) {
    if (policy.platform.tfserving.tls) return [];
    return [{ path: AUTHORIZATION_POLICY_FILE, kind: 'yaml', documents: [modelServiceDeny(policy)] }];
  },
};

function modelServiceDeny(policy: ResolvedPolicy): Record<string, unknown> {
  const principals = policy.platform.istio.modelServicePrincipals;
  return {
    apiVersion: 'security.istio.io/v1beta1',
    kind: 'AuthorizationPolicy',
    metadata: { name: `${policy.name}-model-service`, namespace: policy.namespace, labels: { [LABEL_MANAGED_BY]: MANAGED_BY } },
    spec: {
      // Every pod of the model, stable and canary alike.
      selector: { matchLabels: { [LABEL_APP]: serviceName(policy) } },
      action: 'DENY',
      rules: [
        {
          // No principals in the profile: the rule has no source condition and denies everyone.
          ...(principals.length > 0 ? { from: [{ source: { notPrincipals: [...principals] } }] } : {}),
          to: [{ operation: { paths: [...MODEL_SERVICE_PATHS] } }],
        },
      ],
    },
  };
}
