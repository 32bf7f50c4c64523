/**
 * `first-deploy-at-rest`: Argo Rollouts deploys the first revision of a new Rollout at 100%
 * without running the canary steps (rollout/canary.go: with no stable ReplicaSet yet, the new one
 * becomes stable at once). A policy with no output in the base (the output folder for `compile`,
 * the `--base` ref's for `plan`/`propose`) is new, so if it names a candidate, the candidate
 * would serve everyone at once. It must start at rest on stable.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { positionOf } from '../load/load.js';
import { policyDir } from '../names.js';
import { ROLLOUT_FILE } from '../targets/argo-rollouts.js';
import type { ValidPolicy } from './build.js';

export const FIRST_DEPLOY_AT_REST = 'first-deploy-at-rest';

/** `previousOutput(path)`: a generated file's content below its header, null when absent. */
export function firstDeployAtRest(previousOutput: (path: string) => string | null): (compiled: ValidPolicy) => Diagnostic[] {
  return ({ source, policy }) => {
    if (policy.versions.candidate === null || previousOutput(`${policyDir(policy)}/${ROLLOUT_FILE}`) !== null) return [];
    return [
      {
        file: source.file,
        ...positionOf(source, ['spec', 'versions', 'candidate']),
        severity: 'error',
        rule: FIRST_DEPLOY_AT_REST,
        message: `${policyDir(policy)} has no Rollout yet, and Argo Rollouts deploys a new Rollout's first revision to 100% without steps: candidate ${policy.versions.candidate} would serve every request at once`,
        hint: 'a new policy starts at rest on stable; add the candidate in the next change',
      },
    ];
  };
}
