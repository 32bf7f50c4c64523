import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../../src/load/load.js';
import { resolvePolicy } from '../../src/resolve/resolve.js';
import type { Rule } from '../../src/rules/rule.js';
import { runRules } from '../../src/validate/run-rules.js';
import { validateSources } from '../../src/validate/validate.js';
import { exampleProfile } from '../gates/example-policies.js';
import { minimalPolicy } from '../support/rule-harness.js';
import { repoRoot } from '../support/tools.js';

const encode = (text: string) => new TextEncoder().encode(text);

describe('validateSources', () => {
  it('resolves every example policy, without errors', async () => {
    const dir = path.join(repoRoot, 'policies');
    const names = (await readdir(dir)).filter((name) => name.endsWith('.yaml')).sort();
    const files = await Promise.all(names.map(async (name) => ({ file: `policies/${name}`, bytes: new Uint8Array(await readFile(path.join(dir, name))) })));
    const { policies, diagnostics } = validateSources(files, exampleProfile());
    expect(diagnostics.map((d) => d.rule)).toEqual(['version-labels-memory', 'managed-routes-drop-timeouts']);
    expect(policies.map((p) => p.policy.source.file)).toEqual(files.map((f) => f.file));
    expect(policies.find((p) => p.policy.name === 'fraud-detector')?.policy.canary.steps.map((s) => s.weightPercent)).toEqual([1, 5, 25, 50, 100]);
  });

  it('hands on policies with warnings, holds back policies with errors, and sorts diagnostics by file and position', () => {
    // candidate older than stable: a warning only.
    const warned = minimalPolicy().replace('stable: 1', 'stable: 3');
    const { policies, diagnostics } = validateSources([
      { file: 'c.yaml', bytes: encode(minimalPolicy().replace('name: demo\nspec', 'name: Demo\nspec')) },
      { file: 'b.yaml', bytes: encode(warned.replace('demo.default', 'b.default').replace('name: demo\nspec', 'name: b\nspec')) },
      { file: 'a.yaml', bytes: encode('kind: [') },
    ]);
    expect(policies.map((p) => p.source.file)).toEqual(['b.yaml']);
    expect(diagnostics.map(({ file, severity, rule }) => ({ file, severity, rule }))).toEqual([
      { file: 'a.yaml', severity: 'error', rule: 'yaml-syntax' },
      // No resources and no profile: at spec.model, above the versions.
      { file: 'b.yaml', severity: 'warning', rule: 'best-effort-pods' },
      { file: 'b.yaml', severity: 'warning', rule: 'versions-distinct' },
      { file: 'c.yaml', severity: 'error', rule: 'kubernetes-names' },
      { file: 'c.yaml', severity: 'warning', rule: 'best-effort-pods' },
    ]);
  });
});

describe('runRules', () => {
  it('turns a crashing rule into an internal diagnostic on the policy and keeps running the others', () => {
    const loaded = loadPolicy('p.yaml', encode(minimalPolicy()));
    const source = loaded.policy!;
    const policy = resolvePolicy(source.data, { file: 'p.yaml', sha256: source.sha256 });
    const crashing: Rule = { id: 'crashing', description: 'always throws', severity: 'error', check: () => { throw new Error('boom'); } };
    const reporting: Rule = { id: 'reporting', description: 'always reports', severity: 'warning', check: ({ report }) => report({ path: ['spec', 'traffic', 'host'], message: 'seen' }) };
    expect(runRules([crashing, reporting], [{ source, policy }])).toEqual([
      { file: 'p.yaml', line: 1, column: 1, severity: 'error', rule: 'internal', message: 'rule `crashing` failed: boom', hint: 'this is a bug in modelgate; please report it with this policy' },
      { file: 'p.yaml', line: 13, column: 5, severity: 'warning', rule: 'reporting', message: 'seen' },
    ]);
  });
});
