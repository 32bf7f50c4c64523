/**
 * What `advance` demands of the policy before it asks Prometheus, and the edit it makes: only the
 * next stage's candidate line is added, everything else in the file stays byte for byte.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { advanceText, checkAdvance } from '../../src/gitops/advance.js';
import type { PolicyEdit } from '../../src/gitops/edit-policy.js';
import { runReleaseAction } from '../../src/gitops/release-action.js';
import { validateSources } from '../../src/validate/validate.js';
import { repoRoot } from '../support/tools.js';

const POLICY = readFileSync(join(repoRoot, 'test/fixtures/staged-repository/policies/churn-scorer.yaml'), 'utf8');

function stagesOf(text: string) {
  const validated = validateSources([{ file: 'policies/churn-scorer.yaml', bytes: new TextEncoder().encode(text) }], null);
  expect(validated.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return validated.policies;
}

function refusal(text: string, to = 'prod'): string {
  const check = checkAdvance(stagesOf(text).map(({ policy }) => policy), to);
  if (check.ok) throw new Error('advance was not refused');
  return check.refusal;
}

describe('advance', () => {
  it("takes staging's completed version into prod, compared with the version it replaced", () => {
    const check = checkAdvance(stagesOf(POLICY).map(({ policy }) => policy), 'prod');
    if (!check.ok) throw new Error(check.refusal);
    const { version, soakSeconds, released, from, to } = check.advance;
    expect([version, soakSeconds, from.stage!.name, to.stage!.name]).toEqual([8, 3600, 'staging', 'prod']);
    // The soak's release in staging: 8 against 7, in staging's namespace.
    expect([released.versions.candidate, released.versions.stable, released.namespace]).toEqual([8, 7, 'churn-staging']);
  });

  it('adds only the candidate line to the prod stage, and the result validates with prod releasing 8', () => {
    const stages = stagesOf(POLICY);
    const check = checkAdvance(stages.map(({ policy }) => policy), 'prod');
    if (!check.ok) throw new Error(check.refusal);
    const text = advanceText(stages[0]!.source.text, stages[0]!.source.doc, check.advance)!;
    expect(text).toBe(POLICY.replace('      versions:\n        stable: 7\n', '      versions:\n        stable: 7\n        candidate: 8\n'));
    const [staging, prod] = stagesOf(text).map(({ policy }) => policy);
    expect([staging!.versions.candidate, prod!.versions.candidate, prod!.versions.stable]).toEqual([null, 8, 7]);
  });

  it('refuses while staging still releases a candidate', () => {
    expect(refusal(POLICY.replace('    stable: 8\n    previous: [7]', '    stable: 8\n    candidate: 9\n    previous: [7]'))).toBe('staging is still releasing candidate 9; only a completed release advances (staging → prod)');
  });

  it('refuses without a soak, saying where to declare one', () => {
    const stages = stagesOf(POLICY.replace('    soak: 1h\n', '')).map(({ policy }) => policy);
    const check = checkAdvance(stages, 'prod');
    expect(check).toEqual({ ok: false, refusal: 'staging declares no soak, so there is no window its gates must have held over', hint: 'set canary.soak (e.g. `soak: 1h`) in spec.canary or in stage staging, and let the next release soak' });
  });

  it('refuses a version prod has already, a prod release in progress, and the first stage', () => {
    expect(refusal(POLICY.replace('        stable: 7\n', '        stable: 8\n'))).toBe('prod already has version 8 (stable)');
    expect(refusal(POLICY.replace('    previous: [7]', '    previous: [7, 6]').replace('        stable: 7\n', '        stable: 6\n        candidate: 7\n'))).toBe('prod is releasing candidate 7 already');
    expect(refusal(POLICY, 'staging')).toBe('staging is the first stage: nothing comes before it');
  });

  it('refuses when staging does not say which version 8 replaced', () => {
    expect(refusal(POLICY.replace('    previous: [7]\n', ''))).toBe('staging lists no version before 8 (versions.previous), so the release that soaked cannot be read back');
  });
});

describe('promote, rollback and abort on a policy with stages', () => {
  const PROD_RELEASING = POLICY.replace('        stable: 7\n', '        stable: 7\n        candidate: 8\n');
  const act = (text: string, edit: PolicyEdit, stage: string | null) => runReleaseAction('policies/churn-scorer.yaml', new TextEncoder().encode(text), edit, null, stage);

  it("promote --stage prod edits prod's own versions and leaves the shared ones", () => {
    const result = act(PROD_RELEASING, { action: 'promote' }, 'prod');
    if (!result.ok) throw new Error(result.message);
    expect(result.text).toBe(POLICY.replace('      versions:\n        stable: 7\n', '      versions:\n        stable: 8\n        previous: [7]\n'));
    expect([result.namespace, result.servingAfter]).toEqual(['churn', 8]);
  });

  it('abort --stage prod removes only prod’s candidate', () => {
    const result = act(PROD_RELEASING, { action: 'abort' }, 'prod');
    if (!result.ok) throw new Error(result.message);
    expect(result.text).toBe(POLICY);
  });

  it('a stage that follows spec.versions is edited there', () => {
    const releasing = POLICY.replace('    stable: 8\n    previous: [7]', '    stable: 8\n    candidate: 9\n    previous: [7]');
    const result = act(releasing, { action: 'rollback', to: null }, 'staging');
    if (!result.ok) throw new Error(result.message);
    expect(result.text).toBe(POLICY);
    expect(result.namespace).toBe('churn-staging');
  });

  it('asks which stage when none is named, and refuses an unknown one', () => {
    expect(act(PROD_RELEASING, { action: 'promote' }, null)).toEqual({ ok: false, message: 'churn-scorer has stages (staging, prod): say which with --stage', diagnostics: [] });
    expect(act(PROD_RELEASING, { action: 'promote' }, 'qa')).toEqual({ ok: false, message: "churn-scorer has no stage 'qa' (its stages: staging, prod)", diagnostics: [] });
  });
});
