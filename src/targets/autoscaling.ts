/**
 * The HorizontalPodAutoscaler a policy asks for with `model.autoscaling`. It targets the Rollout,
 * which exposes the `/scale` subresource as a Deployment does: the HPA writes the Rollout's
 * `spec.replicas`, and Argo Rollouts sizes each ReplicaSet from it (argo-rollouts
 * docs/features/hpa-support.md). With Istio routing and no dynamicStableScale the stable
 * ReplicaSet keeps all `spec.replicas` pods and the canary gets ceil(weight × spec.replicas / 100)
 * (utils/replicaset/canary.go CalculateReplicaCountsForTrafficRoutedCanary), so a count the HPA
 * raises mid-release raises both, and the canary's share of pods keeps following its traffic.
 *
 * Besides CPU utilization the HPA can target requests per second or requests in flight per pod:
 * `Pods` metrics the cluster's custom metrics adapter serves (their names and selectors come from
 * the platform profile, since the adapter's rules are per cluster). The HPA averages each over
 * every pod the Rollout's selector matches, stable and canary alike, and with several targets
 * keeps the largest count (kubernetes pkg/controller/podautoscaler horizontal.go
 * computeReplicasForMetrics).
 */
import { LABEL_APP, LABEL_MANAGED_BY, MANAGED_BY, serviceName } from '../names.js';
import { podMetricTargets, type PodMetricTarget } from '../resolve/pod-metric-targets.js';
import type { Autoscaling, ResolvedPolicy } from '../resolve/policy.js';
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
      metrics: [...cpuMetric(autoscaling), ...podMetricTargets(policy).map(podsMetric)],
    },
  };
}

function cpuMetric(autoscaling: Autoscaling): Array<Record<string, unknown>> {
  if (autoscaling.cpuUtilizationPercent === null) return [];
  // Utilization is measured against each pod's CPU request (autoscaling-consistent demands one).
  return [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: autoscaling.cpuUtilizationPercent } } }];
}

function podsMetric({ policyField, profileField, perPod, adapter }: PodMetricTarget): Record<string, unknown> {
  if (!adapter) throw new Error(`model.autoscaling.${policyField} without the profile's autoscaling.${profileField}: validate (autoscaling-request-metric) refuses this policy`);
  const selector = Object.keys(adapter.selector).length > 0 ? { selector: { matchLabels: adapter.selector } } : {};
  return { type: 'Pods', pods: { metric: { name: adapter.metric, ...selector }, target: { type: 'AverageValue', averageValue: milliQuantity(perPod) } } };
}

/**
 * A number as a Kubernetes quantity in its canonical form: whole numbers bare, anything finer in
 * thousandths (`12.5` → `12500m`). The HPA compares AverageValue.MilliValue() with the metric's
 * average (horizontal.go computeStatusForPodsMetric), so a thousandth is all it can tell apart.
 */
function milliQuantity(value: number): string {
  const milli = Math.round(value * 1000);
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}
