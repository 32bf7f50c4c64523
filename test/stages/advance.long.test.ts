/**
 * `advance` end to end against a real Prometheus and the GitHub stand-in: the example
 * repository's two-stage policy (test/fixtures/staged-repository), whose staging release of
 * version 8 soaked for an hour at 100%. The soak is simulated (`simulate` runs it as the Rollout
 * does: setWeight 100, then a pause with the analysis still running), its series backfilled
 * into the server with the stage's recording rules, a healthy soak on one day and one whose error
 * rate rises mid-soak on the next. A healthy soak opens the PR with the evidence; the failing one
 * is refused naming the gate, and nothing is edited or proposed. Fixed calendar days: no clock.
 */
import { cp, mkdtemp, readFile } from 'node:fs/promises';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { run as advance } from '../../src/cli/advance.js';
import { run as compile } from '../../src/cli/compile.js';
import { checkAdvance, type Advance } from '../../src/gitops/advance.js';
import { parseScenario } from '../../src/simulate/scenario.js';
import { simulate, type Simulation } from '../../src/simulate/simulate.js';
import { instantQuery } from '../../src/status/prometheus-api.js';
import { soakEvidence } from '../../src/status/soak.js';
import { validateSources } from '../../src/validate/validate.js';
import { BackfilledPrometheus } from '../support/backfilled-prometheus.js';
import type { FakeGitHub } from '../support/fake-github/server.js';
import { publishOnFakeGitHub } from '../support/github-repository.js';
import { repoRoot, requireTool } from '../support/tools.js';
import { counterSeries } from '../simulate/promtool-series.js';

const prometheus = requireTool('prometheus');
const promtool = requireTool('promtool');

const REPOSITORY = path.join(repoRoot, 'test/fixtures/staged-repository');
const POLICY_FILE = 'policies/churn-scorer.yaml';
const TOKEN = 'ghs_advanceTokenThatMustNeverBePrinted01';
/** 2026-01-01T00:00:00Z, a block boundary; one scenario a day. */
const FIRST_DAY = 1_767_225_600;
const DAY = 86_400;

const stages = validateSources([{ file: POLICY_FILE, bytes: await readFile(path.join(REPOSITORY, POLICY_FILE)) }], null).policies.map(({ policy }) => policy);
const checked = checkAdvance(stages, 'prod');
if (!checked.ok) throw new Error(checked.refusal);
const planned: Advance = checked.advance;

/** Staging's release of 8 against 7, as `simulate` runs it: the steps, then the soak at 100%. */
const model = planned.released;

const LATENCY = [0.05, 0.3, 0.4, 0.2, 0.045, 0.005, 0, 0];
function scenarioText(candidate: object[]): string {
  return JSON.stringify({
    description: 'staging release of churn-scorer 8 with a one-hour soak at 100%',
    minutes: 190,
    traffic: [{ fromMinute: 0, rps: 40 }],
    latencyBucketsMs: [10, 25, 50, 100, 250, 500, 1000],
    versions: { stable: [{ fromMinute: 0, errorRate: 0.005, latency: LATENCY }], candidate },
  });
}
const scenarios = [
  { name: 'healthy', text: scenarioText([{ fromMinute: 0, errorRate: 0.005, latency: LATENCY }]) },
  // The error rate reaches 4% half an hour into the soak; the gate's ceiling is 2%.
  { name: 'error rate rises during the soak', text: scenarioText([{ fromMinute: 0, errorRate: 0.005, latency: LATENCY }, { fromMinute: 150, errorRate: 0.04, latency: LATENCY }]) },
].map((s, day) => {
  const scenario = parseScenario(s.text, model);
  return { ...s, scenario, simulation: simulate(model, scenario), startSeconds: FIRST_DAY + day * DAY };
});
/** The soak ends 180 minutes in: 20% and 50% for an hour each, then the hour at 100%. */
const SOAK_END_MINUTE = 180;

