import { describe, expect, it } from 'vitest';
import { canaryServiceName, ROUTE_PRIMARY, serviceName, virtualServiceName } from '../../src/names.js';
import type { ResolvedPolicy } from '../../src/resolve/policy.js';
import { istioTarget, protoDuration, VIRTUAL_SERVICE_FILE } from '../../src/targets/istio.js';
import { examplePolicies, examplePolicy } from '../gates/example-policies.js';

type Json = Record<string, any>;

function built(policy: ResolvedPolicy): { virtualService: Json } {
  const files = istioTarget.build(policy);
  expect(files.map((file) => file.path)).toEqual([VIRTUAL_SERVICE_FILE]);
  return { virtualService: files[0]!.documents![0] as Json };
}

const cases = examplePolicies().map((policy) => [policy.name, policy] as const);

describe('istio target', () => {
  it.each(cases)('%s: the primary route sends 100 to stable and 0 to canary, summing to 100', (_name, policy) => {
    const { virtualService } = built(policy);
    const primary = virtualService.spec.http.find((route: Json) => route.name === ROUTE_PRIMARY);
    const weights = Object.fromEntries(primary.route.map((entry: Json) => [entry.destination.host, entry.weight]));
    // Host-level routing: the destinations are the stable (callers') Service and the canary Service.
    expect(weights).toEqual({ [serviceName(policy)]: 100, [canaryServiceName(policy)]: 0 });
  });

  it.each(cases)('%s: hosts are the Service callers use, by FQDN, and the policy host for gateway callers', (_name, policy) => {
    const { virtualService } = built(policy);
    expect(virtualService.metadata).toMatchObject({ name: virtualServiceName(policy), namespace: policy.namespace });
    const fqdn = `${serviceName(policy)}.${policy.namespace}.svc.cluster.local`;
    expect(virtualService.spec.hosts).toEqual(policy.traffic.host === fqdn ? [fqdn] : [fqdn, policy.traffic.host]);
  });

  it('home-recommender: the Service FQDN is a host even though traffic.host names another', () => {
    // Before: hosts [recommender.feed.svc.cluster.local] while callers use home-recommender.
    expect(built(examplePolicy('recommender.yaml')).virtualService.spec.hosts).toEqual(['home-recommender.feed.svc.cluster.local', 'recommender.feed.svc.cluster.local']);
  });

  it('adds gateways only when the policy names some', () => {
    expect(built(examplePolicy('recommender.yaml')).virtualService.spec.gateways).toEqual(['mesh', 'feed/public-gateway']);
    expect(built(examplePolicy('churn-scorer.yaml')).virtualService.spec).not.toHaveProperty('gateways');
  });

  it('carries the timeout and retries the policy asks for, in seconds', () => {
    const primary = built(examplePolicy('fraud-detector.yaml')).virtualService.spec.http[0];
    expect(primary.timeout).toBe('0.3s');
    expect(primary.retries).toEqual({ attempts: 2, perTryTimeout: '0.1s' });
    const quiet = built(examplePolicy('search-ranker.yaml')).virtualService.spec.http[0];
    expect(quiet).not.toHaveProperty('timeout');
    expect(quiet).not.toHaveProperty('retries');
  });

  it('writes durations as decimal seconds without float noise', () => {
    expect(protoDuration(0.007)).toBe('0.007s');
    expect(protoDuration(90)).toBe('90s');
    expect(protoDuration(0.1 + 0.2)).toBe('0.3s');
  });
});
