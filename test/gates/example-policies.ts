/** The example policies in `policies/`, loaded and resolved as `compile` does (for the repository's platform profile), for target tests. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPolicy } from '../../src/load/load.js';
import type { ProfileSource } from '../../src/load/profile-file.js';
import type { ResolvedPolicy } from '../../src/resolve/policy.js';
import { resolvePolicy } from '../../src/resolve/resolve.js';
import type { Platform } from '../../src/resolve/platform.js';
import { validateProfile } from '../../src/validate/validate.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

let platform: Platform | undefined;

/** `modelgate.config.yaml` at the repository root, the profile the examples are written for (storage credentials, GPU, gateways, requests). */
export function exampleProfile(): ProfileSource {
  return { file: 'modelgate.config.yaml', bytes: new Uint8Array(readFileSync(path.join(repoRoot, 'modelgate.config.yaml'))) };
}

/** The platform of `modelgate.config.yaml` at the repository root. */
export function examplePlatform(): Platform {
  if (platform) return platform;
  const resolved = validateProfile(exampleProfile());
  if (!resolved.platform) throw new Error(`the example profile does not validate: ${JSON.stringify(resolved.diagnostics)}`);
  platform = resolved.platform;
  return platform;
}

export function examplePolicy(file: string): ResolvedPolicy {
  const bytes = readFileSync(path.join(repoRoot, 'policies', file));
  const loaded = loadPolicy(`policies/${file}`, bytes);
  if (!loaded.policy) throw new Error(`example policy ${file} does not load: ${JSON.stringify(loaded.diagnostics)}`);
  return resolvePolicy(loaded.policy.data, { file: loaded.policy.file, sha256: loaded.policy.sha256 }, examplePlatform());
}

export function examplePolicies(): ResolvedPolicy[] {
  return readdirSync(path.join(repoRoot, 'policies'))
    .filter((file) => file.endsWith('.yaml'))
    .sort()
    .map(examplePolicy);
}

/** `policy` compiled for a profile that asks for the second forms: the plain rule file and dashboard.json. */
export function withSecondForms(policy: ResolvedPolicy): ResolvedPolicy {
  const { prometheus, grafana } = policy.platform;
  return { ...policy, platform: { ...policy.platform, prometheus: { ...prometheus, ruleFile: true }, grafana: { ...grafana, dashboardFile: true } } };
}
