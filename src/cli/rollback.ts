/** `modelgate rollback`: put all traffic back on a retained version by editing the policy, or first live with --live. */
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import path from 'node:path';
import { proposeTarget } from '../gitops/propose-command.js';
import { RELEASE_FLAGS, runReleaseCommand } from '../gitops/release-command.js';
import { KubeApiError, KubeUnreachableError, type KubeClient } from '../kube/client.js';
import { isKubeAccessError, kubeAccess } from '../kube/connect.js';
import type { GrpcTls } from '../live/model-service.js';
import { UsageError } from '../load/discover.js';
import { canaryServiceName, serviceName } from '../names.js';
import type { Platform } from '../resolve/platform.js';
import type { ResolvedPolicy } from '../resolve/policy.js';
import { PORT_GRPC } from '../targets/argo-rollouts.js';
import { readCommandLine, usageError } from './command-line.js';
import { POLICY_ARGUMENT, validNamedPolicy, versionArgument } from './policy-argument.js';

const HELP = `usage: modelgate rollback POLICY [--to VERSION] [--stage STAGE] [--propose] [--repo OWNER/NAME] [--base BRANCH]
       modelgate rollback POLICY --live [--targets HOST:PORT,... | --kubeconfig FILE --context NAME]
                         [--to VERSION] [--reason TEXT] [--timeout SECONDS]
                         [--grpc-ca FILE [--grpc-cert FILE --grpc-key FILE] [--grpc-server-name NAME]]
                         [--propose] [--repo OWNER/NAME] [--base BRANCH]

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
label to VERSION on every pod of the policy, through TF Serving's ModelService, without a
restart. The pods are those given with --targets (each pod's gRPC port), else found with the
caller's kubeconfig (--kubeconfig, else $KUBECONFIG or ~/.kube/config; --context) from the
EndpointSlices of the policy's two Services (POLICY and POLICY-canary), port 'grpc'; a pod that
is not ready refuses the move (it would start on its file's labels). The status of every pod is
read first and nothing moves unless VERSION is AVAILABLE on all of them; then pod by pod, each
pod's own config is sent with only the labels changed ("canary" is removed) and the move is
confirmed by resolving the label. A pod that fails or takes longer than --timeout (default 5 s)
stops the rollout: the command prints which version each pod's "stable" serves and exits 1;
rerun it to finish. Found pods are annotated modelgate.io/served-version=<the version their
"stable" answers> (checked with a dry run before anything moves, so a missing RBAC permission
stops it first). After every pod moved, the policy edit above follows at once (and the PR with
--propose), with an audit line (who, when, from, to, --reason) in the output, the commit message
and the PR body: a pod that restarts before git says so comes back on its file's labels.

  --grpc-ca FILE          TLS to the pods (TF Serving's --ssl_config_file): trust this CA
  --grpc-cert/--grpc-key  client certificate and key, where the pods require one
  --grpc-server-name N    the name in the pods' certificate (they are dialled by IP)
Where the platform profile says the pods serve TLS (tfserving.tls), TLS is the default: the CA is
--grpc-ca, else $MODELGATE_GRPC_CA, else tfserving.tls.caFile; the name is tfserving.tls.serverName
unless --grpc-server-name says otherwise; with tfserving.tls.clientAuth --grpc-cert/--grpc-key are
required. Plaintext to such pods is refused before any call.

RBAC the caller needs in the policy's namespace: list endpointslices (discovery.k8s.io), patch pods.
`;

export function run(argv: string[]): Promise<number> {
  if (!argv.includes('--live')) return runReleaseCommand('rollback', argv, HELP);
  return runLive(argv);
}

