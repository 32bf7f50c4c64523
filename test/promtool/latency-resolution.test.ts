/**
 * The P99 gate is exact at the resolution it claims: fraud-detector's P99 pushed through the
 * buckets modelgate emits for it (expected 130 ms) reads a true +12% as above its 10% limit and
 * a true +8% as below, for log-normal and bimodal latency. Through Istio's default buckets the
 * same +12% stays silent, which is what the emitted buckets are for. The matrix over every
 * example and a range of stable latencies is in latency-resolution.long.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { ISTIO_DEFAULT_DURATION_BUCKETS_MS, latencyBucketsMs } from '../../src/gates/latency-buckets.js';
import { ruleGroups } from '../../src/targets/prometheus.js';
import { examplePolicy } from '../gates/example-policies.js';
import { requireTool } from '../support/tools.js';
import { bimodal, latencyTest, runPromtoolTest, logNormal, slower } from './latency-distributions.js';

const promtoolPasses = (test: object, groups: object) => runPromtoolTest(promtool!, test, groups);

const promtool = requireTool('promtool');

describe.skipIf(!promtool)('P99 through the emitted buckets (promtool)', () => {
  const fraud = examplePolicy('fraud-detector.yaml');
  const groups = ruleGroups(fraud);
  const bounds = latencyBucketsMs(fraud)!;

  for (const stable of [logNormal(130), bimodal(130)]) {
    it(`${stable.name}: a true +12% fires`, () => {
      const result = promtoolPasses(latencyTest(fraud, groups, bounds, stable, slower(stable, 1.12), true), groups);
      expect(result.ok, result.output).toBe(true);
    });
    it(`${stable.name}: a true +8% does not`, () => {
      const result = promtoolPasses(latencyTest(fraud, groups, bounds, stable, slower(stable, 1.08), false), groups);
      expect(result.ok, result.output).toBe(true);
    });
  }

  it("through Istio's default buckets the same +12% stays silent (why the buckets are emitted)", () => {
    const stable = logNormal(130);
    const result = promtoolPasses(latencyTest(fraud, groups, [...ISTIO_DEFAULT_DURATION_BUCKETS_MS], stable, slower(stable, 1.12), false), groups);
    expect(result.ok, result.output).toBe(true);
  });

  it('the oracle is awake: claiming the +8% fires fails', () => {
    const stable = logNormal(130);
    expect(promtoolPasses(latencyTest(fraud, groups, bounds, stable, slower(stable, 1.08), true), groups).ok).toBe(false);
  });
});
