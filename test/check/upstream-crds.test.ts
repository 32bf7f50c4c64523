/**
 * Independent oracle: the objects compiled from every example policy validate against the CRD
 * schemas the upstream projects publish (copied to test/fixtures/crds with their commits), in the strict mode kubeconform -strict
 * uses: unknown fields are errors except under `x-kubernetes-preserve-unknown-fields`. The
 * compiler's own crd-schemas check uses a different source (npm packages), so agreement here is
 * evidence, not an echo. CEL `x-kubernetes-validations` rules are not evaluated.
 */
import { describe, expect, it } from 'vitest';
import type { ResolvedPolicy } from '../../src/resolve/policy.js';
import { targets } from '../../src/targets/index.js';
import { examplePolicies, examplePolicy } from '../gates/example-policies.js';
import { validatorFor } from '../support/upstream-crds.js';

type Json = Record<string, any>;
/**
 * Core kinds: no CRD, the API server's own schema applies. The HorizontalPodAutoscaler is held to
 * Kubernetes' own OpenAPI schema by the compiler's crd-schemas check (test/check/crd-schemas.test.ts).
 */
const CORE_KINDS = new Set(['v1/Service', 'v1/ConfigMap', 'autoscaling/v2/HorizontalPodAutoscaler']);

/** Every Kubernetes object compiled from `policy`, with the errors upstream's schema reports. */
function validate(policy: ResolvedPolicy): Array<{ type: string; errors: string[] }> {
  const objects = targets.flatMap((target) => target.build(policy)).flatMap((file) => file.documents ?? []) as Json[];
  return objects
    .filter((object) => typeof object?.apiVersion === 'string' && typeof object.kind === 'string')
    .filter((object) => !CORE_KINDS.has(`${object.apiVersion}/${object.kind}`))
    .map((object) => {
      const type = `${object.apiVersion}/${object.kind}`;
      const validate = validatorFor(object.apiVersion, object.kind);
      if (!validate) return { type, errors: ['no upstream CRD schema for this kind'] };
      const errors = validate(object) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message} ${JSON.stringify(error.params)}`);
      return { type, errors };
    });
}

describe('compiled objects match the upstream CRD schemas (strict)', () => {
  it.each(examplePolicies().map((policy) => [policy.name, policy] as const))('%s', (_name, policy) => {
    const results = validate(policy);
    expect(results.map((result) => result.type)).toEqual(expect.arrayContaining(['networking.istio.io/v1beta1/VirtualService', 'argoproj.io/v1alpha1/Rollout']));
    expect(results.filter((result) => result.errors.length > 0)).toEqual([]);
  });

  it('is strict: an unknown field in a Rollout step is an error', () => {
    const policy = examplePolicy('fraud-detector.yaml');
    const rollout = targets.flatMap((target) => target.build(policy)).flatMap((file) => file.documents ?? []).find((doc) => (doc as Json).kind === 'Rollout') as Json;
    rollout.spec.strategy.canary.steps[0].setCanaryScale.percent = 5;
    const validate = validatorFor(rollout.apiVersion, rollout.kind)!;
    expect(validate(rollout)).toBe(false);
    expect(validate.errors?.map((error) => error.params)).toContainEqual({ additionalProperty: 'percent' });
  });

  it("is strict for the PodMonitor too: Prometheus' own relabel spelling is not the Operator's", () => {
    const policy = examplePolicy('fraud-detector.yaml');
    const podMonitor = targets.flatMap((target) => target.build(policy)).flatMap((file) => file.documents ?? []).find((doc) => (doc as Json).kind === 'PodMonitor') as Json;
    const validate = validatorFor(podMonitor.apiVersion, podMonitor.kind)!;
    expect(validate(podMonitor), JSON.stringify(validate.errors)).toBe(true);
    const relabeling = podMonitor.spec.podMetricsEndpoints[0].relabelings[0];
    relabeling.target_label = relabeling.targetLabel;
    delete relabeling.targetLabel;
    expect(validate(podMonitor)).toBe(false);
    expect(validate.errors?.map((error) => error.params)).toContainEqual({ additionalProperty: 'target_label' });
  });

  it('leaves fields under x-kubernetes-preserve-unknown-fields open', () => {
    // Rollout's spec.strategy.canary.trafficRouting.plugins is free-form upstream.
    const validate = validatorFor('argoproj.io/v1alpha1', 'Rollout')!;
    const rollout = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'x' }, spec: { strategy: { canary: { trafficRouting: { plugins: { 'example.io/any': { anything: 1 } } } } } } };
    expect(validate(rollout), JSON.stringify(validate.errors)).toBe(true);
  });
});
