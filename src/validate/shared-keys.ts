/**
 * The set-wide rules' keys (`Rule.setKey`) over loaded policies and policies known only by the
 * facts their manifest carries. Kept apart from validate.ts so a run in which every policy is
 * unchanged checks them without loading the YAML parser and the schema validators.
 */
import type { ResolvedPolicy } from '../resolve/policy.js';
import { setFactsOf, type SetFacts } from '../rules/rule.js';
import { setWideRules } from '../rules/set-wide.js';

/** The `known` files whose key under a set-wide rule another policy (loaded or known) has too. */
export function sharedKeys(shaped: ReadonlyArray<{ policy: ResolvedPolicy }>, known: ReadonlyArray<{ file: string; facts: SetFacts }>): string[] {
  if (known.length === 0) return [];
  const shared = new Set<string>();
  for (const rule of setWideRules) {
    if (!rule.setKey) continue;
    const count = new Map<string, number>();
    const keyOf = rule.setKey.bind(rule);
    const keys = [...shaped.map(({ policy }) => keyOf(setFactsOf(policy))), ...known.map(({ facts }) => keyOf(facts))];
    for (const key of keys) count.set(key, (count.get(key) ?? 0) + 1);
    known.forEach(({ file }, index) => (count.get(keys[shaped.length + index]!)! > 1 ? shared.add(file) : undefined));
  }
  return [...shared].sort();
}
