/**
 * Numbers at the edge of what the schema allows get a diagnostic at their line, never an
 * internal error: a significance so small that 1 − α rounds to 1 crashed the power analysis,
 * and a percentile written in exponent notation made a metric name Prometheus rejects.
 */
import { describe, expect, it } from 'vitest';
import { compileSources } from '../../src/compile/compile.js';
import { loadPolicy } from '../../src/load/load.js';
import { resolvePolicy } from '../../src/resolve/resolve.js';
import { minimalPolicy } from '../support/rule-harness.js';
import { repoRoot } from '../support/tools.js';

function policyText(extra: string): string {
  return minimalPolicy(`  traffic: { host: demo.default.svc.cluster.local, expectedRps: 100 }\n${extra}`).replace('  traffic:\n    host: demo.default.svc.cluster.local\n', '');
}

function compile(extra: string) {
  return compileSources([{ file: 'policies/p.yaml', bytes: new TextEncoder().encode(policyText(extra)) }], {
    sourceRoot: repoRoot,
  });
}

describe('numbers past what a consumer can take are diagnostics', () => {
  it.each([
    ['significance 1e-300', '  gates: { significance: 1e-300 }\n', 'schema', /significance.*0\.000001/],
    ['percentile 1e-10', '  gates: { checks: [{ metric: latency, percentile: 1e-10, maxIncrease: 10% }] }\n', 'schema', /percentile.*at least 1/],
    ['interval 3000000h', '  gates: { interval: 3000000h }\n', 'durations-in-range', /3000000h is longer/],
    ['scaleDownDelay 3000000h', '  canary: { scaleDownDelay: 3000000h }\n', 'durations-in-range', /scaleDownDelaySeconds/],
    ['a duration of 400 digits', `  shadow: { duration: ${'9'.repeat(400)}h }\n`, 'schema', /duration/],
  ])('%s', (_, extra, rule, message) => {
    const result = compile(extra);
    expect(result.internalError).toBe(false);
    expect(result.policies).toEqual([]);
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => [d.rule, d.line])).toEqual([[rule, 13]]);
    expect(errors[0]!.message).toMatch(message);
  });

  it('significance and percentile at their bounds are judged, not crashed on', () => {
    const result = compile('  gates: { significance: 0.000001, checks: [{ metric: latency, percentile: 1, maxIncrease: 10% }, { metric: latency, percentile: 99.99999999999999, maxIncrease: 10% }] }\n');
    expect(result.internalError).toBe(false);
    // No schedule can give a 99.99999999999999th percentile its sample: schedule-power says so.
    expect(new Set(result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.rule))).toEqual(new Set(['schedule-power']));
  });
});

describe('a gate too tight to ever measure', () => {
  it('is reported by schedule-power, and its guard is the largest one instead of +Inf', () => {
    const extra = '  gates: { checks: [{ metric: drift, max: 1.5e-323, histogram: scores, buckets: [0.5, 1] }] }\n';
    const result = compile(extra);
    expect(result.internalError).toBe(false);
    // `scores` is no exporter's histogram either (the default platform names none): drift-source-scraped says so.
    expect(new Set(result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.rule))).toEqual(new Set(['schedule-power', 'drift-source-scraped']));
    const source = loadPolicy('p.yaml', new TextEncoder().encode(policyText(extra))).policy!;
    const resolved = resolvePolicy(source.data, { file: 'p.yaml', sha256: source.sha256 });
    expect(resolved.gates.checks.map((gate) => gate.minRequests)).toEqual([1_000_000_000]);
    expect(resolved.gates.minRequests).toBe(1_000_000_000);
  });
});

describe('percentages', () => {
  it('of 400 digits are a schema error, not a threshold of Infinity', () => {
    const result = compile(`  gates: { checks: [{ metric: latency, maxIncrease: ${'9'.repeat(400)}% }] }\n`);
    expect(result.internalError).toBe(false);
    expect(result.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.rule, d.line])).toEqual([['schema', 13]]);
  });
});
