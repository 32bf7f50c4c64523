/**
 * A semantic rule: one file under src/rules/ named after its id, listed in src/rules/index.ts.
 * Rules run only on policies that passed the JSON Schema, so the shape is known.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { ResolvedPolicy } from '../resolve/policy.js';
import type { LoadedPolicy } from '../load/load.js';

export type YamlPath = ReadonlyArray<string | number>;

export interface RuleReport {
  /** Path of the node the finding is about; the closest existing ancestor is used if it is absent. */
  path: YamlPath;
  message: string;
  hint?: string;
  /** Defaults to the rule's own severity. */
  severity?: Diagnostic['severity'];
}

export interface PolicyContext {
  source: LoadedPolicy;
  policy: ResolvedPolicy;
  report(finding: RuleReport): void;
}

export interface PolicySetContext {
  policies: ReadonlyArray<{ source: LoadedPolicy; policy: ResolvedPolicy }>;
  report(source: LoadedPolicy, finding: RuleReport): void;
}

export interface Rule {
  id: string;
  /** One sentence: what the rule demands and why. */
  description: string;
  severity: Diagnostic['severity'];
  /** Per policy. */
  check?(ctx: PolicyContext): void;
  /** Across all policies of a run (uniqueness of names and hosts). */
  checkAll?(ctx: PolicySetContext): void;
}
