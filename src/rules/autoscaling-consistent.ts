/**
 * With `model.autoscaling` the HorizontalPodAutoscaler owns the replica count: it writes the
 * Rollout's `spec.replicas` through `/scale`, so a `model.replicas` beside it would be a second
 * owner that every sync puts back. The HPA also needs a range it can move in and something to
 * measure (an HPA without metrics is defaulted to 80% CPU, kubernetes pkg/apis/autoscaling/v2
 * defaults.go SetDefaults_HorizontalPodAutoscaler: a target the policy never asked for), and
 * CPU utilization is measured against each pod's CPU request: without one the HPA reports
 * FailedGetResourceMetric and never scales.
 */
import { podMetricTargets } from '../resolve/pod-metric-targets.js';
import type { Rule } from './rule.js';

export const autoscalingConsistent: Rule = {
  id: 'autoscaling-consistent',
  description: 'model.autoscaling owns the replica count: no model.replicas beside it, minReplicas ≤ maxReplicas, a target (cpu, rpsPerPod or inFlightPerPod), and for cpu a CPU request to measure utilization against.',
  severity: 'error',
  check({ source, policy, report }) {
    const autoscaling = policy.model.autoscaling;
    if (!autoscaling) return;
    const written = (source.data as { spec?: { model?: { replicas?: unknown } } }).spec?.model?.replicas;
    if (written !== undefined) {
      report({
        path: ['spec', 'model', 'replicas'],
        message: `model.replicas (${String(written)}) fights the HorizontalPodAutoscaler, which owns the replica count (${autoscaling.minReplicas}–${autoscaling.maxReplicas})`,
        hint: 'remove model.replicas; set model.autoscaling.minReplicas to the fewest pods you want',
      });
    }
    if (autoscaling.minReplicas > autoscaling.maxReplicas) {
      report({
        path: ['spec', 'model', 'autoscaling', 'minReplicas'],
        message: `model.autoscaling.minReplicas (${autoscaling.minReplicas}) is above maxReplicas (${autoscaling.maxReplicas})`,
        hint: 'make minReplicas at most maxReplicas',
      });
    }
    if (autoscaling.cpuUtilizationPercent === null && podMetricTargets(policy).length === 0) {
      report({
        path: ['spec', 'model', 'autoscaling'],
        message: 'model.autoscaling names nothing to scale on',
        hint: 'add cpu: 70% (a share of each pod\'s CPU request), rpsPerPod: <requests per second one pod serves well> or inFlightPerPod: <requests one pod serves well at once>',
      });
    }
    if (autoscaling.cpuUtilizationPercent !== null && policy.model.resources.cpu === null) {
      report({
        path: ['spec', 'model', 'autoscaling', 'cpu'],
        message: 'the HorizontalPodAutoscaler measures CPU use as a share of each pod\'s CPU request, and the pods ask for none',
        hint: 'set model.resources.cpu (or defaultResources.cpu in the platform profile)',
      });
    }
  },
};
