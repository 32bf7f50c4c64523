/**
 * `status` against a real Prometheus: each shipped fraud-detector scenario's series, as `simulate`
 * replays them, are backfilled into a server with the policy's recording rules, and at every
 * minute `simulate` takes a measurement, the gate queries through the HTTP API must give the
 * same verdict and values. Each scenario sits on its own day of a fixed calendar, so queries
 * name exact times (`time=`) and nothing reads the clock.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/status.js';
import { gateLimits } from '../../src/gates/queries.js';
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

describe.skipIf(!prometheus || !promtool)('status against a real Prometheus agrees with simulate', () => {
  let server: BackfilledPrometheus;

  beforeAll(async () => {
    const datasets: Dataset[] = scenarios.map((s) => ({ startSeconds: s.startSeconds, series: counterSeries(policy, s.scenario, s.simulation) }));
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
        // status reads a release on its canary steps; the shadow's own metrics (`<limit>-shadow`) are not among its gates.
        const canaryLimits = new Set(status.gates.map((g) => g.limit));
        for (const measured of simulation.measurements.filter((m) => m.minute === minute && !isShadowMetric(m.limit, canaryLimits))) {
          const gate = status.gates.find((g) => g.limit === measured.limit)!;
          const where = `${measured.limit} at minute ${minute}`;
          expect(gate.verdict, where).toBe(VERDICT[measured.verdict]);
          const values = Object.fromEntries(gate.segments.filter((s) => s.measurement !== null).map((s) => [s.segment, s.measurement!]));
          expect(Object.keys(values).sort(), where).toEqual(Object.keys(measured.values).sort());
          for (const [segment, value] of Object.entries(measured.values)) expect(values[segment], `${where} ${segment}`).toBeCloseTo(value, 6);
        }
      }
    }, 120_000);
  }

  it('leaves out of the comparison only the shadow metrics, which status does not report', () => {
    const reported = new Set(gateLimits(policy).map((limit) => limit.id));
    const measured = new Set(scenarios.flatMap((s) => s.simulation.measurements.map((m) => m.limit)));
    const left = [...measured].filter((limit) => !reported.has(limit));
    expect(left.length).toBeGreaterThan(0);
    expect(left.filter((limit) => !isShadowMetric(limit, reported))).toEqual([]);
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

/** A metric of the shadow's background analysis: `<limit>-shadow` for a limit status reports. */
function isShadowMetric(limit: string, canaryLimits: ReadonlySet<string>): boolean {
  return !canaryLimits.has(limit) && limit.endsWith('-shadow') && canaryLimits.has(limit.slice(0, -'-shadow'.length));
}
