/**
 * Tests that use a real external tool as an oracle (promtool, protoc) ask here first. Missing
 * locally → the test is skipped with a loud printed reason, so `npm test` still passes on a laptop; missing under CI (`process.env.CI` set) → the test file fails, so a
 * broken CI image can never silently turn the oracles off.
 *
 *   const promtool = requireTool('promtool');            // absolute path, or null
 *   describe.skipIf(!promtool)('rules pass promtool', () => { ... execFileSync(promtool!, …) });
 *
 * The upstream CRD schemas are data, not a tool: copies live in the repository
 * (`upstreamCrdsDir`, with their source commits in sources.json), so those tests never skip.
 */
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Upstream CRD schemas copied into the repository (test/fixtures/crds/README.md). */
export const upstreamCrdsDir = path.join(repoRoot, 'test', 'fixtures', 'crds');

/** Absolute path of an executable on PATH, or undefined. */
export function findTool(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // Not in this PATH entry; keep looking.
    }
  }
  return undefined;
}

/** Path of the executable on PATH; when absent, null after a loud warning, or a throw under CI. */
export function requireTool(name: string): string | null {
  return findTool(name) ?? missing(`external tool \`${name}\` is not on PATH`);
}

function missing(what: string): null {
  if (process.env.CI) throw new Error(`${what}; CI must provide it, so this test fails instead of skipping`);
  process.stderr.write(`\n*** SKIPPING tests: ${what} (they would fail under CI) ***\n\n`);
  return null;
}