interface LiveFlags {
  live: boolean;
  to?: string;
  targets?: string;
  kubeconfig?: string;
  context?: string;
  'grpc-ca'?: string;
  'grpc-cert'?: string;
  'grpc-key'?: string;
  'grpc-server-name'?: string;
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
    kubeconfig: { type: 'string' },
    context: { type: 'string' },
    'grpc-ca': { type: 'string' },
    'grpc-cert': { type: 'string' },
    'grpc-key': { type: 'string' },
    'grpc-server-name': { type: 'string' },
    reason: { type: 'string' },
    timeout: { type: 'string', default: '5' },
    ...RELEASE_FLAGS,
  });
  if (typeof line === 'number') return line;
  const { values, positionals } = line;
  if (positionals.length !== 1) return usageError('rollback', `name exactly one policy (${POLICY_ARGUMENT})`);
  const targets = (values.targets ?? '').split(',').map((target) => target.trim()).filter(Boolean);
  if (values.targets !== undefined && targets.length === 0) return usageError('rollback', '--targets needs HOST:PORT,... (the gRPC port of every TF Serving pod of the policy)');
  if (values.targets !== undefined && (values.kubeconfig !== undefined || values.context !== undefined)) return usageError('rollback', '--targets names the pods, so --kubeconfig/--context would not be used: give one or the other');
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
  const tls = grpcTls(values, policy.platform);
  if (typeof tls === 'string') return usageError('rollback', tls);
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

  let cluster: { client: KubeClient; pods: Map<string, string> } | null = null;
  if (targets.length === 0) {
    const found = await clusterPods(policy, to, values.kubeconfig, values.context);
    if (typeof found === 'number') return found;
    cluster = found;
    targets.push(...found.pods.keys());
  }

  const { liveRollback } = await import('../live/live-rollback.js');
  const result = await liveRollback({
    model: { name: policy.model.name, basePath: policy.model.basePath, platform: policy.model.platform },
    targets,
    to,
    timeoutMs: timeoutSeconds * 1000,
    tls,
  });
  const podName = (address: string): string => (cluster?.pods.has(address) ? `${cluster.pods.get(address)} (${address})` : address);
  const table = result.after.map((pod) => `  ${podName(pod.address)}  stable → ${pod.stable}\n`).join('');
  // Every pod whose label answers says so, moved or not: the annotation is what the gates compare with the version label.
  const annotated = cluster === null ? null : await annotatePods(policy, cluster, result.after);
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
  // Git must follow the cluster even when an annotation failed; the rerun (labels already moved) writes it.
  const unannotated = annotated === false ? 1 : 0;
  if (unannotated) process.stdout.write('a pod could not be annotated (see above): the gates read its version label as what it serves until a rerun annotates it\n');
  if (policy.versions.candidate === null && policy.versions.stable === to) {
    process.stdout.write(`${policy.source.file}: already says stable ${to} with no candidate; nothing to edit\n`);
    return unannotated;
  }
  const edit = [positionals[0]!, '--to', String(to), '--base', values.base, ...(values.out ? ['--out', values.out] : []), ...(values.policies ? ['--policies', values.policies] : [])];
  if (values.propose) edit.push('--propose', ...(values.repo ? ['--repo', values.repo] : []));
  const edited = await runReleaseCommand('rollback', edit, HELP, audit);
  return edited !== 0 ? edited : unannotated;
}

/** The pods from the policy's Services' EndpointSlices (address → pod name), or the exit code after saying why not. */
async function clusterPods(policy: ResolvedPolicy, to: number, kubeconfig: string | undefined, context: string | undefined): Promise<{ client: KubeClient; pods: Map<string, string> } | number> {
  const services = [serviceName(policy), canaryServiceName(policy)];
  try {
    const access = await kubeAccess(kubeconfig, context);
    if ('absent' in access) return usageError('rollback', `--live needs the pods: ${access.absent} to find them from the EndpointSlices of ${services.join(' and ')}, or --targets HOST:PORT,...`);
    const { podsToMove } = await import('../live/cluster-pods.js');
    const found = await podsToMove(access.client, policy.namespace, services, PORT_GRPC, to);
    if ('problem' in found) {
      process.stderr.write(`modelgate rollback --live: refused before moving any label: ${found.problem}\n`);
      return 1;
    }
    if (found.terminating.length > 0) process.stdout.write(`leaving alone the terminating ${found.terminating.join(', ')}\n`);
    return { client: access.client, pods: new Map(found.pods.map(({ pod, address }) => [address, pod])) };
  } catch (error) {
    if (!isKubeAccessError(error)) throw error;
    process.stderr.write(`modelgate rollback --live: refused before moving any label: ${error.message}\n`);
    return 1;
  }
}

