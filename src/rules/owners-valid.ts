/**
 * Owners become PR reviewers: each is a GitHub login (`alice-chen`) or a team (`acme/risk-ml`),
 * spelled the way GitHub allows, so a review request never silently goes nowhere.
 */
import type { Rule } from './rule.js';

/** GitHub logins: letters, digits and single inner dashes, at most 39. */
const LOGIN = /^(?=.{1,39}$)[A-Za-z0-9]+(-[A-Za-z0-9]+)*$/;
/** Team slugs: lowercase letters, digits, `-` and `_`. */
const TEAM_SLUG = /^[a-z0-9][a-z0-9_-]*$/;

export const ownersValid: Rule = {
  id: 'owners-valid',
  description: 'Each owner is a GitHub login (alice) or a team (org/team).',
  severity: 'error',
  check({ policy, report }) {
    policy.owners.forEach((owner, index) => {
      const [org, team, ...rest] = owner.split('/');
      const valid = team === undefined ? LOGIN.test(owner) : rest.length === 0 && LOGIN.test(org!) && TEAM_SLUG.test(team);
      if (valid) return;
      report({
        path: ['metadata', 'owners', index],
        message: `owner \`${owner}\` is not a GitHub user or team`,
        hint: owner.startsWith('@') ? `write it without the @: \`${owner.slice(1)}\`` : 'write a login like `alice-chen` or a team like `acme/risk-ml`',
      });
    });
  },
};
