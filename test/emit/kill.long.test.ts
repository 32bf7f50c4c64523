/**
 * SIGKILL at random moments while the output folder is being replaced: after recovery it holds
 * exactly one whole tree, never a mix. Runs the compiled writer (dist/, built by `npm test`) in a
 * child process that swaps two trees back and forth until it is killed.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readTree } from '../../src/emit/tree.js';
import { recoverInterruptedWrite } from '../../src/emit/write.js';
import { repoRoot } from '../support/tools.js';

const writer = join(repoRoot, 'dist', 'emit', 'write.js');
const built = existsSync(writer);
if (!built) {
  if (process.env.CI) throw new Error(`${writer} is missing; run tsc before the tests (npm test does)`);
  process.stderr.write(`\n*** SKIPPING kill test: ${writer} is missing; run 'npx tsc -p .' first ***\n\n`);
}

function treeSource(label: string): string {
  return `new Map(Array.from({ length: 200 }, (_, i) => [\`ns/p\${i % 7}/f\${i}.yaml\`, { bytes: Buffer.from('${label} ' + i + '\\n'), mode: 0o644 }]))`;
}
const childScript = (out: string): string => `
  const { writeTreeAtomically } = await import(${JSON.stringify(pathToFileURL(writer).href)});
  const trees = [${treeSource('A')}, ${treeSource('B')}];
  await writeTreeAtomically(${JSON.stringify(out)}, trees[0]);
  process.stdout.write('ready\\n');
  for (let i = 1; ; i++) await writeTreeAtomically(${JSON.stringify(out)}, trees[i % 2]);
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
  it('leaves the folder fully old or fully new after recovery', async () => {
    const out = join(root, 'generated');
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 150 }), async (delayMs) => {
        await killWhileWriting(out, delayMs);
        await recoverInterruptedWrite(out);
        const contents = [...(await readTree(out)).values()].map((file) => file.bytes.toString('utf8').split(' ')[0]);
        expect(contents).toHaveLength(200);
        expect(new Set(contents).size, 'a mix of two runs').toBe(1);
      }),
      { numRuns: 12, seed: 8 },
    );
  });
});
