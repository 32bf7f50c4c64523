/**
 * A later stage only receives a version the stage before it has released: its candidate is that
 * stage's stable, or a version it released before (its `previous`). This is what makes
 * `modelgate advance` the way into prod: a version that never ran in staging cannot be written in.
 */
import type { Rule } from './rule.js';

export const stageCandidatePassedPrevious: Rule = {
  id: 'stage-candidate-passed-previous',
  description: "A stage's candidate is a version the previous stage has made stable (its stable or one of its previous versions).",
  severity: 'error',
  check({ policy, report }) {
    const before = policy.stage?.previous;
    const candidate = policy.versions.candidate;
    if (!before || candidate === null) return;
    if (candidate === before.stable || before.previous.includes(candidate)) return;
    report({
      path: ['spec', 'versions', 'candidate'],
      message: `candidate ${candidate} of stage ${policy.stage!.name} has not been released in stage ${before.name} (stable there: ${before.stable})`,
      hint: `release ${candidate} in ${before.name} first; once it is stable there, \`modelgate advance ${policy.name} --to ${policy.stage!.name}\` proposes it with the soak evidence`,
    });
  },
};
