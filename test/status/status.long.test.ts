/**
 * `status` against a real Prometheus: each shipped fraud-detector scenario's series, as `simulate`
 * replays them, are backfilled into a server with the policy's recording rules, and at every
 * minute `simulate` takes a measurement, the gate queries through the HTTP API must give the
 * same verdict and values, the shadow phase's `<limit>-shadow` metrics included. Each scenario
 * sits on its own day of a fixed calendar, so queries name exact times (`time=`) and nothing
 * reads the clock. One more day repeats the healthy scenario with kube-state-metrics' series of a
 * pod that serves another version than its label says (after `rollback --live`).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/status.js';
import { analysisMetrics } from '../../src/analysis/analysis-metrics.js';
import { annotationLabel, KUBE_POD_ANNOTATIONS, KUBE_POD_LABELS, podLabelLabel } from '../../src/gates/kube-state-metrics.js';
import { eq, selector } from '../../src/gates/promql.js';
import { ANNOTATION_SERVED_VERSION } from '../../src/names.js';
import { parseScenario } from '../../src/simulate/scenario.js';
import { simulate, type Simulation } from '../../src/simulate/simulate.js';
import { releaseStatus, type Verdict } from '../../src/status/gate-status.js';
import { instantQuery } from '../../src/status/prometheus-api.js';
import { BackfilledPrometheus, type Dataset } from '../support/backfilled-prometheus.js';
import { repoRoot, requireTool } from '../support/tools.js';
import { counterSeries } from '../simulate/promtool-series.js';
import { policyNamed, shippedScenarios } from '../simulate/shipped.js';

const prometheus = requireTool('prometheus');
const promtool = requireTool('promtool');

/** 2026-01-01T00:00:00Z: a block boundary (a multiple of 2 h), so rule evaluations fall on the series' minutes. */
const FIRST_DAY = 1_767_225_600;
const DAY = 86_400;

const VERDICT: Record<Simulation['measurements'][number]['verdict'], Verdict> = { successful: 'pass', failed: 'fail', inconclusive: 'not-enough-data' };

const policy = policyNamed('fraud-detector');
const scenarios = shippedScenarios()
  .filter((shipped) => shipped.policy === 'fraud-detector')
  .map((shipped, day) => {
    const scenario = parseScenario(shipped.text, policy);
    return { name: shipped.name, startSeconds: FIRST_DAY + day * DAY, simulation: simulate(policy, scenario), scenario };
  });

/** The healthy scenario again, the day after the others, with one fraud-detector pod labelled as stable that serves another version. */
const healthy = scenarios.find((s) => s.name === 'healthy.json')!;
// The healthy day's last minute at which every gate, relative ones too, still judges: the soak at 100%
// that follows leaves the relative limits nothing to compare.
const mismatchDay = { startSeconds: FIRST_DAY + scenarios.length * DAY, minutes: Math.max(...healthy.simulation.measurements.filter((m) => m.limit === 'latency-p99').map((m) => m.minute)) };
const stable = String(policy.versions.stable);
const mismatchedPod = { pod: 'fraud-detector-6d4f8c9b7-x2k4p', servedVersion: String(policy.versions.stable - 1), labelVersion: stable };

function podSeries(minutes: number): Dataset['series'] {
  const id = (pod: string) => [eq('namespace', policy.namespace), eq('pod', pod), eq('uid', `uid-${pod}`)];
  const values = Array<number>(minutes + 2).fill(1);
  const pod = (name: string, version: string, served: string | null): Dataset['series'] => [
    { series: selector(KUBE_POD_ANNOTATIONS, served === null ? id(name) : [...id(name), eq(annotationLabel(ANNOTATION_SERVED_VERSION), served)]), values },
    { series: selector(KUBE_POD_LABELS, [...id(name), eq(podLabelLabel('app'), policy.name), eq(podLabelLabel('version'), version)]), values },
  ];
  return [
    ...pod(mismatchedPod.pod, mismatchedPod.labelVersion, mismatchedPod.servedVersion),
    ...pod('fraud-detector-6d4f8c9b7-m9z7q', stable, stable),
    ...pod('fraud-detector-5c7d9f8b6-q4w8e', String(policy.versions.candidate), null),
  ];
}

