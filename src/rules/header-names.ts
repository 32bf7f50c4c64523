/**
 * Header names in sticky routing, cohorts and segments must be HTTP tokens written in lowercase: Istio
 * (Envoy) lowercases header names and matches them case-sensitively, so `X-User-Id` never matches.
 */
import { policyHeaders } from '../routing/headers.js';
import type { Rule } from './rule.js';

/** RFC 9110 `token`, lowercase letters only. */
const LOWERCASE_TOKEN = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;

export const headerNames: Rule = {
  id: 'header-names',
  description: 'traffic.sticky.header, cohort and segment headers are lowercase HTTP header names.',
  severity: 'error',
  check({ policy, report }) {
    for (const { path, name } of policyHeaders(policy)) {
      if (LOWERCASE_TOKEN.test(name)) continue;
      const lower = name.toLowerCase();
      report({
        path,
        message: LOWERCASE_TOKEN.test(lower)
          ? `header \`${name}\` has uppercase letters; Istio matches lowercase header names, so it would never match`
          : `\`${name}\` is not an HTTP header name (letters, digits and !#$%&'*+.^_\`|~- only)`,
        ...(LOWERCASE_TOKEN.test(lower) ? { hint: `write \`${lower}\`` } : {}),
      });
    }
  },
};
