/**
 * `model.autoscaling.rpsPerPod` has the HorizontalPodAutoscaler read a per-pod request rate from
 * the custom metrics API, which only the cluster's metrics adapter (prometheus-adapter) serves,
 * under the name its rules give it. Without the profile naming that metric there is nothing to
 * put in the HPA, and a guessed name leaves the HPA reporting FailedGetPodsMetric: a metric it
 * cannot read proposes no count, and with no other target it never scales (kubernetes
 * pkg/controller/podautoscaler horizontal.go computeReplicasForMetrics), so the model would not
 * follow its traffic.
 */
import type { Rule } from './rule.js';

export const autoscalingRequestMetric: Rule = {
  id: 'autoscaling-request-metric',
  description: "model.autoscaling.rpsPerPod needs the platform profile to name the per-pod request-rate metric the cluster's metrics adapter serves (autoscaling.requestsPerSecond).",
  severity: 'error',
  check({ policy, report }) {
    const perPod = policy.model.autoscaling?.requestsPerSecondPerPod ?? null;
    if (perPod === null || policy.platform.autoscaling.requestsPerSecond) return;
    report({
      path: ['spec', 'model', 'autoscaling', 'rpsPerPod'],
      message: `model.autoscaling.rpsPerPod (${perPod}) scales on a per-pod request rate, and the platform profile names no metric the cluster's metrics adapter serves for it`,
      hint: `name it in modelgate.config.yaml: spec.autoscaling.requestsPerSecond: { metric: <the name your prometheus-adapter rule serves, e.g. tfserving_requests_per_second> }, or scale on cpu instead`,
    });
  },
};
