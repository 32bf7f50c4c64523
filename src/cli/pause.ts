/**
 * `modelgate pause` exists only to say why it does not edit anything: which canary step a release
 * is on is state in the cluster, not in the policy, so a policy edit cannot mean "hold here".
 */
const HELP = `modelgate pause: not a policy edit, by design.

A policy says how a release proceeds, not where a running release currently is: the current
canary step lives in the Argo Rollout's status. Turning every hold into 'hold: manual' would
change the plan for future releases too, and a GitOps sync would not stop a step already under
way. To hold a running release, pause the Rollout itself:

  kubectl argo rollouts pause <policy-name> -n <namespace>
  kubectl argo rollouts promote <policy-name> -n <namespace>   # resume

To stop it for good, use 'modelgate abort POLICY' (candidate removed, stable keeps serving);
to wait for a person at a step in every release, write 'hold: manual' on that step.
`;

export async function run(argv: string[]): Promise<number> {
  const asked = argv.includes('--help') || argv.includes('-h');
  (asked ? process.stdout : process.stderr).write(HELP);
  return asked ? 0 : 2;
}
