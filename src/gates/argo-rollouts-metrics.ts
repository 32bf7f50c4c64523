/**
 * What Argo Rollouts' controller exports about a Rollout (controller/metrics/prommetrics.go
 * `MetricRolloutInfo`: `rollout_info{namespace, name, strategy, traffic_router, phase} 1`), where
 * `phase` is `Abort` once the Rollout was aborted (controller/metrics/rollouts.go `calculatePhase`,
 * from the Progressing condition's `RolloutAborted` reason).
 */
import { rolloutName } from '../names.js';
import type { ResolvedPolicy } from '../resolve/policy.js';
import { eq, selector, type Selector } from './promql.js';

export const ROLLOUT_INFO = 'rollout_info';
export const ROLLOUT_INFO_LABELS: ReadonlySet<string> = new Set(['namespace', 'name', 'strategy', 'traffic_router', 'phase']);
export const PHASE_ABORT = 'Abort';

/** Present (1) while this policy's Rollout is aborted; absent otherwise, or where the controller is not scraped. */
export function rolloutAborted(policy: ResolvedPolicy): Selector {
  return selector(ROLLOUT_INFO, [eq('namespace', policy.namespace), eq('name', rolloutName(policy)), eq('phase', PHASE_ABORT)]);
}
