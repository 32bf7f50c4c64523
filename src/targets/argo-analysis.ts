/**
 * The Argo Rollouts AnalysisTemplate: one Prometheus metric per gate limit, each the gate's
 * measurement from src/gates/queries.ts with the versions left as arguments the Rollout supplies
 * (names.analysisArgs), judged against the same threshold as the alert; then one web metric per
 * webhook gate (argo-webhook-metrics.ts).
 */
import { analysisArgs, analysisTemplateName, LABEL_MANAGED_BY, MANAGED_BY, SERVED_VERSION_METRIC } from '../names.js';
import { formatNumber, serialize } from '../gates/promql.js';
import type { VersionPair } from '../gates/queries.js';
import { servedVersionMismatch } from '../gates/served-version.js';
import { analysisMetrics, type AnalysisMetric } from '../analysis/analysis-metrics.js';
import type { ResolvedPolicy } from '../resolve/policy.js';
import { formatDuration } from '../resolve/units.js';
import type { Target } from './target.js';
import { webhookArgs, webhookMetrics } from './argo-webhook-metrics.js';

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
      args: [...analysisArgs(policy).map((arg) => ({ name: arg.name })), ...webhookArgs(policy)],
      metrics: [...analysisMetrics(policy).map((planned) => metric(policy, planned)), ...servedVersionMetrics(policy), ...webhookMetrics(policy)],
      // `rollback.automatic: false`: every gate is still measured and shown, but a failure no
      // longer aborts the rollout; the alerts tell a person to decide.
      ...(policy.rollback.automatic ? {} : { dryRun: [{ metricName: '.*' }] }),
    },
  };
}

/**
 * `result` is the query's vector as an array, one value per segment value. No value (too little
 * traffic for the guard) matches neither condition, which Argo records as Inconclusive; so does a
 * NaN, since every comparison with NaN is false. A canary metric leaves `count` unset: it runs in
 * the background for the whole rollout and ends with it, whatever the number of steps. When each
 * metric starts and stops: src/analysis/analysis-metrics.ts.
 */
function metric(policy: ResolvedPolicy, planned: AnalysisMetric): object {
  const { limit } = planned;
  const threshold = formatNumber(limit.threshold);
  return {
    name: planned.name,
    initialDelay: formatDuration(planned.initialDelaySeconds),
    interval: formatDuration(policy.gates.intervalSeconds),
    ...(planned.count !== null ? { count: planned.count } : {}),
    failureLimit: policy.gates.failureLimit,
    // Past this many windows with too little traffic the rollout pauses for a person instead of
    // advancing on measurements it never got.
    inconclusiveLimit: planned.inconclusiveLimit,
    successCondition: `len(result) > 0 && all(result, {# <= ${threshold}})`,
    failureCondition: `any(result, {# > ${threshold}})`,
    provider: { prometheus: { address: policy.platform.prometheus.url, query: serialize(limit.measurement(argoVersions(policy), planned.phase)) } },
  };
}

/**
 * Label mode, where the profile lets Prometheus see it: a metric with a result (a pod serving
 * another version than its label says, after `rollback --live`) is neither a success nor a
 * failure, i.e. Inconclusive (utils/evaluate/evaluate.go `EvaluateResult`: both conditions set,
 * neither true), and with `inconclusiveLimit: 0` the first one ends the metric and the run
 * Inconclusive (analysis/analysis.go `assessMetricStatus`), which pauses the Rollout for a person
 * (rollout/analysis.go `setPauseOrAbort`: Inconclusive → `PauseReasonInconclusiveAnalysis`; only
 * Error or Failed abort). The run's message names this metric. The gates' own measurements are
 * withheld meanwhile (served-version.ts), so they cannot fail or pass the wrong version first.
 */
function servedVersionMetrics(policy: ResolvedPolicy): object[] {
  const mismatch = servedVersionMismatch(policy);
  if (mismatch === null) return [];
  return [
    {
      name: SERVED_VERSION_METRIC,
      interval: formatDuration(policy.gates.intervalSeconds),
      inconclusiveLimit: 0,
      successCondition: 'len(result) == 0',
      failureCondition: 'false',
      provider: { prometheus: { address: policy.platform.prometheus.url, query: serialize(mismatch) } },
    },
  ];
}
