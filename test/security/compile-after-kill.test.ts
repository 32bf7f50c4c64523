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

let root: string;
let stdout: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'modelgate-after-kill-'));
  await cp(join(repoRoot, 'policies'), join(root, 'policies'), { recursive: true });
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
  // Version 43 records the offline metrics the policy's error check needs, so only the label order is wrong.
  const info43 = '      "43": { offlineMetrics: { auc: 0.95, recall_at_1pct_fpr: 0.66 } }\n';
  await writeFile(
    file,
    text
      .replace('    candidate: 42\n', '    candidate: 43\n')
      .replace('    previous: [40, 39]\n', '    previous: [42, 40, 39]\n')
      .replace(/( {6}"42": .*\n)/, `$1${info43}`),
  );

  expect(await run([join(root, 'policies'), '--out', out])).toBe(1);
  expect(stdout).toContain('error [tfserving-label-order]');
});
