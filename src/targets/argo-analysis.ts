/**
 * The Argo Rollouts AnalysisTemplate: one Prometheus metric per gate limit, each the gate's
 * measurement from src/gates/queries.ts with the versions left as arguments the Rollout supplies
 * (names.analysisArgs), judged against the same threshold as the alert.
 */
import { analysisArgs, analysisTemplateName, LABEL_MANAGED_BY, MANAGED_BY } from '../names.js';
import { formatNumber, serialize } from '../gates/promql.js';
import { gateLimits, type GateLimit, type VersionPair } from '../gates/queries.js';
import { gateSchedule, inconclusiveLimit } from '../analysis/gate-schedule.js';
import type { ResolvedPolicy } from '../resolve/policy.js';
import { formatDuration } from '../resolve/units.js';
import type { Target } from './target.js';

export const ANALYSIS_TEMPLATE_FILE = 'argo/analysistemplate.yaml';

/** The versions as Argo template placeholders, filled from the Rollout's analysis args. */
export function argoVersions(policy: ResolvedPolicy): VersionPair {
  const [stable, canary] = analysisArgs(policy).map((arg) => `{{args.${arg.name}}}`);
  return { stable: stable!, canary: canary! };
}

export const argoAnalysisTarget: Target = {
  name: 'argo-analysis',
  build(policy) {
    // A policy at rest runs no analysis, so it gets no template (the Rollout references none).
    if (policy.versions.candidate === null) return [];
    return [{ path: ANALYSIS_TEMPLATE_FILE, kind: 'yaml', documents: [analysisTemplate(policy)] }];
  },
};

export function analysisTemplate(policy: ResolvedPolicy): object {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name: analysisTemplateName(policy), namespace: policy.namespace, labels: { [LABEL_MANAGED_BY]: MANAGED_BY } },
    spec: {
      args: analysisArgs(policy).map((arg) => ({ name: arg.name })),
      metrics: gateLimits(policy).map((limit) => metric(policy, limit)),
      // `rollback.automatic: false`: every gate is still measured and shown, but a failure no
      // longer aborts the rollout; the alerts tell a person to decide.
      ...(policy.rollback.automatic ? {} : { dryRun: [{ metricName: '.*' }] }),
    },
  };
}

/**
 * `result` is the query's vector as an array, one value per segment value. No value (too little
 * traffic for the guard) matches neither condition, which Argo records as Inconclusive; so does a
 * NaN, since every comparison with NaN is false. `count` is left unset: the analysis runs in the
 * background for the whole rollout and ends with it, whatever the number of steps.
 */
function metric(policy: ResolvedPolicy, limit: GateLimit): object {
  const threshold = formatNumber(limit.threshold);
  // The analysis starts with the first canary step. A gate whose smallest sample cannot reach its
  // guard there waits for the step that can (gate-schedule.ts); without a delay its first window
  // would also end as the step begins, before the candidate served anyone. Either way the
  // measurement would be inconclusive, spending the allowance for nothing. With no such step
  // `schedule-power` rejects the policy, so the offset-0 fallback is never shipped.
  const offsetSeconds = gateSchedule(policy, limit.gate)?.offsetSeconds ?? 0;
  return {
    name: limit.id,
    initialDelay: formatDuration(offsetSeconds + policy.gates.intervalSeconds),
    interval: formatDuration(policy.gates.intervalSeconds),
    failureLimit: policy.gates.failureLimit,
    // Past this many windows with too little traffic the rollout pauses for a person instead of
    // advancing on measurements it never got.
    inconclusiveLimit: inconclusiveLimit(policy, limit.gate),
    successCondition: `len(result) > 0 && all(result, {# <= ${threshold}})`,
    failureCondition: `any(result, {# > ${threshold}})`,
    provider: { prometheus: { address: policy.platform.prometheus.url, query: serialize(limit.measurement(argoVersions(policy))) } },
  };
}
