/**
 * Header names in sticky routing, cohorts and segments must be HTTP tokens written in lowercase: Istio
 * (Envoy) lowercases header names and matches them case-sensitively, so `X-User-Id` never matches.
 */
import type { Rule } from './rule.js';

/** RFC 9110 `token`, lowercase letters only. */
const LOWERCASE_TOKEN = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;

export const headerNames: Rule = {
  id: 'header-names',
  description: 'traffic.sticky.header, cohort and segment headers are lowercase HTTP header names.',
  severity: 'error',
  check({ policy, report }) {
    const headers: Array<{ path: Array<string | number>; name: string }> = [];
    if (policy.traffic.sticky) headers.push({ path: ['spec', 'traffic', 'sticky', 'header'], name: policy.traffic.sticky.header });
    policy.traffic.cohorts.forEach((cohort, index) => headers.push({ path: ['spec', 'traffic', 'cohorts', index, 'header'], name: cohort.header }));
    policy.traffic.segments.forEach((segment, index) => headers.push({ path: ['spec', 'traffic', 'segments', index, 'header'], name: segment.header }));
    for (const { path, name } of headers) {
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
