/**
 * Every canary step of every example, replayed through a model of what Argo Rollouts does to the
 * cluster (test/models/argo-canary.ts) and of how Istio routes a request (test/models/
 * istio-routing.ts), for three kinds of caller: a mesh client calling the Service by its FQDN, a
 * client outside the mesh (kube-proxy, the Service's endpoints), and a client through the
 * policy's gateway. The share of the candidate each user gets must be what the policy says.
 */
import { describe, expect, it } from 'vitest';
import { canaryServiceName, serviceName } from '../../src/names.js';
import type { ResolvedPolicy } from '../../src/resolve/policy.js';
import { candidateBucketCount } from '../../src/routing/sticky.js';
import type { OutputFile } from '../../src/targets/target.js';
import { examplePolicies, examplePolicy } from '../gates/example-policies.js';
import { replayCanary, type Snapshot } from '../models/argo-canary.js';
import { firstMatchingRoute, routeShares, serviceShares, virtualServiceApplies, type Request } from '../models/istio-routing.js';
import { compile, objectOfKind } from '../support/compiled-objects.js';
import { diagnosticsFor } from '../support/rule-harness.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../support/tools.js';

type Json = Record<string, any>;

interface User {
  name: string;
  headers: Record<string, string>;
  /** The sticky bucket of the user id, or null without the header. */
  bucket: number | null;
  cohort: string | null;
}

/** One user per sticky bucket (last two id characters), one per cohort, and one anonymous caller. */
function usersOf(policy: ResolvedPolicy): User[] {
  const users: User[] = [{ name: 'anonymous', headers: {}, bucket: null, cohort: null }];
  const sticky = policy.traffic.sticky;
  if (sticky) {
    const digits = sticky.idAlphabet === 'hex' ? '0123456789abcdef' : '0123456789';
    for (let bucket = 0; bucket < digits.length ** 2; bucket++) {
      const suffix = digits[Math.floor(bucket / digits.length)]! + digits[bucket % digits.length]!;
      users.push({ name: `user-${suffix}`, headers: { [sticky.header]: `u7f3${suffix}` }, bucket, cohort: null });
    }
  }
  for (const cohort of policy.traffic.cohorts) {
    const value = cohort.match.kind === 'exact' ? cohort.match.value : cohort.match.kind === 'prefix' ? `${cohort.match.value}x` : null;
    if (value !== null) users.push({ name: `cohort-${cohort.name}`, headers: { [cohort.header]: value }, bucket: null, cohort: cohort.name });
  }
  return users;
}

/** The candidate's share (0..1) for a user, as the policy says, once `traffic` policy steps and `cohortsOn` cohort routes have started. */
function expectedShare(policy: ResolvedPolicy, user: User, progress: { promoted: boolean; trafficSteps: number; cohortsOn: Set<string> }): number {
  if (progress.promoted || policy.versions.candidate === null) return 1;
  if (user.cohort !== null && progress.cohortsOn.has(user.cohort)) return 1;
  if (progress.trafficSteps === 0) return 0;
  const weight = policy.canary.steps[progress.trafficSteps - 1]!.weightPercent;
  const sticky = policy.traffic.sticky;
  if (sticky && weight < 100) return user.bucket !== null && user.bucket < candidateBucketCount(sticky.idAlphabet, weight) ? 1 : 0;
  return weight / 100;
}

/** The share of the candidate version a request gets in a snapshot. */
function served(snapshot: Snapshot, request: Request, direct: string, candidate: string): number {
  const vs = snapshot.virtualService;
  if (request.via === 'mesh-less' || !virtualServiceApplies(vs, request)) {
    // No VirtualService: the Service's endpoints (a gateway with no route answers 404).
    if (request.via !== 'mesh' && request.via !== 'mesh-less') return Number.NaN;
    return serviceShares(snapshot.services.get(direct)!, snapshot.pods, 'version').get(candidate) ?? 0;
  }
  const route = firstMatchingRoute(vs, request);
  if (!route) return Number.NaN;
  return routeShares(route, snapshot.services, snapshot.pods, 'version').get(candidate) ?? 0;
}

