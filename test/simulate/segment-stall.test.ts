/**
 * The stalled segment gate: 300 rps, ten regions of 10%, a regression confined to one
 * region from the first step. Before per-segment guards the gate was inconclusive at 1% and Argo
 * paused the rollout; now validate names the steps that cannot judge a region, and the gate
 * judges (and fires) at the first step that can.
 */
import { describe, expect, it } from 'vitest';
import { gateSchedule, windowRequests } from '../../src/analysis/gate-schedule.js';
import { parseScenario } from '../../src/simulate/scenario.js';
import { simulate } from '../../src/simulate/simulate.js';
import { diagnosticsFor } from '../support/rule-harness.js';
import { examplePolicies } from '../gates/example-policies.js';
import { REGIONAL_POLICY as POLICY, regional } from '../support/regional-policy.js';

const REGIONS = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`r${i}`, 0.1]));
const LATENCY = [0.05, 0.25, 0.4, 0.2, 0.085, 0.01, 0.005, 0];

function scenario(candidateInR3: number) {
  return JSON.stringify({
    description: 'one region of ten regresses from the start',
    minutes: 200,
    traffic: [{ fromMinute: 0, rps: 300 }],
    segments: { label: 'region', shares: REGIONS },
    latencyBucketsMs: [10, 25, 50, 100, 250, 500, 1000],
    versions: {
      stable: [{ fromMinute: 0, errorRate: 0.005, latency: LATENCY }],
      candidate: [{ fromMinute: 0, errorRate: 0.005, latency: LATENCY }, { fromMinute: 0, segment: 'r3', errorRate: candidateInR3 }],
    },
  });
}

describe('a regression confined to one of ten segments at 300 rps', () => {
  it('validate reports, with numbers, the steps where a region cannot be judged', () => {
    const warnings = diagnosticsFor({ 'regional.yaml': POLICY }).filter((d) => d.rule === 'schedule-power' && d.message.includes('`region-errors`'));
    expect(warnings.map((d) => d.line)).toEqual([13, 14]);
    expect(warnings[0]!.message).toContain('gives it about 90 (10% of 1% of 300 rps)');
    expect(warnings[0]!.message).toContain('measured from step 3 (25%) on');
  });

  it('simulate: the region gate fires at the first step that can judge a region, never pausing on inconclusive windows', () => {
    const policy = regional();
    // 4.5pp more errors in one region is 0.45pp overall: under the 0.5pp whole-model gate.
    const result = simulate(policy, parseScenario(scenario(0.05), policy));
    const region = result.measurements.filter((m) => m.limit === 'region-errors');
    expect(region.map((m) => m.verdict)).toEqual(['failed', 'failed']);
    // Step 3 starts at minute 60; one interval in, then the second failure (failureLimit 1) aborts.
    expect(result.ending).toEqual({ kind: 'aborted', minute: 70, limit: 'region-errors', failures: 2 });
    expect(Object.keys(region[0]!.values)).toContain('r3');
    expect(result.measurements.filter((m) => m.limit === 'error-rate').every((m) => m.verdict === 'successful')).toBe(true);
  });

  it('simulate: the same policy with a healthy candidate completes, with no inconclusive measurement', () => {
    const policy = regional();
    const result = simulate(policy, parseScenario(scenario(0.005), policy));
    expect(result.ending).toEqual({ kind: 'completed', minute: 180 });
    expect(result.measurements.filter((m) => m.verdict === 'inconclusive')).toEqual([]);
  });
});

describe('example policies', () => {
  it('every gate of every example is measured from some step, and every window from there reaches its guard at the expected traffic', () => {
    for (const policy of examplePolicies()) {
      if (policy.versions.candidate === null || policy.traffic.expectedRps === null) continue;
      for (const gate of policy.gates.checks) {
        const schedule = gateSchedule(policy, gate);
        expect(schedule, `${policy.name}/${gate.name}`).not.toBeNull();
        for (const step of policy.canary.steps.slice(schedule!.stepIndex)) {
          if (step.weightPercent >= 100) continue;
          expect(windowRequests(policy, gate, step.weightPercent)!, `${policy.name}/${gate.name} at ${step.weightPercent}%`).toBeGreaterThanOrEqual(gate.minRequests);
        }
      }
    }
  });
});
