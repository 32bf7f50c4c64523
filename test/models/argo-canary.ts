/**
 * A model of what Argo Rollouts does to the cluster at each canary step of a Rollout that uses
 * Istio host-level routing, for the routing tests. Each snapshot is the VirtualService as the
 * controller has rewritten it, the Services' selectors as it has pinned them, and the pods.
 * Upstream (argoproj/argo-rollouts):
 * - setWeight: rollout/trafficrouting/istio/istio.go processRoutes patches the weights of the
 *   routes the Rollout names (only those), matching destinations by host: http routes by name,
 *   tcp routes by port (getTcpRouteIndexesToPatch, `virtualService.tcpRoutes`);
 * - setHeaderRoute: createHeaderRoute adds `{name, match, route: [canary host, weight 100]}` and
 *   nothing else (no timeout, no retries); without `match` the route is removed;
 * - setMirrorRoute: createMirrorRoute adds `{name, match, route: <copy of the primary route's
 *   destinations>, mirror: canary host, mirrorPercentage}`, again without timeout or retries;
 * - orderRoutes puts the managed routes, in `managedRoutes` order, above every other route;
 * - replicas: utils/replicaset/canary.go CalculateReplicaCountsForTrafficRoutedCanary: canary
 *   = setCanaryScale's weight or the traffic weight, ceil(weight × spec.replicas / 100)
 *   (trafficWeightToReplicas); stable stays fully scaled (all spec.replicas) without
 *   dynamicStableScale. spec.replicas is the Rollout's, 1 when unset
 *   (utils/defaults GetReplicasOrDefault), or what a HorizontalPodAutoscaler wrote through
 *   `/scale` (docs/features/hpa-support.md): the caller's `specReplicas`;
 * - Services: rollout/service.go reconcileStableAndCanaryService pins stableService to the
 *   stable ReplicaSet and canaryService to the new one (rollouts-pod-template-hash);
 * - at the end the new ReplicaSet becomes stable: both Services point at it, weights return to
 *   stable 100, managed routes are removed;
 * - an abort (a failed background analysis, at any step, the soak's pause included):
 *   rollout/trafficrouting.go reconcileTrafficRouting sets the canary weight to 0 (without
 *   dynamicStableScale, calculateDesiredWeightOnAbortOrStableRollback), points the canary Service
 *   at the stable ReplicaSet and removes the managed routes; the stable ReplicaSet was never
 *   scaled down, and the canary's pods stay until abortScaleDownDelaySeconds (replicaset.go).
 */
import type { Pod } from './istio-routing.js';

type Json = Record<string, any>;

const HASH = 'rollouts-pod-template-hash';
const STABLE_HASH = 'stable-rs';
const CANARY_HASH = 'canary-rs';

export interface Snapshot {
  /** Index of the Rollout step just executed; -1 before the first, `steps.length` once promoted. */
  stepIndex: number;
  step: Json | null;
  virtualService: Json;
  /** Service name → selector, as Argo has pinned it. */
  services: Map<string, Record<string, string>>;
  pods: Pod[];
  /** The Rollout's spec.replicas during the step. */
  specReplicas: number;
  /** The Rollout was aborted after this step; no promotion follows. */
  aborted?: true;
}

export interface ReplayOptions {
  /**
   * spec.replicas while the canary is sized at `canaryPercent` of it (0 once promoted) and a
   * mirror route copies `mirroredPercent` of the requests to it, for a Rollout whose count an
   * autoscaler owns; default: the Rollout's own spec.replicas.
   */
  specReplicas?: (canaryPercent: number, mirroredPercent: number) => number;
  /** Abort right after the step with this index (its snapshot, then the abort's, then none). */
  abortAfterStep?: number;
}

/** Canary pods for a share of spec.replicas, rounded up (trafficWeightToReplicas). */
export function canaryPods(specReplicas: number, percent: number): number {
  return Math.ceil((percent * specReplicas) / 100);
}

/**
 * Replay a Rollout update from stable (pods labelled `stableVersion`) to the Rollout's template,
 * snapshotting after every step and after promotion.
 */
