/**
 * Argo Rollouts builds its managed routes from destinations only: the mirror route (createMirrorRoute)
 * and header routes (createHeaderRoute in rollout/trafficrouting/istio/istio.go) carry no timeout
 * and no retries. A policy with a timeout or retries and a shadow, cohort or sticky step is told
 * which steps, and which requests, run without them.
 */
import { formatDuration } from '../resolve/units.js';
import type { Rule } from './rule.js';

export const managedRoutesDropTimeouts: Rule = {
  id: 'managed-routes-drop-timeouts',
  description: "A timeout or retries do not apply on the routes Argo Rollouts adds for shadow, cohort and sticky steps; the warning names those steps and the requests affected.",
  severity: 'warning',
  check({ policy, report }) {
    const { timeoutSeconds, retries, cohorts, sticky } = policy.traffic;
    if (policy.versions.candidate === null || (timeoutSeconds === null && retries === null)) return;
    const affected: string[] = [];
    // modelgate's mirror step matches path prefix `/`, so its route takes every request.
    if (policy.shadow) affected.push(`the shadow phase (${formatDuration(policy.shadow.durationSeconds)}: every request)`);
    for (const cohort of cohorts) affected.push(`cohort ${cohort.name} (requests with ${cohort.header}), from its step until promotion`);
    const stickySteps = sticky ? policy.canary.steps.filter((step) => step.weightPercent < 100).map((step) => `${step.weightPercent}%`) : [];
    if (sticky && stickySteps.length > 0) affected.push(`sticky steps ${stickySteps.join(', ')} (requests whose ${sticky.header} is in the candidate's buckets)`);
    if (affected.length === 0) return;
    const what = [timeoutSeconds !== null ? `the ${formatDuration(timeoutSeconds)} timeout` : null, retries ? `the ${retries.attempts} retries` : null].filter(Boolean).join(' and ');
    report({
      path: ['spec', 'traffic', timeoutSeconds !== null ? 'timeout' : 'retries'],
      message: `Argo Rollouts builds its mirror and header routes without timeout or retries, so ${what} do not apply during ${affected.join('; ')}`,
      hint: 'callers that need the limit on those steps must set their own deadline and retries',
    });
  },
};
