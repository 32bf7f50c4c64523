/** `modelgate status`: the policy's gates measured now (or at --time) by a live Prometheus, and the Rollout as the cluster has it. */
import { isKubeAccessError, kubeAccess } from '../kube/connect.js';
import { rolloutName } from '../names.js';
import type { ResolvedPolicy } from '../resolve/policy.js';
import { formatStatus } from '../status/report.js';
import { releaseStatus } from '../status/gate-status.js';
import { instantQuery, PrometheusError } from '../status/prometheus-api.js';
import { formatRollout, readRollout, type RolloutReading } from '../status/rollout.js';
import { readCommandLine, usageError } from './command-line.js';
import { POLICY_ARGUMENT, validNamedPolicy } from './policy-argument.js';

const HELP = `usage: modelgate status POLICY [--stage STAGE] [--prometheus URL] [--time T] [--format human|json]
                       [--policies DIR] [--kubeconfig FILE] [--context NAME]

POLICY is its file, its name, or namespace/name (names are looked up in DIR, default policies/).
Run the policy's own gate queries (the ones its AnalysisTemplate runs, with the versions its
Rollout passes) against a live Prometheus and print, per metric (the shadow phase's
<gate>-shadow ones too): the measurement, canary and stable levels, the threshold, each
version's samples against the guard, and the verdict Argo Rollouts would record: pass, fail, or
not enough data (with when enough is expected). In label mode, first the pods serving another
version than their version label (after rollback --live), which withhold every gate.

  --stage STAGE     for a policy with spec.stages, the stage asked about (its namespace,
                    versions and Rollout); required there
  --prometheus URL  Prometheus to ask (default: spec.prometheus.url of modelgate.config.yaml,
                    the in-cluster address; from a laptop, e.g. a kubectl port-forward)
  --time T          evaluate at T (RFC 3339 or Unix seconds) instead of the server's now
  --format F        human (default) or json
  --kubeconfig FILE with a kubeconfig (this file, else $KUBECONFIG or ~/.kube/config, as kubectl
                    finds it), also read the Rollout from the Kubernetes API: step, traffic
                    weights, paused (and why) or aborted, phase, and each metric of the
                    AnalysisRuns it waits on against its limits. Without one that part is
                    skipped, and the output says so. Needs RBAC get on rollouts and
                    analysisruns (argoproj.io) in the policy's (or stage's) namespace.
  --context NAME    kubeconfig context (default: its current-context)

exit status: 0 no gate fails (or the policy has no candidate); 1 a gate fails; 2 usage error
or invalid policy; 3 Prometheus could not be asked or refused a query; 4 no gate fails but the
Rollout could not be read (the kubeconfig is unusable or the API server refused or did not answer).
`;

const QUERY_TIMEOUT_MS = 30_000;

export async function run(argv: string[]): Promise<number> {
  const line = readCommandLine<{ stage?: string; prometheus?: string; time?: string; format: 'human' | 'json'; policies?: string; kubeconfig?: string; context?: string }>(
    'status',
    argv,
    HELP,
    {
      stage: { type: 'string' },
      prometheus: { type: 'string' },
      time: { type: 'string' },
      format: { type: 'string', default: 'human' },
      // No default here: without the flag, the policy folder is the one at the policy file's project root.
      policies: { type: 'string' },
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
    },
    { format: ['human', 'json'] },
  );
  if (typeof line === 'number') return line;
  const { values, positionals } = line;
  if (positionals.length !== 1) return usageError('status', `give one POLICY (${POLICY_ARGUMENT})`);
  const timeSeconds = values.time === undefined ? null : evaluationTime(values.time);
  if (Number.isNaN(timeSeconds)) return usageError('status', `--time must be RFC 3339 (2026-03-01T12:00:00Z) or Unix seconds, not '${values.time}'`);
  if (values.prometheus !== undefined && !isHttpUrl(values.prometheus)) {
    return usageError('status', `--prometheus must be an http(s) URL, not '${values.prometheus}'`);
  }
  const policy = await validNamedPolicy('status', positionals[0]!, values.policies, values.stage ?? null);
  if (typeof policy === 'number') return policy;
  const json = values.format === 'json';
  // Read alongside the gate queries; when Prometheus fails first, nobody awaits it, so its failure must not go unhandled.
  const rolloutRead = rolloutState(policy, values.kubeconfig, values.context);
  rolloutRead.catch(() => undefined);
  if (policy.versions.candidate === null) {
    const rollout = await rolloutRead;
    const message = `${policy.namespace}/${policy.name} has no candidate: version ${policy.versions.stable} serves all traffic and no gate runs`;
    process.stdout.write(json ? `${JSON.stringify({ policy: policy.name, namespace: policy.namespace, candidate: null, gates: [], rollout }, null, 2)}\n` : `${message}\n\n${rolloutLines(rollout)}`);
    return 'unreadable' in rollout ? 4 : 0;
  }
  const url = values.prometheus ?? policy.platform.prometheus.url;
  let status;
  try {
    status = await releaseStatus(policy, (expr) => instantQuery({ url, timeSeconds, timeoutMs: QUERY_TIMEOUT_MS }, expr));
  } catch (error) {
    if (!(error instanceof PrometheusError)) throw error;
    process.stderr.write(`modelgate status: ${error.message}\n`);
    return 3;
  }
  const rollout = await rolloutRead;
  process.stdout.write(json ? `${JSON.stringify({ ...status, rollout }, null, 2)}\n` : `${formatStatus(status, url)}\n${rolloutLines(rollout)}`);
  if (status.gates.some((gate) => gate.verdict === 'fail')) return 1;
  return 'unreadable' in rollout ? 4 : 0;
}

/** The Rollout read, or why it was skipped (no kubeconfig) or could not be read. */
type RolloutState = RolloutReading | { skipped: string } | { unreadable: string };

async function rolloutState(policy: ResolvedPolicy, kubeconfig: string | undefined, context: string | undefined): Promise<RolloutState> {
  try {
    const access = await kubeAccess(kubeconfig, context);
    if ('absent' in access) return { skipped: `${access.absent}: the Rollout's own state is not shown` };
    return await readRollout(access.client, policy.namespace, rolloutName(policy));
  } catch (error) {
    if (isKubeAccessError(error)) return { unreadable: error.message };
    throw error;
  }
}

function rolloutLines(rollout: RolloutState): string {
  if ('skipped' in rollout) return `Rollout: skipped, ${rollout.skipped}\n`;
  if ('unreadable' in rollout) return `Rollout: could not be read: ${rollout.unreadable}\n`;
  return `${formatRollout(rollout).join('\n')}\n`;
}

export function isHttpUrl(text: string): boolean {
  return /^https?:\/\/[^\s/]+(\/\S*)?$/.test(text);
}

/** Unix seconds, or NaN when `text` is neither a number nor an RFC 3339 date-time. */
export function evaluationTime(text: string): number {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i.test(text)) return NaN;
  return Date.parse(text) / 1000;
}
