/** The Argo validation model agrees with the upstream rules it cites, on cases read from them. */
import { describe, expect, it } from 'vitest';
import { analysisTemplateErrors, goParseDuration, rolloutCanaryErrors } from './argo-rollouts-validation.js';

const rollout = (canary: object) => ({ spec: { strategy: { canary } } });
const istio = { istio: { virtualService: { name: 'v' } }, managedRoutes: [{ name: 'mirror' }] };

describe('Go time.ParseDuration', () => {
  it('reads compound durations and stops at int64 nanoseconds', () => {
    expect(goParseDuration('1h30m')).toBe(5_400_000_000_000n);
    expect(goParseDuration('1.5s')).toBe(1_500_000_000n);
    expect(goParseDuration('2562047h47m16s')).toBe(9_223_372_036_000_000_000n);
    expect(goParseDuration('2562048h')).toBeUndefined();
    expect(goParseDuration('1d')).toBeUndefined();
    expect(goParseDuration('Infinityh')).toBeUndefined();
    expect(goParseDuration('0')).toBe(0n);
  });
});

describe('Rollout canary validation', () => {
  it('accepts one action per step with Istio routing', () => {
    expect(rolloutCanaryErrors(rollout({ trafficRouting: istio, steps: [{ setWeight: 5 }, { pause: { duration: '1h' } }, { setMirrorRoute: { name: 'mirror', percentage: 100, match: [{ path: { prefix: '/' } }] } }], scaleDownDelaySeconds: 30 }))).toEqual([]);
  });

  it('rejects two actions in a step, no action, a weight past 100 and a pause past int32 seconds', () => {
    expect(rolloutCanaryErrors(rollout({ trafficRouting: istio, steps: [{ setWeight: 5, pause: {} }, {}, { setWeight: 101 }, { pause: { duration: '596523h14m8s' } }, { pause: { duration: '596523h14m7s' } }] }))).toEqual([
      'steps[0]: more than one of setWeight, pause, experiment, analysis',
      'steps[1]: no action',
      'steps[2]: setWeight 101 outside 0..100',
      'steps[3]: pause duration 596523h14m8s must be 0 or greater',
    ]);
  });

  it('rejects routes that are not managed, and scale-down settings without routing', () => {
    expect(rolloutCanaryErrors(rollout({ trafficRouting: istio, steps: [{ setHeaderRoute: { name: 'x', match: [{ headerName: 'h', headerValue: { exact: 'a', prefix: 'b' } }] } }] }))).toEqual([
      'steps[0]: setHeaderRoute x is not a managed route',
      'steps[0]: setHeaderRoute match needs exactly one of exact, regex, prefix',
    ]);
    expect(rolloutCanaryErrors(rollout({ scaleDownDelaySeconds: 30, steps: [{ setCanaryScale: { weight: 1 } }] }))).toEqual(['scaleDownDelaySeconds requires trafficRouting', 'steps[0]: setCanaryScale requires trafficRouting']);
  });
});

describe('AnalysisTemplate validation', () => {
  it('needs parseable intervals and one provider per metric', () => {
    const metric = { name: 'm', interval: '5m', initialDelay: '5m', failureLimit: 2, provider: { prometheus: {} } };
    expect(analysisTemplateErrors({ spec: { metrics: [metric] } })).toEqual([]);
    expect(analysisTemplateErrors({ spec: { metrics: [metric, { ...metric, interval: '2562048h', provider: {} }] } })).toEqual([
      "metrics[1]: duplicate name 'm'",
      'metrics[1]: invalid interval string 2562048h',
      'metrics[1]: exactly one provider',
    ]);
  });
});
