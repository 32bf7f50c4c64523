/**
 * Turn a schema-valid policy document into the resolved model: defaults applied, units parsed.
 * Runs only after the JSON Schema passed, so it may trust the shape; it never reports.
 */
import type {
  Cohort,
  Gate,
  OfflineCheck,
  ResolvedPolicy,
  VersionInfo,
  WebhookGate,
} from './policy.js';
import { parseDurationSeconds, parsePercent, parsePercentagePoints, parseWeight } from './units.js';
import { DEFAULT_SEGMENT_SHARE_PERCENT, derivedMinRequests } from '../analysis/power.js';
import { derivedGateMinRequests, FLOOR_MIN_REQUESTS } from '../analysis/gate-schedule.js';
import { DEFAULT_PLATFORM, gpuResource, type Platform } from './platform.js';
import { stageDocument, type StageSpec } from './stages.js';

export const DEFAULTS = {
  namespace: 'default',
  replicas: 2,
  grpcPort: 8500,
  restPort: 8501,
  mirrorPercent: 100,
  /** The schedule the articles this project grew from recommend. */
  steps: [1, 5, 25, 50, 100],
  stepHoldSeconds: 30 * 60,
  /** How long the replaced stable's pods stay up after a promotion: the warm-rollback window. */
  scaleDownDelaySeconds: 10 * 60,
  intervalSeconds: 5 * 60,
  failureLimit: 2,
  minRequests: FLOOR_MIN_REQUESTS,
  significance: 0.05,
  power: 0.8,
  baselineErrorRatePercent: 0.5,
  latencyPercentile: 99,
  latencyMaxIncreasePercent: 10,
  errorRateMaxIncreasePp: 0.5,
  driftVersionLabel: 'version',
  /** Argo's own default for a web metric (metricproviders/webmetric/webmetric.go `NewWebMetricHttpClient`). */
  webhookTimeoutSeconds: 10,
} as const;

/** The schema's ceiling on `gates.minRequests`. */
const MAX_MIN_REQUESTS = 1_000_000_000;

/* The raw document, as the schema guarantees it. */
type Raw = Record<string, any>;

/** `stageIndex`: which of `spec.stages` to resolve; a policy with stages is resolved once per stage. */
export function resolvePolicy(data: unknown, source: { file: string; sha256: string }, platform: Platform = DEFAULT_PLATFORM, stageIndex: number | null = null): ResolvedPolicy {
  const staged = stageIndex === null ? { data, stage: null } : stageDocument(data, stageIndex);
  const policy = resolveWithoutDerived(staged.data, source, platform, staged.stage);
  // The guard the power analysis asks for, so a window too thin to judge reads as inconclusive.
  if (!policy.gates.minRequestsExplicit) {
    // A gate tight enough to need more than any policy may write (an effect so small its square
    // underflows needs infinitely many) gets the largest guard: it stays inconclusive, which
    // schedule-power reports, instead of compiling `>= +Inf` into PromQL.
    policy.gates.minRequests = Math.max(DEFAULTS.minRequests, boundedGuard(derivedMinRequests(policy) ?? 0));
    // Each gate's own guard, sized for the smallest sample it judges at the step it starts.
    for (const gate of policy.gates.checks) gate.minRequests = boundedGuard(derivedGateMinRequests(policy, gate));
  }
  return policy;
}

function boundedGuard(requests: number): number {
  return Number.isFinite(requests) ? Math.min(requests, MAX_MIN_REQUESTS) : MAX_MIN_REQUESTS;
}

