/**
 * `model.autoscaling.rpsPerPod` and `inFlightPerPod` have the HorizontalPodAutoscaler read a
 * per-pod metric from the custom metrics API, which only the cluster's metrics adapter
 * (prometheus-adapter) serves, under the name its rules give it. Without the profile naming that
 * metric there is nothing to put in the HPA, and a guessed name leaves the HPA reporting
 * FailedGetPodsMetric: a metric it cannot read proposes no count, and with no other target it
 * never scales (kubernetes pkg/controller/podautoscaler horizontal.go computeReplicasForMetrics),
 * so the model would not follow its traffic.
 */
import { podMetricTargets, type PodMetricTarget } from '../resolve/pod-metric-targets.js';
import type { Rule } from './rule.js';

const WHAT: Record<PodMetricTarget['policyField'], { measure: string; example: string }> = {
  rpsPerPod: { measure: 'a per-pod request rate', example: 'tfserving_requests_per_second' },
  inFlightPerPod: { measure: 'the requests each pod serves at once', example: 'tfserving_requests_in_flight' },
};

export const autoscalingRequestMetric: Rule = {
  id: 'autoscaling-request-metric',
  description: "model.autoscaling.rpsPerPod and inFlightPerPod need the platform profile to name the per-pod metric the cluster's metrics adapter serves for each (autoscaling.requestsPerSecond, autoscaling.inFlightRequests).",
  severity: 'error',
  check({ policy, report }) {
    for (const { policyField, profileField, perPod, adapter } of podMetricTargets(policy)) {
      if (adapter) continue;
      const { measure, example } = WHAT[policyField];
      report({
        path: ['spec', 'model', 'autoscaling', policyField],
        message: `model.autoscaling.${policyField} (${perPod}) scales on ${measure}, and the platform profile names no metric the cluster's metrics adapter serves for it`,
        hint: `name it in modelgate.config.yaml: spec.autoscaling.${profileField}: { metric: <the name your prometheus-adapter rule serves, e.g. ${example}> }, or scale on cpu instead`,
      });
    }
  },
};
