/**
 * Independent oracle: the objects compiled from every example policy validate against the CRD
 * schemas the upstream projects publish (copied to test/fixtures/crds with their commits), in the strict mode kubeconform -strict
 * uses: unknown fields are errors except under `x-kubernetes-preserve-unknown-fields`. The
 * compiler's own crd-schemas check uses a different source (npm packages), so agreement here is
 * evidence, not an echo. CEL `x-kubernetes-validations` rules are not evaluated.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { ResolvedPolicy } from '../../src/resolve/policy.js';
import { targets } from '../../src/targets/index.js';
import { examplePolicies, examplePolicy } from '../gates/example-policies.js';
import { upstreamCrdsDir } from '../support/tools.js';

type Json = Record<string, any>;

/** Schema annotations the API server understands and ajv need not. */
const KUBERNETES_KEYWORDS = ['x-kubernetes-preserve-unknown-fields', 'x-kubernetes-validations', 'x-kubernetes-int-or-string', 'x-kubernetes-list-type', 'x-kubernetes-map-type', 'x-kubernetes-list-map-keys'];
/**
 * Core kinds: no CRD, the API server's own schema applies. The HorizontalPodAutoscaler is held to
 * Kubernetes' own OpenAPI schema by the compiler's crd-schemas check (test/check/crd-schemas.test.ts).
 */
const CORE_KINDS = new Set(['v1/Service', 'v1/ConfigMap', 'autoscaling/v2/HorizontalPodAutoscaler']);

// ajv-formats is CommonJS; its default export arrives wrapped under NodeNext.
const addFormats = ((addFormatsModule as any).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;
/** OpenAPI formats (int32, int64, byte, double, date-time) are checked as the API server does. */
const ajv = addFormats(new Ajv({ allErrors: true, strictTypes: false, logger: false, code: { regExp: goRegExp } }));
ajv.addVocabulary(KUBERNETES_KEYWORDS);
const cache = new Map<string, ValidateFunction>();

/** CRD patterns are Go RE2; the only RE2-only syntax in these schemas is a whole-pattern `(?i)`. */
function goRegExp(pattern: string, flags: string): RegExp {
  const caseless = /^(\^?)\(\?i\)/.exec(pattern);
  return caseless ? new RegExp(caseless[1] + pattern.slice(caseless[0].length), `${flags}i`) : new RegExp(pattern, flags);
}
goRegExp.code = 'goRegExp';

/** The validator for `group/version` + kind, or undefined when no upstream CRD is copied for it. */
function validatorFor(apiVersion: string, kind: string): ValidateFunction | undefined {
  const [group, version] = apiVersion.split('/');
  const file = path.join(upstreamCrdsDir, group!, `${kind.toLowerCase()}_${version}.json`);
  if (!cache.has(file)) {
    if (!existsSync(file)) return undefined;
    const schema = JSON.parse(readFileSync(file, 'utf8')) as Json;
    // The API server accepts these on every object whether or not the CRD schema lists them.
    schema.properties = { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, ...schema.properties };
    cache.set(file, ajv.compile(strict(schema) as Json));
  }
  return cache.get(file);
}

function strict(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strict);
  if (schema === null || typeof schema !== 'object') return schema;
  const node = schema as Json;
  if (node['x-kubernetes-preserve-unknown-fields'] === true) return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] = key === 'properties' ? Object.fromEntries(Object.entries(value as Json).map(([name, child]) => [name, strict(child)])) : key === 'enum' || key === 'required' || key === 'x-kubernetes-validations' ? value : strict(value);
  }
  if (out.type === 'object' && out.additionalProperties === undefined) out.additionalProperties = out.properties ? false : true;
  return out;
}

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

  it('leaves fields under x-kubernetes-preserve-unknown-fields open', () => {
    // Rollout's spec.strategy.canary.trafficRouting.plugins is free-form upstream.
    const validate = validatorFor('argoproj.io/v1alpha1', 'Rollout')!;
    const rollout = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'x' }, spec: { strategy: { canary: { trafficRouting: { plugins: { 'example.io/any': { anything: 1 } } } } } } };
    expect(validate(rollout), JSON.stringify(validate.errors)).toBe(true);
  });
});
