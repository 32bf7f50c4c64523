/**
 * Bucket bounds for Istio's request-duration histogram that let a latency gate resolve its
 * threshold. `histogram_quantile` interpolates linearly inside the bucket holding the rank, so a
 * quantile is only as exact as that bucket is narrow: with Istio's default bounds a P99 near
 * 128 ms falls in 100–250 ms and a true +12% reads as about +8%. With bounds a fifth of the
 * threshold apart around the expected value, the interpolation error stays well inside it.
 *
 * The bounds reach the proxy through the pod annotation `sidecar.istio.io/statsHistogramBuckets`
 * (Istio ≥ 1.19; istio/istio pkg/bootstrap/config.go reads it as JSON `{prefix: [bounds]}` into
 * Envoy's `histogram_bucket_settings`, matched by stat-name prefix; `istio` is the prefix Istio's
 * own telemetry test verifies on istio_request_duration_milliseconds, and it also applies to the
 * other `istio_*` histograms of that proxy). The annotation changes only the annotated pod's own
 * proxy, which reports with `reporter="destination"`: the latency gate reads that view.
 */
import type { LatencyGate, ResolvedPolicy } from '../resolve/policy.js';

export const ANNOTATION_HISTOGRAM_BUCKETS = 'sidecar.istio.io/statsHistogramBuckets';
/** Envoy stat-name prefix the bounds apply to. */
export const HISTOGRAM_PREFIX = 'istio';
/** First Istio release that reads the annotation (release note bootstrap-histogram-buckets.yaml). */
export const MIN_ISTIO_FOR_BUCKETS: readonly [number, number] = [1, 19];

/** Istio's default bounds for istio_request_duration_milliseconds (ms). */
export const ISTIO_DEFAULT_DURATION_BUCKETS_MS: readonly number[] = [
  0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000,
];

/** The dense range around the expected value: room for the candidate to be 60% faster or slower. */
const DENSE_LOW = 0.6;
const DENSE_HIGH = 1.8;
/** Bound spacing as a share of the relative threshold: a 10% gate gets bounds 2% apart. */
const SPACING_OF_THRESHOLD = 0.2;

export function istioReadsBuckets(policy: ResolvedPolicy): boolean {
  const [major, minor] = policy.platform.istio.version.split('.').map(Number);
  return major! > MIN_ISTIO_FOR_BUCKETS[0] || (major === MIN_ISTIO_FOR_BUCKETS[0] && minor! >= MIN_ISTIO_FOR_BUCKETS[1]);
}

/** Relative spacing the gate needs between neighbouring bounds (0.02 for a 10% gate). */
export function neededSpacing(gate: LatencyGate): number {
  const thresholdPercent = gate.maxIncreasePercent ?? 10;
  return (thresholdPercent / 100) * SPACING_OF_THRESHOLD;
}

/**
 * The bounds modelgate emits: Istio's defaults outside the dense ranges, and geometric bounds
 * inside each latency gate's range around its expected value; null when no gate states what it
 * expects (nothing to centre on) or the Istio version cannot read the annotation.
 */
export function latencyBucketsMs(policy: ResolvedPolicy): number[] | null {
  if (!istioReadsBuckets(policy)) return null;
  const gates = policy.gates.checks.filter((g): g is LatencyGate & { expectedMs: number } => g.metric === 'latency' && g.expectedMs !== null);
  if (gates.length === 0) return null;
  const ranges = gates.map((gate) => ({ low: gate.expectedMs * DENSE_LOW, high: Math.max(gate.expectedMs * DENSE_HIGH, gate.maxMs ?? 0), ratio: 1 + neededSpacing(gate) }));
  const bounds = new Set<number>(ISTIO_DEFAULT_DURATION_BUCKETS_MS.filter((b) => !ranges.some((r) => b >= r.low && b <= r.high)));
  for (const range of ranges) {
    for (let b = range.low; b <= range.high * range.ratio; b *= range.ratio) bounds.add(round(b));
  }
  return [...bounds].sort((a, b) => a - b);
}

/** The annotation's value: `{"istio":[…]}`, the JSON Istio unmarshals into map[string][]float64. */
export function histogramBucketsAnnotation(bounds: number[]): string {
  return JSON.stringify({ [HISTOGRAM_PREFIX]: bounds });
}

/** Four significant digits: `le` values stay readable, and rounding moves a spacing by under 0.1%. */
function round(value: number): number {
  return Number(value.toPrecision(4));
}
