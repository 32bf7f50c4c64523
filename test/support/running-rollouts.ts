/**
 * The examples' Rollouts as they run now, copied into a fresh output folder: first-deploy-at-rest
 * refuses a candidate for a policy with no Rollout yet (Argo would deploy it at 100% at once), so
 * a test that compiles the examples into a new folder starts from their running Rollouts. Every
 * other file is left for the compile under test to write.
 */
import { cpSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './tools.js';

/** `policies`: only these policies' Rollouts (by name), or every example's. */
export function seedRunningRollouts(out: string, policies?: readonly string[]): void {
  const wanted = (source: string) => source.endsWith('/rollout/rollout.yaml') && (policies === undefined || policies.some((name) => source.includes(`/${name}/rollout/`)));
  cpSync(join(repoRoot, 'generated'), out, { recursive: true, filter: (source) => statSync(source).isDirectory() || wanted(source) });
}
