/**
 * `status` and `simulate` on a policy with `spec.stages`: `--stage` picks the stage, whose
 * namespace, versions and canary steps the command then reads, as promote/rollback/abort do;
 * without it, or with a stage the policy does not have, the command names the stages and exits 2.
 * The project is the example staged repository with both stages releasing (staging 9, prod 8).
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { run as simulate } from '../../src/cli/simulate.js';
import { run as status } from '../../src/cli/status.js';
import { repoRoot } from '../support/tools.js';

const REPOSITORY = join(repoRoot, 'test/fixtures/staged-repository');
const RELEASING = readFileSync(join(REPOSITORY, 'policies/churn-scorer.yaml'), 'utf8')
  .replace('    stable: 8\n    previous: [7]', '    stable: 8\n    candidate: 9\n    previous: [7]')
  .replace('        stable: 7\n', '        stable: 7\n        candidate: 8\n');
/** churn-scorer's healthy scenario at prod's 400 rps, with the latency under the staged policy's 250 ms P99 limit. */
const HEALTHY = JSON.parse(readFileSync(join(repoRoot, 'policies/scenarios/churn-scorer/healthy.json'), 'utf8')) as { traffic: unknown; versions: Record<string, Array<{ latency: number[] }>> };
HEALTHY.traffic = [{ fromMinute: 0, rps: 400 }];
for (const entries of Object.values(HEALTHY.versions)) for (const entry of entries) entry.latency = [0.05, 0.25, 0.4, 0.2, 0.1, 0, 0, 0];

const startDir = process.cwd();
let project: string;
let policy: string;
let scenario: string;
beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'modelgate-stage-flag-'));
  mkdirSync(join(project, 'policies'));
  copyFileSync(join(REPOSITORY, 'modelgate.config.yaml'), join(project, 'modelgate.config.yaml'));
  policy = join(project, 'policies', 'churn-scorer.yaml');
  writeFileSync(policy, RELEASING);
  scenario = join(project, 'healthy.json');
  writeFileSync(scenario, JSON.stringify(HEALTHY));
});
afterAll(() => rmSync(project, { recursive: true, force: true }));

let server: Server | null = null;
afterEach(async () => {
  vi.restoreAllMocks();
  // Finding the policy enters its project.
  process.chdir(startDir);
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = null;
});

function capture(): () => string {
  const chunks: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (chunks.push(String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (chunks.push(String(chunk)), true));
  return () => chunks.join('');
}

/** A Prometheus stand-in with no series yet (every query: an empty instant vector); returns its URL and the queries it was asked. */
async function emptyPrometheus(): Promise<{ url: string; queries: string[] }> {
  const queries: string[] = [];
  server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      queries.push(new URLSearchParams(text).get('query') ?? '');
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } }));
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/`, queries };
}

describe('status --stage', () => {
  it("asks Prometheus the stage's own gate queries: prod's namespace and versions, not staging's", async () => {
    const prometheus = await emptyPrometheus();
    const output = capture();
    expect(await status([policy, '--stage', 'prod', '--prometheus', prometheus.url, '--format', 'json'])).toBe(0);
    const printed = JSON.parse(output()) as { policy: string; namespace: string; versions: unknown; gates: Array<{ verdict: string }> };
    expect([printed.policy, printed.namespace, printed.versions]).toEqual(['churn-scorer', 'churn', { canary: '8', stable: '7' }]);
    expect(printed.gates.length).toBeGreaterThan(0);
    expect(printed.gates.every((gate) => gate.verdict === 'not-enough-data')).toBe(true);
    expect(prometheus.queries.length).toBeGreaterThan(0);
    for (const query of prometheus.queries) {
      expect(query).toContain('modelgate:churn:churn_scorer:');
      expect(query).not.toContain('churn_staging');
    }
  });

  it("reads staging's when told so, by name through the policy folder", async () => {
    const prometheus = await emptyPrometheus();
    const output = capture();
    expect(await status(['churn-scorer', '--policies', join(project, 'policies'), '--stage', 'staging', '--prometheus', prometheus.url, '--format', 'json'])).toBe(0);
    const printed = JSON.parse(output()) as { namespace: string; versions: unknown };
    expect([printed.namespace, printed.versions]).toEqual(['churn-staging', { canary: '9', stable: '8' }]);
    for (const query of prometheus.queries) expect(query).toContain('modelgate:churn_staging:churn_scorer:');
  });

  it('names the stages when none or an unknown one is given, and refuses --stage on a policy without stages, exit 2, asking nothing', async () => {
    const prometheus = await emptyPrometheus();
    const output = capture();
    expect(await status([policy, '--prometheus', prometheus.url])).toBe(2);
    expect(output()).toContain('churn-scorer has stages (staging, prod): say which with --stage');
    expect(await status([policy, '--stage', 'qa', '--prometheus', prometheus.url])).toBe(2);
    expect(output()).toContain("churn-scorer has no stage 'qa' (its stages: staging, prod)");
    process.chdir(startDir);
    expect(await status(['policies/fraud-detector.yaml', '--stage', 'prod', '--prometheus', prometheus.url])).toBe(2);
    expect(output()).toContain('fraud-detector has no stages; drop --stage');
    expect(prometheus.queries).toEqual([]);
  });
});

describe('simulate --stage', () => {
  it("replays the stage's own canary steps: prod's 5% → 25% at 2h each, staging's 20% → 50% at 1h", async () => {
    const prod = capture();
    expect(await simulate([policy, '--metrics', scenario, '--stage', 'prod', '--format', 'json'])).toBe(0);
    const prodRun = JSON.parse(prod()) as { steps: Array<{ weightPercent: number; startMinute: number; endMinute: number }>; ending: unknown };
    vi.restoreAllMocks();
    process.chdir(startDir);
    const staging = capture();
    expect(await simulate([policy, '--metrics', scenario, '--stage', 'staging', '--format', 'json'])).toBe(0);
    const stagingRun = JSON.parse(staging()) as typeof prodRun;
    expect(prodRun.steps.map((step) => [step.weightPercent, step.endMinute - step.startMinute]).slice(0, 2)).toEqual([[5, 120], [25, 120]]);
    expect(stagingRun.steps.map((step) => [step.weightPercent, step.endMinute - step.startMinute]).slice(0, 2)).toEqual([[20, 60], [50, 60]]);
    expect(prodRun.ending).toMatchObject({ kind: 'completed' });
  });

  it('names the stages when none is given, exit 2', async () => {
    const output = capture();
    expect(await simulate([policy, '--metrics', scenario])).toBe(2);
    expect(output()).toContain('churn-scorer has stages (staging, prod): say which with --stage');
  });
});
