/**
 * modelgate versions that swapped the whole tree, killed between their two renames, left
 * `generated/` parked beside its place. The next compile must judge the release against that
 * parked tree (the config TF Serving runs), not against an empty folder: otherwise the
 * label-order safety check silently passes.
 */
import { cp, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/compile.js';
import { repoRoot } from '../support/tools.js';
import { candidate43 } from '../support/fraud-detector-edits.js';

let root: string;
let stdout: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'modelgate-after-kill-'));
  await cp(join(repoRoot, 'policies'), join(root, 'policies'), { recursive: true });
  // The examples are written for the repository's platform profile (storage credentials, GPU, requests).
  await cp(join(repoRoot, 'modelgate.config.yaml'), join(root, 'modelgate.config.yaml'));
  // The examples are running already (their Rollouts exist): a new policy may not name a candidate.
  await cp(join(repoRoot, 'generated'), join(root, 'generated'), { recursive: true });
  stdout = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(root, { recursive: true, force: true });
});

it('an unsafe TF Serving label move is refused after a run killed between the renames', async () => {
  const out = join(root, 'generated');
  expect(await run([join(root, 'policies'), '--out', out])).toBe(0);
  // What a SIGKILL between `rename(out, old)` and `rename(staging, out)` leaves behind.
  await rename(out, join(root, '.generated.modelgate-old'));
  const file = join(root, 'policies', 'fraud-detector.yaml');
  const text = await readFile(file, 'utf8');
  await writeFile(file, candidate43(text));

  expect(await run([join(root, 'policies'), '--out', out])).toBe(1);
  expect(stdout).toContain('error [tfserving-label-order]');
});