describe.skipIf(!prometheus || !promtool)('status against a real Prometheus agrees with simulate', () => {
  let server: BackfilledPrometheus;

  beforeAll(async () => {
    const datasets: Dataset[] = scenarios.map((s) => ({ startSeconds: s.startSeconds, series: counterSeries(policy, s.scenario, s.simulation) }));
    datasets.push({ startSeconds: mismatchDay.startSeconds, series: [...counterSeries(policy, healthy.scenario, healthy.simulation), ...podSeries(mismatchDay.minutes)] });
    server = await BackfilledPrometheus.start({ prometheus: prometheus!, promtool: promtool! }, mkdtempSync(path.join(tmpdir(), 'modelgate-status-')), policy, datasets);
  }, 120_000);
  afterAll(async () => server?.stop());
  afterEach(() => vi.restoreAllMocks());

  it('covers a healthy, a failing and an inconclusive scenario', () => {
    const endings = new Map(scenarios.map((s) => [s.name, s.simulation.ending.kind]));
    expect(endings.get('healthy.json')).toBe('completed');
    expect(endings.get('latency-regression-at-5-percent.json')).toBe('aborted');
    expect(endings.get('traffic-drop.json')).toBe('held-inconclusive');
  });

  for (const { name, startSeconds, simulation } of scenarios) {
    it(`${name}: every measurement simulate takes, status gives through the HTTP API`, async () => {
      const minutes = [...new Set(simulation.measurements.map((m) => m.minute))];
      expect(minutes.length).toBeGreaterThan(0);
      for (const minute of minutes) {
        const status = await releaseStatus(policy, (expr) => instantQuery({ url: server.url, timeSeconds: startSeconds + minute * 60, timeoutMs: 30_000 }, expr));
        expect(status.servedVersionMismatches).toEqual([]);
        for (const measured of simulation.measurements.filter((m) => m.minute === minute)) {
          const gate = status.gates.find((g) => g.limit === measured.limit)!;
          const where = `${measured.limit} at minute ${minute}`;
          expect(gate.verdict, where).toBe(VERDICT[measured.verdict]);
          const values = Object.fromEntries(gate.segments.filter((s) => s.measurement !== null).map((s) => [s.segment, s.measurement!]));
          expect(Object.keys(values).sort(), where).toEqual(Object.keys(measured.values).sort());
          // Five decimals: PromQL over the backfilled counters and simulate's own arithmetic part in the
          // last digits, most where a window holds few observations (score-drift-shadow of
          // drift-on-one-segment at minute 7: 0.1083104 against 0.1083097).
          for (const [segment, value] of Object.entries(measured.values)) expect(values[segment], `${where} ${segment}`).toBeCloseTo(value, 5);
        }
      }
    }, 120_000);
  }

  it('reports every metric simulate measures, the shadow phase\'s among them', () => {
    const reported = new Set(analysisMetrics(policy).map((metric) => metric.name));
    const measured = new Set(scenarios.flatMap((s) => s.simulation.measurements.map((m) => m.limit)));
    expect([...measured].filter((name) => name.endsWith('-shadow')).length).toBeGreaterThan(0);
    expect([...measured].filter((name) => !reported.has(name))).toEqual([]);
  });

  it('names a pod that serves another version than its label, and every gate gives no value meanwhile', async () => {
    const at = mismatchDay.startSeconds + mismatchDay.minutes * 60;
    const status = await releaseStatus(policy, (expr) => instantQuery({ url: server.url, timeSeconds: at, timeoutMs: 30_000 }, expr));
    expect(status.servedVersionMismatches).toEqual([mismatchedPod]);
    expect(status.gates.map((g) => g.verdict)).toEqual(status.gates.map(() => 'not-enough-data'));
    // The same minute of the healthy day, without those pods, passes: the pods alone withhold the gates.
    const without = await releaseStatus(policy, (expr) => instantQuery({ url: server.url, timeSeconds: healthy.startSeconds + mismatchDay.minutes * 60, timeoutMs: 30_000 }, expr));
    expect(without.gates.filter((g) => g.phase === 'canary').map((g) => g.verdict)).toEqual(without.gates.filter((g) => g.phase === 'canary').map(() => 'pass'));
    const output = capture();
    expect(await run(['fraud-detector', '--prometheus', server.url, '--time', String(at)])).toBe(0);
    expect(output()).toContain(`SERVED VERSION MISMATCH: every gate is withheld (no value) while a pod serves another version than its version label (${ANNOTATION_SERVED_VERSION}, a live rollback)\n  pod ${mismatchedPod.pod} serves ${mismatchedPod.servedVersion}, labelled ${mismatchedPod.labelVersion}\n`);
  });

  it('prints a failing gate with both levels and its samples, as the README shows, and exits 1', async () => {
    const regression = scenarios.find((s) => s.name === 'latency-regression-at-5-percent.json')!;
    const ending = regression.simulation.ending;
    expect(ending.kind).toBe('aborted');
    const time = new Date((regression.startSeconds + ending.minute * 60) * 1000).toISOString().replace('.000', '');
    const output = capture();
    const code = await run(['fraud-detector', '--prometheus', server.url, '--time', time]);
    expect(output()).toMatch(/latency-p99: FAIL \(P99 latency increase over stable, threshold 10%\)\n {2}measured [0-9.]+%; canary [0-9.]+ ms, stable [0-9.]+ ms; samples canary [0-9.]+, stable [0-9.]+ \(guard \d+\)/);
    expect(code).toBe(1);
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const command = `$ npx modelgate status fraud-detector --prometheus http://localhost:9090 --time ${time}\n`;
    expect(readme).toContain(`${command}${output().replaceAll(server.url, 'http://localhost:9090')}\`\`\``);
  });

  it('says when enough data is expected for a gate the traffic drop starved, as JSON', async () => {
    const drop = scenarios.find((s) => s.name === 'traffic-drop.json')!;
    const ending = drop.simulation.ending;
    if (ending.kind !== 'held-inconclusive') throw new Error(`traffic-drop ends ${ending.kind}`);
    const output = capture();
    const code = await run(['fraud-detector', '--prometheus', server.url, '--time', new Date((drop.startSeconds + ending.minute * 60) * 1000).toISOString().replace('.000', ''), '--format', 'json']);
    expect(code).toBe(0);
    const status = JSON.parse(output()) as { gates: Array<{ limit: string; verdict: string; enoughDataExpected: string | null }> };
    const starved = status.gates.find((g) => g.limit === ending.limit)!;
    expect(starved.verdict).toBe('not-enough-data');
    // 20 rps is 6,000 requests per 5 minutes in all: the guard (1,836) is 30.6% of them, first
    // reached at the 50% step (steps 1%, 5%, 25%, 50%, 100%).
    expect(starved.enoughDataExpected).toBe('at step 4 (50%): the canary needs 30.6% of the 6000 requests per 5m in all');
  });

  it('a healthy release passes every gate, from the CLI, and exits 0', async () => {
    const healthy = scenarios.find((s) => s.name === 'healthy.json')!;
    // The last minute every gate judges: in the soak after it stable serves no one, and only the
    // absolute ceiling measures.
    const last = Math.max(...healthy.simulation.measurements.filter((m) => m.limit === 'latency-p99').map((m) => m.minute));
    const output = capture();
    expect(await run(['fraud-detector', '--prometheus', server.url, '--time', String(healthy.startSeconds + last * 60), '--format', 'json'])).toBe(0);
    const status = JSON.parse(output()) as { gates: Array<{ verdict: string }> };
    expect(status.gates.map((g) => g.verdict)).toEqual(status.gates.map(() => 'pass'));
  });
});

function capture(): () => string {
  const chunks: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (chunks.push(String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (chunks.push(String(chunk)), true));
  return () => chunks.join('');
}
