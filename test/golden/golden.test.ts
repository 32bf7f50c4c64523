/**
 * The full expected output of every example policy, reviewed like code. After an intended
 * change, re-approve with `npm run golden:update` and read the diff of test/golden/.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compile/compile.js';
import { repoRoot } from '../support/tools.js';

const goldenRoot = resolve(repoRoot, 'test', 'golden');
const update = process.env.UPDATE_GOLDEN === '1';

function readDir(dir: string, prefix = ''): Map<string, string> {
  const files = new Map<string, string>();
  if (!existsSync(dir)) return files;
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) for (const [path, text] of readDir(dir, relative)) files.set(path, text);
    else files.set(relative, readFileSync(join(dir, relative), 'utf8'));
  }
  return files;
}

/** Golden folders: one per policy, named after `metadata.name`; the test file itself is not one. */
function goldenPolicies(): string[] {
  return readdirSync(goldenRoot, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
}

const result = await compile([resolve(repoRoot, 'policies')], { sourceRoot: repoRoot });

/** A policy's files, relative to its own folder. */
function outputOf({ policy, paths }: (typeof result.policies)[number]): Map<string, string> {
  const prefix = `${policy.namespace}/${policy.name}/`;
  return new Map(paths.map((path) => [path.slice(prefix.length), result.files.get(path)!]));
}

if (update && result.diagnostics.every((d) => d.severity !== 'error')) {
  for (const name of goldenPolicies()) rmSync(join(goldenRoot, name), { recursive: true });
  for (const compiled of result.policies) {
    for (const [path, text] of outputOf(compiled)) {
      mkdirSync(dirname(join(goldenRoot, compiled.policy.name, path)), { recursive: true });
      writeFileSync(join(goldenRoot, compiled.policy.name, path), text);
    }
  }
}

describe('golden output of policies/', () => {
  it('compiles every example policy without errors; fraud-detector is warned of its label mode\'s memory and that its shadow runs without its timeout', () => {
    expect(result.diagnostics.map((d) => [d.file.split('/').pop(), d.rule, d.severity])).toEqual([
      ['fraud-detector.yaml', 'version-labels-memory', 'warning'],
      ['fraud-detector.yaml', 'managed-routes-drop-timeouts', 'warning'],
    ]);
    expect(result.policies.length).toBeGreaterThan(0);
  });

  it('has a golden folder for exactly the example policies', () => {
    const names = result.policies.map(({ policy }) => policy.name).sort();
    expect(goldenPolicies()).toEqual(names);
  });

  for (const compiled of result.policies) {
    const { policy } = compiled;
    it(`${policy.name}: output equals test/golden/${policy.name}/ byte for byte`, () => {
      const actual = outputOf(compiled);
      const expected = readDir(join(goldenRoot, policy.name));
      const differing = [...new Set([...actual.keys(), ...expected.keys()])]
        .filter((path) => actual.get(path) !== expected.get(path))
        .map((path) => `${path}: ${!expected.has(path) ? 'not in golden' : !actual.has(path) ? 'no longer produced' : 'differs'}`);
      expect(differing, 'run `npm run golden:update` if the change is intended').toEqual([]);
    });
  }
});
