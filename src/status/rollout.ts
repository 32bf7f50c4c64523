/**
 * The Rollout as Argo Rollouts' controller last recorded it, read from the Kubernetes API: step,
 * weights, pause and abort, phase, and the results of the AnalysisRuns it is waiting on. Field
 * names are argo-rollouts 9f8d111 pkg/apis/rollouts/v1alpha1:
 * - types.go RolloutStatus: `currentStepIndex`, `pauseConditions[].reason` (CanaryPauseStep,
 *   InconclusiveAnalysisRun, …), `abort`, `phase` (Healthy, Progressing, Paused, Degraded),
 *   `message`, `canary.weights.{canary,stable}.weight` (the weights set on the traffic provider),
 *   `canary.currentStepAnalysisRunStatus` / `currentBackgroundAnalysisRunStatus` (`name`, `status`);
 * - analysis_types.go AnalysisRunStatus `phase`, `message`, `metricResults[]` with `count`,
 *   `successful`, `failed`, `inconclusive`, `error`, `consecutiveError`, `dryRun`, against the
 *   metric's `failureLimit`, `inconclusiveLimit`, `consecutiveErrorLimit` (IntOrString; unset
 *   means 0, 0 and 4: utils/defaults/defaults.go GetConsecutiveErrorLimitOrDefault and its siblings).
 */
import { KubeApiError, type KubeClient } from '../kube/client.js';

export interface MetricReading {
  name: string;
  phase: string;
  count: number;
  successful: number;
  failed: number;
  inconclusive: number;
  error: number;
  consecutiveError: number;
  failureLimit: number;
  inconclusiveLimit: number;
  consecutiveErrorLimit: number;
  dryRun: boolean;
  message: string | null;
}

export interface AnalysisRunReading {
  name: string;
  /** Which of the Rollout's runs: the current step's, or the background one. */
  role: 'step' | 'background';
  phase: string;
  message: string | null;
  /** Null when the run could not be read (deleted, RBAC); `message` says why. */
  metrics: MetricReading[] | null;
}

export interface RolloutReading {
  name: string;
  namespace: string;
  phase: string | null;
  message: string | null;
  /** Zero-based index of the current step; null once the Rollout has no step to run. */
  stepIndex: number | null;
  stepCount: number;
  weights: { canary: number; stable: number } | null;
  paused: boolean;
  pauseReasons: string[];
  aborted: boolean;
  analysisRuns: AnalysisRunReading[];
}

type Json = Record<string, any>;

const ARGO = { group: 'argoproj.io', version: 'v1alpha1' } as const;
/** utils/defaults/defaults.go DefaultConsecutiveErrorLimit; the failure and inconclusive defaults are 0. */
const DEFAULT_CONSECUTIVE_ERROR_LIMIT = 4;

export async function readRollout(client: KubeClient, namespace: string, name: string): Promise<RolloutReading> {
  const rollout = await client.get<Json>({ ...ARGO, resource: 'rollouts', namespace, name });
  const status: Json = rollout.status ?? {};
  const canary: Json = status.canary ?? {};
  const runs: Array<{ role: 'step' | 'background'; ref: Json }> = [];
  if (canary.currentStepAnalysisRunStatus?.name) runs.push({ role: 'step', ref: canary.currentStepAnalysisRunStatus });
  if (canary.currentBackgroundAnalysisRunStatus?.name) runs.push({ role: 'background', ref: canary.currentBackgroundAnalysisRunStatus });
  const pauseReasons: string[] = (status.pauseConditions ?? []).map((condition: Json) => String(condition.reason));
  return {
    name,
    namespace,
    phase: status.phase ?? null,
    message: status.message || null,
    stepIndex: typeof status.currentStepIndex === 'number' ? status.currentStepIndex : null,
    stepCount: rollout.spec?.strategy?.canary?.steps?.length ?? 0,
    weights: canary.weights ? { canary: canary.weights.canary?.weight ?? 0, stable: canary.weights.stable?.weight ?? 0 } : null,
    // spec.paused is a person's pause; pauseConditions the controller's (types.go RolloutSpec.Paused, RolloutPauseCondition).
    paused: rollout.spec?.paused === true || pauseReasons.length > 0,
    pauseReasons,
    aborted: status.abort === true,
    analysisRuns: await Promise.all(runs.map(({ role, ref }) => readAnalysisRun(client, namespace, role, ref))),
  };
}

