/**
 * A model of when Argo Rollouts' background AnalysisRun measures each metric, in seconds from the
 * start of the Rollout update, for a Rollout whose steps are timed pauses. Upstream
 * (argoproj/argo-rollouts):
 * - the run is created once the current step index reaches `analysis.startingStep`
 *   (rollout/analysis.go reconcileBackgroundAnalysisRun, utils/replicaset/canary.go
 *   BeforeStartingStep); steps other than `pause` complete at once;
 * - a metric's first measurement comes `initialDelay` after the run started, each later one
 *   `interval` after the previous one finished (analysis/analysis.go generateMetricTasks:
 *   `lastMeasurement.FinishedAt.Add(interval)`), so every measurement lands a little late: the
 *   model adds `lateSeconds` to each;
 * - a metric with `count` stops after that many measurements (assessMetricStatus); one without
 *   runs until the run ends. `until` bounds the model.
 */
import { parseDurationSeconds } from '../../src/resolve/units.js';

type Json = Record<string, any>;

/** When each step starts; a manual pause (no duration) never ends, so later steps are absent. */
export function stepStartSeconds(rollout: Json): number[] {
  const starts: number[] = [];
  let t = 0;
  for (const step of (rollout.spec.strategy.canary.steps ?? []) as Json[]) {
    starts.push(t);
    if (step.pause === undefined) continue;
    if (step.pause.duration === undefined) break;
    t += parseDurationSeconds(step.pause.duration)!;
  }
  return starts;
}

export function measurementSeconds(rollout: Json, template: Json, until: number, lateSeconds: number): Map<string, number[]> {
  const runStart = stepStartSeconds(rollout)[rollout.spec.strategy.canary.analysis.startingStep ?? 0]!;
  const out = new Map<string, number[]>();
  for (const metric of template.spec.metrics as Json[]) {
    const times: number[] = [];
    let t = runStart + parseDurationSeconds(metric.initialDelay ?? '0s')! + lateSeconds;
    while (t <= until && (metric.count === undefined || times.length < metric.count)) {
      times.push(t);
      t += parseDurationSeconds(metric.interval)! + lateSeconds;
    }
    out.set(metric.name, times);
  }
  return out;
}