describe.skipIf(!prometheus || !promtool)('advance against a real Prometheus and the GitHub stand-in', () => {
  let server: BackfilledPrometheus;
  let github: FakeGitHub;
  let dir: string;
  let stdout = '';
  let stderr = '';
  const startDir = process.cwd();
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    const datasets = scenarios.map((s) => ({ startSeconds: s.startSeconds, series: counterSeries(model, s.scenario, s.simulation) }));
    server = await BackfilledPrometheus.start({ prometheus: prometheus!, promtool: promtool! }, mkdtempSync(path.join(tmpdir(), 'modelgate-advance-prom-')), model, datasets);
  }, 180_000);
  afterAll(async () => server?.stop());

  async function repository(): Promise<void> {
    dir = await mkdtemp(path.join(tmpdir(), 'modelgate-advance-'));
    await cp(REPOSITORY, dir, { recursive: true });
    await cp(path.join(repoRoot, '.gitignore'), path.join(dir, '.gitignore'));
    process.chdir(dir);
    stdout = '';
    stderr = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
    expect(await compile(['policies/'])).toBe(0);
    github = await publishOnFakeGitHub(dir, TOKEN);
    stdout = '';
    stderr = '';
  }

  afterEach(async () => {
    vi.restoreAllMocks();
    process.chdir(startDir);
    process.env = { ...savedEnv };
    expect(stdout + stderr).not.toContain(TOKEN);
    await github?.close();
  });

  const soakEnd = (day: number) => String(scenarios[day]!.startSeconds + SOAK_END_MINUTE * 60);

  it('the simulated soaks: the healthy one completes after the soak, the other aborts on the error rate inside it', () => {
    expect(scenarios[0]!.simulation.ending).toEqual({ kind: 'completed', minute: SOAK_END_MINUTE });
    const ending = scenarios[1]!.simulation.ending;
    expect(ending.kind === 'aborted' && ending.limit).toBe('error-rate');
    expect(ending.minute).toBeGreaterThan(SOAK_END_MINUTE - planned.soakSeconds / 60);
  });

  it("reads every soak measurement as simulate took it, through Prometheus's HTTP API", async () => {
    for (const [day, s] of scenarios.entries()) {
      const evidence = await soakEvidence(planned.released, planned.soakSeconds, Number(soakEnd(day)), (expr, time) => instantQuery({ url: server.url, timeSeconds: time, timeoutMs: 30_000 }, expr));
      for (const gate of evidence.gates) {
        for (const { timeSeconds, verdict } of gate.verdicts) {
          const minute = (timeSeconds - s.startSeconds) / 60;
          const simulated = s.simulation.measurements.find((m) => m.minute === minute && m.limit === gate.limit);
          // After an abort simulate measures no more; the canary then serves nothing, so no value.
          const expected = simulated ? { successful: 'pass', failed: 'fail', inconclusive: 'not-enough-data' }[simulated.verdict] : 'not-enough-data';
          expect(verdict, `${s.name}: ${gate.limit} at minute ${minute}`).toBe(expected);
        }
      }
    }
  });

  it('a healthy soak: prod gets candidate 8 and a PR whose description carries the evidence', async () => {
    await repository();
    const code = await advance(['churn-scorer', '--to', 'prod', '--prometheus', server.url, '--time', soakEnd(0), '--propose', '--repo', 'acme/models']);
    expect(stderr).toBe('wrote generated/ (6 file(s) changed)\n');
    expect(code).toBe(0);
    expect(stdout).toContain('every gate passed every measurement of the soak');
    const policy = await readFile(path.join(dir, POLICY_FILE), 'utf8');
    expect(policy).toContain('      versions:\n        stable: 7\n        candidate: 8\n');
    expect(github.pulls).toHaveLength(1);
    const pr = github.pulls[0]!;
    expect(pr.title).toBe('modelgate: advance churn-scorer version 8 from staging to prod: candidate in prod (stable there: 7) after a 1h soak in staging');
    expect(pr.labels).toEqual(['modelgate', 'advance']);
    expect(pr.body).toContain('## Soak evidence');
    expect(pr.body).toContain('staging (churn-staging/churn-scorer), version 8 against 7, from 2026-01-01T02:00:00Z to 2026-01-01T03:00:00Z: one measurement per 10m');
    expect(pr.body).toContain('| error-rate | error rate, at most 2% | 0.5% | 0.5% | none | canary 24000 (guard 244) | 6 of 6 |');
    // 40 requests per second, all on 8 at 100%: 24,000 in each 10m window.
    expect(pr.body).toContain('| latency-p99 | P99 latency, at most 250 ms | 233.333 ms | 233.333 ms | none | canary 24000 (guard 100) | 6 of 6 |');
    const branch = github.branchFiles(pr.head);
    expect(branch.get(POLICY_FILE)).toBe(policy);
    // prod's own output now releases 8 against 7; staging's is untouched.
    expect(branch.get('generated/churn/churn-scorer/rollout/rollout.yaml')).toContain('version: "8"');
    expect(branch.get('generated/churn-staging/churn-scorer/rollout/rollout.yaml')).toBe(github.branchFiles('main').get('generated/churn-staging/churn-scorer/rollout/rollout.yaml'));
    expect(github.requests.flatMap((request) => request.errors)).toEqual([]);
  }, 120_000);

  it('an error rate above the ceiling during the soak: refused, the gate named, nothing edited or proposed', async () => {
    await repository();
    const before = await readFile(path.join(dir, POLICY_FILE), 'utf8');
    const code = await advance(['churn-scorer', '--to', 'prod', '--prometheus', server.url, '--time', soakEnd(1), '--propose', '--repo', 'acme/models']);
    expect(code).toBe(1);
    expect(stderr).toContain('modelgate advance: version 8 does not enter prod: in staging gate error-rate, latency-p99 did not pass every measurement of the soak');
    // The error rate fails its measurements from minute 160; after the abort (minute 170) the
    // canary serves nothing, so the last measurement of every gate has no value.
    expect(stdout).toContain('not green: error-rate failed 2 and had not enough data 1 of 6 measurements; latency-p99 had not enough data 1 of 6 measurements');
    expect(stdout).toMatch(/ {2}latency-p99: 5 of 6 passed/);
    expect(await readFile(path.join(dir, POLICY_FILE), 'utf8')).toBe(before);
    expect(github.pulls).toHaveLength(0);
    expect(github.requests).toHaveLength(0);
  }, 120_000);
});
