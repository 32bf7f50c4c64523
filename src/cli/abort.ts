/** `modelgate abort`: stop a release by removing the candidate from the policy. */
import { runReleaseCommand } from '../gitops/release-command.js';

const HELP = `usage: modelgate abort POLICY [--stage STAGE] [--propose] [--repo OWNER/NAME] [--base BRANCH]

Edit POLICY in place to remove the candidate: 100% of traffic stays on the current stable version,
which is unchanged. (This is 'rollback --to <stable>' said plainly.) Refused when there is no
candidate. Comments and layout are kept; generated/ is recompiled; --propose opens the pull request.
For a policy with spec.stages, --stage names the stage whose release is aborted.
`;

export function run(argv: string[]): Promise<number> {
  return runReleaseCommand('abort', argv, HELP);
}
