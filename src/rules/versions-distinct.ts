/**
 * Stable, candidate and the previous versions are different versions: a candidate equal to
 * stable releases nothing, and one listed as previous is also kept as a rollback target.
 */
import type { Rule } from './rule.js';

export const versionsDistinct: Rule = {
  id: 'versions-distinct',
  description: 'Candidate differs from stable and is not a previous version; previous versions exclude stable; a candidate older than stable is suspicious.',
  severity: 'error',
  check({ policy, report }) {
    const { stable, candidate, previous } = policy.versions;
    if (candidate !== null && candidate === stable) {
      report({ path: ['spec', 'versions', 'candidate'], message: `candidate ${candidate} is the stable version`, hint: 'set `candidate` to the new version, or remove it for a steady state on stable' });
    } else if (candidate !== null && candidate < stable) {
      report({ path: ['spec', 'versions', 'candidate'], severity: 'warning', message: `candidate ${candidate} is older than stable ${stable}`, hint: 'to go back to an older version use `modelgate rollback`; TF Serving serves the highest version by default' });
    }
    previous.forEach((version, index) => {
      const path = ['spec', 'versions', 'previous', index];
      if (version === candidate) report({ path, message: `previous version ${version} is the candidate`, hint: 'list only versions older than the ones being served' });
      else if (version === stable) report({ path, message: `previous version ${version} is the stable version`, hint: 'list only versions older than the ones being served' });
    });
  },
};
