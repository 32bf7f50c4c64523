import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/simulate/scenario.js';
import { policyNamed, runShipped, shippedScenarios } from './shipped.js';

function run(policy: string, name: string) {
  return runShipped(policy, name).result;
}

describe('shipped scenarios', () => {
  it('every policy folder names an example policy and every scenario fits it', () => {
    const scenarios = shippedScenarios();
    expect(scenarios.length).toBeGreaterThanOrEqual(8);
    for (const s of scenarios) expect(() => parseScenario(s.text, policyNamed(s.policy)), `${s.policy}/${s.name}`).not.toThrow();
  });

  it('fraud-detector, healthy: every step advances and the rollout completes after warm-up, shadow and 3h of steps', () => {
    const result = run('fraud-detector', 'healthy.json');
    // 2m warm-up + 60m shadow + 30m + 30m + 1h + 1h.
    expect(result.ending).toEqual({ kind: 'completed', minute: 242 });
    expect(result.steps.map((s) => s.outcome)).toEqual(['advanced', 'advanced', 'advanced', 'advanced', 'completed']);
    expect(result.measurements.filter((m) => m.verdict === 'failed')).toEqual([]);
    expect(result.alerts).toEqual([]);
  });

  it('fraud-detector, latency regression at 5%: the second failed measurement (failureLimit 1) aborts at minute 102', () => {
    const result = run('fraud-detector', 'latency-regression-at-5-percent.json');
    // The 5% step starts at minute 92; windows ending at 97 and 102 are all regressed.
    expect(result.ending).toEqual({ kind: 'aborted', minute: 102, limit: 'latency-p99', failures: 2 });
    expect(result.steps.map((s) => s.outcome)).toEqual(['advanced', 'aborted']);
    // Alerts look every minute: the window ending at 93 already holds a regressed minute, so the
    // alert is pending from 93 and fires after `for: 5m`. After the abort the canary serves nothing:
    // its windows are empty from 107, and the silence alert fires 5m later.
    expect(result.alerts).toEqual([
      { alert: 'ModelGateLatencyP99', segment: null, firstFiringMinute: 98 },
      { alert: 'ModelGateCanarySilent', segment: null, firstFiringMinute: 112 },
    ]);
  });

  it('fraud-detector, drift on one segment: the unsegmented drift gate catches it in its first window', () => {
    const result = run('fraud-detector', 'drift-on-one-segment.json');
    // Analysis starts with the 1% step at 62; after its one-interval initial delay it measures at 67 and 72.
    expect(result.ending).toMatchObject({ kind: 'aborted', minute: 72, limit: 'score-drift' });
    const first = result.measurements.find((m) => m.limit === 'score-drift')!;
    expect(first.minute).toBe(67);
    expect(first.values['']!).toBeGreaterThan(0.05);
  });

  it('fraud-detector, traffic drop: windows below minRequests are inconclusive, never passed, and the rollout is held', () => {
    const result = run('fraud-detector', 'traffic-drop.json');
    // 20 rps × 5% × 300 s = 300 candidate requests per window, far below the derived guard.
    expect(result.ending).toMatchObject({ kind: 'held-inconclusive', minute: 112, inconclusive: 2 });
    expect(result.measurements.filter((m) => m.minute >= 107).every((m) => m.verdict === 'inconclusive')).toBe(true);
  });

  it('home-recommender: healthy reaches the manual hold; a latency regression at 5% aborts after failureLimit + 1 failures', () => {
    expect(run('home-recommender', 'healthy.json').ending).toEqual({ kind: 'held-manual', minute: 70, stepIndex: 3 });
    const slow = run('home-recommender', 'latency-regression-at-5-percent.json');
    // interval 2m, failureLimit 2: failures at 22, 24, 26.
    expect(slow.ending).toEqual({ kind: 'aborted', minute: 26, limit: 'latency-p99', failures: 3 });
  });

  it('churn-scorer: healthy completes after 12h; a traffic drop holds it inconclusive', () => {
    expect(run('churn-scorer', 'healthy.json').ending).toEqual({ kind: 'completed', minute: 720 });
    // After the one-hour initial delay, measurements at 60 and 120 pass the guard; the traffic drop
    // makes 180 and 240 inconclusive, one more than failureLimit 1 allows.
    expect(run('churn-scorer', 'traffic-drop.json').ending).toMatchObject({ kind: 'held-inconclusive', minute: 240 });
  });
});
