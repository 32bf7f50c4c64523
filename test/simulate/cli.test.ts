import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/simulate.js';

afterEach(() => vi.restoreAllMocks());

function capture(): () => string {
  const chunks: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (chunks.push(String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (chunks.push(String(chunk)), true));
  return () => chunks.join('');
}

describe('modelgate simulate', () => {
  it('prints where and why the rollout aborted, and exits 1', async () => {
    const output = capture();
    const code = await run(['policies/fraud-detector.yaml', '--metrics', 'policies/scenarios/fraud-detector/latency-regression-at-5-percent.json']);
    expect(code).toBe(1);
    expect(output()).toContain('fraud-detector: aborted at minute 102 by gate latency-p99');
    expect(output()).toContain('step 2 at 5% (minute 92–122): aborted');
  });

  it('shows a drift caught in the shadow: aborted during the mirror phase, before any user was served', async () => {
    const output = capture();
    expect(await run(['policies/fraud-detector.yaml', '--metrics', 'policies/scenarios/fraud-detector/drift-on-one-segment.json'])).toBe(1);
    expect(output()).toContain('fraud-detector: aborted at minute 12 by gate score-drift-shadow (2 failed measurements)');
    expect(output()).toContain('shadow, 100% mirrored (minute 2–62): aborted, before any user was served');
    expect(output()).not.toContain('step 1 at 1%');
  });

  it('says "paused, waiting for a human" where Argo would pause on inconclusive measurements, and exits 1', async () => {
    const output = capture();
    const code = await run(['policies/fraud-detector.yaml', '--metrics', 'policies/scenarios/fraud-detector/traffic-drop.json']);
    expect(code).toBe(1);
    expect(output()).toContain('fraud-detector: paused, waiting for a human at minute 122: gate latency-p99 had 4 measurements with too little traffic');
  });

  it('prints JSON without the raw trace, and exits 0 on completion', async () => {
    const output = capture();
    expect(await run(['policies/fraud-detector.yaml', '--metrics', 'policies/scenarios/fraud-detector/healthy.json', '--format', 'json'])).toBe(0);
    const parsed = JSON.parse(output()) as Record<string, unknown>;
    expect(parsed.ending).toEqual({ kind: 'completed', minute: 302 });
    expect(parsed).not.toHaveProperty('trace');
  });

  it('rejects a scenario for another policy with the path of each problem, exit 2', async () => {
    const output = capture();
    expect(await run(['policies/fraud-detector.yaml', '--metrics', 'policies/scenarios/home-recommender/healthy.json'])).toBe(2);
    expect(output()).toContain("policy fraud-detector has no drift gate named 'drift-jsd'");
  });
});
