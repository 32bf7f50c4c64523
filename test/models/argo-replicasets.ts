/**
 * A model of which ReplicaSets of a canary Rollout with traffic routing have pods, and until
 * when, for the tests of warm rollbacks and of config that outlives its pods. Time is in seconds.
 * Upstream (argoproj/argo-rollouts):
 * - a Rollout spec reuses the ReplicaSet whose pod template it equals, else creates one
 *   (utils/replicaset/replicaset.go FindNewReplicaSet, by pod-template hash) and gives the reused
 *   one the next revision (rollout/sync.go syncReplicaSetRevision);
 * - the stable ReplicaSet stays fully scaled through the canary steps without
 *   dynamicStableScale (utils/replicaset/canary.go CalculateReplicaCountsForTrafficRoutedCanary);
 * - a template equal to the stable ReplicaSet's is "Rollback to stable ReplicaSets": the steps
 *   are skipped and the Rollout is fully promoted at once (rollout/canary.go
 *   syncRolloutStatusCanary); a Rollout with no steps scales its new ReplicaSet to
 *   spec.replicas and promotes it as soon as it is available (shouldFullPromote);
 * - removeScaleDownDeadlines (rollout/replicaset.go) lifts the deadline of the new and stable
 *   ReplicaSets: a ReplicaSet taken back within its window keeps its pods;
 * - scaleDownOldReplicaSetsForCanary (rollout/canary.go) walks the other ReplicaSets newest
 *   revision first. Once fully promoted, or for one that already has a `scale-down-deadline`,
 *   scaleDownDelayHelper (rollout/replicaset.go) keeps it at its size until now +
 *   scaleDownDelaySeconds, for at most scaleDownDelayRevisionLimit of them (bluegreen.go
 *   GetScaleDownRevisionLimit, unlimited when unset); the rest go to 0. Mid-update, an
 *   intermediate ReplicaSet without a deadline is scaled to 0 at once.
 * - an aborted update (status.abort: a failed analysis, `kubectl argo rollouts abort`) keeps the
 *   canary ReplicaSet up and gives it a `scale-down-deadline` of now + abortScaleDownDelaySeconds
 *   once the stable ReplicaSet is fully available (rollout/replicaset.go reconcileNewReplicaSet,
 *   shouldDelayScaleDownOnAbort); from then on it is an old ReplicaSet with a deadline as above
 *   (the stable one, fully scaled throughout without dynamicStableScale, is available at once
 *   here).
 * - a Rollout whose steps are gone (a `promote`, `rollback` or `abort` edit leaves none) or
 *   completed is fully promoted only once its new ReplicaSet has spec.replicas available pods
 *   (rollout/sync.go shouldFullPromote); until then the canary is sized to spec.replicas and the
 *   old ReplicaSets keep the places they had mid-update. `availableAfter` is how long a scaled-up
 *   ReplicaSet's pods take to become available (0: at once); the stable ReplicaSet, fully scaled
 *   throughout, is available already, so going back to it is immediate.
 * Left out: availability waits of a canary's step sizes, and isReplicaSetReferenced, which only
 * delays a scale-down while a Service still selects it.
 */
type Json = Record<string, any>;

export interface ReplicaSet {
  /** The pod template, canonical JSON: Argo's pod-template hash stands for it. */
  template: string;
  version: string;
  /** ConfigMap the pods mount. */
  configMap: string;
  revision: number;
  replicas: number;
  /** `scale-down-deadline`, or null. */
  deadline: number | null;
}

export class RolloutReplicaSets {
  readonly sets: ReplicaSet[] = [];
  private stable: ReplicaSet | null = null;
  private current: ReplicaSet | null = null;
  private rollout: Json | null = null;
  /** When the current ReplicaSet, sized for a full promotion, has its pods available. */
  private promotionDue: number | null = null;

  /**
   * @param autoscaledReplicas spec.replicas as a HorizontalPodAutoscaler holds it, for a Rollout
   * that leaves the count to one; otherwise the Rollout's own, 1 when unset (GetReplicasOrDefault).
   * @param availableAfter seconds a ReplicaSet scaled up for a full promotion takes to have its
   * pods available (TF Serving loading the model).
   */
  constructor(
    private readonly autoscaledReplicas: number | null = null,
    private readonly availableAfter = 0,
  ) {}

