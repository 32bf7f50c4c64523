/**
 * `modelgate pause` edits nothing: which canary step a release is on is state in the cluster,
 * not in the policy, so a policy edit cannot mean "hold here". Given a policy, it prints the
 * commands that pause and resume that policy's Rollout, spelled with its real name and namespace.
 */
import { readCommandLine, usageError } from './command-line.js';
import { POLICY_ARGUMENT, validNamedPolicy } from './policy-argument.js';

const WHY = `A policy says how a release proceeds, not where a running release currently is: the current
canary step lives in the Argo Rollout's status. Turning every hold into 'hold: manual' would
change the plan for future releases too, and a GitOps sync would not stop a step already under
way. To hold a running release, pause the Rollout itself.

To stop it for good, use 'modelgate abort POLICY' (candidate removed, stable keeps serving);
to wait for a person at a step in every release, write 'hold: manual' on that step.
`;

const HELP = `usage: modelgate pause POLICY [--policies DIR]

Not a policy edit, by design. Prints the kubectl commands that pause and resume POLICY's Argo
Rollout (POLICY: ${POLICY_ARGUMENT}; names are looked up in DIR, default policies/ at
the project root).

${WHY}
exit status: 0 printed; 2 no such policy, or usage error.
`;

export async function run(argv: string[]): Promise<number> {
  const line = readCommandLine<{ policies?: string }>('pause', argv, HELP, { policies: { type: 'string' } });
  if (typeof line === 'number') return line;
  const { values, positionals } = line;
  if (positionals.length !== 1) return usageError('pause', `name the policy whose release to pause (${POLICY_ARGUMENT})`);
  const policy = await validNamedPolicy('pause', positionals[0]!, values.policies);
  if (typeof policy === 'number') return policy;
  const { name, namespace } = policy;
  // The Rollout is named after the policy, in its namespace (src/targets/argo-rollouts.ts).
  process.stderr.write(`${WHY}\n`);
  process.stdout.write(`kubectl argo rollouts pause ${name} -n ${namespace}\nkubectl argo rollouts promote ${name} -n ${namespace}   # resume\n`);
  return 0;
}