function resolveWithoutDerived(data: unknown, source: { file: string; sha256: string }, platform: Platform, stage: StageSpec | null): ResolvedPolicy {
  const doc = data as Raw;
  const spec = doc.spec as Raw;
  const model = spec.model as Raw;
  const versions = spec.versions as Raw;
  const traffic = spec.traffic as Raw;
  const gates = (spec.gates ?? {}) as Raw;
  const rollback = (spec.rollback ?? {}) as Raw;

  const stable: number = versions.stable;
  const candidate: number | null = versions.candidate ?? null;
  const previous: number[] = versions.previous ?? [];
  const rollbackTo: number = rollback.to ?? stable;
  const preload: number[] = versions.preload ?? [];
  const required = unique([candidate, stable, rollbackTo, ...preload].filter((v): v is number => v !== null));
  const retain: number = versions.retain ?? required.length;
  const retained = unique([...required, ...previous]).slice(0, Math.max(retain, required.length));
  retained.sort((a, b) => b - a);

  const intervalSeconds = duration(gates.interval) ?? DEFAULTS.intervalSeconds;
  const defaultRunbook: string | null = gates.runbook ?? null;

  return {
    source,
    name: doc.metadata.name,
    namespace: doc.metadata.namespace ?? DEFAULTS.namespace,
    owners: doc.metadata.owners ?? [],
    stage,
    model: {
      name: model.name,
      basePath: model.basePath,
      platform: 'tensorflow',
      image: model.image ?? platform.defaultImage,
      replicas: model.replicas ?? model.autoscaling?.minReplicas ?? DEFAULTS.replicas,
      autoscaling: model.autoscaling
        ? {
            minReplicas: model.autoscaling.minReplicas,
            maxReplicas: model.autoscaling.maxReplicas,
            cpuUtilizationPercent: model.autoscaling.cpu === undefined ? null : parsePercent(model.autoscaling.cpu)!,
            requestsPerSecondPerPod: model.autoscaling.rpsPerPod ?? null,
            inFlightRequestsPerPod: model.autoscaling.inFlightPerPod ?? null,
          }
        : null,
      versionLabels: model.versionLabels ?? false,
      grpcPort: model.ports?.grpc ?? DEFAULTS.grpcPort,
      restPort: model.ports?.rest ?? DEFAULTS.restPort,
      resources: {
        cpu: model.resources?.cpu ?? platform.defaultResources.cpu,
        memory: model.resources?.memory ?? platform.defaultResources.memory,
        gpu: model.resources?.gpu ? { count: model.resources.gpu, resource: gpuResource(platform, model.image ?? platform.defaultImage) } : null,
      },
      warmup: model.warmup
        ? { requests: model.warmup.requests ?? null, pauseSeconds: duration(model.warmup.pause) }
        : null,
    },
    versions: {
      stable,
      candidate,
      previous,
      preload,
      retain,
      retained,
      info: resolveInfo(versions.info ?? {}),
      offlineChecks: ((versions.offlineChecks ?? []) as Raw[]).map(
        (check): OfflineCheck => ({
          metric: check.metric,
          better: check.better,
          tolerance: check.tolerance ?? 0,
          severity: check.severity ?? 'warning',
        }),
      ),
    },
    traffic: {
      host: traffic.host,
      gateways: traffic.gateways ?? [],
      expectedRps: traffic.expectedRps ?? null,
      timeoutSeconds: duration(traffic.timeout),
      retries: traffic.retries
        ? { attempts: traffic.retries.attempts, perTryTimeoutSeconds: duration(traffic.retries.perTryTimeout) }
        : null,
      sticky: traffic.sticky ? { header: traffic.sticky.header, idAlphabet: traffic.sticky.idAlphabet ?? 'hex' } : null,
      cohorts: ((traffic.cohorts ?? []) as Raw[]).map(resolveCohort),
      segments: ((traffic.segments ?? []) as Raw[]).map((segment) => ({
        label: segment.label,
        header: segment.header,
        minSharePercent: segment.minShare ? parsePercent(segment.minShare)! : DEFAULT_SEGMENT_SHARE_PERCENT,
      })),
    },
    shadow: spec.shadow
      ? {
          mirrorPercent: spec.shadow.mirror ? parsePercent(spec.shadow.mirror)! : DEFAULTS.mirrorPercent,
          durationSeconds: duration(spec.shadow.duration)!,
        }
      : null,
    canary: {
      steps: spec.canary?.steps
        ? (spec.canary.steps as Raw[]).map((step) => ({
            weightPercent: parseWeight(step.weight)!,
            holdSeconds: step.hold === undefined || step.hold === 'manual' ? null : duration(step.hold),
            manual: step.hold === 'manual',
          }))
        : DEFAULTS.steps.map((weightPercent) => ({
            weightPercent,
            holdSeconds: weightPercent === 100 ? null : DEFAULTS.stepHoldSeconds,
            manual: false,
          })),
      scaleDownDelaySeconds: duration(spec.canary?.scaleDownDelay) ?? DEFAULTS.scaleDownDelaySeconds,
      soakSeconds: duration(spec.canary?.soak),
    },
    gates: {
      intervalSeconds,
      failureLimit: gates.failureLimit ?? DEFAULTS.failureLimit,
      inconclusiveLimit: gates.inconclusiveLimit ?? null,
      minRequests: gates.minRequests ?? DEFAULTS.minRequests,
      minRequestsExplicit: gates.minRequests !== undefined,
      significance: gates.significance ?? DEFAULTS.significance,
      power: gates.power ?? DEFAULTS.power,
      baselineErrorRatePercent: gates.baselineErrorRate ? parsePercent(gates.baselineErrorRate)! : DEFAULTS.baselineErrorRatePercent,
      strict: gates.strict ?? false,
      runbook: defaultRunbook,
      checks: (gates.checks ?? defaultChecks()).map((check: Raw) => resolveGate(check, intervalSeconds, defaultRunbook, gates.minRequests ?? DEFAULTS.minRequests, platform)),
      webhooks: ((gates.webhooks ?? []) as Raw[]).map(resolveWebhook),
    },
    rollback: { automatic: rollback.automatic ?? true, toVersion: rollbackTo },
    dashboard: { enabled: spec.dashboard?.enabled ?? true, folder: spec.dashboard?.folder ?? null },
    notifications: ((spec.notifications ?? []) as Raw[]).map((entry) => ({ triggers: entry.on, service: entry.service, recipients: entry.recipients })),
    platform,
  };
}

