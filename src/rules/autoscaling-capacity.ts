/**
 * With `rpsPerPod` the HorizontalPodAutoscaler sizes the model for that many requests per second
 * per pod, but never beyond maxReplicas. When the traffic the policy expects is more than
 * maxReplicas × rpsPerPod, the HPA stops at maxReplicas and every pod serves more than the rate
 * the policy says one pod serves well: the range cannot carry the normal load.
 */
import type { Rule } from './rule.js';

export const autoscalingCapacity: Rule = {
  id: 'autoscaling-capacity',
  description: 'traffic.expectedRps fits in model.autoscaling: maxReplicas × rpsPerPod requests per second at least, or the HPA stops at maxReplicas with every pod over its target.',
  severity: 'warning',
  check({ policy, report }) {
    const autoscaling = policy.model.autoscaling;
    const expectedRps = policy.traffic.expectedRps;
    if (!autoscaling || autoscaling.requestsPerSecondPerPod === null || expectedRps === null) return;
    const capacityRps = autoscaling.maxReplicas * autoscaling.requestsPerSecondPerPod;
    if (expectedRps <= capacityRps) return;
    const needed = Math.ceil(expectedRps / autoscaling.requestsPerSecondPerPod);
    report({
      path: ['spec', 'model', 'autoscaling', 'maxReplicas'],
      message: `traffic.expectedRps (${expectedRps}) is more than maxReplicas (${autoscaling.maxReplicas}) × rpsPerPod (${autoscaling.requestsPerSecondPerPod}) = ${capacityRps} requests per second: the HPA stops at ${autoscaling.maxReplicas} pods, each serving about ${round(expectedRps / autoscaling.maxReplicas)}`,
      hint: `raise maxReplicas to ${needed} or more, or rpsPerPod if one pod serves more than that`,
    });
  },
};

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
