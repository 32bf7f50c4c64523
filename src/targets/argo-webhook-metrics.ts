/**
 * Webhook gates as Argo Rollouts `web` metrics of the gates' AnalysisTemplate. Upstream
 * (argoproj/argo-rollouts, metricproviders/webmetric/webmetric.go `Run`): Argo sends `method` to
 * `url` with `headers` and, for POST, `jsonBody` (and sets `Content-Type: application/json`); a
 * non-2xx answer, a timeout (`timeoutSeconds`, `NewWebMetricHttpClient`) or a body without the
 * `jsonPath` value is an Error measurement; otherwise the value at `jsonPath` is `result` in the
 * success and failure conditions (utils/evaluate/evaluate.go `EvaluateResult`). Errors count
 * towards `consecutiveErrorLimit` (default 4, utils/defaults/defaults.go), past which the run is
 * Errored and the Rollout aborts like on a failure (rollout/analysis.go).
 *
 * The template's arguments, `{{args.…}}`, are substituted into url, headers and body before the
 * request; an argument with `valueFrom.secretKeyRef` is read from the Secret when the run starts
 * and redacted from Argo's logs (analysis/analysis.go `resolveArgs`), which is how a header carries
 * a token without the token being in Git.
 */
import { analysisArgs } from '../names.js';
import { formatNumber } from '../gates/promql.js';
import type { ResolvedPolicy, WebhookGate } from '../resolve/policy.js';
import { formatDuration } from '../resolve/units.js';

/** Template argument holding one secret header of one webhook gate; `-header-` keeps it apart from the version args. */
export function webhookSecretArg(gate: WebhookGate, header: string): string {
  return `${gate.name}-header-${header.toLowerCase()}`;
}

/** Arguments the webhook metrics add to the template: one per secret header, read from its Secret. */
export function webhookArgs(policy: ResolvedPolicy): object[] {
  return policy.gates.webhooks.flatMap((gate) =>
    gate.headers.flatMap((header) => ('secret' in header ? [{ name: webhookSecretArg(gate, header.name), valueFrom: { secretKeyRef: header.secret } }] : [])),
  );
}

/**
 * One metric per webhook gate, measuring from one interval into the first canary step (after any
 * shadow phase: what a webhook judges, such as business outcomes, needs users to be served) until
 * the rollout ends. The success and failure conditions are complementary, so an answer is never
 * Inconclusive: it passes, fails or, when it cannot be read, errs.
 */
export function webhookMetrics(policy: ResolvedPolicy): object[] {
  const [stable, canary] = analysisArgs(policy).map((arg) => `{{args.${arg.name}}}`);
  return policy.gates.webhooks.map((gate) => {
    const { success, failure } = conditions(gate.pass);
    return {
      name: gate.name,
      initialDelay: formatDuration((policy.shadow?.durationSeconds ?? 0) + policy.gates.intervalSeconds),
      interval: formatDuration(policy.gates.intervalSeconds),
      failureLimit: policy.gates.failureLimit,
      successCondition: success,
      failureCondition: failure,
      provider: {
        web: {
          url: gate.url,
          method: 'POST',
          headers: gate.headers.map((header) => ({
            key: header.name,
            value: 'secret' in header ? `{{args.${webhookSecretArg(gate, header.name)}}}` : header.value,
          })),
          jsonBody: { model: policy.name, namespace: policy.namespace, stableVersion: stable, canaryVersion: canary },
          timeoutSeconds: gate.timeoutSeconds,
          jsonPath: gate.jsonPath,
        },
      },
    };
  });
}

/**
 * expr-lang conditions on `result`. A number is read through Argo's `asFloat`, which also accepts
 * a numeric string and panics (an Error measurement) on anything else; a string is written as an
 * expr string literal (JSON's escapes are a subset of expr's), so no answer and no policy value
 * can change the expression.
 */
function conditions(pass: WebhookGate['pass']): { success: string; failure: string } {
  switch (pass.kind) {
    case 'max':
      return { success: `asFloat(result) <= ${formatNumber(pass.value)}`, failure: `asFloat(result) > ${formatNumber(pass.value)}` };
    case 'min':
      return { success: `asFloat(result) >= ${formatNumber(pass.value)}`, failure: `asFloat(result) < ${formatNumber(pass.value)}` };
    case 'equals': {
      const literal = JSON.stringify(pass.value);
      return { success: `result == ${literal}`, failure: `result != ${literal}` };
    }
  }
}