/** Every mismatch between what each caller class gets and what the policy says, over the whole rollout. */
function routingViolations(policy: ResolvedPolicy, files: OutputFile[]): string[] {
  const rollout = objectOfKind(files, 'Rollout');
  const services = files.flatMap((file) => file.documents ?? []).filter((doc) => (doc as Json).kind === 'Service') as Json[];
  const snapshots = replayCanary(rollout, objectOfKind(files, 'VirtualService'), services, String(policy.versions.stable));
  // At rest the template serves stable: "promotion" changes nothing, and everyone stays on it.
  const candidate = String(policy.versions.candidate ?? policy.versions.stable);
  const fqdn = `${serviceName(policy)}.${policy.namespace}.svc.cluster.local`;
  const gateway = policy.traffic.gateways.find((name) => name !== 'mesh');
  const classes: Array<{ name: string; request: (user: User) => Request; stableUntilPromotion: boolean }> = [
    { name: 'mesh client', request: (user) => ({ host: fqdn, headers: user.headers, via: 'mesh' }), stableUntilPromotion: false },
    { name: 'client outside the mesh', request: (user) => ({ host: fqdn, headers: user.headers, via: 'mesh-less' }), stableUntilPromotion: true },
    ...(gateway ? [{ name: `client through ${gateway}`, request: (user: User) => ({ host: policy.traffic.host, headers: user.headers, via: gateway }), stableUntilPromotion: false }] : []),
  ];
  const violations: string[] = [];
  let trafficSteps = 0;
  const cohortsOn = new Set<string>();
  const onCandidate = new Map<string, boolean>();
  for (const snapshot of snapshots) {
    const step = snapshot.step;
    if (step?.setWeight !== undefined || (step?.setHeaderRoute && policy.traffic.sticky && step.setHeaderRoute.match?.[0]?.headerName === policy.traffic.sticky.header)) trafficSteps++;
    const cohort = policy.traffic.cohorts.find((c) => step?.setHeaderRoute?.name === `cohort-${c.name}`);
    if (cohort) cohortsOn.add(cohort.name);
    const promoted = snapshot.stepIndex === (rollout.spec.strategy.canary.steps ?? []).length;
    if (step?.setMirrorRoute?.match && policy.shadow) {
      // Shadow: every request takes the mirror route, which copies it to candidate pods that exist.
      const route = firstMatchingRoute(snapshot.virtualService, classes[0]!.request(usersOf(policy)[0]!));
      const canaryPods = snapshot.pods.filter((pod) => pod.labels.version === candidate).length;
      if (route?.mirror?.host !== canaryServiceName(policy) || route.mirrorPercentage?.value !== policy.shadow.mirrorPercent || canaryPods === 0) {
        violations.push(`${policy.name} shadow: requests are not mirrored to ${canaryPods} candidate pod(s) at ${policy.shadow.mirrorPercent}%`);
      }
    }
    const where = promoted ? 'after promotion' : snapshot.stepIndex < 0 ? 'before the first step' : `after step ${snapshot.stepIndex} ${JSON.stringify(step)}`;
    for (const user of usersOf(policy)) {
      const expected = expectedShare(policy, user, { promoted, trafficSteps, cohortsOn });
      for (const caller of classes) {
        const got = served(snapshot, caller.request(user), serviceName(policy), candidate);
        const want = caller.stableUntilPromotion && policy.versions.candidate !== null ? (promoted ? 1 : 0) : expected;
        if (!(Math.abs(got - want) < 1e-9)) violations.push(`${policy.name} ${where}: ${caller.name} ${user.name} gets the candidate ${got} of the time, the policy says ${want}`);
      }
      // Sticky: once a user is on the candidate, every later step keeps them there.
      if (user.bucket !== null) {
        const got = served(snapshot, classes[0]!.request(user), serviceName(policy), candidate);
        if (onCandidate.get(user.name) && got < 1 - 1e-9) violations.push(`${policy.name} ${where}: ${user.name} flipped back to stable`);
        if (got > 1 - 1e-9) onCandidate.set(user.name, true);
      }
    }
  }
  return violations;
}

const cases = examplePolicies().map((policy) => [policy.name, policy] as const);

describe('routing every caller follows', () => {
  it.each(cases)('%s: each caller class gets the share of the candidate the policy says, at every step', (_name, policy) => {
    expect(routingViolations(policy, compile(policy))).toEqual([]);
  });

  it('the old home-recommender hosts fail this test: mesh callers of the Service bypass every route', () => {
    const policy = examplePolicy('recommender.yaml');
    const files = compile(policy);
    // What modelgate emitted before: hosts [traffic.host], which is not the Service callers use.
    objectOfKind(files, 'VirtualService').spec.hosts = [policy.traffic.host];
    const violations = routingViolations(policy, files);
    expect(violations.some((v) => v.includes('mesh client cohort-staff'))).toBe(true);
    expect(violations.some((v) => v.includes('mesh client user-'))).toBe(true);
  });

  it('a Service selecting every pod would send callers outside the mesh to the candidate by pod count', () => {
    const policy = examplePolicy('fraud-detector.yaml');
    const files = compile(policy);
    const rollout = objectOfKind(files, 'Rollout');
    // As before host-level routing: Argo pins no Service, so `<policy>` selects both ReplicaSets.
    rollout.spec.strategy.canary.stableService = canaryServiceName(policy);
    const violations = routingViolations(policy, files);
    expect(violations.some((v) => v.includes('client outside the mesh') && v.includes('0.5 of the time'))).toBe(true);
  });

  it.each(cases)('%s: every route carries the timeout and retries, except the managed routes the warning names', (_name, policy) => {
    const files = compile(policy);
    const rollout = objectOfKind(files, 'Rollout');
    const managed = new Set((rollout.spec.strategy.canary.trafficRouting.managedRoutes ?? []).map((route: Json) => route.name));
    const services = files.flatMap((file) => file.documents ?? []).filter((doc) => (doc as Json).kind === 'Service') as Json[];
    const bare = new Set<string>();
    for (const snapshot of replayCanary(rollout, objectOfKind(files, 'VirtualService'), services, String(policy.versions.stable))) {
      for (const route of snapshot.virtualService.spec.http as Json[]) {
        const timeout = route.timeout ?? null;
        const wantTimeout = policy.traffic.timeoutSeconds === null ? null : `${policy.traffic.timeoutSeconds}s`;
        const carries = timeout === wantTimeout && (policy.traffic.retries === null) === (route.retries === undefined);
        if (carries) continue;
        expect(managed.has(route.name), `route ${route.name} lacks the timeout or retries`).toBe(true);
        bare.add(route.name);
      }
    }
    const source = readFileSync(path.join(repoRoot, policy.source.file), 'utf8');
    const warning = diagnosticsFor({ [policy.source.file]: source }).filter((d) => d.rule === 'managed-routes-drop-timeouts');
    if (bare.size === 0) {
      expect(warning).toEqual([]);
      return;
    }
    expect(warning).toHaveLength(1);
    if (bare.has('mirror')) expect(warning[0]!.message).toContain('shadow phase');
    for (const cohort of policy.traffic.cohorts) if (bare.has(`cohort-${cohort.name}`)) expect(warning[0]!.message).toContain(`cohort ${cohort.name}`);
    if (bare.has('sticky-users')) expect(warning[0]!.message).toContain('sticky steps');
  });
});
