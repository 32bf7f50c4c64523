import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { OutputCheck } from '../../src/check/check.js';
import { buildPolicies, type ValidPolicy } from '../../src/compile/build.js';
import { parseHeader } from '../../src/emit/header.js';
import { loadPolicy } from '../../src/load/load.js';
import { resolvePolicy } from '../../src/resolve/resolve.js';
import type { Target } from '../../src/targets/target.js';

const repoRoot = resolve(import.meta.dirname, '..', '..');

function example(name: string): ValidPolicy {
  const file = `policies/${name}.yaml`;
  const loaded = loadPolicy(file, readFileSync(resolve(repoRoot, file)));
  if (!loaded.policy) throw new Error(`example ${file} does not load`);
  return { source: loaded.policy, policy: resolvePolicy(loaded.policy.data, { file, sha256: loaded.policy.sha256 }) };
}

/* Stand-ins for the real targets, so these tests pin down the pipeline, not the manifests. */
const fakeTargets: Target[] = [
  {
    name: 'routing',
    build: (policy) => [
      { path: 'istio/virtualservice.yaml', kind: 'yaml', documents: [{ apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService', metadata: { name: policy.name } }] },
      { path: 'prometheus/rules.yaml', kind: 'yaml', documents: [{ groups: [] }] },
    ],
  },
  { name: 'serving', build: (policy) => [{ path: 'tfserving/models.config', kind: 'text', text: `# ${policy.versions.stable}\n` }] },
];
const options = { sourceRoot: repoRoot, targets: fakeTargets, checks: [] };

describe('buildPolicies', () => {
  it('places each file under <namespace>/<policy>/ with a header naming the policy file', () => {
    const result = buildPolicies([example('fraud-detector')], options);
    expect([...result.files.keys()]).toEqual([
      'risk/fraud-detector/istio/virtualservice.yaml',
      'risk/fraud-detector/prometheus/rules.yaml',
      'risk/fraud-detector/tfserving/models.config',
      'risk/fraud-detector/kustomization.yaml',
    ]);
    for (const content of result.files.values()) expect(parseHeader(content)?.header.source).toBe('policies/fraud-detector.yaml');
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(result.policies[0]!.paths).toEqual([...result.files.keys()]);
  });

  it('lists only Kubernetes objects in kustomization.yaml', () => {
    const result = buildPolicies([example('fraud-detector')], options);
    const kustomization = parseHeader(result.files.get('risk/fraud-detector/kustomization.yaml')!)!.body;
    expect(parseAllDocuments(kustomization)[0]!.toJS()).toEqual({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: ['istio/virtualservice.yaml'],
    });
  });

  it('is deterministic: the same policies give byte-identical files', () => {
    const policies = ['fraud-detector', 'recommender', 'churn-scorer'].map(example);
    const first = buildPolicies(policies, options).files;
    const second = buildPolicies(['fraud-detector', 'recommender', 'churn-scorer'].map(example), options).files;
    expect([...second]).toEqual([...first]);
  });

  it('names headers relative to the source root whatever the working directory', () => {
    const policy = example('churn-scorer');
    const absolute = { ...policy, source: { ...policy.source, file: resolve(repoRoot, 'policies/churn-scorer.yaml') } };
    expect([...buildPolicies([absolute], options).files]).toEqual([...buildPolicies([policy], options).files]);
  });

  it('turns an output-check finding into an internal error naming policy and object, with no files', () => {
    const check: OutputCheck = { name: 'always', check: () => [{ path: 'istio/virtualservice.yaml', object: 'VirtualService/fraud-detector', message: 'route missing' }] };
    const result = buildPolicies([example('fraud-detector')], { ...options, checks: [check] });
    expect(result.internalError).toBe(true);
    expect(result.files.size).toBe(0);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        file: 'policies/fraud-detector.yaml',
        line: 7,
        column: 3,
        rule: 'internal',
        message: 'internal error: compiled output risk/fraud-detector/istio/virtualservice.yaml VirtualService/fraud-detector: route missing',
      }),
    ]);
  });

  it('reports a crashing target or an escaping path as an internal error instead of throwing', () => {
    const crash: Target = { name: 'crash', build: () => { throw new Error('boom'); } };
    const escape: Target = { name: 'escape', build: () => [{ path: '../../etc/passwd', kind: 'text', text: 'x' }] };
    for (const target of [crash, escape]) {
      const result = buildPolicies([example('churn-scorer')], { ...options, targets: [target] });
      expect(result.internalError).toBe(true);
      expect(result.files.size).toBe(0);
      expect(result.diagnostics[0]!.rule).toBe('internal');
    }
  });

  it('rejects two policies that would write the same folder', () => {
    const policy = example('churn-scorer');
    const copy = { ...policy, source: { ...policy.source, file: 'policies/copy.yaml' } };
    const result = buildPolicies([policy, copy], options);
    expect(result.diagnostics).toEqual([expect.objectContaining({ file: 'policies/copy.yaml', rule: 'duplicate-policy', severity: 'error' })]);
    expect(result.policies).toHaveLength(1);
  });
});
