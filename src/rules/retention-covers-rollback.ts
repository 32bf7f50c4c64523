/**
 * A rollback only takes seconds if its target is still loaded: `rollback.to` is stable or a listed
 * previous version, and `retain` keeps stable, candidate, the rollback target and preloads.
 */
import type { Rule } from './rule.js';

export const retentionCoversRollback: Rule = {
  id: 'retention-covers-rollback',
  description: 'rollback.to is stable or a listed previous version, and retain covers stable, candidate, the rollback target and preloaded versions.',
  severity: 'error',
  check({ policy, report }) {
    const { stable, candidate, previous, preload, retain } = policy.versions;
    const target = policy.rollback.toVersion;
    if (target !== stable && !previous.includes(target)) {
      report({
        path: ['spec', 'rollback', 'to'],
        message: target === candidate ? `rollback target ${target} is the candidate being released` : `rollback target ${target} is neither stable (${stable}) nor listed in \`versions.previous\``,
        hint: target === candidate ? 'roll back to stable or a previous version' : `add ${target} to \`versions.previous\` so it stays on disk, or roll back to ${stable}`,
      });
    }
    const needed = [...new Set([candidate, stable, target, ...preload].filter((v): v is number => v !== null))];
    if (retain < needed.length) {
      report({
        path: ['spec', 'versions', 'retain'],
        message: `retain ${retain} keeps fewer versions than the ${needed.length} a rollback needs loaded (${needed.sort((a, b) => b - a).join(', ')})`,
        hint: `set \`retain: ${needed.length}\` or more`,
      });
    }
  },
};
