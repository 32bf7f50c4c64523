/**
 * The figures the README quotes for fraud-detector's P99 (expected 130 ms), computed with
 * Prometheus' histogram_quantile interpolation (src/simulate/measure.ts) on expected bucket counts.
 */
import { describe, expect, it } from 'vitest';
import { ISTIO_DEFAULT_DURATION_BUCKETS_MS, latencyBucketsMs } from '../../src/gates/latency-buckets.js';
import { histogramQuantile } from '../../src/simulate/measure.js';
import { examplePolicy } from './example-policies.js';
import { bimodal, logNormal, slower, type Distribution } from '../promtool/latency-distributions.js';

function p99(bounds: number[], d: Distribution): number {
  const cumulative = bounds.map((b) => d.cdf(b));
  const counts = [...cumulative.map((c, i) => c - (i === 0 ? 0 : cumulative[i - 1]!)), 1 - cumulative[cumulative.length - 1]!];
  return histogramQuantile(0.99, bounds, counts);
}

const increase = (bounds: number[], d: Distribution, factor: number): number => (p99(bounds, slower(d, factor)) / p99(bounds, d) - 1) * 100;

describe('P99 resolution (fraud-detector, expected 130 ms)', () => {
  const emitted = latencyBucketsMs(examplePolicy('fraud-detector.yaml'))!;
  const defaults = [...ISTIO_DEFAULT_DURATION_BUCKETS_MS];

  it("through Istio's default buckets a log-normal P99 of 130 ms reads ~208 ms, +12% reads ~+7.7% (bimodal ~+5.3%)", () => {
    expect(p99(defaults, logNormal(130))).toBeCloseTo(208.5, 0);
    expect(increase(defaults, logNormal(130), 1.12)).toBeCloseTo(7.75, 1);
    expect(increase(defaults, bimodal(130), 1.12)).toBeCloseTo(5.28, 1);
  });

  it('through the emitted buckets +12% reads +12.0% and +8% reads +8.0%', () => {
    for (const d of [logNormal(130), bimodal(130)]) {
      expect(increase(emitted, d, 1.12)).toBeCloseTo(12, 1);
      expect(increase(emitted, d, 1.08)).toBeCloseTo(8, 1);
    }
  });
});
