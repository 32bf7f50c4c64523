/**
 * `compile` runs in every CI job and pre-commit hook, so it must not load the GitHub client or
 * the PR templates. Walks the static and dynamic imports reachable from the command's module.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/tools.js';

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g;

function packagesReachableFrom(entry: string): Set<string> {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const specifier = (match[1] ?? match[2])!;
      if (specifier.startsWith('.')) queue.push(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else packages.add(specifier);
    }
  }
  return packages;
}

describe('compile start-up', () => {
  it('does not import Octokit or handlebars', () => {
    const packages = [...packagesReachableFrom(resolve(repoRoot, 'src/cli/compile.ts'))];
    expect(packages).toContain('yaml');
    expect(packages.filter((name) => name.startsWith('@octokit/') || name === 'handlebars')).toEqual([]);
  });
});
