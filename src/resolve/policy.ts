import type { Platform } from './platform.js';
import type { StageSpec } from './stages.js';

/**
 * The resolved policy: defaults applied, units turned into numbers. This is the one typed
 * model every target, analysis and command reads; nothing downstream looks at raw YAML.
 */

export interface ResolvedPolicy {
  /** Where the policy came from, for headers and diagnostics. */
  source: { file: string; sha256: string };
  name: string;
  namespace: string;
  owners: string[];
  /** The stage this policy is compiled for (`spec.stages`); null: the policy has no stages. */
  stage: StageSpec | null;
  model: ModelSpec;
  versions: VersionsSpec;
  traffic: TrafficSpec;
  /** null: no shadow phase. */
  shadow: ShadowSpec | null;
  canary: CanarySpec;
  gates: GatesSpec;
  rollback: RollbackSpec;
  dashboard: { enabled: boolean; folder: string | null };
  /** Argo Rollouts notification subscriptions, in policy order. */
  notifications: NotificationSubscription[];
  /** The cluster it is compiled for: the repository's platform profile, resolved. */
  platform: Platform;
}

export interface ModelSpec {
  /** TF Serving model name. */
  name: string;
  basePath: string;
  platform: 'tensorflow';
  image: string;
  /** Pods per version; with `autoscaling`, the least the HPA keeps (the count plans are sized on). */
  replicas: number;
  /** null: a fixed replica count. Otherwise the HorizontalPodAutoscaler owns the count. */
  autoscaling: Autoscaling | null;
  /**
   * true: every pod loads all retained versions from models.config and serves the `stable` and
   * `canary` version labels (label-addressed clients, `rollback --live`). false: one version per pod.
   */
  versionLabels: boolean;
  grpcPort: number;
  restPort: number;
  /** gpu: how many of which extended resource each pod is given; null: none. */
  resources: { cpu: string | null; memory: string | null; gpu: { count: number; resource: string } | null };
  /** null: no warm-up asked for. */
  warmup: { requests: number | null; pauseSeconds: number | null } | null;
}

export interface Autoscaling {
  minReplicas: number;
  maxReplicas: number;
  /** Target average CPU use, percent of each pod's CPU request; null: CPU is not a target. */
  cpuUtilizationPercent: number | null;
  /** Target average requests per second per pod, read from the profile's adapter metric; null: not a target. */
  requestsPerSecondPerPod: number | null;
  /** Target average requests in flight per pod, read from the profile's adapter metric; null: not a target. */
  inFlightRequestsPerPod: number | null;
}

export interface VersionInfo {
  name: string | null;
  dataSnapshot: string | null;
  commit: string | null;
  author: string | null;
  offlineMetrics: Record<string, number>;
}

export interface OfflineCheck {
  metric: string;
  better: 'higher' | 'lower';
  tolerance: number;
  severity: 'error' | 'warning';
}

export interface VersionsSpec {
  stable: number;
  /** null: steady state, 100% stable. */
  candidate: number | null;
  /** Older versions on disk, newest first. */
  previous: number[];
  /** Versions loaded ahead of being labelled (first half of a two-step label move). */
  preload: number[];
  /** How many versions TF Serving keeps loaded. */
  retain: number;
  /**
   * The versions the compiled config keeps loaded, highest first: candidate, stable,
   * the rollback target and preloaded ones, then the newest previous ones up to `retain`.
   */
  retained: number[];
  info: Record<number, VersionInfo>;
  offlineChecks: OfflineCheck[];
}

export interface Cohort {
  name: string;
  header: string;
  match: { kind: 'exact' | 'prefix' | 'regex'; value: string };
}

export interface TrafficSpec {
  host: string;
  gateways: string[];
  /** null: unknown, so statistical checks cannot run. */
  expectedRps: number | null;
  timeoutSeconds: number | null;
  retries: { attempts: number; perTryTimeoutSeconds: number | null } | null;
  sticky: { header: string; idAlphabet: 'decimal' | 'hex' } | null;
  cohorts: Cohort[];
  /** Metric labels Istio sets from request headers, for per-segment gates. */
  segments: Segment[];
}

export interface Segment {
  label: string;
  header: string;
  /** Share of the model's traffic the smallest judged value of the label carries (0–100). */
  minSharePercent: number;
}

export interface ShadowSpec {
  mirrorPercent: number;
  durationSeconds: number;
}

export interface CanaryStep {
  weightPercent: number;
  /** null: wait for a person to promote (`hold: manual`), or the final step with no hold. */
  holdSeconds: number | null;
  manual: boolean;
}

export interface CanarySpec {
  steps: CanaryStep[];
  scaleDownDelaySeconds: number;
  /** How long the gates keep judging at 100% before the Rollout completes; null: no soak. */
  soakSeconds: number | null;
}

