/**
 * `versions.preload` loads a version before a label points at it. Only pods started with
 * `model.versionLabels` load more than one version or serve labels; without it each pod loads
 * the one version its template names, so a preload would load nothing anywhere.
 */
import type { Rule } from './rule.js';

export const preloadNeedsVersionLabels: Rule = {
  id: 'preload-needs-version-labels',
  description: 'versions.preload is only meaningful with model.versionLabels, where pods load more than one version and serve labels.',
  severity: 'error',
  check({ policy, report }) {
    if (policy.model.versionLabels || policy.versions.preload.length === 0) return;
    report({
      path: ['spec', 'versions', 'preload'],
      message: `versions.preload (${policy.versions.preload.join(', ')}) loads nothing: without model.versionLabels each pod loads only the version it serves`,
      hint: 'remove versions.preload, or set `model.versionLabels: true` if clients address versions by label',
    });
  },
};
