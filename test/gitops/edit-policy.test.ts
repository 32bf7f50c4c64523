/** Release actions edit the policy text minimally and refuse what would be unsafe or invalid. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runReleaseAction } from '../../src/gitops/release-action.js';
import type { PolicyEdit } from '../../src/gitops/edit-policy.js';
import { exampleProfile, repoRoot } from '../gates/example-policies.js';

function act(file: string, edit: PolicyEdit, text?: string) {
  const bytes = text === undefined ? readFileSync(path.join(repoRoot, 'policies', file)) : Buffer.from(text);
  return runReleaseAction(`policies/${file}`, new Uint8Array(bytes), edit, exampleProfile());
}

/** Lines only in `before` and lines only in `after`, in order. */
function lineChanges(before: string, after: string): { removed: string[]; added: string[] } {
  const a = before.split('\n');
  const b = after.split('\n');
  return { removed: a.filter((line) => !b.includes(line)), added: b.filter((line) => !a.includes(line)) };
}

const fraud = readFileSync(path.join(repoRoot, 'policies', 'fraud-detector.yaml'), 'utf8');

describe('rollback', () => {
  it('removes the candidate and touches nothing else: comments and layout survive', () => {
    const result = act('fraud-detector.yaml', { action: 'rollback', to: null });
    if (!result.ok) throw new Error(result.message);
    expect(result.servingAfter).toBe(41);
    expect(result.readiness).toBe('rollback to 41 is warm: stable keeps its 4 pods running throughout the release');
    expect(lineChanges(fraud, result.text)).toEqual({ removed: ['    candidate: 42'], added: [] });
    expect(result.text).toContain('# Card-fraud scoring.');
  });

  it('moves stable to an older retained version and keeps the replaced stable as previous', () => {
    const result = act('fraud-detector.yaml', { action: 'rollback', to: 40 });
    if (!result.ok) throw new Error(result.message);
    // 40 was stable before 41: its pods stay up for scaleDownDelay after 41's promotion.
    expect(result.readiness).toBe('rollback to 40 is warm until 30m after 41 became stable: the 4 pods of 40 stay up that long (scaleDownDelay); later, 4 pods start cold');
    expect(result.servingAfter).toBe(40);
    expect(lineChanges(fraud, result.text)).toEqual({
      removed: ['    stable: 41', '    candidate: 42', '    previous: [40, 39]', '    to: 41'],
      added: ['    stable: 40', '    previous: [41, 39]', '    to: 40'],
    });
  });

  it('refuses a version the policy does not retain', () => {
    const result = act('fraud-detector.yaml', { action: 'rollback', to: 39 });
    expect(result).toMatchObject({ ok: false });
    expect(!result.ok && result.message).toMatch(/version 39 is not one the policy retains.*42, 41, 40/);
  });

  it('refuses when there is nothing to roll back', () => {
    const result = act('search-ranker.yaml', { action: 'rollback', to: null });
    expect(!result.ok && result.message).toMatch(/already serves 12 with no candidate/);
  });
});

describe('promote', () => {
  it('makes the candidate stable, keeps the old stable first in previous and as rollback target', () => {
    const result = act('fraud-detector.yaml', { action: 'promote' });
    if (!result.ok) throw new Error(result.message);
    expect(result.servingAfter).toBe(42);
    expect(lineChanges(fraud, result.text)).toEqual({
      removed: ['    stable: 41', '    candidate: 42', '    previous: [40, 39]'],
      added: ['    stable: 42', '    previous: [41, 40, 39]'],
    });
  });

  it('adds a previous list where there was none', () => {
    const result = act('churn-scorer.yaml', { action: 'promote' });
    if (!result.ok) throw new Error(result.message);
    expect(result.text).toContain('    stable: 8\n    previous: [7]\n  traffic:');
  });

  it('refuses without a candidate', () => {
    expect(act('search-ranker.yaml', { action: 'promote' })).toMatchObject({ ok: false });
  });

  it('refuses to act on a policy the validator rejects', () => {
    const result = act('fraud-detector.yaml', { action: 'promote' }, fraud.replace('retain: 3', 'retain: lots'));
    expect(result).toMatchObject({ ok: false, message: expect.stringMatching(/does not validate as it is/) });
    expect(!result.ok && result.diagnostics.map((d) => d.line)).toContain(27);
  });
});

describe('abort', () => {
  it('removes the candidate and leaves stable serving', () => {
    const result = act('recommender.yaml', { action: 'abort' });
    if (!result.ok) throw new Error(result.message);
    expect(result.servingAfter).toBe(1730);
    expect(result.text).not.toMatch(/candidate:/);
    expect(result.text).toContain('# Home-feed recommender.');
  });
});

describe('inline versions blocks', () => {
  it('edits inside a flow mapping without restyling it', () => {
    const text = fraud.replace(/  versions:\n    stable: 41\n    candidate: 42\n    previous: \[40, 39\]\n/, '  versions: { stable: 41, candidate: 42, previous: [40, 39],\n').replace('    retain: 3\n', '    retain: 3 }\n').replace(/    info:\n(.*\n){3}    offlineChecks:\n(.*\n){2}/, '');
    const result = act('fraud-detector.yaml', { action: 'promote' }, text);
    if (!result.ok) throw new Error(result.message + JSON.stringify(result.diagnostics));
    expect(result.text).toContain('  versions: { stable: 42, previous: [41, 40, 39],\n    retain: 3 }\n');
  });
});