interface GateCommon {
  /** Unique within the policy; used in metric, alert and rule names. */
  name: string;
  /** Metric label judged per value, or null for the whole model. */
  segment: string | null;
  /** How long the violation must last before the alert fires. */
  forSeconds: number;
  severity: 'critical' | 'warning' | 'info';
  runbook: string | null;
  /**
   * Requests (observations, for drift) each compared version must serve in one window, per
   * segment value, for a sample to count: `gates.minRequests` when the policy sets it, otherwise
   * what this gate needs at the step it is first judged (src/analysis/gate-schedule.ts).
   */
  minRequests: number;
}

export interface LatencyGate extends GateCommon {
  metric: 'latency';
  /** 99 for P99. */
  percentile: number;
  /** Candidate may exceed stable by this percent; null if not relative. */
  maxIncreasePercent: number | null;
  /** Absolute ceiling in milliseconds; null if none. */
  maxMs: number | null;
  /** Stable's usual value of this percentile in milliseconds, to centre histogram buckets on; null if unknown. */
  expectedMs: number | null;
}

export interface ErrorRateGate extends GateCommon {
  metric: 'errorRate';
  /** Candidate may exceed stable by this many percentage points; null if not relative. */
  maxIncreasePp: number | null;
  /** Absolute ceiling in percent; null if none. */
  maxPercent: number | null;
}

export interface DriftGate extends GateCommon {
  metric: 'drift';
  method: 'psi' | 'jsd';
  max: number;
  /** Histogram metric name without `_bucket`. */
  histogram: string;
  versionLabel: string;
  /** Every label the histogram's series carry but `le`: namespace, the version label, and the declared ones. */
  labels: string[];
  /** Upper bounds, increasing; +Inf is implied after the last. */
  buckets: number[];
}

/**
 * A proportion of application events per version (clicks per impression, approvals per
 * application), from two counters the model's own exporter carries, compared with stable.
 */
export interface RatioGate extends GateCommon {
  metric: 'ratio';
  /** Counters (names as scraped, usually ending in `_total`): successes, and the events they are counted among. */
  numerator: string;
  denominator: string;
  versionLabel: string;
  /** Every label both counters carry: namespace, the profile's model label, the version label, and the declared ones. */
  labels: string[];
  /** Which way is worse: a CTR is worse lower, a rejection rate worse higher. */
  better: 'higher' | 'lower';
  /** Candidate may be worse than stable by this percent of stable's ratio; null if not set. */
  maxWorsePercent: number | null;
  /** Candidate may be worse than stable by this many percentage points; null if not set. */
  maxWorsePp: number | null;
  /** Stable's usual ratio in percent, for the power analysis. */
  expectedPercent: number;
  /** Denominator events one request brings on average (e.g. 10 impressions per recommendation response). */
  eventsPerRequest: number;
}

export type Gate = LatencyGate | ErrorRateGate | DriftGate | RatioGate;

/**
 * A check outside Prometheus, asked over HTTP by Argo Rollouts' `web` metric provider
 * (src/targets/argo-webhook-metrics.ts). It is not a Prometheus gate: no alert, no recording rule,
 * no dashboard panel, and `simulate`/`status` cannot measure it.
 */
export interface WebhookGate {
  name: string;
  url: string;
  /** Header values are either literal or read from a Secret by Argo when the run starts. */
  headers: Array<{ name: string; value: string } | { name: string; secret: { name: string; key: string } }>;
  /** Kubernetes JSONPath into the response, e.g. `{$.verdict}`. */
  jsonPath: string;
  pass: { kind: 'max' | 'min'; value: number } | { kind: 'equals'; value: string | boolean };
  timeoutSeconds: number;
}

export interface GatesSpec {
  intervalSeconds: number;
  failureLimit: number;
  /** Inconclusive measurements tolerated per gate limit; null: derived per gate (gate-schedule.ts). */
  inconclusiveLimit: number | null;
  /** Requests each version must serve in one measurement window for it to count. */
  minRequests: number;
  /** true when minRequests came from the policy, false when modelgate chose it. */
  minRequestsExplicit: boolean;
  significance: number;
  power: number;
  /** Stable's usual error rate in percent, for the power analysis. */
  baselineErrorRatePercent: number;
  strict: boolean;
  runbook: string | null;
  checks: Gate[];
  /** `gates.webhooks`: checks Argo asks over HTTP, apart from the Prometheus gates. */
  webhooks: WebhookGate[];
}

export interface NotificationSubscription {
  /** Argo Rollouts trigger names, e.g. `on-rollout-aborted`. */
  triggers: string[];
  service: string;
  recipients: string[];
}

export interface RollbackSpec {
  automatic: boolean;
  /** Where a manual rollback goes: defaults to stable. */
  toVersion: number;
}
