/**
 * A semantic rule: one file under src/rules/ named after its id, listed in src/rules/index.ts.
 * Rules run only on policies that passed the JSON Schema, so the shape is known.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { ResolvedPolicy } from '../resolve/policy.js';
import type { LoadedPolicy } from '../load/load.js';
import { istioHost } from '../names.js';

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
  /**
   * For a `checkAll` rule: the key two policies may not share, from the facts a manifest carries.
   * A run that skips an unchanged policy checks its key against the others' and loads it only
   * when they collide, so the finding is reported at its place in the file.
   */
  setKey?(facts: SetFacts): string;
}

/** What the set-wide rules read of a policy (kept in each policy folder's manifest). */
export interface SetFacts {
  namespace: string;
  name: string;
  /** `traffic.host` as Istio resolves it, with the profile's cluster domain (names.ts `istioHost`). */
  host: string;
}

export function setFactsOf(policy: ResolvedPolicy): SetFacts {
  return { namespace: policy.namespace, name: policy.name, host: istioHost(policy.traffic.host, policy.namespace, policy.platform.clusterDomain) };
}
