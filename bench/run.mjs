/**
 * `npm run bench`: modelgate as users run it — whole processes on synthetic policy sets of
 * 10…10,000 — next to the serialization floor measured in the same run, so each figure is also a
 * ratio that holds when the machine's speed drifts. Prints a table and writes
 * bench/results/<date>-<machine>-<sizes>.json. Medians of several runs.
 *
 *   BENCH_SIZES=10,100,1000,10000   policy-set sizes
 *   BENCH_RUNS=5                    runs per measurement (10,000 policies: at most 2)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, hostname, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writePolicySet } from './policy-set.mjs';

const benchDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = dirname(benchDir);
const cli = join(repoRoot, 'dist', 'cli', 'main.js');
const floorScript = join(benchDir, 'floor.mjs');
const sizes = (process.env.BENCH_SIZES ?? '10,100,1000,10000').split(',').map(Number);
const runs = Number(process.env.BENCH_RUNS ?? 5);
const TIME = '/usr/bin/time';
const haveTime = existsSync(TIME);

const work = mkdtempSync(join(tmpdir(), 'modelgate-bench-'));
const rssFile = join(work, 'rss');

/** One whole process: wall ms (spawn to exit) and peak RSS MiB. Fails loudly on a bad exit. */
function measure(args, cwd, expectStatus = 0) {
  const nodeArgs = haveTime ? args : ['--import', pathToFileURL(join(benchDir, 'report-rss.mjs')).href, ...args];
  const [command, commandArgs] = haveTime ? [TIME, ['-f', '%M', '-o', rssFile, process.execPath, ...nodeArgs]] : [process.execPath, nodeArgs];
  const start = process.hrtime.bigint();
  const child = spawnSync(command, commandArgs, { cwd, encoding: 'utf8', env: { ...process.env, BENCH_RSS_FILE: rssFile }, maxBuffer: 1 << 30 });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (child.status !== expectStatus) throw new Error(`node ${args.join(' ')} exited ${child.status}\n${child.stderr.slice(0, 2000)}`);
  const rssMiB = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) / 1024;
  return { wallMs, rssMiB, stdout: child.stdout };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median wall and RSS over `count` runs; `before` resets state outside the clock. */
function repeat(count, run, before = () => {}) {
  const samples = [];
  for (let i = 0; i < count; i++) {
    before();
    samples.push(run());
  }
  return { wallMs: median(samples.map((s) => s.wallMs)), rssMiB: median(samples.map((s) => s.rssMiB)), runs: count };
}

function floor(count, policies, outDir, cwd) {
  const startup = repeat(count, () => measure([floorScript, '--startup'], cwd));
  const work = repeat(count, () => {
    const result = measure([floorScript, policies, outDir], cwd);
    return { wallMs: JSON.parse(result.stdout).workMs, rssMiB: result.rssMiB };
  }, () => rmSync(outDir, { recursive: true, force: true }));
  return { wallMs: startup.wallMs + work.wallMs, rssMiB: null, runs: count, startupMs: startup.wallMs, workMs: work.wallMs };
}

const results = [];
function record(name, policies, measured, floorMs) {
  const row = { name, policies, ...measured, floorMs, ratio: floorMs ? measured.wallMs / floorMs : null };
  results.push(row);
  const rss = row.rssMiB === null ? '' : `${row.rssMiB.toFixed(0)} MiB`;
  process.stderr.write(`  ${name.padEnd(30)} ${String(policies).padStart(6)}  ${row.wallMs.toFixed(0).padStart(7)} ms  ${rss.padStart(9)}  ${row.ratio ? `${row.ratio.toFixed(2)}× floor` : ''}\n`);
}

process.stderr.write(`modelgate bench in ${work} (${haveTime ? '/usr/bin/time' : 'in-process maxRSS'} for peak RSS)\n`);
try {
  const one = join(work, 'single');
  const [singleFile] = writePolicySet(join(one, 'policies'), 2).slice(1);
  const bare = repeat(runs, () => measure(['-e', ''], one));
  record('node start (no modelgate)', 0, bare, null);
  record('--version', 0, repeat(runs, () => measure([cli, '--version'], one)), bare.wallMs);
  const singleFloor = floor(runs, join(one, 'policies'), join(one, 'floor-out'), one);
  record('validate (1 policy)', 1, repeat(runs, () => measure([cli, 'validate', singleFile], one)), singleFloor.wallMs);

  for (const size of sizes) {
    const count = size >= 10000 ? Math.min(runs, 2) : runs;
    const dir = join(work, String(size));
    writePolicySet(join(dir, 'policies'), size);
    const out = join(dir, 'generated');
    const sizeFloor = floor(count, join(dir, 'policies'), join(dir, 'floor-out'), dir);
    record('floor (parse+serialize+write)', size, sizeFloor, sizeFloor.wallMs);
    record('validate', size, repeat(count, () => measure([cli, 'validate', 'policies'], dir)), sizeFloor.wallMs);
    record('compile (fresh write)', size, repeat(count, () => measure([cli, 'compile', 'policies'], dir), () => rmSync(out, { recursive: true, force: true })), sizeFloor.wallMs);
    record('compile --check (unchanged)', size, repeat(count, () => measure([cli, 'compile', '--check', 'policies'], dir)), sizeFloor.wallMs);
    rmSync(dir, { recursive: true, force: true });
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const date = new Date().toISOString().slice(0, 10);
const machine = {
  hostname: hostname(),
  cores: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  memoryMiB: Math.round(totalmem() / 2 ** 20),
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
  loadAverageAtEnd: loadavg().map((n) => Number(n.toFixed(2))),
};
const table = [
  `modelgate bench ${date} — ${machine.cores} cores, ${machine.cpuModel}, ${(machine.memoryMiB / 1024).toFixed(0)} GiB, Node ${machine.node}; median of ${runs} runs (10,000: ≤ 2)`,
  '',
  '| case | policies | wall ms | peak RSS MiB | × floor |',
  '|---|---:|---:|---:|---:|',
  ...results.map((r) => `| ${r.name} | ${r.policies} | ${r.wallMs.toFixed(0)} | ${r.rssMiB === null ? '–' : r.rssMiB.toFixed(0)} | ${r.ratio === null ? '–' : r.ratio.toFixed(2)} |`),
].join('\n');
process.stdout.write(`\n${table}\n`);
mkdirSync(join(benchDir, 'results'), { recursive: true });
const file = join(benchDir, 'results', `${date}-${machine.hostname}-${sizes.join('-')}.json`);
writeFileSync(file, `${JSON.stringify({ date, machine, runs, results, table }, null, 2)}\n`);
process.stderr.write(`wrote ${file}\n`);
