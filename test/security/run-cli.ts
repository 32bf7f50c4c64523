/**
 * Run the built CLI as users run it (package.json's `bin`: the bundle `npm run build` makes, which
 * `npm test` runs first) in a child process with a hang guard and, when asked, a heap cap — so a
 * test can bound time and memory without asserting on timing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../support/tools.js';

export const cliMain = join(repoRoot, (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { bin: { modelgate: string } }).bin.modelgate);

/** Whether dist/ is built; missing → loud skip, or a failure under CI. */
export function requireBuiltCli(): boolean {
  if (existsSync(cliMain)) return true;
  if (process.env.CI) throw new Error(`${cliMain} is missing; run \`npm run build\` before the tests (npm test does)`);
  process.stderr.write(`\n*** SKIPPING CLI tests: ${cliMain} is missing; run 'npm run build' first ***\n\n`);
  return false;
}

export interface CliRun {
  /** null when killed by the hang guard or the heap cap. */
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], options: { cwd: string; timeoutMs?: number; maxOldSpaceMb?: number }): CliRun {
  const heap = options.maxOldSpaceMb ? [`--max-old-space-size=${options.maxOldSpaceMb}`] : [];
  const result = spawnSync(process.execPath, [...heap, cliMain, ...args], {
    cwd: options.cwd,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 30_000,
    killSignal: 'SIGKILL',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, MODELGATE_DEBUG: '' },
  });
  return { status: result.status, signal: result.signal, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

/** A JavaScript stack frame, which a user must never see. */
export const STACK_FRAME = /^\s+at .+(:\d+:\d+\)?|\(native\)|\(<anonymous>\))$/m;
