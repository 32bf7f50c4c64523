/**
 * A model of the checks the Argo Rollouts controller runs on the objects modelgate emits, beyond
 * the CRD schema: the object is rejected (the Rollout marked InvalidSpec, the AnalysisRun
 * errored) when any of them fails. Only the rules that can touch what modelgate writes are
 * modelled; each cites the upstream function it follows.
 */

const GO_DURATION_UNITS_NS: Record<string, bigint> = { ns: 1n, us: 1_000n, 'µs': 1_000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n };
const INT64_MAX = (1n << 63n) - 1n;

/**
 * Go's time.ParseDuration (src/time/format.go): one or more `<decimal><unit>` parts, an optional
 * sign, "0" alone; anything past int64 nanoseconds is an error. Returns nanoseconds, or undefined
 * where Go returns an error.
 */
export function goParseDuration(text: string): bigint | undefined {
  if (text === '0') return 0n;
  const match = /^([-+]?)((?:[0-9]*(?:\.[0-9]*)?(?:ns|us|µs|ms|s|m|h))+)$/.exec(text);
  if (!match) return undefined;
  let total = 0n;
  for (const [, whole = '', fraction = '', unit] of match[2]!.matchAll(/([0-9]*)(?:\.([0-9]*))?(ns|us|µs|ms|s|m|h)/g)) {
    if (whole === '' && fraction === '') return undefined;
    const scale = GO_DURATION_UNITS_NS[unit!]!;
    total += BigInt(whole || '0') * scale + (BigInt(fraction || '0') * scale) / 10n ** BigInt(fraction.length);
    if (total > INT64_MAX) return undefined;
  }
  return match[1] === '-' ? -total : total;
}

/** Go's int32(float64) on amd64: out-of-range values become math.MinInt32. */
function goInt32(value: number): number {
  return value >= -2_147_483_648 && value <= 2_147_483_647 ? Math.trunc(value) : -2_147_483_648;
}

/** argo-rollouts pkg/apis/rollouts/v1alpha1/types.go `RolloutPause.DurationSeconds`. */
function pauseDurationSeconds(duration: unknown): number {
  if (duration === undefined) return 0;
  if (typeof duration === 'number') return duration;
  const text = String(duration);
  if (/^[-+]?[0-9]+$/.test(text)) return Number(text) <= 2_147_483_647 && Number(text) >= -2_147_483_648 ? Number(text) : -1;
  const ns = goParseDuration(text);
  return ns === undefined ? -1 : goInt32(Number(ns) / 1e9);
}

const STEP_KINDS = ['setWeight', 'pause', 'experiment', 'analysis', 'setCanaryScale', 'setHeaderRoute', 'setMirrorRoute'] as const;

type Json = Record<string, any>;

/** argo-rollouts pkg/apis/rollouts/validation/validation.go `ValidateRolloutStrategyCanary` (and `hasMultipleStepsType`, `hasMultipleMatchValues`). */
export function rolloutCanaryErrors(rollout: Json): string[] {
  const canary = rollout.spec?.strategy?.canary as Json | undefined;
  if (!canary) return ['spec.strategy.canary is missing'];
  const errors: string[] = [];
  const routing = canary.trafficRouting as Json | undefined;
  if (!routing && canary.scaleDownDelaySeconds !== undefined) errors.push('scaleDownDelaySeconds requires trafficRouting');
  if (!routing && canary.dynamicStableScale) errors.push('dynamicStableScale requires trafficRouting');
  if (routing && canary.scaleDownDelaySeconds !== undefined && canary.dynamicStableScale) errors.push('dynamicStableScale cannot be used with scaleDownDelaySeconds');
  const managed = ((routing?.managedRoutes ?? null) as Json[] | null)?.map((route) => route.name as string) ?? null;
  ((canary.steps ?? []) as Json[]).forEach((step, index) => {
    const at = `steps[${index}]`;
    // hasMultipleStepsType counts setWeight, pause, experiment and analysis; the next check needs one of all seven.
    if (['setWeight', 'pause', 'experiment', 'analysis'].filter((kind) => step[kind] !== undefined).length > 1) errors.push(`${at}: more than one of setWeight, pause, experiment, analysis`);
    if (!STEP_KINDS.some((kind) => step[kind] !== undefined)) errors.push(`${at}: no action`);
    if (step.setWeight !== undefined && (step.setWeight < 0 || step.setWeight > 100)) errors.push(`${at}: setWeight ${step.setWeight} outside 0..100`);
    if (step.pause !== undefined && pauseDurationSeconds(step.pause.duration) < 0) errors.push(`${at}: pause duration ${step.pause.duration} must be 0 or greater`);
    if (step.setCanaryScale !== undefined && !routing) errors.push(`${at}: setCanaryScale requires trafficRouting`);
    for (const kind of ['setHeaderRoute', 'setMirrorRoute'] as const) {
      const route = step[kind] as Json | undefined;
      if (!route) continue;
      if (!routing?.istio) errors.push(`${at}: ${kind} requires Istio traffic routing`);
      if (routing && managed === null) errors.push(`${at}: ${kind} requires trafficRouting.managedRoutes`);
      if (managed !== null && !managed.includes(route.name)) errors.push(`${at}: ${kind} ${route.name} is not a managed route`);
      for (const match of (route.match ?? []) as Json[]) {
        const values = kind === 'setHeaderRoute' ? [match.headerValue] : [match.method, match.path].filter((value) => value !== undefined);
        for (const value of values) {
          const set = ['exact', 'regex', 'prefix'].filter((key) => typeof value?.[key] === 'string' && value[key] !== '');
          if (set.length !== 1) errors.push(`${at}: ${kind} match needs exactly one of exact, regex, prefix`);
        }
      }
    }
  });
  return errors;
}

/** argo-rollouts utils/analysis/helpers.go `ValidateMetrics` / `ValidateMetric`. */
export function analysisTemplateErrors(template: Json): string[] {
  const metrics = (template.spec?.metrics ?? []) as Json[];
  if (metrics.length === 0) return ['no metrics specified'];
  const errors: string[] = [];
  const names = new Set<string>();
  metrics.forEach((metric, index) => {
    const at = `metrics[${index}]`;
    if (names.has(metric.name)) errors.push(`${at}: duplicate name '${metric.name}'`);
    names.add(metric.name);
    const count = Number(metric.count ?? 0);
    const failureLimit = Number(metric.failureLimit ?? 0);
    const inconclusiveLimit = Number(metric.inconclusiveLimit ?? 0);
    if (count > 0 && (count < failureLimit || count < inconclusiveLimit)) errors.push(`${at}: count below a limit`);
    if (count > 1 && !metric.interval) errors.push(`${at}: interval must be specified when count > 1`);
    if (metric.interval && goParseDuration(metric.interval) === undefined) errors.push(`${at}: invalid interval string ${metric.interval}`);
    if (metric.initialDelay && goParseDuration(metric.initialDelay) === undefined) errors.push(`${at}: invalid startDelay string ${metric.initialDelay}`);
    if (failureLimit < 0) errors.push(`${at}: failureLimit must be >= 0`);
    if (inconclusiveLimit < 0) errors.push(`${at}: inconclusiveLimit must be >= 0`);
    if (Object.keys(metric.provider ?? {}).length !== 1) errors.push(`${at}: exactly one provider`);
  });
  return errors;
}
