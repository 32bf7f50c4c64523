/**
 * The P99 proof over every example with a relative latency gate and an expected P99: stable's
 * true P99 anywhere in the expected range (0.7× to 1.4× what the policy expects), log-normal with
 * narrow to wide spread and bimodal, pushed through the buckets modelgate emits; a true +12%
 * fires and a true +8% does not, each checked by `promtool test rules`.
 */
import { describe, expect, it } from 'vitest';
import { latencyBucketsMs } from '../../src/gates/latency-buckets.js';
import { ruleGroups } from '../../src/targets/prometheus.js';
import { examplePolicies } from '../gates/example-policies.js';
import { requireTool } from '../support/tools.js';
import { bimodal, latencyTest, logNormal, runPromtoolTest, slower } from './latency-distributions.js';

const promtool = requireTool('promtool');

describe.skipIf(!promtool)('P99 through the emitted buckets, every example (promtool)', () => {
  const policies = examplePolicies().filter((p) =>
    p.versions.candidate !== null && p.gates.checks.some((g) => g.metric === 'latency' && g.maxIncreasePercent === 10 && g.expectedMs !== null),
  );

  it('covers the examples that declare an expected P99', () => {
    expect(policies.map((p) => p.name).sort()).toEqual(['fraud-detector', 'home-recommender']);
  });

  for (const policy of policies) {
    const gate = policy.gates.checks.find((g) => g.metric === 'latency')!;
    const expected = gate.metric === 'latency' ? gate.expectedMs! : 0;
    const groups = ruleGroups(policy);
    const bounds = latencyBucketsMs(policy)!;
    for (const scale of [0.7, 1, 1.4]) {
      const p99 = Number((expected * scale).toPrecision(4));
      for (const stable of [logNormal(p99, 0.3), logNormal(p99, 0.5), logNormal(p99, 0.8), bimodal(p99)]) {
        for (const [factor, fires] of [[1.12, true], [1.08, false]] as const) {
          it(`${policy.name}: ${stable.name} × ${factor} ${fires ? 'fires' : 'does not fire'}`, () => {
            const result = runPromtoolTest(promtool!, latencyTest(policy, groups, bounds, stable, slower(stable, factor), fires), groups);
            expect(result.ok, result.output).toBe(true);
          });
        }
      }
    }
  }
});
