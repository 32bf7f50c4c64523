/**
 * The Argo Rollouts canary steps a policy asks for, in order: warm-up pause, shadow (mirror),
 * named cohorts, then the canary steps (by weight, or by sticky user-id buckets).
 *
 * The soak (`canary.soak`) is a pause after the last step, at 100%: the Rollout is not complete
 * until every step is done, so the background AnalysisRun keeps measuring through it (Argo
 * creates and keeps one until the Rollout is fully promoted: rollout/analysis.go
 * reconcileBackgroundAnalysisRun, `IsFullyPromoted`), and a failure aborts it. The stable
 * ReplicaSet is still fully scaled then (targets/argo-rollouts.ts sets `dynamicStableScale: false`;
 * utils/replicaset/canary.go CalculateReplicaCountsForTrafficRoutedCanary), so the abort moves
 * traffic back onto running pods.
 *
 * With Istio traffic routing Argo scales the canary ReplicaSet to the traffic weight, which is 0
 * until the first `setWeight`; every phase that sends the candidate traffic before that (mirror,
 * header routes) first sizes it with `setCanaryScale`.
 */
import { cohortRouteName, ROUTE_MIRROR, ROUTE_STICKY } from '../names.js';
import type { Cohort, ResolvedPolicy } from '../resolve/policy.js';
import { formatDuration } from '../resolve/units.js';
import { candidateIdRegex } from './sticky.js';

export type CanaryStep = Record<string, unknown>;

/** Mirror every request: Argo needs a match to create the mirror route, and `/` prefixes all paths. */
const MATCH_ALL = [{ path: { prefix: '/' } }];

export function canarySteps(policy: ResolvedPolicy): CanaryStep[] {
  if (policy.versions.candidate === null) return [];
  const steps: CanaryStep[] = [];
  let scaleWeight: number | null = null;
  const scaleTo = (weight: number): void => {
    if (weight !== scaleWeight) steps.push({ setCanaryScale: { weight } });
    scaleWeight = weight;
  };
  const firstWeight = policy.canary.steps[0]?.weightPercent ?? 100;
  const preTraffic = policy.model.warmup?.pauseSeconds ?? null;
  if (preTraffic !== null || policy.shadow !== null || policy.traffic.cohorts.length > 0 || policy.traffic.sticky !== null) {
    scaleTo(policy.shadow?.mirrorPercent ?? firstWeight);
  }
  if (preTraffic !== null) steps.push(pause(preTraffic));
  if (policy.shadow) {
    steps.push(
      { setMirrorRoute: { name: ROUTE_MIRROR, percentage: policy.shadow.mirrorPercent, match: MATCH_ALL } },
      pause(policy.shadow.durationSeconds),
      { setMirrorRoute: { name: ROUTE_MIRROR } },
    );
  }
  for (const cohort of policy.traffic.cohorts) steps.push(cohortRoute(cohort));
  const sticky = policy.traffic.sticky;
  for (const step of policy.canary.steps) {
    if (sticky && step.weightPercent < 100) {
      scaleTo(step.weightPercent);
      steps.push({ setHeaderRoute: { name: ROUTE_STICKY, match: [{ headerName: sticky.header, headerValue: { regex: candidateIdRegex(sticky.idAlphabet, step.weightPercent) } }] } });
    } else if (sticky) {
      // Size the canary for everyone before the primary route sends everyone to it.
      scaleTo(100);
      steps.push({ setWeight: step.weightPercent });
    } else {
      steps.push({ setWeight: step.weightPercent });
      // Hand replica sizing back to the traffic weight once there is one.
      if (scaleWeight !== null) steps.push({ setCanaryScale: { matchTrafficWeight: true } });
      scaleWeight = null;
    }
    if (step.manual) steps.push({ pause: {} });
    else if (step.holdSeconds !== null) steps.push(pause(step.holdSeconds));
  }
  if (policy.canary.soakSeconds !== null) steps.push(pause(policy.canary.soakSeconds));
  return steps;
}

/**
 * The step the background analysis starts at (the Rollout's `analysis.startingStep`): the mirror
 * step when there is a shadow phase, so the gates judge the mirrored requests and a failure aborts
 * before any user is served (src/analysis/analysis-metrics.ts); otherwise the first step that
 * sends users' requests to the candidate.
 */
export function analysisStartingStep(steps: readonly CanaryStep[]): number {
  const mirror = steps.findIndex((step) => 'setMirrorRoute' in step);
  return mirror === -1 ? firstUserTrafficStep(steps) : mirror;
}

/** Index of the first step that sends users' requests (not mirrors) to the candidate. */
function firstUserTrafficStep(steps: readonly CanaryStep[]): number {
  const index = steps.findIndex((step) => 'setWeight' in step || 'setHeaderRoute' in step);
  return index === -1 ? 0 : index;
}

/** Managed routes in precedence order: Argo inserts them above the primary route in this order. */
export function managedRoutes(policy: ResolvedPolicy): Array<{ name: string }> {
  if (policy.versions.candidate === null) return [];
  return [
    ...(policy.shadow ? [ROUTE_MIRROR] : []),
    ...policy.traffic.cohorts.map((cohort) => cohortRouteName(cohort.name)),
    ...(policy.traffic.sticky ? [ROUTE_STICKY] : []),
  ].map((name) => ({ name }));
}

function cohortRoute(cohort: Cohort): CanaryStep {
  return { setHeaderRoute: { name: cohortRouteName(cohort.name), match: [{ headerName: cohort.header, headerValue: { [cohort.match.kind]: cohort.match.value } }] } };
}

function pause(seconds: number): CanaryStep {
  return { pause: { duration: formatDuration(seconds) } };
}
