/** `modelgate promote`: make the candidate the stable version by editing the policy. */
import { runReleaseCommand } from '../gitops/release-command.js';

const HELP = `usage: modelgate promote POLICY [--stage STAGE] [--propose] [--repo OWNER/NAME] [--base BRANCH]

Edit POLICY (its file, its name, or namespace/name) in place: the candidate becomes stable, the
old stable becomes the first previous version and (if spec.rollback.to is set) the rollback
target. Refused when there is no candidate or the validator rejects the result. Comments and
layout are kept; generated/ is recompiled; --propose opens the pull request. For a policy with
spec.stages, --stage names the stage (its own versions, or spec.versions when it has none); moving
a version on to the next stage is 'advance'.
`;

export function run(argv: string[]): Promise<number> {
  return runReleaseCommand('promote', argv, HELP);
}