export function replayCanary(rollout: Json, virtualService: Json, serviceObjects: Json[], stableVersion: string, options: ReplayOptions = {}): Snapshot[] {
  const canary = rollout.spec.strategy.canary;
  const replicasAt = options.specReplicas ?? ((): number => rollout.spec.replicas ?? 1);
  const templateLabels: Record<string, string> = rollout.spec.template.metadata.labels;
  const stableLabels = { ...templateLabels, version: stableVersion, 'app.kubernetes.io/version': stableVersion };
  const vs: Json = structuredClone(virtualService);
  const primaryNames: string[] = canary.trafficRouting.istio.virtualService.routes;
  const managed: string[] = (canary.trafficRouting.managedRoutes ?? []).map((route: Json) => route.name);
  const selectors = new Map<string, Record<string, string>>(serviceObjects.map((service) => [service.metadata.name, service.spec.selector]));
  let weight = 0;
  let canaryScale: number | null = null;

  const pin = (service: string, hash: string) => selectors.set(service, { ...selectors.get(service)!, [HASH]: hash });
  pin(canary.stableService, STABLE_HASH);
  pin(canary.canaryService, CANARY_HASH);

  const tcpPorts: number[] = (canary.trafficRouting.istio.virtualService.tcpRoutes ?? []).map((route: Json) => route.port);
  const setWeights = (canaryWeight: number) => {
    const named = (vs.spec.http as Json[]).filter((route) => primaryNames.includes(route.name));
    const byPort = ((vs.spec.tcp ?? []) as Json[]).filter((route) => (route.match ?? []).some((match: Json) => tcpPorts.includes(match.port)));
    for (const route of [...named, ...byPort]) {
      for (const entry of route.route as Json[]) {
        const host = String(entry.destination.host).split('.')[0];
        entry.weight = host === canary.canaryService ? canaryWeight : host === canary.stableService ? 100 - canaryWeight : 0;
      }
    }
  };
  const removeRoute = (name: string) => {
    vs.spec.http = (vs.spec.http as Json[]).filter((route) => route.name !== name);
  };
  const orderRoutes = () => {
    const routes = vs.spec.http as Json[];
    const ours = managed.flatMap((name) => routes.filter((route) => route.name === name));
    vs.spec.http = [...ours, ...routes.filter((route) => !managed.includes(route.name))];
  };
  const pods = (replicas: number): Pod[] => [
    ...Array.from({ length: replicas }, () => ({ labels: { ...stableLabels, [HASH]: STABLE_HASH } })),
    ...Array.from({ length: canaryPods(replicas, canaryScale ?? weight) }, () => ({ labels: { ...templateLabels, [HASH]: CANARY_HASH } })),
  ];
  // Istio mirrors a request only on the route it matched; Argo puts its mirror route first (orderRoutes).
  const mirroredPercent = (): number => {
    const mirror = (vs.spec.http as Json[]).find((route) => route.mirror);
    return mirror ? (mirror.mirrorPercentage?.value ?? 100) : 0;
  };
  const snapshot = (stepIndex: number, step: Json | null): Snapshot => {
    const specReplicas = replicasAt(canaryScale ?? weight, mirroredPercent());
    return { stepIndex, step, virtualService: structuredClone(vs), services: new Map(selectors), pods: pods(specReplicas), specReplicas };
  };

  const snapshots: Snapshot[] = [snapshot(-1, null)];
  const steps: Json[] = canary.steps ?? [];
  steps.forEach((step, index) => {
    if (step.setWeight !== undefined) {
      weight = step.setWeight;
      setWeights(weight);
    } else if (step.setCanaryScale) {
      canaryScale = step.setCanaryScale.matchTrafficWeight ? null : step.setCanaryScale.weight;
    } else if (step.setHeaderRoute) {
      const { name, match } = step.setHeaderRoute;
      removeRoute(name);
      if (match) {
        const matches = (match as Json[]).map((entry) => ({ headers: { [entry.headerName]: entry.headerValue } }));
        (vs.spec.http as Json[]).push({ name, match: matches, route: [{ destination: { host: canary.canaryService }, weight: 100 }] });
      }
      orderRoutes();
    } else if (step.setMirrorRoute) {
      const { name, match, percentage } = step.setMirrorRoute;
      removeRoute(name);
      if (match) {
        const primary = (vs.spec.http as Json[]).find((route) => primaryNames.includes(route.name))!;
        const matches = (match as Json[]).map((entry) => ({ ...(entry.path ? { uri: entry.path } : {}), ...(entry.headers ? { headers: entry.headers } : {}) }));
        (vs.spec.http as Json[]).push({ name, match: matches, route: structuredClone(primary.route), mirror: { host: canary.canaryService }, mirrorPercentage: { value: percentage ?? 100 } });
      }
      orderRoutes();
    }
    snapshots.push(snapshot(index, step));
  });
  if (options.abortAfterStep !== undefined) {
    const last = snapshots.findIndex((taken) => taken.stepIndex === options.abortAfterStep);
    snapshots.splice(last + 1);
    for (const name of managed) removeRoute(name);
    setWeights(0);
    pin(canary.canaryService, STABLE_HASH);
    // The canary ReplicaSet keeps its size until abortScaleDownDelaySeconds.
    snapshots.push({ ...snapshots[last]!, virtualService: structuredClone(vs), services: new Map(selectors), aborted: true });
    return snapshots;
  }

  // Promotion: the new ReplicaSet is stable; old pods go after scaleDownDelaySeconds.
  for (const name of managed) removeRoute(name);
  weight = 0;
  canaryScale = null;
  setWeights(0);
  pin(canary.stableService, CANARY_HASH);
  pin(canary.canaryService, CANARY_HASH);
  const promotedReplicas = replicasAt(0, mirroredPercent());
  snapshots.push({
    stepIndex: steps.length,
    step: null,
    virtualService: structuredClone(vs),
    services: new Map(selectors),
    pods: Array.from({ length: promotedReplicas }, () => ({ labels: { ...templateLabels, [HASH]: CANARY_HASH } })),
    specReplicas: promotedReplicas,
  });
  return snapshots;
}
