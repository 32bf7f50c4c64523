import { describe, expect, it } from 'vitest';
import {
  derivedMinRequests,
  driftSampleSize,
  exceedanceAfterSlowdown,
  proportionSampleSize,
  requirement,
  scheduleDetectability,
} from '../../src/analysis/power.js';
import { resolvePolicy } from '../../src/resolve/resolve.js';

// Table values of the standard normal, so expected numbers come from the textbook formula and
// not from the implementation: z(0.95) one-sided α = 0.05, z(0.80) power 0.8.
const Z_95 = 1.6449;
const Z_80 = 0.8416;

/** Fleiss' equal-arms sample size without continuity correction, per arm. */
function fleissEqualArms(p1: number, p2: number, zAlpha: number, zBeta: number): number {
  const pbar = (p1 + p2) / 2;
  return (zAlpha * Math.sqrt(2 * pbar * (1 - pbar)) + zBeta * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))) ** 2 / (p2 - p1) ** 2;
}

/** One-sample test of a proportion against a known p0 (the stable arm "far larger"). */
function oneSample(p0: number, p1: number, zAlpha: number, zBeta: number): number {
  return (zAlpha * Math.sqrt(p0 * (1 - p0)) + zBeta * Math.sqrt(p1 * (1 - p1))) ** 2 / (p1 - p0) ** 2;
}

describe('two-proportion sample size', () => {
  it("matches the issue's worked example: 0.5% → 1.0% needs ~3,700 per arm, ~1,600 against a far larger stable arm", () => {
    const equal = proportionSampleSize({ stableRate: 0.005, candidateRate: 0.01, ratio: 1, alpha: 0.05, power: 0.8 });
    const known = proportionSampleSize({ stableRate: 0.005, candidateRate: 0.01, ratio: Infinity, alpha: 0.05, power: 0.8 });
    expect(equal).toBeCloseTo(fleissEqualArms(0.005, 0.01, Z_95, Z_80), -1);
    expect(Math.round(equal / 100) * 100).toBe(3700);
    expect(known).toBeCloseTo(oneSample(0.005, 0.01, Z_95, Z_80), -1);
    expect(Math.round(known / 100) * 100).toBe(1600);
    // "at 1% of 200 rps that is 13 to 31 minutes"
    const candidateRps = 200 * 0.01;
    expect(Math.floor(known / candidateRps / 60)).toBe(13);
    expect(Math.ceil(equal / candidateRps / 60)).toBe(31);
  });

  it('reproduces R power.prop.test(p1 = .50, p2 = .75, power = .90): n = 76.7 per group at two-sided α = .05', () => {
    // R's documented example; two-sided .05 without the far tail is one-sided .025.
    expect(proportionSampleSize({ stableRate: 0.5, candidateRate: 0.75, ratio: 1, alpha: 0.025, power: 0.9 })).toBeCloseTo(76.7, 1);
  });

  it('needs fewer candidate requests as the stable arm grows, never fewer than against a known rate', () => {
    const at = (ratio: number): number => proportionSampleSize({ stableRate: 0.005, candidateRate: 0.01, ratio, alpha: 0.05, power: 0.8 });
    expect(at(1)).toBeGreaterThan(at(4));
    expect(at(4)).toBeGreaterThan(at(99));
    expect(at(99)).toBeGreaterThan(at(Infinity));
    expect(at(99) / at(Infinity)).toBeLessThan(1.02);
  });
});

describe('latency exceedance', () => {
  it('a 10% slowdown of a log-normal latency with σ = 0.5 puts 1.64% of requests above the old P99', () => {
    // z99 = 2.3263, ln 1.1 / 0.5 = 0.1906; 1 − Φ(2.1357) from the normal table (Φ(2.13) = .98341, Φ(2.14) = .98382).
    const phi = 0.98341 + ((2.3263 - Math.log(1.1) / 0.5 - 2.13) / 0.01) * (0.98382 - 0.98341);
    expect(exceedanceAfterSlowdown(99, 1.1, 0.5)).toBeCloseTo(1 - phi, 4);
  });
});

