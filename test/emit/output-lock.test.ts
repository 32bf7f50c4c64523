/**
 * The output lock: one run at a time per output folder; a lock left by a dead process is taken
 * over; a live holder is waited for on this host and named when it is elsewhere.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lockOutput, lockPath } from '../../src/emit/output-lock.js';
import { OutputTreeError } from '../../src/emit/tree-error.js';

let root: string;
let out: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'modelgate-lock-'));
  out = join(root, 'generated');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** A pid that certainly belonged to a process that has exited. */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}

describe('lockOutput', () => {
  it('creates the lock beside the output folder with pid and host, and removes it on release', async () => {
    const lock = await lockOutput(out);
    const holder = JSON.parse(readFileSync(lockPath(out), 'utf8')) as { pid: number; host: string };
    expect(holder).toMatchObject({ pid: process.pid, host: hostname() });
    expect(lock.tookOverStale).toBe(false);
    lock.release();
    expect(existsSync(lockPath(out))).toBe(false);
  });

  it('takes over a lock whose process is gone, and says so', async () => {
    writeFileSync(lockPath(out), `${JSON.stringify({ pid: deadPid(), host: hostname(), started: null, command: 'compile' })}\n`);
    const lock = await lockOutput(out);
    expect(lock.tookOverStale).toBe(true);
    expect(JSON.parse(readFileSync(lockPath(out), 'utf8'))).toMatchObject({ pid: process.pid });
    lock.release();
  });

  it('takes over a lock whose pid now belongs to a later process', async () => {
    writeFileSync(lockPath(out), `${JSON.stringify({ pid: process.pid, host: hostname(), started: 'not-the-start-time', command: 'compile' })}\n`);
    const lock = await lockOutput(out);
    expect(lock.tookOverStale).toBe(true);
    lock.release();
  });

  it('waits for a live holder on this host, saying whom it waits for, and goes on once it is released', async () => {
    const first = await lockOutput(out);
    const messages: string[] = [];
    const second = lockOutput(out, { onWait: (message) => messages.push(message) });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(`pid ${process.pid} on ${hostname()}`);
    first.release();
    const lock = await second;
    expect(JSON.parse(readFileSync(lockPath(out), 'utf8'))).toMatchObject({ pid: process.pid });
    lock.release();
  });

  it('exits naming the holder when it runs on another host, leaving its lock alone', async () => {
    const text = `${JSON.stringify({ pid: 4242, host: 'build-agent-7', started: null, command: 'compile policies' })}\n`;
    writeFileSync(lockPath(out), text);
    await expect(lockOutput(out)).rejects.toThrow(OutputTreeError);
    await expect(lockOutput(out)).rejects.toThrow(/pid 4242 on build-agent-7 \('modelgate compile policies'\)/);
    expect(readFileSync(lockPath(out), 'utf8')).toBe(text);
  });

  it('gives up after the longest wait, naming the holder', async () => {
    const first = await lockOutput(out);
    await expect(lockOutput(out, { maxWaitMs: 0 })).rejects.toThrow(new RegExp(`gave up waiting for pid ${process.pid}`));
    first.release();
  });
});
