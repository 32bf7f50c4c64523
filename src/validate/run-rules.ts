/**
 * Run the semantic rules of src/rules/index.ts: each `check` on every policy, each `checkAll`
 * once over the set. A rule that crashes is reported as an internal error on the policy instead
 * of taking the whole run down with a stack trace.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { positionOf, type LoadedPolicy } from '../load/load.js';
import type { ResolvedPolicy } from '../resolve/policy.js';
import type { Rule, RuleReport } from '../rules/rule.js';
import { stageName } from '../resolve/stages.js';

export function runRules(
  rules: readonly Rule[],
  policies: ReadonlyArray<{ source: LoadedPolicy; policy: ResolvedPolicy }>,
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const report = (rule: Rule, source: LoadedPolicy, finding: RuleReport) => {
    diagnostics.push({
      file: source.file,
      ...positionOf(source, finding.path),
      severity: finding.severity ?? rule.severity,
      rule: rule.id,
      // Each stage is checked on its own; a finding says which stage it was found in.
      message: source.stageIndex === undefined ? finding.message : `stage ${stageName(source.data, source.stageIndex)}: ${finding.message}`,
      ...(finding.hint ? { hint: finding.hint } : {}),
    });
  };
  // Policy by policy, so one policy's findings come together and its positions are made once
  // (positionOf keeps the last policy's); the order reported does not matter, it is sorted after.
  const perPolicy = rules.filter((rule) => rule.check);
  for (const { source, policy } of policies) {
    for (const rule of perPolicy) guarded(rule, source, diagnostics, () => rule.check!({ source, policy, report: (finding) => report(rule, source, finding) }));
  }
  for (const rule of rules) {
    if (rule.checkAll && policies.length > 0) guarded(rule, policies[0]!.source, diagnostics, () => rule.checkAll!({ policies, report: (source, finding) => report(rule, source, finding) }));
  }
  return diagnostics;
}

function guarded(rule: Rule, source: LoadedPolicy, diagnostics: Diagnostic[], run: () => void): void {
  try {
    run();
  } catch (error) {
    diagnostics.push({
      file: source.file,
      line: 1,
      column: 1,
      severity: 'error',
      rule: 'internal',
      message: `rule \`${rule.id}\` failed: ${error instanceof Error ? error.message : String(error)}`,
      hint: 'this is a bug in modelgate; please report it with this policy',
    });
  }
}
