/**
 * A soak (`canary.soak`) keeps the gates running at 100%, where stable serves no one: a relative
 * limit (latency or error rate over stable, drift against stable's scores) has nothing to compare
 * with and is inconclusive there. Only an absolute limit (`max`) judges the soak; without one the
 * soak is a wait that watches nothing. A soak shorter than one gate interval holds no whole
 * window, so it judges nothing either.
 */
import { gateLimits } from '../gates/queries.js';
import { formatDuration } from '../resolve/units.js';
import type { Rule } from './rule.js';

export const soakJudged: Rule = {
  id: 'soak-judged',
  description: 'canary.soak lasts at least one gate interval and has a gate with an absolute limit (max), the only kind judged at 100% where stable serves no one.',
  severity: 'error',
  check({ policy, report }) {
    const soak = policy.canary.soakSeconds;
    if (soak === null) return;
    if (soak < policy.gates.intervalSeconds) {
      report({
        path: ['spec', 'canary', 'soak'],
        message: `a soak of ${formatDuration(soak)} is shorter than the gate interval (${formatDuration(policy.gates.intervalSeconds)}), so no measurement judges a window at 100%`,
        hint: `soak for at least \`${formatDuration(policy.gates.intervalSeconds)}\`, a few intervals to see a trend`,
      });
    }
    if (gateLimits(policy).some((limit) => !limit.relative)) return;
    report({
      path: ['spec', 'canary', 'soak'],
      message: 'no gate judges the soak: at 100% stable serves no one, so every gate here, compared with stable, is inconclusive',
      hint: 'give a latency or errorRate gate an absolute ceiling (`max: 250ms`, `max: 1%`) beside its maxIncrease, or remove canary.soak',
    });
  },
};
