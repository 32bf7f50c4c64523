/**
 * The rules with a `setKey` (rule.ts): they compare policies with each other. Listed apart from
 * index.ts so a run in which every policy is unchanged checks their keys over the facts the
 * manifests carry (src/validate/shared-keys.ts) without loading the other rules and what they
 * import (the gate schedule, the analysis and query builders): ~40 modules off that path.
 */
import type { Rule } from './rule.js';
import { uniqueHosts } from './unique-hosts.js';
import { uniquePolicyNames } from './unique-policy-names.js';

export const setWideRules: readonly Rule[] = [uniquePolicyNames, uniqueHosts];
