/**
 * The Argo CD Application patch a user merges so GitOps and Argo Rollouts do not fight: while a
 * rollout runs the controller rewrites the VirtualService weights, inserts its managed routes and
 * pins the stable and canary Services' selectors to ReplicaSets (rollout/service.go). Not a Kubernetes object, so the
 * kustomization leaves it out; the explanation travels with it as a comment.
 */
import { canaryServiceName, serviceName, virtualServiceName } from '../names.js';
import type { ResolvedPolicy } from '../resolve/policy.js';
import { managedRoutes } from '../routing/steps.js';
import type { Target } from './target.js';

export const ARGOCD_PATCH_FILE = 'argocd/ignore-differences.yaml';
const ISTIO_GROUP = 'networking.istio.io';
/** Selector key Argo Rollouts adds to each Service to pin it to one ReplicaSet. */
const POD_TEMPLATE_HASH = 'rollouts-pod-template-hash';

const EXPLANATION = [
  ' Merge into the Argo CD Application that syncs this folder.',
  ' Argo Rollouts changes the VirtualService route weights, adds and removes its managed routes,',
  ' and pins the stable and canary Services to ReplicaSets while a rollout runs. Without these',
  ' ignoreDifferences Argo CD shows the app OutOfSync and a self-heal sync would undo the',
  ' controller mid-rollout; RespectIgnoreDifferences keeps a sync from overwriting those fields.',
].join('\n');
const AUTOSCALED = '\n The HorizontalPodAutoscaler sets the Rollout\'s replica count, which git leaves out.';

export const argocdTarget: Target = {
  name: 'argocd',
  build(policy) {
    return [{ path: ARGOCD_PATCH_FILE, kind: 'yaml', documents: [applicationPatch(policy)], comment: policy.model.autoscaling ? EXPLANATION + AUTOSCALED : EXPLANATION }];
  },
};

export function applicationPatch(policy: ResolvedPolicy): Record<string, unknown> {
  const routeEntries = managedRoutes(policy).map((route) => `.spec.http[] | select(.name == ${jqString(route.name)})`);
  return {
    spec: {
      ignoreDifferences: [
        {
          group: ISTIO_GROUP,
          kind: 'VirtualService',
          name: virtualServiceName(policy),
          namespace: policy.namespace,
          jqPathExpressions: ['.spec.http[].route[].weight', ...routeEntries],
        },
        ...autoscaledReplicas(policy),
        ...[serviceName(policy), canaryServiceName(policy)].map((name) => ({
          group: '',
          kind: 'Service',
          name,
          namespace: policy.namespace,
          jqPathExpressions: [`.spec.selector[${jqString(POD_TEMPLATE_HASH)}]`],
        })),
      ],
      syncPolicy: { syncOptions: ['RespectIgnoreDifferences=true'] },
    },
  };
}

/**
 * The HPA writes the Rollout's `spec.replicas` through `/scale`; git leaves the field out
 * (targets/argo-rollouts.ts), and this keeps a sync from resetting it.
 */
function autoscaledReplicas(policy: ResolvedPolicy): Array<Record<string, unknown>> {
  if (!policy.model.autoscaling) return [];
  return [{ group: 'argoproj.io', kind: 'Rollout', name: policy.name, namespace: policy.namespace, jsonPointers: ['/spec/replicas'] }];
}

/** A JSON string literal is a jq string literal (JSON escapes every `\`, so no `\(` interpolation). */
function jqString(value: string): string {
  return JSON.stringify(value);
}