function defaultChecks(): Raw[] {
  return [
    { metric: 'latency', maxIncrease: `${DEFAULTS.latencyMaxIncreasePercent}%` },
    { metric: 'errorRate', maxIncrease: `${DEFAULTS.errorRateMaxIncreasePp}pp` },
  ];
}

/** The name a gate gets when the policy gives none; `gate-names-unique` catches clashes. */
export function defaultGateName(check: Raw): string {
  switch (check.metric) {
    case 'latency':
      return `latency-p${String(check.percentile ?? DEFAULTS.latencyPercentile).replace('.', '-')}`;
    case 'errorRate':
      return 'error-rate';
    case 'ratio':
      return 'ratio';
    default:
      return `drift-${check.method ?? 'psi'}`;
  }
}

function resolveGate(check: Raw, intervalSeconds: number, defaultRunbook: string | null, minRequests: number, platform: Platform): Gate {
  const common = {
    minRequests,
    name: (check.name as string | undefined) ?? defaultGateName(check),
    segment: (check.segment as string | undefined) ?? null,
    forSeconds: duration(check.for) ?? intervalSeconds,
    severity: check.severity ?? 'critical',
    runbook: (check.runbook as string | undefined) ?? defaultRunbook,
  };
  switch (check.metric) {
    case 'latency': {
      const relative = check.maxIncrease === undefined && check.max === undefined;
      return {
        ...common,
        metric: 'latency',
        percentile: check.percentile ?? DEFAULTS.latencyPercentile,
        maxIncreasePercent: relative ? DEFAULTS.latencyMaxIncreasePercent : check.maxIncrease ? parsePercent(check.maxIncrease)! : null,
        maxMs: check.max ? duration(check.max)! * 1000 : null,
        expectedMs: check.expected ? Number((duration(check.expected)! * 1000).toPrecision(12)) : null,
      };
    }
    case 'errorRate': {
      const relative = check.maxIncrease === undefined && check.max === undefined;
      return {
        ...common,
        metric: 'errorRate',
        maxIncreasePp: relative ? DEFAULTS.errorRateMaxIncreasePp : check.maxIncrease ? parsePercentagePoints(check.maxIncrease)! : null,
        maxPercent: check.max ? parsePercent(check.max)! : null,
      };
    }
    case 'ratio': {
      const versionLabel = (check.versionLabel as string | undefined) ?? DEFAULTS.driftVersionLabel;
      const better = check.maxIncrease !== undefined || check.maxRise !== undefined ? 'lower' : 'higher';
      const relative = better === 'higher' ? check.maxDecrease : check.maxIncrease;
      const absolute = better === 'higher' ? check.maxDrop : check.maxRise;
      return {
        ...common,
        metric: 'ratio',
        numerator: check.numerator,
        denominator: check.denominator,
        versionLabel,
        // The callers name the model on their counters (src/gates/ratio-counters.ts), on the label the profile says.
        labels: [...new Set(['namespace', platform.ratioCounters.modelLabel, versionLabel, ...((check.labels as string[] | undefined) ?? [])])],
        better,
        maxWorsePercent: relative ? parsePercent(relative)! : null,
        maxWorsePp: absolute ? parsePercentagePoints(absolute)! : null,
        expectedPercent: parsePercent(check.expected)!,
        eventsPerRequest: check.eventsPerRequest ?? 1,
      };
    }
    default:
      return {
        ...common,
        metric: 'drift',
        method: check.method ?? 'psi',
        max: check.max,
        histogram: check.histogram,
        versionLabel: check.versionLabel ?? DEFAULTS.driftVersionLabel,
        labels: [...new Set(['namespace', check.versionLabel ?? DEFAULTS.driftVersionLabel, ...((check.labels as string[] | undefined) ?? [])])],
        buckets: check.buckets,
      };
  }
}

