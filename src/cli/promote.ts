/** `modelgate promote`: make the candidate the stable version by editing the policy. */
import { runReleaseCommand } from '../gitops/release-command.js';

const HELP = `usage: modelgate promote POLICY [--propose] [--repo OWNER/NAME] [--base BRANCH]

Edit POLICY (its file, its name, or namespace/name) in place: the candidate becomes stable, the
old stable becomes the first previous version and (if spec.rollback.to is set) the rollback
target. Refused when there is no candidate or the validator rejects the result. Comments and
layout are kept; generated/ is recompiled; --propose opens the pull request.
`;

export function run(argv: string[]): Promise<number> {
  return runReleaseCommand('promote', argv, HELP);
}
