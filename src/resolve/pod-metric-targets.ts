/**
 * The per-pod targets `model.autoscaling` may set besides CPU, each paired with the profile's
 * entry for the metric the cluster's adapter serves for it: one list, so the HPA target and the
 * rule that refuses a target without its metric name each pairing once.
 */
import type { AdapterMetric } from './platform.js';
import type { ResolvedPolicy } from './policy.js';

export interface PodMetricTarget {
  /** The key under model.autoscaling. */
  policyField: 'rpsPerPod' | 'inFlightPerPod';
  /** The key under the profile's spec.autoscaling. */
  profileField: 'requestsPerSecond' | 'inFlightRequests';
  /** The target average per pod. */
  perPod: number;
  /** What the adapter serves for it; null: the profile names nothing. */
  adapter: AdapterMetric | null;
}

/** The policy's per-pod targets, in the order the HPA lists them. */
export function podMetricTargets(policy: ResolvedPolicy): PodMetricTarget[] {
  const autoscaling = policy.model.autoscaling;
  if (!autoscaling) return [];
  const adapters = policy.platform.autoscaling;
  const targets: PodMetricTarget[] = [];
  if (autoscaling.requestsPerSecondPerPod !== null) {
    targets.push({ policyField: 'rpsPerPod', profileField: 'requestsPerSecond', perPod: autoscaling.requestsPerSecondPerPod, adapter: adapters.requestsPerSecond });
  }
  if (autoscaling.inFlightRequestsPerPod !== null) {
    targets.push({ policyField: 'inFlightPerPod', profileField: 'inFlightRequests', perPod: autoscaling.inFlightRequestsPerPod, adapter: adapters.inFlightRequests });
  }
  return targets;
}
