/**
 * The request headers a policy acts on: the sticky user id and cohort headers decide who gets
 * the candidate, and segment headers decide which segment's gate judges a request.
 */
import type { ResolvedPolicy } from '../resolve/policy.js';

export interface PolicyHeader {
  /** Where the policy names it. */
  path: Array<string | number>;
  name: string;
  /** What it decides, for messages. */
  decides: string;
}

export function policyHeaders(policy: ResolvedPolicy): PolicyHeader[] {
  const headers: PolicyHeader[] = [];
  const { sticky, cohorts, segments } = policy.traffic;
  if (sticky) headers.push({ path: ['spec', 'traffic', 'sticky', 'header'], name: sticky.header, decides: 'which users get the candidate' });
  cohorts.forEach((cohort, index) => headers.push({ path: ['spec', 'traffic', 'cohorts', index, 'header'], name: cohort.header, decides: `who is in cohort ${cohort.name}, which gets the candidate` }));
  segments.forEach((segment, index) => headers.push({ path: ['spec', 'traffic', 'segments', index, 'header'], name: segment.header, decides: `the ${segment.label} segment a request counts in for the gates` }));
  return headers;
}
