/** Build every target of a policy in memory, and find one object by kind, for output-check tests. */
import type { ResolvedPolicy } from '../../src/resolve/policy.js';
import { targets } from '../../src/targets/index.js';
import type { OutputFile } from '../../src/targets/target.js';

export function compile(policy: ResolvedPolicy): OutputFile[] {
  return targets.flatMap((target) => target.build(policy));
}

export function objectOfKind(files: OutputFile[], kind: string): Record<string, any> {
  const found = files.flatMap((file) => file.documents ?? []).find((doc) => (doc as { kind?: string }).kind === kind);
  if (!found) throw new Error(`no ${kind} compiled`);
  return found as Record<string, any>;
}
