/**
 * `plan`, the PR and `rollback` read whether a rollback is warm from the output, as compiled
 * against the output before it: after Argo aborted fraud-detector's candidate 42 (one version per
 * pod) and the fix 43 replaced it at once, the output carries 42's ConfigMap, and a rollback to
 * 41 (the stable 43 replaced, its `rollback.to`) is said to maybe start cold instead of warm. Which of the two it is, on a model of Argo's
 * ReplicaSets, is test/serving/warm-rollback.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileSources } from '../../src/compile/compile.js';
import { parseHeader } from '../../src/emit/header.js';
import { markdown } from '../../src/gitops/markdown.js';
import { planChange } from '../../src/gitops/plan.js';
import { pullRequestBody } from '../../src/gitops/pull-request-body.js';
import { runReleaseAction } from '../../src/gitops/release-action.js';
import { exampleProfile } from '../gates/example-policies.js';
import { oneVersionPerPod, releaseAction, withNextCandidate } from '../serving/release-walk.js';
import { repoRoot } from '../support/tools.js';

const FILE = 'policies/fraud-detector.yaml';

/** Compile `text` against `previous` (the output folder's files, headers included), as `compile` and `plan` do. */
function compile(text: string, previous: ReadonlyMap<string, string>) {
  const result = compileSources([{ file: FILE, bytes: new TextEncoder().encode(text) }], {
    sourceRoot: repoRoot,
    profile: exampleProfile(),
    previousOutput: (path) => parseHeader(previous.get(path) ?? '')?.body ?? null,
  });
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return result;
}

/** fraud-detector's release, its candidate 42 withdrawn or not, up to the promotion: the output before and after it. */
function releaseAfterWithdrawal(withdrawal: 'fix at once' | 'none') {
  let text = oneVersionPerPod(readFileSync(join(repoRoot, FILE), 'utf8'));
  // From the running Rollout (first-deploy-at-rest), then each compile's own output.
  const ROLLOUT = 'risk/fraud-detector/rollout/rollout.yaml';
  const first = compile(text, new Map([[ROLLOUT, readFileSync(join(repoRoot, 'generated', ROLLOUT), 'utf8')]]));
  let output = first.files;
  if (withdrawal === 'fix at once') {
    text = withNextCandidate(text, first.policies[0]!.policy, 43).text;
    output = compile(text, output).files;
  }
  const base = output;
  text = releaseAction(text, { action: 'promote' });
  const promoted = compile(text, base);
  return { text, base, promoted, output: (path: string) => parseHeader(promoted.files.get(path) ?? '')?.body ?? null };
}

describe('rollback readiness read from the output', () => {
  it('plan and the PR say a rollback to the replaced stable may start cold while a withdrawn candidate is carried', () => {
    const { base, promoted } = releaseAfterWithdrawal('fix at once');
    const policy = promoted.policies[0]!.policy;
    expect(policy.versions).toMatchObject({ stable: 43, candidate: null, previous: [41, 40, 39] });
    const plan = planChange({ outDir: 'generated', policies: [policy], planned: promoted.files, baseFiles: base, basePolicies: [], warnings: [] });
    const [line] = plan.policies[0]!.exposure;
    expect(line).toBe(
      'rollback to 41 may start cold: Argo Rollouts keeps one old ReplicaSet warm (scaleDownDelayRevisionLimit 1) and the withdrawn candidate 42 ran after 41; ' +
        'if its pods were still up (Argo keeps a withdrawn candidate\'s pods for up to 30m) when 43 became stable or at a change since, its ReplicaSet took the slot and the 4 pods of 41 were scaled to 0: ' +
        '4 pods start and load version 41 from gs://acme-models/fraud_detector before they take traffic. Otherwise it is warm until 30m after 43 became stable. ' +
        'kubectl argo rollouts get rollout fraud-detector -n risk shows which ReplicaSets run',
    );
    expect(pullRequestBody(plan, null)).toContain(`- ${markdown(line!)}\n`);
  });

  it('rollback reads the output folder: the same words', () => {
    const { text, promoted, output } = releaseAfterWithdrawal('fix at once');
    const result = runReleaseAction(FILE, new TextEncoder().encode(text), { action: 'rollback', to: 41 }, exampleProfile(), null, output);
    if (!result.ok) throw new Error(result.message);
    expect(result.readiness).toBe(planChange({ outDir: 'generated', policies: [promoted.policies[0]!.policy], planned: promoted.files, baseFiles: new Map(), basePolicies: [], warnings: [] }).policies[0]!.exposure[0]);
  });

  it('with nothing withdrawn, the replaced stable is warm until the window ends', () => {
    const { text, promoted, output } = releaseAfterWithdrawal('none');
    const words = 'rollback to 41 is warm until 30m after 42 became stable: the 4 pods of 41 stay up that long (scaleDownDelay); later, 4 pods start cold';
    const plan = planChange({ outDir: 'generated', policies: [promoted.policies[0]!.policy], planned: promoted.files, baseFiles: new Map(), basePolicies: [], warnings: [] });
    expect(plan.policies[0]!.exposure).toEqual([words]);
    const result = runReleaseAction(FILE, new TextEncoder().encode(text), { action: 'rollback', to: 41 }, exampleProfile(), null, output);
    expect(result.ok && result.readiness).toBe(words);
  });
});
