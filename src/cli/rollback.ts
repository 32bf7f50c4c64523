/** `modelgate rollback`: put all traffic back on a retained version by editing the policy, or first live with --live. */
import { userInfo } from 'node:os';
import { proposeTarget } from '../gitops/propose-command.js';
import { RELEASE_FLAGS, runReleaseCommand } from '../gitops/release-command.js';
import { UsageError } from '../load/discover.js';
import type { ResolvedPolicy } from '../resolve/policy.js';
import { readCommandLine, usageError } from './command-line.js';
import { POLICY_ARGUMENT, validNamedPolicy, versionArgument } from './policy-argument.js';

const HELP = `usage: modelgate rollback POLICY [--to VERSION] [--stage STAGE] [--propose] [--repo OWNER/NAME] [--base BRANCH]
       modelgate rollback POLICY --live --targets HOST:PORT,... [--to VERSION] [--reason TEXT]
                         [--timeout SECONDS] [--propose] [--repo OWNER/NAME] [--base BRANCH]

Edit POLICY (its file, its name, or namespace/name) in place so that all traffic goes to VERSION
(default: spec.rollback.to, else the current stable): the candidate is removed and VERSION
becomes stable. VERSION must be one the policy retains; anything else is refused, as is any edit
the validator rejects. Comments and layout of the file are kept. Then generated/ is recompiled.
It says whether the rollback is warm (VERSION's pods still run: the stable ones during a release,
or the previous stable's for spec.canary.scaleDownDelay after a promotion) or cold (pods start
and load VERSION from storage first), with the pod count and the warm window's end. With
--propose, the change goes out as a pull request labelled 'urgent' that says which version
serves traffic after merge and the same (see 'propose --help' for the environment it reads).

For a policy with spec.stages, --stage names the stage rolled back (not with --live).

Argo Rollouts already rolls back on its own when a gate fails; this command makes the policy say
so, so the next sync does not roll forward again.

--live (only for policies with model.versionLabels: true): first move TF Serving's "stable"
label to VERSION on every pod given with --targets (each pod's gRPC port; Kubernetes endpoint
discovery is not built in), through TF Serving's ModelService, without a restart: the status of
every pod is read first and nothing moves unless VERSION is AVAILABLE on all of them; then pod by
pod, each pod's own config is sent with only the labels changed ("canary" is removed) and the
move is confirmed by resolving the label. A pod that fails or takes longer than --timeout
(default 5 s) stops the rollout: the command prints which version each pod's "stable" serves and
exits 1; rerun it to finish. After every pod moved, the policy edit above follows at once (and
the PR with --propose), with an audit line (who, when, from, to, --reason) in the output, the
commit message and the PR body: a pod that restarts before git says so comes back on its
file's labels.
`;

export function run(argv: string[]): Promise<number> {
  if (!argv.includes('--live')) return runReleaseCommand('rollback', argv, HELP);
  return runLive(argv);
}

interface LiveFlags {
  live: boolean;
  to?: string;
  targets?: string;
  reason?: string;
  timeout: string;
  propose: boolean;
  repo?: string;
  base: string;
  out?: string;
  policies?: string;
}

