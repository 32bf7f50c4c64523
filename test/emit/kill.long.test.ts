/**
 * SIGKILL at random moments while policy folders are being rewritten: after recovery every folder
 * holds exactly one run's files, with the manifest of that run, never a mix. Runs the compiled
 * writer (dist/, built by `npm test`) in a child process that rewrites seven folders from one
 * content to the other, as compile does (stage all, then commit each), until it is killed.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JOURNAL_FILE, MANIFEST_FILE, STAGED_SUFFIX } from '../../src/emit/manifest.js';
import { readTree } from '../../src/emit/tree.js';
import { recoverInterruptedWrite } from '../../src/emit/write.js';
import { repoRoot } from '../support/tools.js';

const writer = join(repoRoot, 'dist', 'emit', 'write.js');
const built = existsSync(writer);
if (!built) {
  if (process.env.CI) throw new Error(`${writer} is missing; run tsc before the tests (npm test does)`);
  process.stderr.write(`\n*** SKIPPING kill test: ${writer} is missing; run 'npx tsc -p .' first ***\n\n`);
}

const FOLDERS = 7;
const childScript = (out: string): string => `
  const { stageFolder, commitFolder } = await import(${JSON.stringify(pathToFileURL(writer).href)});
  const updates = (label) => Array.from({ length: ${FOLDERS} }, (_, f) => ({
    folder: 'ns/p' + f,
    write: new Map(Array.from({ length: 30 }, (_, i) => ['ns/p' + f + '/d' + (i % 3) + '/f' + i + '.yaml', label + ' ' + i + '\\n'])),
    delete: [],
    manifest: label + '\\n',
  }));
  const write = (label) => {
    const all = updates(label);
    for (const update of all) stageFolder(${JSON.stringify(out)}, update);
    for (const update of all) commitFolder(${JSON.stringify(out)}, update);
  };
  write('A');
  process.stdout.write('ready\\n');
  for (let i = 1; ; i++) write(i % 2 ? 'B' : 'A');
`;

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'modelgate-kill-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function killWhileWriting(out: string, delayMs: number): Promise<void> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', childScript(out)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => setTimeout(() => child.kill('SIGKILL'), delayMs));
    child.once('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`writer exited with ${code}`))));
  });
}

describe.skipIf(!built)('SIGKILL during a write', () => {
  it('leaves every policy folder fully old or fully new, its manifest matching, after recovery', async () => {
    const out = join(root, 'generated');
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 150 }), async (delayMs) => {
        await killWhileWriting(out, delayMs);
        recoverInterruptedWrite(out);
        const tree = readTree(out);
        expect(tree.size).toBe(FOLDERS * 30);
        for (let f = 0; f < FOLDERS; f++) {
          const labels = new Set([...tree].filter(([path]) => path.startsWith(`ns/p${f}/`)).map(([, file]) => file.bytes.toString('utf8').split(' ')[0]));
          expect(labels.size, `ns/p${f} is a mix of two runs`).toBe(1);
          expect(readFileSync(join(out, `ns/p${f}`, MANIFEST_FILE), 'utf8'), `ns/p${f}: the manifest does not describe the folder`).toBe(`${[...labels][0]}\n`);
        }
      }),
      { numRuns: 12, seed: 8 },
    );
  });
});