  /** A new Rollout spec reaches the controller at `now`. */
  apply(rollout: Json, now: number): void {
    this.advance(now);
    this.rollout = rollout;
    const template = canonical(rollout.spec.template);
    const revision = Math.max(0, ...this.sets.map((set) => set.revision)) + 1;
    let next = this.sets.find((set) => set.template === template);
    if (next) next.revision = revision;
    else {
      const spec = rollout.spec.template.spec;
      next = { template, version: rollout.spec.template.metadata.labels.version, configMap: spec.volumes[0].configMap.name, revision, replicas: 0, deadline: null };
      this.sets.push(next);
    }
    const steps: Json[] = rollout.spec.strategy.canary.steps ?? [];
    if (next !== this.current || steps.length > 0) this.promotionDue = null;
    this.current = next;
    next.deadline = null;
    if (this.stable === null || next === this.stable) this.promote(now);
    else {
      this.scaleDownOld(now, false);
      if (steps.length === 0 && this.promotionDue === null) {
        next.replicas = this.fullSize();
        this.promotionDue = now + this.availableAfter;
        this.advance(now);
      }
    }
  }

  /** Whether the current ReplicaSet waits for its pods to become available before its full promotion. */
  promotionPending(now: number): boolean {
    this.advance(now);
    return this.promotionDue !== null;
  }

  /** The canary ReplicaSet's size while steps run (Argo sizes it from the step's weight). */
  scaleCanary(replicas: number, now: number): void {
    this.advance(now);
    if (this.current && this.current !== this.stable) this.current.replicas = replicas;
  }

  /** Argo aborts the update: the canary ReplicaSet stays up until abortScaleDownDelaySeconds. */
  abort(now: number): void {
    this.advance(now);
    const canary = this.current;
    if (!canary || canary === this.stable) return;
    this.promotionDue = null;
    const delay: number = this.rollout!.spec.strategy.canary.abortScaleDownDelaySeconds ?? 30;
    if (canary.deadline === null) canary.deadline = now + delay;
    this.current = null;
  }

  /** Every step done (or a full promotion): the current ReplicaSet becomes stable. */
  promote(now: number): void {
    this.advance(now);
    const next = this.current!;
    this.promotionDue = null;
    next.replicas = this.fullSize();
    next.deadline = null;
    this.stable = next;
    this.scaleDownOld(now, true);
  }

  /** ReplicaSets with pods at `now`. */
  running(now: number): ReplicaSet[] {
    this.advance(now);
    return this.sets.filter((set) => set.replicas > 0);
  }

  stableSet(): ReplicaSet | null {
    return this.stable;
  }

  /** The ReplicaSet with pods serving `version`, if any, at `now`. */
  warm(version: string, now: number): ReplicaSet | undefined {
    return this.running(now).find((set) => set.version === version);
  }

  private fullSize(): number {
    return this.rollout!.spec.replicas ?? this.autoscaledReplicas ?? 1;
  }

  private advance(now: number): void {
    const due = this.promotionDue;
    if (due !== null && due <= now) {
      this.promotionDue = null;
      this.expire(due);
      this.promote(due);
    }
    this.expire(now);
  }

  private expire(now: number): void {
    for (const set of this.sets) if (set.deadline !== null && set.deadline <= now && set !== this.stable && set !== this.current) set.replicas = 0;
  }

  private scaleDownOld(now: number, fullyPromoted: boolean): void {
    const canary = this.rollout!.spec.strategy.canary;
    const delay: number = canary.scaleDownDelaySeconds ?? 30;
    const limit: number = canary.scaleDownDelayRevisionLimit ?? Number.MAX_SAFE_INTEGER;
    const old = this.sets.filter((set) => set !== this.stable && set !== this.current && set.replicas > 0).sort((a, b) => b.revision - a.revision);
    let annotated = 0;
    for (const set of old) {
      if (!fullyPromoted && set.deadline === null) {
        set.replicas = 0;
      } else if (set.deadline === null) {
        if (annotated < limit) {
          annotated++;
          set.deadline = now + delay;
        } else set.replicas = 0;
      } else {
        annotated++;
        if (annotated > limit || set.deadline <= now) set.replicas = 0;
      }
    }
  }
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner) =>
    inner && typeof inner === 'object' && !Array.isArray(inner) ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : 1))) : inner,
  );
}
