/**
 * `npm run bench`: modelgate as users run it — whole processes on synthetic policy sets — next to
 * the floors (bench/floor.mjs) measured in the same run. Every case reports CPU (user+sys of the
 * child, from its rusage via /usr/bin/time: it stays within ±15% on a loaded machine where wall
 * time varies 4×), wall and peak RSS; cases run interleaved, one of each per round, so a burst of
 * load lands on all of them alike; ratios are medians taken against the floor of the same run.
 * The load average is recorded before and after. Output goes to tmpfs (/dev/shm) and, for the
 * fresh compile and its floor, also to the disk beside it.
 *
 *   BENCH_SIZES=1000,10000   policy-set sizes (default 1000)
 *   BENCH_RUNS=3             rounds (10,000: at most 2)
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, hostname, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writePolicySet } from './policy-set.mjs';

const benchDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = dirname(benchDir);
// What users run: package.json's bin (the bundle `npm run build` makes).
const cli = join(repoRoot, JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).bin.modelgate);
const floorScript = join(benchDir, 'floor.mjs');
const sizes = (process.env.BENCH_SIZES ?? '1000').split(',').map(Number);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const TIME = '/usr/bin/time';
if (!existsSync(TIME)) throw new Error(`${TIME} is needed for the child's CPU time and peak RSS (Debian package 'time')`);
const SHM = '/dev/shm';
const tmpfsRoot = existsSync(SHM) ? SHM : tmpdir();

const onTmpfs = mkdtempSync(join(tmpfsRoot, 'modelgate-bench-'));
const onDisk = mkdtempSync(join(tmpdir(), 'modelgate-bench-'));
const rusageFile = join(onTmpfs, 'rusage');

/** One whole process: wall, CPU (user+sys) and peak RSS, from the kernel's accounting of the child. */
function measure(args, cwd, expectStatus = 0) {
  const start = process.hrtime.bigint();
  const child = spawnSync(TIME, ['-f', '%U %S %M', '-o', rusageFile, process.execPath, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 30 });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (child.status !== expectStatus) throw new Error(`node ${args.join(' ')} exited ${child.status}\n${child.stderr.slice(0, 2000)}`);
  const [user, sys, maxKiB] = readFileSync(rusageFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  return { wallMs, cpuMs: (user + sys) * 1000, rssMiB: maxKiB / 1024, stdout: child.stdout, stderr: child.stderr };
}

/** A floor: a bare node start measured now, plus the timed part of floor.mjs. */
function floor(mode, policies, out, cwd) {
  const start = measure(['-e', ''], cwd);
  const work = JSON.parse(measure([floorScript, mode, policies, out], cwd).stdout);
  return { wallMs: start.wallMs + work.workMs, cpuMs: start.cpuMs + work.workCpuMs, rssMiB: null };
}

const median = (values) => {
  const sorted = values.filter((v) => v !== null).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * Run `cases` (name → { floor, run }) interleaved for `rounds` rounds; each sample's ratio is
 * taken against its floor's sample of the same round.
 */
function interleave(policies, rounds, cases) {
  const samples = new Map(Object.keys(cases).map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const [name, { run }] of Object.entries(cases)) samples.get(name).push(run());
  }
  return Object.entries(cases).map(([name, { floor: floorName }]) => {
    const own = samples.get(name);
    const base = floorName ? samples.get(floorName) : null;
    const ratio = (key) => (base ? median(own.map((s, i) => s[key] / base[i][key])) : null);
    return {
      name,
      policies,
      rounds,
      cpuMs: median(own.map((s) => s.cpuMs)),
      wallMs: median(own.map((s) => s.wallMs)),
      rssMiB: median(own.map((s) => s.rssMiB)),
      floor: floorName ?? null,
      cpuRatio: ratio('cpuMs'),
      wallRatio: ratio('wallMs'),
      note: own.map((s) => s.note).find(Boolean) ?? null,
    };
  });
}

/**
 * The policies' Rollouts as they run before this release: `first-deploy-at-rest` refuses a
 * candidate for a policy with no Rollout yet, so a "fresh" compile starts from a folder holding
 * only each policy's running Rollout, as a repository adopting modelgate for live models would.
 * They come from compiling the same policies at rest (no candidate), outside any measurement.
 */
function runningRollouts(dir) {
  const atRest = join(dir, 'at-rest');
  mkdirSync(join(atRest, 'policies'), { recursive: true });
  // The same profile (storage credentials, gateways), or model-storage-credentials refuses every policy.
  cpSync(join(dir, 'modelgate.config.yaml'), join(atRest, 'modelgate.config.yaml'));
  for (const name of readdirSync(join(dir, 'policies'))) {
    writeFileSync(join(atRest, 'policies', name), readFileSync(join(dir, 'policies', name), 'utf8').replace(/^ {4}candidate: .*\n/m, ''));
  }
  measure([cli, 'compile', 'policies'], atRest);
  const seed = join(dir, 'running');
  cpSync(join(atRest, 'generated'), seed, { recursive: true, filter: (source) => statSync(source).isDirectory() || source.endsWith('/rollout/rollout.yaml') });
  rmSync(atRest, { recursive: true, force: true });
  return seed;
}

/** An output folder holding only the running Rollouts (see `runningRollouts`). */
function seedOutput(dir, seed) {
  rmSync(join(dir, 'generated'), { recursive: true, force: true });
  cpSync(seed, join(dir, 'generated'), { recursive: true });
}

/** `wrote generated/ (N file(s) changed)` → N. */
const changedFiles = (stderr) => Number(/\((\d+) file\(s\) changed\)/.exec(stderr)?.[1] ?? 0);

const results = [];
const show = (rows) => {
  for (const r of rows) {
    results.push(r);
    const ratios = r.cpuRatio === null ? '' : `${r.cpuRatio.toFixed(2)}× CPU  ${r.wallRatio.toFixed(2)}× wall of ${r.floor}`;
    process.stderr.write(`  ${r.name.padEnd(34)} ${String(r.policies).padStart(6)}  ${r.cpuMs.toFixed(0).padStart(7)} ms CPU ${r.wallMs.toFixed(0).padStart(7)} ms wall ${r.rssMiB === null ? '' : `${r.rssMiB.toFixed(0).padStart(5)} MiB`}  ${ratios}${r.note ? `  (${r.note})` : ''}\n`);
  }
};

const loadBefore = loadavg().map((n) => Number(n.toFixed(2)));
process.stderr.write(`modelgate bench in ${onTmpfs} (tmpfs) and ${onDisk} (disk); load ${loadBefore.join(' ')}\n`);
try {
  const one = join(onTmpfs, 'single');
  const [singleFile] = writePolicySet(one, 1);
  const oneSeed = runningRollouts(one);
  show(
    interleave(1, runs, {
      'node start': { run: () => measure(['-e', ''], one) },
      '--version': { floor: 'node start', run: () => measure([cli, '--version'], one) },
      'validate (one policy)': { floor: 'node start', run: () => measure([cli, 'validate', singleFile], one) },
      'compile (one policy, fresh)': { floor: 'node start', run: () => (seedOutput(one, oneSeed), measure([cli, 'compile', 'policies'], one)) },
    }),
  );

  // rollback --live: client time across 8 stand-in TF Serving pods (bench/live-rollback.bench.ts).
  const liveOut = join(onTmpfs, 'live-rollback.json');
  const vitest = spawnSync(process.execPath, [join(repoRoot, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--config', join(benchDir, 'vitest.live-rollback.config.ts')], {
    cwd: repoRoot,
    env: { ...process.env, BENCH_LIVE_OUT: liveOut, BENCH_RUNS: String(runs) },
    encoding: 'utf8',
  });
  if (vitest.status !== 0) throw new Error(`live-rollback bench failed\n${vitest.stdout.slice(-2000)}${vitest.stderr.slice(-2000)}`);
  const live = JSON.parse(readFileSync(liveOut, 'utf8'));
  const liveMs = median(live.samplesMs);
  results.push({ name: `rollback --live, ${live.pods} pods (client)`, policies: 1, cpuMs: null, wallMs: liveMs, rssMiB: null, note: 'loopback stand-ins; median wall time of the label move' });
  process.stderr.write(`  ${'rollback --live, 8 pods (client)'.padEnd(34)} ${'1'.padStart(6)}  ${liveMs.toFixed(0).padStart(7)} ms wall (samples ${live.samplesMs.map((ms) => ms.toFixed(0)).join(', ')})\n`);

  for (const size of sizes) {
    const rounds = size >= 10000 ? Math.min(runs, 2) : runs;
    const fast = join(onTmpfs, String(size));
    const slow = join(onDisk, String(size));
    for (const dir of [fast, slow]) writePolicySet(dir, size);
    const seed = runningRollouts(fast);
    const changing = join(fast, 'policies', `scorer-${String(3).padStart(5, '0')}.yaml`);
    const fresh = (dir) => (seedOutput(dir, seed), measure([cli, 'compile', 'policies'], dir));
    const cases = {
      'floor: write (tmpfs)': { run: () => (rmSync(join(fast, 'floor-out'), { recursive: true, force: true }), floor('write', 'policies', join(fast, 'floor-out'), fast)) },
      'compile, fresh (tmpfs)': { floor: 'floor: write (tmpfs)', run: () => fresh(fast) },
      'floor: read and hash': { run: () => floor('read', 'policies', 'generated', fast) },
      'compile, nothing changed': { floor: 'floor: read and hash', run: () => measure([cli, 'compile', 'policies'], fast) },
      'compile --check, up to date': { floor: 'floor: read and hash', run: () => measure([cli, 'compile', '--check', 'policies'], fast) },
      'compile, one policy changed': {
        floor: 'floor: read and hash',
        run: () => {
          const text = readFileSync(changing, 'utf8');
          writeFileSync(changing, text.includes('replicas: 1\n') ? text.replace('replicas: 1\n', 'replicas: 2\n') : text.replace('replicas: 2\n', 'replicas: 1\n'));
          const sample = measure([cli, 'compile', 'policies'], fast);
          return { ...sample, note: `${changedFiles(sample.stderr)} file(s) written or deleted` };
        },
      },
      validate: { floor: 'floor: read and hash', run: () => measure([cli, 'validate', 'policies'], fast) },
      'floor: write (disk)': { run: () => (rmSync(join(slow, 'floor-out'), { recursive: true, force: true }), floor('write', 'policies', join(slow, 'floor-out'), slow)) },
      'compile, fresh (disk)': { floor: 'floor: write (disk)', run: () => fresh(slow) },
    };
    show(interleave(size, rounds, cases));
    rmSync(fast, { recursive: true, force: true });
    rmSync(slow, { recursive: true, force: true });
  }
} finally {
  rmSync(onTmpfs, { recursive: true, force: true });
  rmSync(onDisk, { recursive: true, force: true });
}

const date = new Date().toISOString();
const machine = {
  hostname: hostname(),
  cores: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  memoryMiB: Math.round(totalmem() / 2 ** 20),
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
  loadAverageBefore: loadBefore,
  loadAverageAfter: loadavg().map((n) => Number(n.toFixed(2))),
};
const fmt = (value, digits = 0) => (value === null || value === undefined ? '–' : value.toFixed(digits));
const table = [
  `modelgate bench ${date.slice(0, 16)}Z — ${machine.cores} cores, ${machine.cpuModel}, ${(machine.memoryMiB / 1024).toFixed(0)} GiB, Node ${machine.node}; load ${machine.loadAverageBefore.join(' ')} → ${machine.loadAverageAfter.join(' ')}; median of ${runs} interleaved rounds (10,000: ≤ 2)`,
  '',
  '| case | policies | CPU ms | wall ms | peak RSS MiB | × floor (CPU) | × floor (wall) | floor |',
  '|---|---:|---:|---:|---:|---:|---:|---|',
  ...results.map(
    (r) => `| ${r.name}${r.note ? ` (${r.note})` : ''} | ${r.policies} | ${fmt(r.cpuMs)} | ${fmt(r.wallMs)} | ${fmt(r.rssMiB)} | ${fmt(r.cpuRatio, 2)} | ${fmt(r.wallRatio, 2)} | ${r.floor ?? '–'} |`,
  ),
].join('\n');
process.stdout.write(`\n${table}\n`);
mkdirSync(join(benchDir, 'results'), { recursive: true });
const file = join(benchDir, 'results', `${date.slice(0, 10)}-${machine.hostname}-${sizes.join('-')}.json`);
writeFileSync(file, `${JSON.stringify({ date, machine, runs, results, table }, null, 2)}\n`);
process.stderr.write(`wrote ${file}\n`);