async function readAnalysisRun(client: KubeClient, namespace: string, role: 'step' | 'background', ref: Json): Promise<AnalysisRunReading> {
  let run: Json;
  try {
    run = await client.get<Json>({ ...ARGO, resource: 'analysisruns', namespace, name: ref.name });
  } catch (error) {
    // The Rollout's own record of the run still says how it ended; only the per-metric counts are lost.
    if (!(error instanceof KubeApiError)) throw error;
    return { name: ref.name, role, phase: ref.status, message: error.message, metrics: null };
  }
  const limits = new Map<string, Json>((run.spec?.metrics ?? []).map((metric: Json) => [metric.name, metric]));
  const metrics = (run.status?.metricResults ?? []).map((result: Json): MetricReading => {
    const metric = limits.get(result.name) ?? {};
    return {
      name: result.name,
      phase: result.phase,
      count: result.count ?? 0,
      successful: result.successful ?? 0,
      failed: result.failed ?? 0,
      inconclusive: result.inconclusive ?? 0,
      error: result.error ?? 0,
      consecutiveError: result.consecutiveError ?? 0,
      failureLimit: intOrString(metric.failureLimit, 0),
      inconclusiveLimit: intOrString(metric.inconclusiveLimit, 0),
      consecutiveErrorLimit: intOrString(metric.consecutiveErrorLimit, DEFAULT_CONSECUTIVE_ERROR_LIMIT),
      dryRun: result.dryRun === true,
      message: result.message || null,
    };
  });
  return { name: ref.name, role, phase: run.status?.phase ?? ref.status, message: run.status?.message || null, metrics };
}

/** An AnalysisRun's limits are IntOrString; its arguments are already substituted, so a string is a number. */
function intOrString(value: unknown, fallback: number): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return fallback;
}

/** Human lines for `status`. */
export function formatRollout(reading: RolloutReading): string[] {
  // The controller leaves currentStepIndex at len(steps) once every step has run (rollout/canary.go syncRolloutStatusCanary, sync.go: CurrentStepIndex = len(steps)).
  const step =
    reading.stepIndex === null ? `no step running (${reading.stepCount} steps)` : reading.stepIndex >= reading.stepCount ? `all ${reading.stepCount} steps done` : `step ${reading.stepIndex + 1} of ${reading.stepCount}`;
  const weights = reading.weights === null ? 'no traffic weights set' : `weights canary ${reading.weights.canary}%, stable ${reading.weights.stable}%`;
  const lines = [`Rollout ${reading.namespace}/${reading.name}: ${reading.phase ?? 'no phase yet'}${reading.message ? ` (${reading.message})` : ''}; ${step}; ${weights}`];
  if (reading.aborted) lines.push('  ABORTED: traffic is back on stable; a new revision (or `kubectl argo rollouts retry`) starts the canary again');
  if (reading.paused) lines.push(`  paused${reading.pauseReasons.length > 0 ? `: ${reading.pauseReasons.join(', ')}` : ' by spec.paused'}`);
  for (const run of reading.analysisRuns) {
    lines.push(`  ${run.role} AnalysisRun ${run.name}: ${run.phase}${run.message ? ` (${run.message})` : ''}`);
    for (const metric of run.metrics ?? []) {
      // A metric ends Failed / Inconclusive / Error once its count goes past the limit (analysis/analysis.go assessMetricStatus: failed > failureLimit, …).
      const counts =
        `successful ${metric.successful}, failed ${metric.failed} (limit ${metric.failureLimit}), inconclusive ${metric.inconclusive} (limit ${metric.inconclusiveLimit}), ` +
        `errors ${metric.error} (${metric.consecutiveError} in a row, limit ${metric.consecutiveErrorLimit})`;
      lines.push(`    ${metric.name}${metric.dryRun ? ' (dry run)' : ''}: ${metric.phase}; ${counts}${metric.message ? `; ${metric.message}` : ''}`);
    }
  }
  return lines;
}
