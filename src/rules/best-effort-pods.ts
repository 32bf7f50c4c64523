/**
 * Pods that request neither cpu nor memory are BestEffort: Kubernetes reserves nothing for them
 * when it schedules, and evicts them first under node pressure. Only cpu and memory count towards
 * a pod's QoS class, a GPU limit does not (kubernetes pkg/apis/core/v1/helper/qos/qos.go,
 * `supportedQoSComputeResources`, `ComputePodQOS`). The requests come from `model.resources` or
 * the platform profile's `defaultResources`.
 */
import type { Rule } from './rule.js';

export const bestEffortPods: Rule = {
  id: 'best-effort-pods',
  description: 'Pods request cpu or memory (model.resources or the profile defaultResources); without either they run BestEffort, first evicted and scheduled with no room reserved.',
  severity: 'warning',
  check({ policy, report }) {
    const { cpu, memory } = policy.model.resources;
    if (cpu !== null || memory !== null) return;
    report({
      path: ['spec', 'model', 'resources'],
      message: `the ${policy.model.replicas} TF Serving pods request no cpu and no memory, so they run BestEffort: the scheduler reserves nothing for the model and the kubelet evicts them first when a node runs short`,
      hint: 'set model.resources (cpu, memory), or defaultResources in the platform profile (modelgate.config.yaml) for every policy',
    });
  },
};
