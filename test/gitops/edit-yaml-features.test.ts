/**
 * rollback, promote and abort on every YAML feature `validate` accepts: anchors and aliases,
 * flow style, CRLF line ends and a byte-order mark. Each edit must mean exactly the intended
 * change and leave every other byte alone; merge keys are not part of the policy language
 * (YAML 1.2), so a policy using them is refused with its diagnostic, never a crash.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runReleaseAction } from '../../src/gitops/release-action.js';
import type { PolicyEdit } from '../../src/gitops/edit-policy.js';

const HEAD = `apiVersion: modelgate.io/v1alpha1
kind: ReleasePolicy
metadata: { name: churn-scorer, owners: [dana-okafor] }
spec:
  model: { name: churn, basePath: /models/churn }
`;
const TRAFFIC = `  traffic: { host: churn-scorer.default.svc.cluster.local, expectedRps: 5000 }
  canary:
    steps:
      - &half { weight: 50%, hold: 12h }
      - { weight: 100% }
`;

function act(text: string, edit: PolicyEdit) {
  const result = runReleaseAction('policies/p.yaml', new TextEncoder().encode(text), edit);
  if (!result.ok) throw new Error(`${result.message}\n${result.diagnostics.map((d) => d.message).join('\n')}`);
  return result.text;
}

/** The edited policy means the original with `versions` and `rollback` replaced, nothing else. */
function expectMeaning(after: string, before: string, versions: object, rollback?: object): void {
  const expected = parse(before.replace(/^\uFEFF/, '')) as { spec: Record<string, unknown> };
  expected.spec.versions = versions;
  if (rollback) expected.spec.rollback = rollback;
  expect(parse(after.replace(/^\uFEFF/, ''))).toEqual(expected);
}

const edits: Array<[PolicyEdit, object, object | undefined]> = [
  [{ action: 'rollback', to: null }, { stable: 7, previous: [6] }, { to: 7 }],
  [{ action: 'rollback', to: 6 }, { stable: 6, previous: [7] }, { to: 6 }],
  [{ action: 'promote' }, { stable: 8, previous: [7, 6] }, { to: 7 }],
  [{ action: 'abort' }, { stable: 7, previous: [6] }, { to: 7 }],
];

describe('anchors and aliases', () => {
  // The preload needs label mode.
  const policy = `${HEAD.replace('basePath: /models/churn }', 'basePath: /models/churn, versionLabels: true }')}  versions:
    stable: &stable 7
    candidate: &candidate 8
    previous: &older [6]
    preload: [*candidate]
    retain: 3
    info: { '8': { name: next }, '7': { name: now } }
${TRAFFIC}  rollback: { to: *stable }
`;

  it.each(edits)('%o keeps every alias meaning what it meant', (edit, versions, rollback) => {
    const after = act(policy, edit);
    expectMeaning(after, policy, { ...versions, retain: 3, info: { '8': { name: 'next' }, '7': { name: 'now' } } }, rollback);
    expect(after).toContain('- &half { weight: 50%, hold: 12h }');
  });

  it('an alias whose anchor is not edited stays an alias', () => {
    const text = policy.replace('hold: 12h }', 'hold: &hold 12h }').replace('      - { weight: 100% }', '      - { weight: 75%, hold: *hold }\n      - { weight: 100% }');
    const after = act(text, { action: 'promote' });
    expect(after).toContain('      - { weight: 75%, hold: *hold }\n');
  });
});

describe('flow style', () => {
  const policy = `${HEAD}  versions: { stable: 7, candidate: 8, previous: [6], retain: 3 }
${TRAFFIC}`;

  it.each(edits)('%o edits inside the flow mapping', (edit, versions) => {
    const after = act(policy, edit);
    expectMeaning(after, policy, { ...versions, retain: 3 });
    expect(after.split('\n').filter((line) => !policy.includes(line))).toHaveLength(1);
  });
});

describe('CRLF line ends and a byte-order mark', () => {
  const lf = `${HEAD}  versions:
    stable: 7
    candidate: 8
    previous:
      - 6
    retain: 3
${TRAFFIC}`;
  const crlf = `\uFEFF${lf.replace(/\n/g, '\r\n')}`;

  it.each(edits)('%o writes CRLF lines only and keeps the byte-order mark', (edit, versions) => {
    const after = act(crlf, edit);
    expect(after.startsWith('\uFEFF')).toBe(true);
    expect(after.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expectMeaning(after, crlf, { ...versions, retain: 3 });
    const unchanged = crlf.split('\r\n').filter((line) => !/stable|candidate|previous|- [678]$/.test(line));
    for (const line of unchanged) expect(after.split('\r\n')).toContain(line);
  });

  it('a file without a byte-order mark does not gain one', () => {
    expect(act(lf, { action: 'promote' }).startsWith('\uFEFF')).toBe(false);
  });
});

describe('tags, quoted keys, other number spellings, document markers and trailing comments', () => {
  const policy = `%YAML 1.2
---
${HEAD}  versions:
    "stable": !!int 0x7 # serving now
    'candidate': 0o10   # the release
    previous: [!!int 6]
    retain: 3
${TRAFFIC}...
`;

  it.each(edits)('%o', (edit, versions) => {
    const after = act(policy, edit);
    expectMeaning(after.replace(/^%YAML 1.2\n---\n/, '').replace(/\.\.\.\n$/, ''), policy.replace(/^%YAML 1.2\n---\n/, '').replace(/\.\.\.\n$/, ''), { ...versions, retain: 3 });
    expect(after.startsWith('%YAML 1.2\n---\n')).toBe(true);
    expect(after.endsWith('...\n')).toBe(true);
  });
});

describe('merge keys', () => {
  it('are refused by validate, and so the edit is refused with that diagnostic', () => {
    const policy = `${HEAD}  versions:
    <<: { retain: 3 }
    stable: 7
    candidate: 8
${TRAFFIC}`;
    const result = runReleaseAction('policies/p.yaml', new TextEncoder().encode(policy), { action: 'promote' });
    expect(result).toMatchObject({ ok: false, message: expect.stringMatching(/does not validate as it is/) });
    expect(!result.ok && result.diagnostics.map((d) => [d.rule, d.line])).toContainEqual(['schema', 7]);
  });
});
