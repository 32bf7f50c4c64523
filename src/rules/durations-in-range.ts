/**
 * Every duration fits the consumer it is compiled into, so no output carries a duration its
 * reader rejects or overflows: Argo Rollouts, Prometheus and Istio all hold durations in Go's
 * time.Duration, and Argo counts pauses and scaleDownDelaySeconds in int32 seconds. The gate interval is a PromQL range
 * and Argo's measurement interval, which must be above zero.
 */
import { formatDuration, parseDurationSeconds } from '../resolve/units.js';
import type { Rule, YamlPath } from './rule.js';

/** Go's time.Duration is int64 nanoseconds (2562047h47m16.854775807s), cut to whole seconds. */
const GO_DURATION_MAX_SECONDS = 9_223_372_036;
/**
 * argo-rollouts pkg/apis/rollouts/v1alpha1/types.go: `ScaleDownDelaySeconds *int32`, and
 * `RolloutPause.DurationSeconds()` returns `int32(d.Seconds())`, which turns a longer pause
 * negative, and validation.go then rejects the step ("Pause duration must be 0 or greater").
 */
const INT32_MAX_SECONDS = 2_147_483_647;

interface DurationField {
  path: YamlPath;
  text: unknown;
  maxSeconds: number;
  consumer: string;
  positive?: true;
}

export const durationsInRange: Rule = {
  id: 'durations-in-range',
  description: 'Every duration fits the Go duration or Argo int32 seconds it compiles into; the gate interval is above zero.',
  severity: 'error',
  check({ source, report }) {
    const spec = ((source.data as { spec?: unknown }).spec ?? {}) as Record<string, any>;
    for (const field of durationFields(spec)) {
      if (typeof field.text !== 'string') continue;
      const seconds = parseDurationSeconds(field.text);
      if (seconds === undefined) continue;
      if (!(seconds <= field.maxSeconds)) {
        report({ path: field.path, message: `${field.text} is longer than ${field.consumer} can hold (at most ${formatDuration(field.maxSeconds)})`, hint: `write at most \`${formatDuration(field.maxSeconds)}\`` });
      } else if (field.positive && seconds <= 0) {
        report({ path: field.path, message: `an interval of ${field.text} measures nothing: Prometheus rejects a zero range and Argo would measure without pause`, hint: 'measure every few minutes, e.g. `interval: 5m`' });
      }
    }
  },
};

function durationFields(spec: Record<string, any>): DurationField[] {
  const go = (path: YamlPath, text: unknown, consumer: string): DurationField => ({ path, text, maxSeconds: GO_DURATION_MAX_SECONDS, consumer });
  const pause = (path: YamlPath, text: unknown): DurationField => ({ path, text, maxSeconds: INT32_MAX_SECONDS, consumer: 'an Argo Rollouts pause (int32 seconds)' });
  const steps: unknown[] = Array.isArray(spec.canary?.steps) ? spec.canary.steps : [];
  const checks: unknown[] = Array.isArray(spec.gates?.checks) ? spec.gates.checks : [];
  return [
    pause(['spec', 'model', 'warmup', 'pause'], spec.model?.warmup?.pause),
    go(['spec', 'traffic', 'timeout'], spec.traffic?.timeout, 'an Istio timeout'),
    go(['spec', 'traffic', 'retries', 'perTryTimeout'], spec.traffic?.retries?.perTryTimeout, 'an Istio timeout'),
    pause(['spec', 'shadow', 'duration'], spec.shadow?.duration),
    ...steps.map((step, index) => pause(['spec', 'canary', 'steps', index, 'hold'], (step as { hold?: unknown })?.hold)),
    pause(['spec', 'canary', 'soak'], spec.canary?.soak),
    { path: ['spec', 'canary', 'scaleDownDelay'], text: spec.canary?.scaleDownDelay, maxSeconds: INT32_MAX_SECONDS, consumer: "Argo Rollouts' scaleDownDelaySeconds" },
    { ...go(['spec', 'gates', 'interval'], spec.gates?.interval, 'a Prometheus range or an Argo interval'), positive: true },
    ...checks.flatMap((check, index) => [
      go(['spec', 'gates', 'checks', index, 'for'], (check as { for?: unknown })?.for, "a Prometheus alert's `for`"),
      go(['spec', 'gates', 'checks', index, 'max'], (check as { max?: unknown })?.max, 'a Go duration'),
    ]),
  ];
}
