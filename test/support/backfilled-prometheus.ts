/**
 * A real Prometheus server holding given counter series and the policy's recording rules over
 * them, for tests that ask it through the HTTP API.
 *
 * - Raw series go in as TSDB blocks (`promtool tsdb create-blocks-from openmetrics`), at fixed
 *   timestamps. Time retention is measured from the newest block, not from the wall clock
 *   (prometheus tsdb/db.go `BeyondTimeRetention`: `blocks[0].Meta().MaxTime - block.MaxTime`),
 *   and the server scrapes nothing, so nothing here depends on today's date.
 * - Prometheus evaluates rules only forward in time, so the recorded series are backfilled too
 *   (`promtool tsdb create-blocks-from rules`), which evaluates each rule through this server's
 *   query API. A rule cannot see rules backfilled in the same run (Prometheus docs, "Backfilling
 *   for Recording Rules", limitations), so rules go in by dependency level, and the server is
 *   restarted after each level to load the new blocks.
 * Evaluation points of the rule backfill are aligned to block boundaries (cmd/promtool/rules.go
 * `importRule`), which are whole minutes; the series are written on the same minute grid.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { stringify } from 'yaml';
import type { Expr, Selector } from '../../src/gates/promql.js';
import { recordingRules } from '../../src/gates/records.js';
import type { ResolvedPolicy } from '../../src/resolve/policy.js';
import { ruleGroups } from '../../src/targets/prometheus.js';

export interface Dataset {
  /** Unix seconds of the first value; a whole number of minutes. */
  startSeconds: number;
  /** Each series' values, one a minute from startSeconds. */
  series: Array<{ series: Selector; values: number[] }>;
}

export interface Tools {
  prometheus: string;
  promtool: string;
}

export class BackfilledPrometheus {
  private process: ChildProcess | null = null;
  private log = '';

  private constructor(private readonly tools: Tools, private readonly dir: string, private readonly port: number) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** A server in `dir` (an empty folder) with `datasets` and `policy`'s recorded series over them. */
  static async start(tools: Tools, dir: string, policy: ResolvedPolicy, datasets: Dataset[]): Promise<BackfilledPrometheus> {
    const server = new BackfilledPrometheus(tools, dir, await freePort());
    writeFileSync(path.join(dir, 'raw.om'), openMetrics(datasets));
    execFileSync(tools.promtool, ['tsdb', 'create-blocks-from', 'openmetrics', 'raw.om', 'data'], { cwd: dir, stdio: 'pipe' });
    // No scrape configs: the server's head stays empty, so its only data is what is backfilled.
    writeFileSync(path.join(dir, 'prometheus.yml'), 'global: {}\n');
    await server.run();
    const levels = ruleLevels(policy);
    const groups = ruleGroups(policy);
    for (let level = 0; level <= Math.max(...levels.values()); level++) {
      const rules = groups.map((group) => ({ ...group, interval: '1m', rules: group.rules.filter((rule) => levels.get(rule.record as string) === level) }));
      const file = `rules-${level}.yaml`;
      writeFileSync(path.join(dir, file), stringify({ groups: rules }, { lineWidth: 0 }));
      for (const [i, dataset] of datasets.entries()) {
        const minutes = Math.max(...dataset.series.map((s) => s.values.length - 1));
        const out = `rules-${level}-${i}`;
        execFileSync(
          tools.promtool,
          ['tsdb', 'create-blocks-from', 'rules', `--url=${server.url}`, `--start=${dataset.startSeconds}`, `--end=${dataset.startSeconds + minutes * 60}`, `--output-dir=${out}`, '--quiet', file],
          { cwd: dir, stdio: 'pipe' },
        );
        for (const block of readdirSync(path.join(dir, out))) renameSync(path.join(dir, out, block), path.join(dir, 'data', block));
      }
      await server.stop();
      await server.run();
    }
    return server;
  }

  async stop(): Promise<void> {
    const child = this.process;
    this.process = null;
    if (child === null || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }

  private async run(): Promise<void> {
    mkdirSync(path.join(this.dir, 'data'), { recursive: true });
    const child = spawn(
      this.tools.prometheus,
      ['--config.file=prometheus.yml', '--storage.tsdb.path=data', `--web.listen-address=127.0.0.1:${this.port}`],
      { cwd: this.dir, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    this.process = child;
    child.stderr!.on('data', (chunk: Buffer) => (this.log += chunk.toString()));
    // Readiness is polled, not timed: the loop ends when the server answers or exits.
    for (;;) {
      if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}:\n${this.log}`);
      try {
        if ((await fetch(`${this.url}/-/ready`)).ok) return;
      } catch {
        // Not listening yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** OpenMetrics text: every series, its values a minute apart. Untyped, so names are kept as written. */
function openMetrics(datasets: Dataset[]): string {
  const lines: string[] = [];
  for (const { startSeconds, series } of datasets) {
    for (const { series: selector, values } of series) {
      const labels = selector.matchers.map((m) => {
        if (m.op !== '=') throw new Error(`series ${selector.metric} has a ${m.op} matcher; give label values`);
        return `${m.label}="${m.value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
      });
      values.forEach((value, minute) => lines.push(`${selector.metric}{${labels.join(',')}} ${value} ${startSeconds + minute * 60}`));
    }
  }
  return `${lines.join('\n')}\n# EOF\n`;
}

/** Level 0: rules over raw series only; level n: rules reading a level n-1 record. */
function ruleLevels(policy: ResolvedPolicy): Map<string, number> {
  const rules = recordingRules(policy);
  const levels = new Map<string, number>();
  const levelOf = (record: string): number => {
    const known = levels.get(record);
    if (known !== undefined) return known;
    const reads = rules.filter((rule) => rule.record === record).flatMap((rule) => selectedMetrics(rule.expr));
    const level = Math.max(-1, ...reads.filter((metric) => metric !== record && rules.some((r) => r.record === metric)).map(levelOf)) + 1;
    levels.set(record, level);
    return level;
  };
  for (const rule of rules) levelOf(rule.record);
  return levels;
}

function selectedMetrics(expr: Expr): string[] {
  switch (expr.kind) {
    case 'selector':
      return [expr.metric];
    case 'number':
    case 'string':
      return [];
    case 'call':
      return expr.args.flatMap(selectedMetrics);
    case 'aggregation':
      return selectedMetrics(expr.expr);
    case 'binary':
      return [...selectedMetrics(expr.lhs), ...selectedMetrics(expr.rhs)];
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
