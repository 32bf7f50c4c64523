/**
 * The bin exits as soon as its output is written (src/cli/main.ts exitWhenWritten), not when the
 * event loop drains. Output larger than a pipe's buffer must still arrive whole: the same command
 * through a pipe gives the bytes it writes to a regular file, whose writes are synchronous.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error the benchmark's generator is plain JavaScript
import { writePolicySet } from '../../bench/policy-set.mjs';
import { cliMain, requireBuiltCli, runCli } from '../security/run-cli.js';

const project = mkdtempSync(join(tmpdir(), 'modelgate-exit-'));
afterAll(() => rmSync(project, { recursive: true, force: true }));

describe.runIf(requireBuiltCli())('exit once the output is written', () => {
  it('delivers more than a pipe buffer of findings whole, byte for byte what a file gets', () => {
    writePolicySet(project, 400);
    const piped = runCli(['validate', '--format', 'json'], { cwd: project, timeoutMs: 120_000 });
    const toFile = join(project, 'findings.json');
    const redirected = spawnSync('/bin/sh', ['-c', `"${process.execPath}" "${cliMain}" validate --format json > findings.json`], { cwd: project, timeout: 120_000 });
    expect(redirected.status).toBe(piped.status);
    const expected = readFileSync(toFile, 'utf8');
    expect(Buffer.byteLength(expected)).toBeGreaterThan(4 * 65_536);
    expect(piped.stdout).toBe(expected);
    expect(() => JSON.parse(piped.stdout)).not.toThrow();
  });
});
