import { describe, expect, it } from 'vitest';
import { blastRadius, REACTION_SECONDS } from '../../src/analysis/blast-radius.js';
import { examplePolicy as example } from '../gates/example-policies.js';

describe('blast radius', () => {
  it('fraud-detector: 5h minimum, exposure per step from 1200 rps, one hour of mirrored load', () => {
    const summary = blastRadius(example('fraud-detector.yaml'));
    // shadow 1h + 30m + 30m + 1h + 1h, then the 1h soak; no manual hold, so the maximum is the same.
    expect(summary.minDurationSeconds).toBe(5 * 3600);
    expect(summary.maxDurationSeconds).toBe(5 * 3600);
    // 1% of 1200 rps = 12 rps × 1800 s; 5% = 60 rps × 1800 s; 25% = 300 × 3600; 50% = 600 × 3600.
    expect(summary.steps.map((s) => s.exposedRequests)).toEqual([21_600, 108_000, 1_080_000, 2_160_000, null]);
    expect(summary.steps.map((s) => s.cumulativeExposedRequests)).toEqual([21_600, 129_600, 1_209_600, 3_369_600, null]);
    expect(summary.shadow).toEqual({ mirrorPercent: 100, durationSeconds: 3600, extraRps: 1200, extraRequests: 4_320_000 });
    // interval 5m × (failureLimit 1 + 1) + reaction.
    expect(summary.rollback).toEqual({ automatic: true, detectionSeconds: 600, reactionSeconds: REACTION_SECONDS, worstCaseSeconds: 600 + REACTION_SECONDS });
  });

  it('home-recommender: a manual hold makes the maximum unbounded and stops the running total', () => {
    const summary = blastRadius(example('recommender.yaml'));
    expect(summary.minDurationSeconds).toBe((20 + 20 + 30) * 60);
    expect(summary.maxDurationSeconds).toBeNull();
    expect(summary.steps[3]).toMatchObject({ weightPercent: 50, manual: true, candidateRps: 1500, exposedRequests: null, cumulativeExposedRequests: null });
    expect(summary.steps[2]!.cumulativeExposedRequests).toBe(30 * 1200 + 150 * 1200 + 750 * 1800);
    expect(summary.shadow).toBeNull();
    // 2m × (2 + 1)
    expect(summary.rollback.detectionSeconds).toBe(360);
  });

  it('without expectedRps, durations still count and request numbers are unknown', () => {
    const policy = example('churn-scorer.yaml');
    const summary = blastRadius({ ...policy, traffic: { ...policy.traffic, expectedRps: null }, rollback: { ...policy.rollback, automatic: false } });
    expect(summary.minDurationSeconds).toBe(12 * 3600);
    expect(summary.steps[0]).toMatchObject({ candidateRps: null, exposedRequests: null });
    expect(summary.rollback.worstCaseSeconds).toBeNull();
  });
});
