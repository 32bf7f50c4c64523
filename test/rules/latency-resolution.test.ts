import { describe, expect, it } from 'vitest';
import { ANNOTATION_HISTOGRAM_BUCKETS, latencyBucketsMs } from '../../src/gates/latency-buckets.js';
import { loadPolicy } from '../../src/load/load.js';
import { resolvePolicy } from '../../src/resolve/resolve.js';
import { latencyResolution } from '../../src/rules/latency-resolution.js';
import { argoRolloutsTarget } from '../../src/targets/argo-rollouts.js';
import { runRules } from '../../src/validate/run-rules.js';
import { expectDiagnostics, expectValid, minimalPolicy } from '../support/rule-harness.js';

const withLatency = (gate: string) => minimalPolicy(`  gates:
    checks:
      - ${gate}
`);

function resolved(yaml: string, istioVersion: string) {
  const loaded = loadPolicy('policy.yaml', new TextEncoder().encode(yaml)).policy!;
  const policy = resolvePolicy(loaded.data, { file: 'policy.yaml', sha256: '' });
  policy.platform.istio.version = istioVersion;
  return { loaded, policy };
}

describe('latency-resolution', () => {
  it('warns at the gate when a relative latency gate states no expected percentile', () => {
    expectDiagnostics(withLatency('{ metric: latency, maxIncrease: 10% }'), [
      { rule: 'latency-resolution', line: 16, column: 9, severity: 'warning', message: 'needs bounds about 2% apart', hint: '`expected: 130ms`' },
    ]);
  });

  it('is silent with an expected percentile on an Istio that reads per-pod buckets, and for absolute-only gates', () => {
    expectValid(withLatency('{ metric: latency, maxIncrease: 10%, expected: 130ms }'));
    expectValid(withLatency('{ metric: latency, max: 300ms }'));
  });

  it('says, with the default bucket and its width, that Istio before 1.19 cannot resolve the threshold', () => {
    const { loaded, policy } = resolved(withLatency('{ metric: latency, maxIncrease: 10%, expected: 130ms }'), '1.18');
    const [d] = runRules([latencyResolution], [{ source: loaded, policy }]);
    expect(d!.message).toContain("falls in Istio's default bucket 100–250 ms (150% wide)");
    expect(d!.message).toContain('Istio 1.18');
    expect(d!.hint).toContain('1.19');
  });
});

describe('histogram buckets on the pod template', () => {
  const podAnnotations = (yaml: string, istio: string): Record<string, string> | undefined => {
    const { policy } = resolved(yaml, istio);
    const rollout = argoRolloutsTarget.build(policy).flatMap((f) => f.documents ?? []).find((d: any) => d.kind === 'Rollout') as any;
    return rollout.spec.template.metadata.annotations;
  };

  it('carries bounds at most a fifth of the threshold apart over 0.6×–1.8× the expected P99, as the JSON Istio reads', () => {
    const yaml = withLatency('{ metric: latency, maxIncrease: 10%, expected: 130ms }');
    const bounds = (JSON.parse(podAnnotations(yaml, '1.22')![ANNOTATION_HISTOGRAM_BUCKETS]!) as { istio: number[] }).istio;
    expect(bounds).toEqual(latencyBucketsMs(resolved(yaml, '1.22').policy));
    // From the last bound at or below 0.6 × 130 ms to the first at or above 1.8 × 130 ms.
    const from = bounds.filter((b) => b <= 0.6 * 130).length - 1;
    const to = bounds.findIndex((b) => b >= 1.8 * 130);
    expect(from).toBeGreaterThanOrEqual(0);
    expect(to).toBeGreaterThan(from + 40);
    for (let i = from + 1; i <= to; i++) expect(bounds[i]! / bounds[i - 1]!).toBeLessThanOrEqual(1.021);
    // Outside the dense range Istio's own bounds remain, so other latencies still land somewhere.
    expect(bounds).toContain(10);
    expect(bounds).toContain(1000);
  });

  it('is absent on Istio before 1.19 and without an expected percentile', () => {
    expect(podAnnotations(withLatency('{ metric: latency, maxIncrease: 10%, expected: 130ms }'), '1.18')).toBeUndefined();
    expect(podAnnotations(withLatency('{ metric: latency, maxIncrease: 10% }'), '1.22')).toBeUndefined();
  });
});
