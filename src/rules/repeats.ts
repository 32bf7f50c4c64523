/** Shared by the set-wide uniqueness rules: report every policy whose key an earlier file already used. */
import { setFactsOf, type PolicySetContext, type SetFacts, type YamlPath } from './rule.js';

export function reportRepeats(
  ctx: PolicySetContext,
  keyOf: (facts: SetFacts) => string,
  path: YamlPath,
  describe: (key: string, firstFile: string) => { message: string; hint: string },
): void {
  const firstFile = new Map<string, string>();
  for (const entry of ctx.policies) {
    const key = keyOf(setFactsOf(entry.policy));
    const first = firstFile.get(key);
    if (first === undefined) firstFile.set(key, entry.source.file);
    else ctx.report(entry.source, { path, ...describe(key, first) });
  }
}
