/**
 * With TF Serving serving gRPC over TLS (profile `tfserving.tls`) the mesh sees that port as
 * opaque TCP: the http route never sees those calls. Every canary step of every example, replayed
 * through the model of Argo Rollouts (test/models/argo-canary.ts), must move the gRPC port's tcp
 * route exactly as the http route: the share of new connections the candidate gets is the share
 * of requests the primary route gives it, and both are back on stable 100 after promotion or abort.
 */
import { describe, expect, it } from 'vitest';
import type { ResolvedPolicy } from '../../src/resolve/policy.js';
import { examplePolicies } from '../gates/example-policies.js';
import { replayCanary } from '../models/argo-canary.js';
import { routeShares } from '../models/istio-routing.js';
import { compile, objectOfKind } from '../support/compiled-objects.js';

type Json = Record<string, any>;

const TLS = { secret: 'tfserving-grpc-tls', serverName: 'tfserving.test', clientAuth: false, caFile: null };

function withTls(policy: ResolvedPolicy): ResolvedPolicy {
  return { ...policy, platform: { ...policy.platform, tfserving: { tls: TLS } } };
}

function replay(policy: ResolvedPolicy, abortAfterStep?: number) {
  const files = compile(policy);
  const services = files.flatMap((file) => file.documents ?? []).filter((doc) => (doc as Json).kind === 'Service') as Json[];
  return replayCanary(objectOfKind(files, 'Rollout'), objectOfKind(files, 'VirtualService'), services, String(policy.versions.stable), abortAfterStep === undefined ? {} : { abortAfterStep });
}

const candidates = examplePolicies().filter((policy) => policy.versions.candidate !== null);

describe('gRPC over TLS follows the canary weights', () => {
  it('there is a candidate to release in the examples', () => expect(candidates.length).toBeGreaterThan(0));

  it.each(candidates.map((policy) => [policy.name, policy] as const))('%s: the gRPC port splits connections as the primary route splits requests, at every step', (_name, plain) => {
    const policy = withTls(plain);
    const candidate = String(policy.versions.candidate);
    let moved = false;
    for (const snapshot of replay(policy)) {
      const [primary] = snapshot.virtualService.spec.http.filter((route: Json) => route.name === 'primary');
      const [grpc] = snapshot.virtualService.spec.tcp;
      expect(grpc.match).toEqual([{ port: policy.model.grpcPort }]);
      const share = (route: Json) => routeShares(route, snapshot.services, snapshot.pods, 'version').get(candidate) ?? 0;
      expect(share(grpc), `step ${snapshot.stepIndex}`).toBeCloseTo(share(primary), 9);
      if (share(grpc) > 0 && share(grpc) < 1) moved = true;
    }
    // A policy whose steps are all header routes (sticky) keeps the primary at 0 until the end.
    if (policy.traffic.sticky === null) expect(moved).toBe(true);
  });

  it.each(candidates.map((policy) => [policy.name, policy] as const))('%s: an abort puts gRPC connections back on stable', (_name, plain) => {
    const policy = withTls(plain);
    const aborted = replay(policy, 0).at(-1)!;
    expect(aborted.aborted).toBe(true);
    expect(routeShares(aborted.virtualService.spec.tcp[0], aborted.services, aborted.pods, 'version').get(String(policy.versions.candidate)) ?? 0).toBe(0);
  });

  it('without the profile section the VirtualService has no tcp route and the Rollout names none', () => {
    const files = compile(candidates[0]!);
    expect(objectOfKind(files, 'VirtualService').spec.tcp).toBeUndefined();
    expect(objectOfKind(files, 'Rollout').spec.strategy.canary.trafficRouting.istio.virtualService.tcpRoutes).toBeUndefined();
  });
});
