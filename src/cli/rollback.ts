/** `modelgate rollback`: put all traffic back on a retained version by editing the policy. */
import { runReleaseCommand } from '../gitops/release-command.js';

const HELP = `usage: modelgate rollback POLICY [--to VERSION] [--propose] [--repo OWNER/NAME] [--base BRANCH]

Edit POLICY (its file, its name, or namespace/name) in place so that all traffic goes to VERSION
(default: spec.rollback.to, else the current stable): the candidate is removed and VERSION
becomes stable. VERSION must be one the policy retains; anything else is refused, as is any edit
the validator rejects. Comments and layout of the file are kept. Then generated/ is recompiled.
It says whether the rollback is warm (VERSION's pods still run: the stable ones during a release,
or the previous stable's for spec.canary.scaleDownDelay after a promotion) or cold (pods start
and load VERSION from storage first), with the pod count and the warm window's end. With
--propose, the change goes out as a pull request labelled 'urgent' that says which version
serves traffic after merge and the same (see 'propose --help' for the environment it reads).

Argo Rollouts already rolls back on its own when a gate fails; this command makes the policy say
so, so the next sync does not roll forward again.
`;

export function run(argv: string[]): Promise<number> {
  return runReleaseCommand('rollback', argv, HELP);
}
