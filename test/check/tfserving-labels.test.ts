import { describe, expect, it } from 'vitest';
import { labelMoveHazards, parseModelsConfig } from '../../src/check/tfserving-labels.js';
import type { ResolvedPolicy } from '../../src/resolve/policy.js';
import { tfservingTarget } from '../../src/targets/tfserving.js';
import { examplePolicy } from '../gates/example-policies.js';

function modelsConfig(policy: ResolvedPolicy): string {
  return tfservingTarget.build(policy).find((file) => file.kind === 'text')!.text!;
}

function withVersions(policy: ResolvedPolicy, versions: Partial<ResolvedPolicy['versions']>): ResolvedPolicy {
  const merged = { ...policy.versions, ...versions };
  const retained = [...new Set([merged.candidate, merged.stable, ...merged.preload].filter((v): v is number => v !== null))].sort((a, b) => b - a);
  return { ...policy, versions: { ...merged, retained } };
}

describe('labelMoveHazards', () => {
  const fraud = examplePolicy('fraud-detector.yaml'); // stable 41, candidate 42

  it('reads back the versions and labels of a config modelgate wrote', () => {
    const model = parseModelsConfig(modelsConfig(fraud)).get('fraud_detector')!;
    expect([...model.versions].sort()).toEqual(fraud.versions.retained.slice().sort());
    expect(Object.fromEntries(model.labels)).toEqual({ canary: 42, stable: 41 });
  });

  it('reports a canary label moving onto a version the running config does not load, with the safe order', () => {
    const atRest = withVersions(fraud, { stable: 41, candidate: null, preload: [] });
    const hazards = labelMoveHazards(modelsConfig(atRest), fraud);
    expect(hazards.map((h) => [h.label, h.version])).toEqual([['canary', 42]]);
    expect(hazards[0]!.message).toContain('versions.preload');
    expect(hazards[0]!.message).toContain('AVAILABLE');
  });

  it('accepts the second step once the version was preloaded', () => {
    const preloaded = withVersions(fraud, { stable: 41, candidate: null, preload: [42] });
    expect(labelMoveHazards(modelsConfig(preloaded), fraud)).toEqual([]);
  });

  it('reports stable moving to a version that was never loaded', () => {
    const next = withVersions(fraud, { stable: 43, candidate: null, preload: [] });
    expect(labelMoveHazards(modelsConfig(fraud), next).map((h) => [h.label, h.version])).toEqual([['stable', 43]]);
  });

  it('is silent on a first release, for a model the server does not run yet, and when nothing moves', () => {
    expect(labelMoveHazards(null, fraud)).toEqual([]);
    const churn = examplePolicy('churn-scorer.yaml');
    expect(labelMoveHazards(modelsConfig({ ...churn, model: { ...churn.model, versionLabels: true } }), fraud)).toEqual([]);
    expect(labelMoveHazards(modelsConfig(fraud), fraud)).toEqual([]);
  });

  it('finds the model even when its name needs escaping', () => {
    const odd = { ...fraud, model: { ...fraud.model, name: 'fraud "v2"\\détecteur' } };
    expect([...parseModelsConfig(modelsConfig(odd)).keys()]).toEqual(['fraud "v2"\\détecteur']);
  });
});