/** Annotate each pod with the version its `stable` answers; false (after saying which) when one could not be. */
async function annotatePods(policy: ResolvedPolicy, cluster: { client: KubeClient; pods: Map<string, string> }, after: ReadonlyArray<{ address: string; stable: number | string }>): Promise<boolean> {
  const { annotateServedVersion } = await import('../live/cluster-pods.js');
  let ok = true;
  for (const { address, stable } of after) {
    const pod = cluster.pods.get(address);
    if (pod === undefined || typeof stable !== 'number') continue;
    try {
      await annotateServedVersion(cluster.client, policy.namespace, pod, stable);
    } catch (error) {
      if (!(error instanceof KubeApiError || error instanceof KubeUnreachableError)) throw error;
      process.stderr.write(`modelgate rollback --live: pod ${pod} serves ${stable} under "stable" but was not annotated: ${error.message}\n`);
      ok = false;
    }
  }
  return ok;
}

/**
 * TLS for the gRPC calls, null for plaintext, or what is wrong. The flags win; then, where the
 * profile says the pods serve TLS (tfserving.tls), the CA from $MODELGATE_GRPC_CA or the
 * profile's caFile and the name in the pods' certificate from the profile. Plaintext to such pods
 * is refused here rather than failing on every pod's first read.
 */
function grpcTls(values: LiveFlags, platform: Platform): GrpcTls | null | string {
  const profile = platform.tfserving.tls;
  const where = `the platform profile (${platform.file ?? 'modelgate.config.yaml'}) says the pods serve gRPC over TLS (tfserving.tls)`;
  const profileCa = profile?.caFile ? path.resolve(path.dirname(platform.file ?? '.'), profile.caFile) : undefined;
  const ca = values['grpc-ca'] ?? (profile ? process.env.MODELGATE_GRPC_CA || profileCa : undefined);
  const cert = values['grpc-cert'];
  const key = values['grpc-key'];
  if (ca === undefined) {
    if (profile) return `${where}, and no CA to check them with: give --grpc-ca FILE, set MODELGATE_GRPC_CA, or set tfserving.tls.caFile (plaintext is refused; no label was moved)`;
    return cert !== undefined || key !== undefined || values['grpc-server-name'] !== undefined ? '--grpc-cert, --grpc-key and --grpc-server-name need --grpc-ca (the CA that signed the pods\' certificates)' : null;
  }
  if ((cert === undefined) !== (key === undefined)) return '--grpc-cert and --grpc-key go together';
  if (profile?.clientAuth && cert === undefined) return `${where} with clientAuth: the pods accept only callers with a certificate signed by their CA; give --grpc-cert FILE --grpc-key FILE (no label was moved)`;
  try {
    return { ca: readFileSync(ca), cert: cert === undefined ? null : readFileSync(cert), key: key === undefined ? null : readFileSync(key), serverName: values['grpc-server-name'] ?? profile?.serverName ?? null };
  } catch (error) {
    return `cannot read a TLS file (--grpc-*, MODELGATE_GRPC_CA or tfserving.tls.caFile): ${(error as Error).message}`;
  }
}

/** Who, when, from which version to which, and why. */
function auditLine(policy: ResolvedPolicy, before: readonly number[], to: number, reason: string | undefined): string {
  const who = process.env.MODELGATE_ACTOR || process.env.GITHUB_ACTOR || userInfo().username;
  const from = before.length > 0 ? before.join(', ') : 'no stable label';
  return `audit: ${who} moved the stable label of ${policy.namespace}/${policy.name} live from ${from} to ${to} at ${new Date().toISOString()}; reason: ${reason?.trim() || '(none given)'}`;
}
