/**
 * The generated AuthorizationPolicy, run through the model of Istio's decision
 * (test/models/istio-authorization.ts) for every example and every kind of caller: only the
 * profile's principals reach TF Serving's ModelService; predictions pass for everyone; and the
 * pods it guards are the Rollout's, stable and canary alike.
 */
import { describe, expect, it } from 'vitest';
import { argoRolloutsTarget } from '../../src/targets/argo-rollouts.js';
import { AUTHORIZATION_POLICY_FILE, istioAuthorizationTarget } from '../../src/targets/istio-authorization.js';
import type { ResolvedPolicy } from '../../src/resolve/policy.js';
import { examplePolicies } from '../gates/example-policies.js';
import { authorizes, type AuthorizationPolicy } from '../models/istio-authorization.js';

const OPERATOR = 'cluster.local/ns/ml-ops/sa/modelgate-rollback';
const MESH_CLIENT = 'cluster.local/ns/feed/sa/frontend';
const RELOAD = '/tensorflow.serving.ModelService/HandleReloadConfigRequest';
const STATUS = '/tensorflow.serving.ModelService/GetModelStatus';
const PREDICT = '/tensorflow.serving.PredictionService/Predict';
const REST_PREDICT = '/v1/models/fraud_detector/labels/stable:predict';

function withPrincipals(policy: ResolvedPolicy, principals: string[]): ResolvedPolicy {
  return { ...policy, platform: { ...policy.platform, istio: { ...policy.platform.istio, modelServicePrincipals: principals } } };
}

function generated(policy: ResolvedPolicy): AuthorizationPolicy[] {
  const file = istioAuthorizationTarget.build(policy).find((f) => f.path === AUTHORIZATION_POLICY_FILE)!;
  return file.documents as AuthorizationPolicy[];
}

function podLabels(policy: ResolvedPolicy): Record<string, string> {
  const rollout = argoRolloutsTarget.build(policy)[0]!.documents![0] as { spec: { template: { metadata: { labels: Record<string, string> } } } };
  return rollout.spec.template.metadata.labels;
}

describe.each(examplePolicies().map((policy) => [policy.name, withPrincipals(policy, [OPERATOR])] as const))('%s: who reaches TF Serving’s ModelService', (_name, policy) => {
  const policies = generated(policy);
  const pod = podLabels(policy);

  it('an ordinary mesh client is denied HandleReloadConfigRequest and GetModelStatus; its predictions pass', () => {
    expect(authorizes(policies, pod, { principal: MESH_CLIENT, path: RELOAD })).toBe(false);
    expect(authorizes(policies, pod, { principal: MESH_CLIENT, path: STATUS })).toBe(false);
    expect(authorizes(policies, pod, { principal: MESH_CLIENT, path: PREDICT })).toBe(true);
    expect(authorizes(policies, pod, { principal: MESH_CLIENT, path: REST_PREDICT })).toBe(true);
  });

  it('a caller outside the mesh (no principal) is denied the management methods; predictions pass', () => {
    expect(authorizes(policies, pod, { principal: null, path: RELOAD })).toBe(false);
    expect(authorizes(policies, pod, { principal: null, path: PREDICT })).toBe(true);
  });

  it('the profile’s principal may call them', () => {
    expect(authorizes(policies, pod, { principal: OPERATOR, path: RELOAD })).toBe(true);
    expect(authorizes(policies, pod, { principal: OPERATOR, path: PREDICT })).toBe(true);
  });
});

describe('without principals in the profile', () => {
  const policy = withPrincipals(examplePolicies()[0]!, []);
  it('nobody reaches the management methods, and predictions still pass (DENY, not ALLOW)', () => {
    const policies = generated(policy);
    for (const principal of [OPERATOR, MESH_CLIENT, null]) {
      expect(authorizes(policies, podLabels(policy), { principal, path: RELOAD })).toBe(false);
      expect(authorizes(policies, podLabels(policy), { principal, path: PREDICT })).toBe(true);
    }
  });

  it('an ALLOW policy written the same way would deny predictions: why the generated one is DENY', () => {
    const allow: AuthorizationPolicy = { spec: { ...generated(withPrincipals(policy, [OPERATOR]))[0]!.spec, action: 'ALLOW', rules: [{ from: [{ source: { principals: [OPERATOR] } }], to: [{ operation: { paths: ['/tensorflow.serving.ModelService/*'] } }] }] } };
    expect(authorizes([allow], podLabels(policy), { principal: MESH_CLIENT, path: PREDICT })).toBe(false);
  });
});
