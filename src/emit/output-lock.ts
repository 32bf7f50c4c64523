/**
 * One run at a time per output folder. Node has no flock, so the lock is a file created with
 * O_EXCL beside the output folder, holding the holder's pid, host and process start time. A lock
 * whose process is gone (or whose pid now belongs to a later process) is stale and taken over, so
 * a killed run never blocks the next one. A second run on the same host waits for a live holder;
 * one whose holder is on another host (a shared disk), or that waited too long, exits naming it.
 */
import { closeSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { OutputTreeError } from './tree-error.js';

export interface LockHolder {
  pid: number;
  host: string;
  /** Kernel start time of the process (Linux, in clock ticks since boot); null elsewhere. */
  started: string | null;
  command: string;
}

export interface OutputLock {
  /** The previous holder died while holding it: its writes may need recovering. */
  tookOverStale: boolean;
  release(): void;
}

export interface LockOptions {
  /** Said once when the run starts waiting. */
  onWait?: (message: string) => void;
  /** How long to wait for a live holder on this host before giving up. */
  maxWaitMs?: number;
  /** For `--check`: where the lock cannot be created (read-only checkout), go on without it. */
  optional?: boolean;
}

export function lockPath(outDir: string): string {
  return join(dirname(resolve(outDir)), `.${basename(resolve(outDir))}.modelgate-lock`);
}

export async function lockOutput(outDir: string, options: LockOptions = {}): Promise<OutputLock> {
  const path = lockPath(outDir);
  const me: LockHolder = { pid: process.pid, host: hostname(), started: processStart(process.pid), command: process.argv.slice(2).join(' ') };
  const text = `${JSON.stringify(me)}\n`;
  const deadline = Date.now() + (options.maxWaitMs ?? 10 * 60_000);
  let tookOverStale = false;
  let waiting = false;
  if (!options.optional) mkdirSync(dirname(path), { recursive: true });
  for (;;) {
    try {
      const fd = openSync(path, 'wx', 0o644);
      try {
        writeSync(fd, text);
      } finally {
        closeSync(fd);
      }
      return { tookOverStale, release: () => releaseIfOurs(path, text) };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') {
        if (options.optional) return { tookOverStale: false, release: () => {} };
        throw new OutputTreeError(`cannot create the lock ${path}: ${code ?? (error as Error).message}; modelgate needs to write beside the output folder`);
      }
    }
    const holderText = readOrNull(path);
    if (holderText === null) continue;
    const holder = parseHolder(holderText);
    if (holder === null) {
      // A holder that has created the file but not yet written it; give it a moment.
      if (Date.now() > deadline) throw new OutputTreeError(`${path} is not a modelgate lock; delete it if no modelgate run is going on`);
      await sleep(50);
      continue;
    }
    if (holder.host === me.host && !isAlive(holder)) {
      if (takeOverStale(path, holderText)) tookOverStale = true;
      continue;
    }
    const who = `pid ${holder.pid} on ${holder.host}${holder.command ? ` ('modelgate ${holder.command}')` : ''}`;
    if (holder.host !== me.host) {
      throw new OutputTreeError(`another modelgate run holds ${path}: ${who}; wait for it to finish, or delete the file if that run is gone`);
    }
    if (Date.now() > deadline) throw new OutputTreeError(`gave up waiting for ${who}, which holds ${path}`);
    if (!waiting) options.onWait?.(`waiting for the modelgate run ${who} to finish writing ${dirname(path)}/${basename(resolve(outDir))}`);
    waiting = true;
    await sleep(100);
  }
}

function releaseIfOurs(path: string, text: string): void {
  if (readOrNull(path) === text) unlinkSync(path);
}

/**
 * Move the stale file aside and check that what was moved is the stale one: two runs may judge
 * the same lock stale, and the slower one must not remove the lock the faster one just made.
 */
function takeOverStale(path: string, staleText: string): boolean {
  const aside = `${path}.stale-${process.pid}`;
  try {
    renameSync(path, aside);
  } catch {
    return false;
  }
  if (readOrNull(aside) !== staleText) {
    // It was a live lock: put it back (link fails only if yet another run holds the name now).
    try {
      linkSync(aside, path);
    } catch {
      // the name is taken by a live lock again either way
    }
    unlinkSync(aside);
    return false;
  }
  unlinkSync(aside);
  return true;
}

function isAlive(holder: LockHolder): boolean {
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  // The pid exists; after a reboot or wrap-around it may be another process.
  return holder.started === null || processStart(holder.pid) === holder.started;
}

/** Field 22 of /proc/<pid>/stat, after the parenthesised command name (which may hold spaces). */
function processStart(pid: number): string | null {
  const stat = readOrNull(`/proc/${pid}/stat`);
  if (stat === null) return null;
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
}

function parseHolder(text: string): LockHolder | null {
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (typeof value.pid !== 'number' || typeof value.host !== 'string') return null;
    return { pid: value.pid, host: value.host, started: typeof value.started === 'string' ? value.started : null, command: typeof value.command === 'string' ? value.command : '' };
  } catch {
    return null;
  }
}

function readOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
