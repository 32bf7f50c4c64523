/**
 * Replace the output folder as a whole, so a run's files appear together or not at all, even if
 * the process is killed. The new tree is staged in a sibling folder, then swapped in with two
 * renames; a run killed between them is finished on the next run by `recoverInterruptedWrite`.
 *
 *   1. write `.<out>.modelgate-staging`     killed here: old tree intact, staging deleted later
 *   2. rename out → `.<out>.modelgate-old`  killed here: out missing; recovery renames old back
 *   3. rename staging → out                 killed after: new tree in place; old deleted later
 *   4. delete old
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { isSafeOutputPath } from './output-path.js';
import { lstatOrNull, type ExistingFile } from './tree.js';
import { OutputTreeError } from './tree-error.js';

export function stagingDir(outDir: string): string {
  return join(dirname(resolve(outDir)), `.${basename(resolve(outDir))}.modelgate-staging`);
}

export function previousDir(outDir: string): string {
  return join(dirname(resolve(outDir)), `.${basename(resolve(outDir))}.modelgate-old`);
}

/** Bring the output folder back to a whole tree after a run was killed mid-write. */
export async function recoverInterruptedWrite(outDir: string): Promise<void> {
  const previous = previousDir(outDir);
  if (await lstatOrNull(previous)) {
    if (await lstatOrNull(outDir)) await rm(previous, { recursive: true, force: true });
    else await rename(previous, outDir);
  }
  await rm(stagingDir(outDir), { recursive: true, force: true });
}

/**
 * Refuse an output folder that holds things modelgate must never move: the working directory,
 * the policies, a git repository.
 */
export function assertSafeOutputDir(outDir: string, protectedPaths: readonly string[]): void {
  const out = resolve(outDir);
  for (const path of protectedPaths) {
    const rel = relative(out, resolve(path));
    if (rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep))) {
      throw new OutputTreeError(`output folder ${outDir} contains ${path}; choose a folder of its own, e.g. --out generated`);
    }
  }
}

export async function writeTreeAtomically(outDir: string, tree: ReadonlyMap<string, ExistingFile>): Promise<void> {
  const out = resolve(outDir);
  const staging = stagingDir(out);
  const previous = previousDir(out);
  await recoverInterruptedWrite(out);
  const current = await lstatOrNull(out);
  if (current?.isSymbolicLink()) throw new OutputTreeError(`${outDir} is a symbolic link; modelgate writes only into a real directory`);
  if (await lstatOrNull(join(out, '.git'))) throw new OutputTreeError(`output folder ${outDir} is a git repository root; choose a folder of its own`);

  writeStaging(staging, tree);
  if (current) await rename(out, previous);
  else await mkdir(dirname(out), { recursive: true });
  await rename(staging, out);
  await rm(previous, { recursive: true, force: true });
}

/**
 * Synchronous, each folder made once: the profile of a 1,000-policy compile (13,750 files) spent
 * its write phase idle, awaiting a thread-pool round trip per mkdir, write and chmod.
 */
function writeStaging(staging: string, tree: ReadonlyMap<string, ExistingFile>): void {
  const made = new Set<string>();
  mkdirSync(staging, { recursive: true });
  for (const [path, file] of [...tree].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!isSafeOutputPath(path)) throw new OutputTreeError(`refusing to write outside the output folder: ${JSON.stringify(path)}`);
    const target = join(staging, path);
    const folder = dirname(target);
    if (!made.has(folder)) {
      mkdirSync(folder, { recursive: true });
      made.add(folder);
    }
    writeFileSync(target, file.bytes, { flag: 'wx' });
    chmodSync(target, file.mode);
  }
}