async function runLive(argv: string[]): Promise<number> {
  const line = readCommandLine<LiveFlags>('rollback', argv, HELP, {
    live: { type: 'boolean', default: false },
    to: { type: 'string' },
    targets: { type: 'string' },
    reason: { type: 'string' },
    timeout: { type: 'string', default: '5' },
    ...RELEASE_FLAGS,
  });
  if (typeof line === 'number') return line;
  const { values, positionals } = line;
  if (positionals.length !== 1) return usageError('rollback', `name exactly one policy (${POLICY_ARGUMENT})`);
  const targets = (values.targets ?? '').split(',').map((target) => target.trim()).filter(Boolean);
  if (targets.length === 0) return usageError('rollback', '--live needs --targets HOST:PORT,... (the gRPC port of every TF Serving pod of the policy; Kubernetes endpoint discovery is not built in)');
  const badTarget = targets.find((target) => !/^[A-Za-z0-9.-]+:[0-9]{1,5}$|^\[[0-9A-Fa-f:.]+\]:[0-9]{1,5}$/.test(target));
  if (badTarget !== undefined) return usageError('rollback', `--targets: '${badTarget}' is not HOST:PORT`);
  const timeoutSeconds = Number(values.timeout);
  if (!(timeoutSeconds > 0 && timeoutSeconds <= 600)) return usageError('rollback', `--timeout must be seconds between 0 and 600, not '${values.timeout}'`);

  // Checked before any label moves: a live move whose PR can never be opened leaves git behind the cluster.
  if (values.propose) {
    const target = proposeTarget(values.repo);
    if ('error' in target) return usageError('rollback', `${target.error}; no label was moved`);
  }
  const policy = await validNamedPolicy('rollback', positionals[0]!, values.policies);
  if (typeof policy === 'number') return policy;
  if (!policy.model.versionLabels) {
    return usageError(
      'rollback',
      `--live moves TF Serving version labels, and ${policy.namespace}/${policy.name} has none: without model.versionLabels: true each pod loads only the version it serves. ` +
        'Run it without --live (the policy edit; Argo Rollouts rolls the pods back), or set model.versionLabels first',
    );
  }
  let to: number;
  try {
    to = values.to === undefined ? policy.rollback.toVersion : versionArgument(values.to, policy.versions.info);
  } catch (error) {
    if (error instanceof UsageError) return usageError('rollback', error.message);
    throw error;
  }
  if (!policy.versions.retained.includes(to) || to === policy.versions.candidate) {
    return usageError('rollback', `version ${to} is not a version ${policy.namespace}/${policy.name} rolls back to: pods keep ${policy.versions.retained.filter((v) => v !== policy.versions.candidate).join(', ')} loaded besides the candidate`);
  }

  const { liveRollback } = await import('../live/live-rollback.js');
  const result = await liveRollback({
    model: { name: policy.model.name, basePath: policy.model.basePath, platform: policy.model.platform },
    targets,
    to,
    timeoutMs: timeoutSeconds * 1000,
  });
  const table = result.after.map((pod) => `  ${pod.address}  stable → ${pod.stable}\n`).join('');
  if (!result.ok) {
    process.stderr.write(`modelgate rollback --live: ${result.problem}\n`);
    process.stdout.write(`pods now (the "stable" label of each):\n${table}nothing was edited in git; fix the cause and rerun the same command to finish\n`);
    return 1;
  }
  const audit = auditLine(policy, result.before, to, values.reason);
  process.stdout.write(
    `moved "stable" to ${to} on ${result.moved.length} pod${result.moved.length === 1 ? '' : 's'}, confirmed on each:\n${table}${audit}\n` +
      'a pod that restarts before the policy change is merged and synced comes back on its config file\'s labels: merge the edit below at once\n',
  );
  if (policy.versions.candidate !== null) {
    // Mid-canary, Argo keeps sending weighted traffic to the candidate's pods until the Rollout is aborted.
    process.stdout.write(`the Rollout is mid-canary (candidate ${policy.versions.candidate}); stop it now with:\n  kubectl argo rollouts abort ${policy.name} -n ${policy.namespace}\n`);
  }
  if (policy.versions.candidate === null && policy.versions.stable === to) {
    process.stdout.write(`${policy.source.file}: already says stable ${to} with no candidate; nothing to edit\n`);
    return 0;
  }
  const edit = [positionals[0]!, '--to', String(to), '--base', values.base, ...(values.out ? ['--out', values.out] : []), ...(values.policies ? ['--policies', values.policies] : [])];
  if (values.propose) edit.push('--propose', ...(values.repo ? ['--repo', values.repo] : []));
  return runReleaseCommand('rollback', edit, HELP, audit);
}

/** Who, when, from which version to which, and why. */
function auditLine(policy: ResolvedPolicy, before: readonly number[], to: number, reason: string | undefined): string {
  const who = process.env.MODELGATE_ACTOR || process.env.GITHUB_ACTOR || userInfo().username;
  const from = before.length > 0 ? before.join(', ') : 'no stable label';
  return `audit: ${who} moved the stable label of ${policy.namespace}/${policy.name} live from ${from} to ${to} at ${new Date().toISOString()}; reason: ${reason?.trim() || '(none given)'}`;
}
