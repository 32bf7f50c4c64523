/**
 * A new policy (no Rollout in the base's output) must start at rest: Argo Rollouts deploys a new
 * Rollout's first revision at 100% without steps, so a candidate there would serve everyone.
 */
import { describe, expect, it } from 'vitest';
import { compileSources } from '../../src/compile/compile.js';
import { minimalPolicy } from '../support/rule-harness.js';
import { repoRoot } from '../support/tools.js';

const encode = (text: string) => new TextEncoder().encode(text);
const withCandidate = minimalPolicy();
const atRest = withCandidate.replace('    candidate: 2\n', '');

// Requests for the pods, so the only finding is the one under test (no best-effort-pods warning).
const profile = { file: 'modelgate.config.yaml', bytes: encode('apiVersion: modelgate.io/v1alpha1\nkind: PlatformProfile\nspec:\n  defaultResources: { cpu: "1", memory: 1Gi }\n') };

function compileWith(text: string, base: Record<string, string>) {
  return compileSources([{ file: 'policies/demo.yaml', bytes: encode(text) }], { sourceRoot: repoRoot, profile, previousOutput: (path) => base[path] ?? null });
}

describe('first-deploy-at-rest', () => {
  it('refuses a new policy that names a candidate, at the candidate, and builds nothing for it', () => {
    const result = compileWith(withCandidate, {});
    expect(result.diagnostics.map(({ rule, line, column, severity }) => ({ rule, line, column, severity }))).toEqual([{ rule: 'first-deploy-at-rest', line: 11, column: 5, severity: 'error' }]);
    expect(result.diagnostics[0]!.hint).toBe('a new policy starts at rest on stable; add the candidate in the next change');
    expect(result.diagnostics[0]!.message).toContain('default/demo has no Rollout yet');
  });

  it('accepts the same policy at rest, and the candidate once its Rollout exists in the base', () => {
    expect(compileWith(atRest, {}).diagnostics).toEqual([]);
    const base = compileWith(atRest, {}).files;
    const rollout = base.get('default/demo/rollout/rollout.yaml')!;
    expect(compileWith(withCandidate, { 'default/demo/rollout/rollout.yaml': rollout }).diagnostics.filter((d) => d.rule === 'first-deploy-at-rest')).toEqual([]);
  });

  it('does not judge without a base to compare with (library use without previousOutput)', () => {
    const result = compileSources([{ file: 'policies/demo.yaml', bytes: encode(withCandidate) }], { sourceRoot: repoRoot, profile: null });
    expect(result.diagnostics.filter((d) => d.rule === 'first-deploy-at-rest')).toEqual([]);
  });
});
