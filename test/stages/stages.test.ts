/**
 * `spec.stages`: the example repository's two-stage policy compiles to one folder per stage, each
 * an ordinary policy with the stage's fields laid over the shared spec, and the per-policy checks
 * (schedule power at the stage's own traffic, names, hosts) run per stage.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { compileSources } from '../../src/compile/compile.js';
import { runCompile } from '../../src/compile/run.js';
import { planChange } from '../../src/gitops/plan.js';
import { pullRequestBody } from '../../src/gitops/pull-request-body.js';
import { validateSources } from '../../src/validate/validate.js';
import { repoRoot } from '../support/tools.js';

const REPOSITORY = join(repoRoot, 'test/fixtures/staged-repository');
const POLICY = readFileSync(join(REPOSITORY, 'policies/churn-scorer.yaml'), 'utf8');

function validate(text: string) {
  return validateSources([{ file: 'policies/churn-scorer.yaml', bytes: new TextEncoder().encode(text) }], null);
}

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe('stages', () => {
  it('compile one folder per stage, each with its namespace and versions', async () => {
    const out = mkdtempSync(join(tmpdir(), 'modelgate-stages-'));
    folders.push(out);
    const result = await runCompile({ paths: [join(REPOSITORY, 'policies')], outDir: join(out, 'generated'), root: REPOSITORY, mode: 'write' });
    expect(result.diagnostics).toEqual([]);
    expect(result.internalError).toBe(false);
    const rollout = (folder: string) => parseAllDocuments(readFileSync(join(out, 'generated', folder, 'rollout/rollout.yaml'), 'utf8'))[0]!.toJS() as any;
    const staging = rollout('churn-staging/churn-scorer');
    const prod = rollout('churn/churn-scorer');
    expect(staging.metadata.namespace).toBe('churn-staging');
    expect(prod.metadata.namespace).toBe('churn');
    expect(staging.spec.template.metadata.labels.version).toBe('8');
    expect(prod.spec.template.metadata.labels.version).toBe('7');
    expect(readFileSync(join(out, 'generated/churn/churn-scorer/istio/virtualservice.yaml'), 'utf8')).toContain('churn-scorer.churn.svc.cluster.local');
  });

  it('resolve the shared spec under each stage, the stage winning field by field', () => {
    const [staging, prod] = validate(POLICY).policies.map(({ policy }) => policy);
    expect(staging!.stage).toEqual({ name: 'staging', index: 0, order: ['staging', 'prod'], ownVersions: false, previous: null });
    expect(prod!.stage).toEqual({ name: 'prod', index: 1, order: ['staging', 'prod'], ownVersions: true, previous: { name: 'staging', namespace: 'churn-staging', stable: 8, previous: [7] } });
    expect([staging!.traffic.expectedRps, prod!.traffic.expectedRps]).toEqual([40, 400]);
    expect([staging!.canary.steps, prod!.canary.steps].map((steps) => steps.map((step) => step.weightPercent))).toEqual([[20, 50, 100], [5, 25, 100]]);
    expect([staging!.canary.scaleDownDelaySeconds, prod!.canary.scaleDownDelaySeconds]).toEqual([600, 600]);
    expect([staging!.versions.stable, prod!.versions.stable]).toEqual([8, 7]);
    // A stage that states its versions does not inherit the shared candidate or previous.
    expect(prod!.versions.previous).toEqual([]);
    expect([staging!.canary.soakSeconds, prod!.canary.soakSeconds]).toEqual([3600, 3600]);
    expect(staging!.gates.checks.map((gate) => gate.name)).toEqual(prod!.gates.checks.map((gate) => gate.name));
  });

  it("judge schedule power at each stage's own traffic, at the stage's line", () => {
    // prod's candidate (staging's stable) at 0.05 requests per second: no step can judge it.
    const text = POLICY.replace('        stable: 7\n', '        stable: 7\n        candidate: 8\n').replace('expectedRps: 400', 'expectedRps: 0.05');
    const diagnostics = validate(text).diagnostics.filter((d) => d.rule === 'schedule-power');
    expect(diagnostics.length).toBeGreaterThan(0);
    for (const diagnostic of diagnostics) expect(diagnostic.message).toMatch(/^stage prod: /);
    for (const diagnostic of diagnostics) expect(diagnostic.message).toContain('at 25% each 10m window gives the candidate about 7');
    // The same candidate at prod's declared 400 requests per second is judged.
    expect(validate(POLICY.replace('        stable: 7\n', '        stable: 7\n        candidate: 8\n')).diagnostics.filter((d) => d.rule === 'schedule-power')).toEqual([]);
  });

  it('refuse two stages in one namespace: they would be one folder and one set of objects', () => {
    const diagnostics = validate(POLICY.replace('namespace: churn-staging', 'namespace: churn')).diagnostics;
    expect(diagnostics.map((d) => [d.rule, d.message])).toContainEqual(['unique-policy-names', 'stage prod: policy `churn/churn-scorer` is already defined in policies/churn-scorer.yaml']);
  });

  it("plan tells each stage's traffic story, with the stage named", () => {
    const build = (text: string) => compileSources([{ file: 'policies/churn-scorer.yaml', bytes: new TextEncoder().encode(text) }], { sourceRoot: REPOSITORY, profile: null });
    const base = build(POLICY);
    // staging starts releasing 9 while prod releases 8, which staging completed.
    const next = build(POLICY.replace('    stable: 8\n    previous: [7]', '    stable: 8\n    candidate: 9\n    previous: [7]').replace('        stable: 7\n', '        stable: 7\n        candidate: 8\n'));
    expect(next.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const plan = planChange({
      outDir: 'generated',
      policies: next.policies.map(({ policy }) => policy),
      planned: next.files,
      baseFiles: base.files,
      basePolicies: base.policies.map(({ policy }) => policy),
      warnings: [],
    });
    expect(plan.policies.map((entry) => [entry.title, entry.change.headline])).toEqual([
      ['churn-staging/churn-scorer (stage staging)', expect.stringContaining('candidate 9: 20% → 50% → 100% of traffic')],
      ['churn/churn-scorer (stage prod)', expect.stringContaining('candidate 8: 5% → 25% → 100% of traffic')],
    ]);
    expect(pullRequestBody(plan, null)).toContain('### churn/churn-scorer (stage prod)');
  });

  it("check retention per stage, at the stage's own line", () => {
    // prod keeps one version while releasing 8 against 7: neither stable nor the rollback target is kept.
    const text = POLICY.replace('        stable: 7\n', '        stable: 7\n        candidate: 8\n        retain: 1\n');
    const diagnostics = validate(text).diagnostics.filter((d) => d.rule === 'retention-covers-rollback');
    expect(diagnostics.length).toBeGreaterThan(0);
    const lines = text.split('\n');
    for (const d of diagnostics) {
      expect(d.message).toMatch(/^stage prod: /);
      expect(lines[d.line - 1]).toBe('        retain: 1');
    }
  });
});
