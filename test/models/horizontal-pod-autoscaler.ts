/**
 * A model of the Kubernetes HorizontalPodAutoscaler on CPU utilization and per-pod (`Pods`)
 * metrics, for the tests of an autoscaled Rollout. Upstream (kubernetes/kubernetes
 * pkg/controller/podautoscaler):
 * - horizontal.go reconcileAutoscaler reads the target's `/scale`: the current count is
 *   `scale.Spec.Replicas` (for a Rollout, its spec.replicas), and the pods are those matched by
 *   `scale.Status.Selector` (a Rollout publishes its own selector, so stable and canary pods
 *   alike);
 * - replica_calculator.go GetResourceReplicas: utilization = usage / requests summed over the
 *   ready pods, usageRatio = utilization / target; within the tolerance (0.1 by default,
 *   --horizontal-pod-autoscaler-tolerance) the count is kept, otherwise it becomes
 *   ceil(usageRatio × ready pods);
 * - horizontal.go computeStatusForPodsMetric → replica_calculator.go GetMetricReplicas /
 *   calcPlainMetricReplicas: the adapter's value for each pod (custom.metrics.k8s.io, by the
 *   metric's name and selector), averaged in thousandths with integer division
 *   (metrics/utilization.go GetMetricUsageRatio: metricsTotal / len(metrics)), usageRatio =
 *   average / AverageValue.MilliValue(), then the same tolerance and ceil(usageRatio × ready pods);
 * - horizontal.go computeReplicasForMetrics keeps the largest count any metric proposes, and a
 *   metric it cannot read (FailedGetPodsMetric) proposes none;
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
  /**
   * What the cluster's metrics adapter serves per pod, by metric name and selector
   * (`name{k=v,…}`, as metricKey writes it): the total over the model's pods, spread evenly.
   * Requests per second: every request lands on one pod, so the pods' rates add up to the traffic.
   */
  podMetrics?: Record<string, number>;
}

/** How a load names an adapter metric: its name, and its selector's labels when it has some. */
export function metricKey(name: string, matchLabels: Record<string, string> = {}): string {
  const labels = Object.entries(matchLabels).sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, value]) => `${key}=${value}`);
  return labels.length === 0 ? name : `${name}{${labels.join(',')}}`;
}

/** The count the HPA writes to the target's spec.replicas after one reconcile. */
export function hpaDesiredReplicas(hpa: Json, specReplicas: number, readyPods: number, load: Load): number {
  const proposals = (hpa.spec.metrics as Json[]).map((metric) => proposal(metric, specReplicas, readyPods, load));
  const readable = proposals.filter((count): count is number => count !== null);
  if (readable.length === 0) throw new Error('the HPA can read none of its metrics: it never scales');
  return Math.min(hpa.spec.maxReplicas, Math.max(hpa.spec.minReplicas ?? 1, ...readable));
}

/** One metric's count, or null when the metrics APIs serve nothing under its name. */
function proposal(metric: Json, specReplicas: number, readyPods: number, load: Load): number | null {
  if (metric.type === 'Resource' && metric.resource.name === 'cpu') {
    const utilizationPercent = (100 * load.cpuUsedCores) / (readyPods * load.cpuRequestCores);
    return countFor(utilizationPercent / metric.resource.target.averageUtilization, specReplicas, readyPods);
  }
  if (metric.type === 'Pods' && metric.pods.target.type === 'AverageValue') {
    const total = load.podMetrics?.[metricKey(metric.pods.metric.name, metric.pods.metric.selector?.matchLabels)];
    if (total === undefined) return null;
    const averageMilli = Math.floor(Math.round(total * 1000) / readyPods);
    return countFor(averageMilli / milliValue(metric.pods.target.averageValue), specReplicas, readyPods);
  }
  throw new Error(`the model knows no ${metric.type} metric`);
}

function countFor(usageRatio: number, specReplicas: number, readyPods: number): number {
  return Math.abs(1 - usageRatio) <= TOLERANCE ? specReplicas : Math.ceil(usageRatio * readyPods);
}

/** resource.Quantity MilliValue() of the plain decimal forms (`40`, `12.5`, `12500m`). */
function milliValue(quantity: string | number): number {
  const match = /^([0-9]+(?:\.[0-9]+)?)(m?)$/.exec(String(quantity));
  if (!match) throw new Error(`the model reads no quantity ${JSON.stringify(quantity)}`);
  return match[2] === 'm' ? Number(match[1]) : Math.round(Number(match[1]) * 1000);
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
