/**
 * Latency distributions pushed through the histogram buckets modelgate emits, as a `promtool test
 * rules` file: each bucket's counter grows by requests × CDF(bound) per minute, the expected
 * counts with no random draws, so the only error left is the buckets' own resolution.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { normalCdf, normalQuantile } from '../../src/analysis/distributions.js';
import { ISTIO_DURATION_BUCKET, ISTIO_REQUESTS, ISTIO_VERSION_LABEL } from '../../src/gates/istio.js';
import { eq, selector, serialize, type Matcher } from '../../src/gates/promql.js';
import type { ResolvedPolicy } from '../../src/resolve/policy.js';
import { formatDuration } from '../../src/resolve/units.js';
import type { RuleGroup } from '../../src/targets/prometheus.js';
import { istioSeriesLabels } from '../support/istio-series.js';

export interface Distribution {
  name: string;
  /** P(latency ≤ ms). */
  cdf(ms: number): number;
}

/** Log-normal with the given P99 and log-sd. */
export function logNormal(p99Ms: number, logSd = 0.5): Distribution {
  const median = p99Ms / Math.exp(normalQuantile(0.99) * logSd);
  return { name: `log-normal (P99 ${p99Ms} ms, σ ${logSd})`, cdf: (ms) => (ms <= 0 ? 0 : normalCdf(Math.log(ms / median) / logSd)) };
}

/**
 * Two populations: 90% fast requests and 10% slow ones (cache misses), scaled so the P99 is
 * `p99Ms`; the P99 lies in the slow mode's upper tail.
 */
export function bimodal(p99Ms: number): Distribution {
  const shape = (ms: number): number => 0.9 * normalCdf(Math.log(ms / 20) / 0.3) + 0.1 * normalCdf(Math.log(ms / 80) / 0.25);
  const scale = p99Ms / quantile(shape, 0.99);
  return { name: `bimodal (P99 ${p99Ms} ms)`, cdf: (ms) => (ms <= 0 ? 0 : shape(ms / scale)) };
}

/** Every latency `factor` times longer: the P99 (and every other quantile) moves by exactly that factor. */
export function slower(d: Distribution, factor: number): Distribution {
  return { name: `${d.name} × ${factor}`, cdf: (ms) => d.cdf(ms / factor) };
}

function quantile(cdf: (ms: number) => number, q: number): number {
  let low = 0;
  let high = 1;
  while (cdf(high) < q) high *= 2;
  for (let i = 0; i < 200; i++) {
    const mid = (low + high) / 2;
    if (cdf(mid) < q) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

const REQUESTS_PER_MINUTE = 60_000;

/** A promtool test: stable and canary served through `bounds`; the latency alert fires or not. */
export function latencyTest(policy: ResolvedPolicy, groups: RuleGroup[], bounds: number[], stable: Distribution, canary: Distribution, fires: boolean): object {
  const gate = policy.gates.checks.find((g) => g.metric === 'latency')!;
  const evalMinutes = Math.ceil((2 * policy.gates.intervalSeconds + gate.forSeconds) / 60) + 5;
  const steps = evalMinutes + 5;
  const rule = groups.flatMap((g) => g.rules).find((r) => r.alert === 'ModelGateLatencyP99')!;
  return {
    rule_files: ['rules.yaml'],
    evaluation_interval: '1m',
    tests: [
      {
        name: `${canary.name} against ${stable.name}`,
        interval: '1m',
        input_series: [
          ...series(policy, String(policy.versions.stable), bounds, stable, steps),
          ...series(policy, String(policy.versions.candidate), bounds, canary, steps),
        ],
        alert_rule_test: [
          {
            eval_time: formatDuration(evalMinutes * 60),
            alertname: rule.alert,
            exp_alerts: fires ? [{ exp_labels: rule.labels, exp_annotations: rule.annotations }] : [],
          },
        ],
      },
    ],
  };
}

function series(policy: ResolvedPolicy, version: string, bounds: number[], d: Distribution, steps: number): Array<{ series: string; values: string }> {
  const base: Matcher[] = [...istioSeriesLabels(policy, version), eq(ISTIO_VERSION_LABEL, version)];
  const counter = (metric: string, extra: Matcher[], perMinute: number) => ({ series: serialize(selector(metric, [...base, ...extra])), values: `0+${perMinute}x${steps}` });
  return [
    counter(ISTIO_REQUESTS, [eq('response_code', '200')], REQUESTS_PER_MINUTE),
    ...bounds.map((b) => counter(ISTIO_DURATION_BUCKET, [eq('response_code', '200'), eq('le', String(b))], REQUESTS_PER_MINUTE * d.cdf(b))),
    counter(ISTIO_DURATION_BUCKET, [eq('response_code', '200'), eq('le', '+Inf')], REQUESTS_PER_MINUTE),
  ];
}

/** Run one `promtool test rules` file against the rule groups; ok is promtool's verdict. */
export function runPromtoolTest(promtool: string, test: object, groups: object): { ok: boolean; output: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'modelgate-latency-'));
  writeFileSync(path.join(dir, 'rules.yaml'), stringify({ groups }));
  writeFileSync(path.join(dir, 'test.yaml'), stringify(test, { lineWidth: 0 }));
  try {
    return { ok: true, output: execFileSync(promtool, ['test', 'rules', 'test.yaml'], { cwd: dir, encoding: 'utf8', stdio: 'pipe' }) };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}
