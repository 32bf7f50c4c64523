/** The example policies in `policies/`, loaded and resolved as `compile` does, for target tests. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPolicy } from '../../src/load/load.js';
import type { ResolvedPolicy } from '../../src/resolve/policy.js';
import { resolvePolicy } from '../../src/resolve/resolve.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function examplePolicy(file: string): ResolvedPolicy {
  const bytes = readFileSync(path.join(repoRoot, 'policies', file));
  const loaded = loadPolicy(`policies/${file}`, bytes);
  if (!loaded.policy) throw new Error(`example policy ${file} does not load: ${JSON.stringify(loaded.diagnostics)}`);
  return resolvePolicy(loaded.policy.data, { file: loaded.policy.file, sha256: loaded.policy.sha256 });
}

export function examplePolicies(): ResolvedPolicy[] {
  return readdirSync(path.join(repoRoot, 'policies'))
    .filter((file) => file.endsWith('.yaml'))
    .sort()
    .map(examplePolicy);
}
