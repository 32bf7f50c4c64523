/**
 * The HorizontalPodAutoscaler a policy asks for with `model.autoscaling`. It targets the Rollout,
 * which exposes the `/scale` subresource as a Deployment does: the HPA writes the Rollout's
 * `spec.replicas`, and Argo Rollouts sizes each ReplicaSet from it (argo-rollouts
 * docs/features/hpa-support.md). With Istio routing and no dynamicStableScale the stable
 * ReplicaSet keeps all `spec.replicas` pods and the canary gets ceil(weight × spec.replicas / 100)
 * (utils/replicaset/canary.go CalculateReplicaCountsForTrafficRoutedCanary), so a count the HPA
 * raises mid-release raises both, and the canary's share of pods keeps following its traffic.
 */
import { LABEL_APP, LABEL_MANAGED_BY, MANAGED_BY, serviceName } from '../names.js';
import type { ResolvedPolicy } from '../resolve/policy.js';
import type { Target } from './target.js';

export const AUTOSCALER_FILE = 'rollout/horizontalpodautoscaler.yaml';

export const autoscalingTarget: Target = {
  name: 'autoscaling',
  build(policy) {
    const hpa = horizontalPodAutoscaler(policy);
    return hpa ? [{ path: AUTOSCALER_FILE, kind: 'yaml', documents: [hpa] }] : [];
  },
};

export function horizontalPodAutoscaler(policy: ResolvedPolicy): Record<string, unknown> | null {
  const autoscaling = policy.model.autoscaling;
  if (!autoscaling) return null;
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: policy.name, namespace: policy.namespace, labels: { [LABEL_APP]: serviceName(policy), [LABEL_MANAGED_BY]: MANAGED_BY } },
    spec: {
      scaleTargetRef: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: policy.name },
      minReplicas: autoscaling.minReplicas,
      maxReplicas: autoscaling.maxReplicas,
      // Utilization is measured against each pod's CPU request (autoscaling-consistent demands one).
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: autoscaling.cpuUtilizationPercent } } }],
    },
  };
}
