import { describe, expect, it } from 'vitest';
import { destinationRuleName, ROUTE_PRIMARY, serviceName, SUBSET_CANARY, SUBSET_STABLE, virtualServiceName } from '../../src/names.js';
import type { ResolvedPolicy } from '../../src/resolve/policy.js';
import { DESTINATION_RULE_FILE, istioTarget, protoDuration, VIRTUAL_SERVICE_FILE } from '../../src/targets/istio.js';
import { examplePolicies, examplePolicy } from '../gates/example-policies.js';

type Json = Record<string, any>;

function built(policy: ResolvedPolicy): { virtualService: Json; destinationRule: Json } {
  const files = istioTarget.build(policy);
  const document = (path: string): Json => files.find((file) => file.path === path)!.documents![0] as Json;
  return { virtualService: document(VIRTUAL_SERVICE_FILE), destinationRule: document(DESTINATION_RULE_FILE) };
}

const cases = examplePolicies().map((policy) => [policy.name, policy] as const);

describe('istio target', () => {
  it.each(cases)('%s: the primary route sends 100 to stable and 0 to canary, summing to 100', (_name, policy) => {
    const { virtualService } = built(policy);
    const primary = virtualService.spec.http.find((route: Json) => route.name === ROUTE_PRIMARY);
    const weights = Object.fromEntries(primary.route.map((entry: Json) => [entry.destination.subset, entry.weight]));
    expect(weights).toEqual({ [SUBSET_STABLE]: 100, [SUBSET_CANARY]: 0 });
  });

  it.each(cases)('%s: every destination is a subset of the DestinationRule on the same host', (_name, policy) => {
    const { virtualService, destinationRule } = built(policy);
    const subsets = destinationRule.spec.subsets.map((subset: Json) => subset.name);
    expect(subsets).toEqual([SUBSET_STABLE, SUBSET_CANARY]);
    for (const route of virtualService.spec.http) {
      for (const { destination } of route.route) {
        expect(destination.host).toBe(destinationRule.spec.host);
        expect(subsets).toContain(destination.subset);
      }
    }
    expect(destinationRule.spec.host).toBe(serviceName(policy));
  });

  it.each(cases)('%s: names and host come from the policy', (_name, policy) => {
    const { virtualService, destinationRule } = built(policy);
    expect(virtualService.metadata).toMatchObject({ name: virtualServiceName(policy), namespace: policy.namespace });
    expect(destinationRule.metadata).toMatchObject({ name: destinationRuleName(policy), namespace: policy.namespace });
    expect(virtualService.spec.hosts).toEqual([policy.traffic.host]);
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

  it('subsets select the app label only (Argo adds the pod-template hash)', () => {
    const policy = examplePolicy('fraud-detector.yaml');
    for (const subset of built(policy).destinationRule.spec.subsets) expect(subset.labels).toEqual({ app: serviceName(policy) });
  });
});
