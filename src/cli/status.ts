/** `modelgate status`: the policy's gates measured now (or at --time) by a live Prometheus. */
import { formatStatus } from '../status/report.js';
import { releaseStatus } from '../status/gate-status.js';
import { instantQuery, PrometheusError } from '../status/prometheus-api.js';
import { readCommandLine, usageError } from './command-line.js';
import { POLICY_ARGUMENT, validNamedPolicy } from './policy-argument.js';

const HELP = `usage: modelgate status POLICY [--prometheus URL] [--time T] [--format human|json] [--policies DIR]

POLICY is its file, its name, or namespace/name (names are looked up in DIR, default policies/).
Run the policy's own gate queries (the ones its AnalysisTemplate runs, with the versions its
Rollout passes) against a live Prometheus and print, per gate: the measurement, canary and
stable levels, the threshold, each version's samples against the guard, and the verdict Argo
Rollouts would record: pass, fail, or not enough data (with when enough is expected).

  --prometheus URL  Prometheus to ask (default: spec.prometheus.url of modelgate.config.yaml,
                    the in-cluster address; from a laptop, e.g. a kubectl port-forward)
  --time T          evaluate at T (RFC 3339 or Unix seconds) instead of the server's now
  --format F        human (default) or json

exit status: 0 no gate fails (or the policy has no candidate); 1 a gate fails; 2 usage error
or invalid policy; 3 Prometheus could not be asked or refused a query.
`;

const QUERY_TIMEOUT_MS = 30_000;

export async function run(argv: string[]): Promise<number> {
  const line = readCommandLine<{ prometheus?: string; time?: string; format: 'human' | 'json'; policies: string }>(
    'status',
    argv,
    HELP,
    { prometheus: { type: 'string' }, time: { type: 'string' }, format: { type: 'string', default: 'human' }, policies: { type: 'string', default: 'policies/' } },
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
  const policy = await validNamedPolicy('status', positionals[0]!, values.policies);
  if (typeof policy === 'number') return policy;
  if (policy.versions.candidate === null) {
    const message = `${policy.namespace}/${policy.name} has no candidate: version ${policy.versions.stable} serves all traffic and no gate runs`;
    process.stdout.write(values.format === 'json' ? `${JSON.stringify({ policy: policy.name, namespace: policy.namespace, candidate: null, gates: [] }, null, 2)}\n` : `${message}\n`);
    return 0;
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
  process.stdout.write(values.format === 'json' ? `${JSON.stringify(status, null, 2)}\n` : formatStatus(status, url));
  return status.gates.some((gate) => gate.verdict === 'fail') ? 1 : 0;
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
