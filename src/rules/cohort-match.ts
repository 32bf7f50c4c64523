/**
 * A cohort matches its header in exactly one way: `exact`, `prefix` or `regex`. Istio evaluates
 * regexes with RE2, which has no lookaround or backreferences; such a regex is rejected by Istio
 * at apply time, so it is caught here instead.
 */
import type { Rule } from './rule.js';

const MATCH_KINDS = ['exact', 'prefix', 'regex'] as const;
/** Constructs JavaScript accepts and RE2 does not. */
const NOT_RE2: Array<[RegExp, string]> = [
  [/\(\?<?[=!]/, 'lookahead/lookbehind `(?=` `(?!` `(?<=` `(?<!`'],
  [/\\[1-9]|\\k</, 'backreferences (`\\1`, `\\k<name>`)'],
  [/\(\?>/, 'atomic groups `(?>`'],
  [/(?<!\\)[*+?}]\+/, 'possessive quantifiers'],
];

export const cohortMatch: Rule = {
  id: 'cohort-match',
  description: 'Each cohort has exactly one of exact, prefix or regex, and a regex is valid RE2 (no lookaround or backreferences).',
  severity: 'error',
  check({ source, report }) {
    const cohorts = ((source.data as any).spec.traffic.cohorts ?? []) as Array<Record<string, unknown>>;
    cohorts.forEach((cohort, index) => {
      const path = ['spec', 'traffic', 'cohorts', index];
      const given = MATCH_KINDS.filter((kind) => cohort[kind] !== undefined);
      if (given.length !== 1) {
        report({
          path: given.length > 1 ? [...path, given[1]!] : path,
          message: given.length === 0 ? `cohort \`${String(cohort.name)}\` does not say how to match its header` : `cohort \`${String(cohort.name)}\` has ${given.map((k) => `\`${k}\``).join(' and ')}; give exactly one`,
          hint: 'use one of `exact: "true"`, `prefix: "staff-"` or `regex: "^staff-[0-9]+$"`',
        });
        return;
      }
      if (given[0] === 'regex') {
        const problem = regexProblem(String(cohort.regex));
        if (problem) report({ path: [...path, 'regex'], message: `cohort \`${String(cohort.name)}\` regex ${problem}`, hint: 'Istio matches header regexes with RE2 syntax (https://github.com/google/re2/wiki/Syntax)' });
      }
    });
  },
};

function regexProblem(pattern: string): string | undefined {
  for (const [construct, what] of NOT_RE2) {
    if (construct.test(pattern)) return `uses ${what}, which RE2 does not support`;
  }
  try {
    new RegExp(pattern, 'u');
  } catch (error) {
    return `does not compile: ${(error as Error).message.replace(/^Invalid regular expression: /, '')}`;
  }
  return undefined;
}
