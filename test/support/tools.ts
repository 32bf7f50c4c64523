/**
 * External tools used as oracles (promtool, protoc…). Missing locally: the test skips and says so
 * loudly. Missing in CI: the test fails, because a skipped proof is no proof.
 */
import { execFileSync } from 'node:child_process';

/** Path of `name` on PATH, or null after a loud warning; throws when `CI` is set. */
export function requireTool(name: string): string | null {
  try {
    return execFileSync('sh', ['-c', `command -v "$0"`, name], { encoding: 'utf8' }).trim() || missing(name);
  } catch {
    return missing(name);
  }
}

function missing(name: string): null {
  const message = `${name} is not installed: tests that use it are SKIPPED (install it; CI fails instead of skipping)`;
  if (process.env.CI) throw new Error(message);
  console.warn(`\n*** ${message} ***\n`);
  return null;
}
