import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { serializeBody } from '../../src/emit/serialize.js';
import { cohortRouteName, ROUTE_STICKY } from '../../src/names.js';
import type { ResolvedPolicy } from '../../src/resolve/policy.js';
import { applicationPatch, ARGOCD_PATCH_FILE, argocdTarget } from '../../src/targets/argocd.js';
import { argoRolloutsTarget } from '../../src/targets/argo-rollouts.js';
import { istioTarget } from '../../src/targets/istio.js';
import { kustomization } from '../../src/targets/kustomize.js';
import { examplePolicy } from '../gates/example-policies.js';
import { requireTool } from '../support/tools.js';

type Json = Record<string, any>;

const recommender = examplePolicy('recommender.yaml');

function ignoreFor(policy: ResolvedPolicy, kind: string): Json {
  return (applicationPatch(policy).spec as Json).ignoreDifferences.find((entry: Json) => entry.kind === kind);
}

function istioObject(policy: ResolvedPolicy, kind: string): Json {
  return istioTarget.build(policy).flatMap((file) => file.documents ?? []).find((doc) => (doc as Json).kind === kind) as Json;
}

function services(policy: ResolvedPolicy): Json[] {
  return argoRolloutsTarget.build(policy).flatMap((file) => file.documents ?? []).filter((doc) => (doc as Json).kind === 'Service') as Json[];
}

describe('argocd target', () => {
  it('writes one commented patch that is not a Kubernetes object, so kustomize leaves it out', () => {
    const files = argocdTarget.build(recommender);
    expect(files.map((file) => file.path)).toEqual([ARGOCD_PATCH_FILE]);
    expect(kustomization(files).documents).toEqual([expect.objectContaining({ resources: [] })]);
    const text = serializeBody(files[0]!);
    expect(text.startsWith('# Merge into the Argo CD Application')).toBe(true);
    expect(text).toContain('RespectIgnoreDifferences=true');
  });

  it("names the policy's VirtualService and its stable and canary Services", () => {
    const object = istioObject(recommender, 'VirtualService');
    expect(ignoreFor(recommender, 'VirtualService')).toMatchObject({ group: 'networking.istio.io', kind: 'VirtualService', name: object.metadata.name, namespace: object.metadata.namespace });
    const ignored = (applicationPatch(recommender).spec as Json).ignoreDifferences.filter((entry: Json) => entry.kind === 'Service');
    expect(ignored.map((entry: Json) => [entry.group, entry.name, entry.namespace])).toEqual(services(recommender).map((service) => ['', service.metadata.name, service.metadata.namespace]));
  });

  it('ignores each managed route by name, with names written as jq string literals', () => {
    const odd: ResolvedPolicy = { ...recommender, traffic: { ...recommender.traffic, cohorts: [{ ...recommender.traffic.cohorts[0]!, name: 'a"b\\(x)' }] } };
    const expressions: string[] = ignoreFor(odd, 'VirtualService').jqPathExpressions;
    expect(expressions).toContain(`.spec.http[] | select(.name == ${JSON.stringify(cohortRouteName('a"b\\(x)'))})`);
    expect(expressions).toContain(`.spec.http[] | select(.name == "${ROUTE_STICKY}")`);
  });

  const jq = requireTool('jq');
  describe.skipIf(!jq)('with jq as the path evaluator (Argo CD uses gojq)', () => {
    /** The object with every ignored path removed, as Argo CD compares it. */
    function normalized(object: Json, expressions: string[]): Json {
      const program = `del(${expressions.map((expression) => `(${expression})`).join(', ')})`;
      return JSON.parse(execFileSync(jq!, ['-c', program], { input: JSON.stringify(object) }).toString()) as Json;
    }

    it('a VirtualService mid-rollout (weights moved, managed routes inserted) compares equal to Git', () => {
      const desired = istioObject(recommender, 'VirtualService');
      const live = structuredClone(desired);
      live.spec.http[0].route[0].weight = 75;
      live.spec.http[0].route[1].weight = 25;
      const toCanary = [{ destination: { host: `${recommender.name}-canary` }, weight: 100 }];
      live.spec.http.unshift(
        { name: cohortRouteName('staff'), match: [{ headers: { 'x-acme-staff': { exact: 'true' } } }], route: toCanary },
        { name: ROUTE_STICKY, match: [{ headers: { 'x-user-id': { regex: '^.*(?:0[012])$' } } }], route: toCanary },
      );
      const expressions = ignoreFor(recommender, 'VirtualService').jqPathExpressions;
      expect(normalized(live, expressions)).toEqual(normalized(desired, expressions));
    });

    it('still sees a change the policy makes, such as a timeout', () => {
      const desired = istioObject(recommender, 'VirtualService');
      const live = structuredClone(desired);
      live.spec.http[0].timeout = '5s';
      const expressions = ignoreFor(recommender, 'VirtualService').jqPathExpressions;
      expect(normalized(live, expressions)).not.toEqual(normalized(desired, expressions));
    });

    it('Services whose selectors Argo pinned to ReplicaSets compare equal to Git; another selector change does not', () => {
      for (const desired of services(recommender)) {
        const live = structuredClone(desired);
        live.spec.selector['rollouts-pod-template-hash'] = 'abc123';
        const expressions = (applicationPatch(recommender).spec as Json).ignoreDifferences.find((entry: Json) => entry.kind === 'Service' && entry.name === desired.metadata.name).jqPathExpressions;
        expect(normalized(live, expressions)).toEqual(normalized(desired, expressions));
        live.spec.selector.app = 'other';
        expect(normalized(live, expressions)).not.toEqual(normalized(desired, expressions));
      }
    });
  });
});