function resolveWebhook(hook: Raw): WebhookGate {
  const pass: WebhookGate['pass'] =
    hook.pass.max !== undefined ? { kind: 'max', value: hook.pass.max } : hook.pass.min !== undefined ? { kind: 'min', value: hook.pass.min } : { kind: 'equals', value: hook.pass.equals };
  return {
    name: hook.name,
    url: hook.url,
    headers: ((hook.headers ?? []) as Raw[]).map((header) =>
      header.secret ? { name: header.name, secret: { name: header.secret.name, key: header.secret.key } } : { name: header.name, value: header.value },
    ),
    jsonPath: hook.jsonPath,
    pass,
    // Argo takes whole seconds (timeoutSeconds is an integer); rounding up never cuts an answer short.
    timeoutSeconds: Math.ceil(duration(hook.timeout) ?? DEFAULTS.webhookTimeoutSeconds),
  };
}

function resolveCohort(cohort: Raw): Cohort {
  const kind = cohort.exact !== undefined ? 'exact' : cohort.prefix !== undefined ? 'prefix' : 'regex';
  return { name: cohort.name, header: cohort.header, match: { kind, value: cohort[kind] ?? '' } };
}

function resolveInfo(info: Raw): Record<number, VersionInfo> {
  const out: Record<number, VersionInfo> = {};
  for (const key of Object.keys(info).sort((a, b) => Number(a) - Number(b))) {
    const entry = info[key] as Raw;
    out[Number(key)] = {
      name: entry.name ?? null,
      dataSnapshot: entry.dataSnapshot ?? null,
      commit: entry.commit ?? null,
      author: entry.author ?? null,
      offlineMetrics: entry.offlineMetrics ?? {},
    };
  }
  return out;
}

function duration(text: unknown): number | null {
  return typeof text === 'string' ? (parseDurationSeconds(text) ?? null) : null;
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
