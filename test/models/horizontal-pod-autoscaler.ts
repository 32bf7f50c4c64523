/**
 * A model of the Kubernetes HorizontalPodAutoscaler on one CPU-utilization metric, for the tests
 * of an autoscaled Rollout. Upstream (kubernetes/kubernetes pkg/controller/podautoscaler):
 * - horizontal.go reconcileAutoscaler reads the target's `/scale`: the current count is
 *   `scale.Spec.Replicas` (for a Rollout, its spec.replicas), and the pods are those matched by
 *   `scale.Status.Selector` (a Rollout publishes its own selector, so stable and canary pods
 *   alike);
 * - replica_calculator.go GetResourceReplicas: utilization = usage / requests summed over the
 *   ready pods, usageRatio = utilization / target; within the tolerance (0.1 by default,
 *   --horizontal-pod-autoscaler-tolerance) the count is kept, otherwise it becomes
 *   ceil(usageRatio × ready pods);
 * - normalizeDesiredReplicas clamps it to [minReplicas, maxReplicas].
 * Left out: the scale-down stabilization window and scaling policies (`behavior`; modelgate sets
 * none, so the defaults apply: they slow a change down, they do not change where it settles),
 * unready pods and missing metrics.
 */
type Json = Record<string, any>;

const TOLERANCE = 0.1;

export interface Load {
  /** CPU the model's pods use together, in cores, spread evenly over the ready pods. */
  cpuUsedCores: number;
  /** Each pod's CPU request, in cores. */
  cpuRequestCores: number;
}

/** The count the HPA writes to the target's spec.replicas after one reconcile. */
export function hpaDesiredReplicas(hpa: Json, specReplicas: number, readyPods: number, load: Load): number {
  const metric = (hpa.spec.metrics as Json[]).find((entry) => entry.type === 'Resource' && entry.resource.name === 'cpu')!;
  const targetPercent: number = metric.resource.target.averageUtilization;
  const utilizationPercent = (100 * load.cpuUsedCores) / (readyPods * load.cpuRequestCores);
  const usageRatio = utilizationPercent / targetPercent;
  const proposed = Math.abs(1 - usageRatio) <= TOLERANCE ? specReplicas : Math.ceil(usageRatio * readyPods);
  return Math.min(hpa.spec.maxReplicas, Math.max(hpa.spec.minReplicas ?? 1, proposed));
}

/**
 * Where the HPA settles while the controller that owns the pods turns spec.replicas into
 * `podsFor(spec)` ready pods: reconcile until the count stops moving.
 */
export function hpaSettledReplicas(hpa: Json, startReplicas: number, podsFor: (specReplicas: number) => number, load: Load): number {
  let spec = startReplicas;
  for (let round = 0; round < 100; round++) {
    const next = hpaDesiredReplicas(hpa, spec, podsFor(spec), load);
    if (next === spec) return spec;
    spec = next;
  }
  throw new Error('the HPA never settles: the model loops');
}
