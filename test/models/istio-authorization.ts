/**
 * Istio's AuthorizationPolicy decision for one request to one workload, as istio/api
 * security/v1beta1/authorization_policy.proto (commit b8f8791) specifies it:
 * - evaluation (lines 24–33): a matching DENY policy denies; then, with no ALLOW policy the request
 *   is allowed; else it is allowed only if an ALLOW policy matches (CUSTOM and AUDIT are not modelled);
 * - a policy matches if any rule matches; a rule matches if every `from` and `to` it has has a
 *   matching entry; within a source/operation every field set must match; a `not*` field
 *   matches when the value is NOT in its list;
 * - string match (line 386 ff.): exact, prefix `abc*`, suffix `*abc`, or `*` (any non-empty
 *   value). A plaintext request has no principal: `principals` cannot match it, `notPrincipals`
 *   does.
 * Only the fields modelgate emits are modelled (selector.matchLabels, action, principals,
 * notPrincipals, paths).
 */

export interface AuthorizationPolicy {
  spec: {
    selector?: { matchLabels: Record<string, string> };
    action?: 'ALLOW' | 'DENY';
    rules?: Array<{
      from?: Array<{ source: { principals?: string[]; notPrincipals?: string[] } }>;
      to?: Array<{ operation: { paths?: string[] } }>;
    }>;
  };
}

export interface AuthzRequest {
  /** null: no mTLS identity (plaintext, from outside the mesh). */
  principal: string | null;
  path: string;
}

function matchString(pattern: string, value: string | null): boolean {
  if (value === null || value === '') return false;
  if (pattern === '*') return true;
  if (pattern.endsWith('*')) return value.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith('*')) return value.endsWith(pattern.slice(1));
  return value === pattern;
}

function anyMatch(patterns: readonly string[], value: string | null): boolean {
  return patterns.some((pattern) => matchString(pattern, value));
}

function ruleMatches(rule: NonNullable<AuthorizationPolicy['spec']['rules']>[number], request: AuthzRequest): boolean {
  const fromOk =
    !rule.from ||
    rule.from.some(({ source }) => (!source.principals || anyMatch(source.principals, request.principal)) && (!source.notPrincipals || !anyMatch(source.notPrincipals, request.principal)));
  const toOk = !rule.to || rule.to.some(({ operation }) => !operation.paths || anyMatch(operation.paths, request.path));
  return fromOk && toOk;
}

function policyMatches(policy: AuthorizationPolicy, request: AuthzRequest): boolean {
  return (policy.spec.rules ?? []).some((rule) => ruleMatches(rule, request));
}

function selects(policy: AuthorizationPolicy, podLabels: Record<string, string>): boolean {
  return Object.entries(policy.spec.selector?.matchLabels ?? {}).every(([key, value]) => podLabels[key] === value);
}

/** Whether the workload with `podLabels` lets `request` through. */
export function authorizes(policies: readonly AuthorizationPolicy[], podLabels: Record<string, string>, request: AuthzRequest): boolean {
  const applying = policies.filter((policy) => selects(policy, podLabels));
  if (applying.some((policy) => (policy.spec.action ?? 'ALLOW') === 'DENY' && policyMatches(policy, request))) return false;
  const allows = applying.filter((policy) => (policy.spec.action ?? 'ALLOW') === 'ALLOW');
  return allows.length === 0 || allows.some((policy) => policyMatches(policy, request));
}
