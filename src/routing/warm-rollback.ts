/**
 * Whether a rollback finds its version's pods already running (warm) or starts them (cold).
 *
 * One version per pod: a rollback moves traffic onto the pods of the target's ReplicaSet, and is
 * warm only while that ReplicaSet still has pods. Argo Rollouts (argoproj/argo-rollouts):
 * - during a release the stable ReplicaSet stays fully scaled (no dynamicStableScale), and a
 *   Rollout whose template is the stable one again is "Rollback to stable ReplicaSets", promoted
 *   at once (rollout/canary.go syncRolloutStatusCanary);
 * - after a promotion the replaced stable ReplicaSet keeps its pods for scaleDownDelaySeconds
 *   (rollout/replicaset.go scaleDownDelayHelper), for at most scaleDownDelayRevisionLimit old
 *   ReplicaSets, newest first (rollout/canary.go scaleDownOldReplicaSetsForCanary);
 * - a template equal to one of those ReplicaSets' reuses it (utils/replicaset/replicaset.go
 *   FindNewReplicaSet) and lifts its deadline (removeScaleDownDeadlines). `rollback` leaves the
 *   policy with no candidate, so no steps: Argo scales that ReplicaSet to full and promotes it.
 * So the version that was stable before the current one (`previous[0]`: promote and rollback
 * put the outgoing stable there) is warm for scaleDownDelay after the current stable took over,
 * unless a newer old ReplicaSet took the one slot first. That is a withdrawn candidate's: after
 * Argo aborts candidate W (status.abort, which git does not see) its ReplicaSet keeps its pods
 * with a scale-down deadline for abortScaleDownDelaySeconds (rollout/replicaset.go
 * reconcileNewReplicaSet); if its owners replace W with a fix at once (no `abort` edit, so the
 * stable's template is never applied again and keeps its older revision) and the fix is promoted
 * inside that delay, scaleDownDelayHelper counts W's deadline first and scales the outgoing
 * stable to 0. The same happens with no abort when W comes after the current stable's promotion
 * and a `rollback` edit to the stable withdraws it: the stable is fully promoted again, and W's
 * ReplicaSet, newer than previous[0]'s, is given the slot (and a deadline) first. Whether Argo
 * aborted W, and when, is not in git; that W was withdrawn is: the
 * output carries W's template ConfigMap while its ReplicaSet may run
 * (targets/tfserving-template-config.ts `withdrawnVersions`). So a rollback to `previous[0]` is
 * called warm only when no withdrawn candidate newer than it is carried; otherwise it may start
 * cold. A withdrawn version numbered below the target is taken to have left before the target
 * last served: a candidate numbered below its stable draws the `versions-distinct` warning.
 * Any other version starts cold. The template must also be byte for byte what it ran with:
 * modelgate compiles a version's template from the version and the model settings only, so it
 * is, unless the image, resources, model path or latency gate changed since.
 */
import type { ResolvedPolicy } from '../resolve/policy.js';

/** Old ReplicaSets Argo keeps up after a promotion: the previous stable's alone. */
export const WARM_REPLICASETS = 1;

export type RollbackReadiness =
  /** The target serves already, with no candidate: there is nothing to roll back. */
  | { state: 'serving'; version: number }
  /** The stable ReplicaSet's pods, running throughout the release. */
  | { state: 'stable-pods'; version: number; pods: number }
  /** The previous stable's pods, up until `windowSeconds` after `stable` took over. */
  | { state: 'warm-window'; version: number; pods: number; stable: number; windowSeconds: number }
  /**
   * Warm, unless the ReplicaSet of a `withdrawn` candidate (newest first), newer than the
   * target's, still had pods when `stable` took over and so took the one warm slot.
   */
  | { state: 'maybe-cold'; version: number; pods: number; stable: number; windowSeconds: number; withdrawn: number[] }
  | { state: 'cold'; version: number; pods: number };

/**
 * @param withdrawn versions of withdrawn candidates whose ReplicaSet may still run: the template
 * ConfigMaps the policy's output carries (`withdrawnVersions`).
 */
export function rollbackReadiness(policy: ResolvedPolicy, withdrawn: readonly number[], target: number = policy.rollback.toVersion): RollbackReadiness {
  const { stable, candidate, previous } = policy.versions;
  const pods = policy.model.replicas;
  if (target === stable) return candidate === null ? { state: 'serving', version: target } : { state: 'stable-pods', version: target, pods };
  const windowSeconds = policy.canary.scaleDownDelaySeconds;
  if (previous.indexOf(target) >= 0 && previous.indexOf(target) < WARM_REPLICASETS && windowSeconds > 0) {
    const newer = withdrawn.filter((version) => version > target).sort((a, b) => b - a);
    if (newer.length > 0) return { state: 'maybe-cold', version: target, pods, stable, windowSeconds, withdrawn: newer };
    return { state: 'warm-window', version: target, pods, stable, windowSeconds };
  }
  return { state: 'cold', version: target, pods };
}