describe('drift sample size', () => {
  it('equals Cohen\'s chi-square N (w² = PSI) spread over two arms', () => {
    // Cohen's Power Primer: w = .1, df = 1 → N = 785; equal arms: n_eff = n/2, so n = 2·785.
    expect(Math.round(driftSampleSize(0.01, 2, 1, 0.05, 0.8))).toBe(1570);
  });
});

const BASE = {
  apiVersion: 'modelgate.io/v1alpha1',
  kind: 'ReleasePolicy',
  metadata: { name: 'demo' },
  spec: {
    model: { name: 'demo', basePath: '/models/demo' },
    versions: { stable: 1, candidate: 2 },
    traffic: { host: 'demo.svc', expectedRps: 200 },
    canary: { steps: [{ weight: '1%', hold: '5m' }, { weight: '50%', hold: '30m' }, { weight: '100%' }] },
    gates: { interval: '5m', checks: [{ metric: 'errorRate', maxIncrease: '0.5pp' }] },
  },
};
const policy = resolvePolicy(BASE, { file: 'demo.yaml', sha256: '' });

describe('schedule power', () => {
  it('finds the 5-minute hold at 1% of 200 rps far short of what an error gate needs', () => {
    const [first, second] = scheduleDetectability(policy);
    expect(first).toMatchObject({ stepIndex: 0, weightPercent: 1, holdSeconds: 300, holdRequests: 600, windowRequests: 600 });
    expect(first!.requirement.candidateRequests).toBeGreaterThan(1600);
    expect(first!.requirement.candidateRequests).toBeLessThan(1650);
    expect(first!.minimumSeconds / 60).toBeGreaterThan(13);
    // 50%: equal arms, ~3,700 on the candidate; 100 rps for 30 minutes is plenty.
    expect(second!.requirement.candidateRequests).toBe(Math.ceil(fleissEqualArms(0.005, 0.01, Z_95, Z_80)));
    expect(second!.holdRequests).toBe(180_000);
  });

  it('derives the guard from the smallest weight and says nothing without a traffic estimate', () => {
    expect(derivedMinRequests(policy)).toBe(scheduleDetectability(policy)[0]!.requirement.candidateRequests);
    const unknown = resolvePolicy({ ...BASE, spec: { ...BASE.spec, traffic: { host: 'demo.svc' } } }, { file: 'd', sha256: '' });
    expect(scheduleDetectability(unknown)).toEqual([]);
    expect(derivedMinRequests(unknown)).toBeNull();
  });

  it('judges an absolute error limit against the default 0.5% baseline, and skips one below it', () => {
    const gate = { ...policy.gates.checks[0]!, metric: 'errorRate' as const, maxIncreasePp: null, maxPercent: 2 };
    expect(policy.gates.baselineErrorRatePercent).toBe(0.5);
    const expected = oneSample(0.005, 0.02, Z_95, Z_80);
    expect(requirement(policy, gate, 50)!.candidateRequests).toBeCloseTo(expected, -1);
    expect(requirement(policy, { ...gate, maxPercent: 0.1 }, 50)).toBeNull();
  });

  it('uses the baseline error rate the policy declares', () => {
    const noisy = resolvePolicy({ ...BASE, spec: { ...BASE.spec, gates: { ...BASE.spec.gates, baselineErrorRate: '2%' } } }, { file: 'd', sha256: '' });
    expect(noisy.gates.baselineErrorRatePercent).toBe(2);
    const gate = { ...noisy.gates.checks[0]!, metric: 'errorRate' as const, maxIncreasePp: 0.5, maxPercent: null };
    // 2% → 2.5% with the candidate at 0.01% of traffic (stable arm ~10,000× larger): the
    // one-sample formula with table z values.
    const stableFarLarger = requirement(noisy, gate, 0.01)!;
    expect(stableFarLarger.regression).toBe('an error rate rising from 2% to 2.5%');
    expect(stableFarLarger.candidateRequests).toBeCloseTo(oneSample(0.02, 0.025, Z_95, Z_80), -2);
  });
});
