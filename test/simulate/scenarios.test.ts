import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/simulate/scenario.js';
import { formatSimulation } from '../../src/simulate/report.js';
import { simulate } from '../../src/simulate/simulate.js';
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

  it('fraud-detector, healthy: every step advances and the rollout completes after warm-up, shadow, 3h of steps and the 1h soak', () => {
    const result = run('fraud-detector', 'healthy.json');
    // 2m warm-up + 60m shadow + 30m + 30m + 1h + 1h, then the soak at 100%: 1h.
    expect(result.ending).toEqual({ kind: 'completed', minute: 302 });
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
    // alert is pending from 93 and fires after `for: 5m`. After the abort the canary serves nothing,
    // which is the rollback working: the silence alert stays quiet (Argo reports phase Abort).
    expect(result.alerts).toEqual([{ alert: 'ModelGateLatencyP99', segment: null, firstFiringMinute: 98 }]);
  });

  it('fraud-detector, drift on one segment: the shadow analysis aborts at minute 12, before any user is served', () => {
    const result = run('fraud-detector', 'drift-on-one-segment.json');
    // The background run starts at the mirror step (minute 2, after the warm-up); the shadow
    // metric measures one interval in, at 7, and again at 12: failureLimit 1 is exceeded there.
    expect(result.ending).toEqual({ kind: 'aborted', minute: 12, limit: 'score-drift-shadow', failures: 2 });
    const drift = result.measurements.filter((m) => m.limit === 'score-drift-shadow');
    expect(drift.map((m) => [m.minute, m.verdict])).toEqual([[7, 'failed'], [12, 'failed']]);
    expect(drift[0]!.values['']!).toBeGreaterThan(0.05);
    // No canary step started: the candidate answered only mirrored requests, then nothing.
    expect(result.steps).toEqual([]);
    expect(result.shadow).toEqual({ mirrorPercent: 100, startMinute: 2, endMinute: 62, outcome: 'aborted' });
    const canaryMinutes = result.trace.map((minute) => minute.filter((cell) => cell.role === 'candidate').reduce((n, cell) => n + cell.counts.requests, 0));
    expect(canaryMinutes.slice(12).every((requests) => requests === 0)).toBe(true);
  });

  it('fraud-detector, healthy: every shadow metric measures 11 times during the hour and succeeds, then the canary metrics take over', () => {
    const result = run('fraud-detector', 'healthy.json');
    const shadow = result.measurements.filter((m) => m.limit.endsWith('-shadow'));
    expect(new Set(shadow.map((m) => m.limit))).toEqual(new Set(['latency-p99-shadow', 'error-rate-shadow', 'error-rate-max-shadow', 'score-drift-shadow', 'segment-error-rate-shadow']));
    for (const name of new Set(shadow.map((m) => m.limit))) {
      const own = shadow.filter((m) => m.limit === name);
      // Mirror from 2 to 62: windows end at 7 … 57, the last strictly before the mirror is removed.
      expect(own.map((m) => m.minute)).toEqual([7, 12, 17, 22, 27, 32, 37, 42, 47, 52, 57]);
      expect(own.every((m) => m.verdict === 'successful')).toBe(true);
    }
    expect(Math.min(...result.measurements.filter((m) => !m.limit.endsWith('-shadow')).map((m) => m.minute))).toBeGreaterThan(62);
  });

  it('fraud-detector, traffic drop: windows below the guard are inconclusive, never passed, and Argo pauses once their total exceeds inconclusiveLimit', () => {
    const result = run('fraud-detector', 'traffic-drop.json');
    // 20 rps × 5% × 300 s = 300 candidate requests per window, far below the derived guard.
    // inconclusiveLimit is half the six windows of a 30m step: the fourth blind window (107,
    // 112, 117, 122) pauses the rollout.
    expect(result.ending).toMatchObject({ kind: 'held-inconclusive', minute: 122, inconclusive: 4 });
    expect(result.measurements.filter((m) => m.minute >= 107).every((m) => m.verdict === 'inconclusive')).toBe(true);
  });

  it('counts inconclusive measurements as a total over the run, not consecutively, as Argo does', () => {
    const policy = policyNamed('fraud-detector');
    const healthy = JSON.parse(shippedScenarios().find((s) => s.policy === 'fraud-detector' && s.name === 'healthy.json')!.text);
    // Every other 5m window (ending at 102, 112, 122, 132) falls to 20 rps; the ones between are
    // full. A consecutive count would never pass 1; Argo's total passes 3 at the fourth.
    const traffic = [{ fromMinute: 0, rps: 1200 }];
    for (let m = 97; m < 132; m += 10) traffic.push({ fromMinute: m, rps: 20 }, { fromMinute: m + 5, rps: 1200 });
    const result = simulate(policy, parseScenario(JSON.stringify({ ...healthy, traffic }), policy));
    const latency = result.measurements.filter((m) => m.limit === 'latency-p99' && m.minute >= 102).map((m) => m.verdict[0]);
    expect(latency.join('')).toBe('isisisi');
    expect(result.ending).toMatchObject({ kind: 'held-inconclusive', minute: 132, limit: 'latency-p99', inconclusive: 4 });
  });

  it('home-recommender: healthy reaches the manual hold; a latency regression at 5% aborts after failureLimit + 1 failures', () => {
    expect(run('home-recommender', 'healthy.json').ending).toEqual({ kind: 'held-manual', minute: 70, stepIndex: 3 });
    const slow = run('home-recommender', 'latency-regression-at-5-percent.json');
    // interval 2m, failureLimit 2: failures at 22, 24, 26.
    expect(slow.ending).toEqual({ kind: 'aborted', minute: 26, limit: 'latency-p99', failures: 3 });
  });

  it('home-recommender: a CTR 15% below stable from 5% aborts on the ratio gate; webhook gates are named as not simulated', () => {
    const drop = run('home-recommender', 'ctr-drop-at-5-percent.json');
    // The drop starts at minute 20; windows of 2m; failures at 22, 24, 26 (failureLimit 2).
    expect(drop.ending).toEqual({ kind: 'aborted', minute: 26, limit: 'ctr', failures: 3 });
    expect(drop.alerts.map((a) => a.alert)).toEqual(['ModelGateCtr']);
    expect(run('home-recommender', 'healthy.json').measurements.filter((m) => m.limit === 'ctr' && m.verdict !== 'successful')).toEqual([]);
    expect(drop.unsimulatedWebhooks).toEqual(['guardrail-eval']);
    expect(formatSimulation(drop)).toContain('not simulated, assumed to pass (Argo Rollouts asks their services over HTTP): guardrail-eval');
  });

  it('churn-scorer: healthy completes after 12h; a traffic drop pauses it once half a step is blind', () => {
    expect(run('churn-scorer', 'healthy.json').ending).toEqual({ kind: 'completed', minute: 720 });
    // After the one-hour initial delay, measurements at 60 and 120 pass the guard; the traffic drop
    // makes 180, 240, … inconclusive, and the seventh exceeds inconclusiveLimit 6 (half of 12 windows).
    expect(run('churn-scorer', 'traffic-drop.json').ending).toMatchObject({ kind: 'held-inconclusive', minute: 540, inconclusive: 7 });
  });
});
