/**
 * Bring the output folder in line with the planned files (`write`), or only report how it differs
 * (`check`). Hand-written files are never overwritten: one in the way stops the write.
 */
import { headerSourceName } from './header.js';
import { diffTree, nextTree, type Change } from './diff.js';
import { readTree, type ExistingFile } from './tree.js';
import { OutputTreeError } from './tree-error.js';
import { recoverInterruptedWrite, writeTreeAtomically } from './write.js';

export interface SyncResult {
  changes: Change[];
  written: boolean;
}

export async function syncOutput(
  outDir: string,
  planned: ReadonlyMap<string, string>,
  inScope: (source: string) => boolean,
  mode: 'write' | 'check',
  /** The tree as the caller already read it (after recovery when writing), so it is read once. */
  alreadyRead?: ReadonlyMap<string, ExistingFile>,
): Promise<SyncResult> {
  // `check` writes nothing, so it reports a killed run's leftovers as they are; `write` first
  // restores the whole old tree.
  if (mode === 'write' && !alreadyRead) await recoverInterruptedWrite(outDir);
  const existing = alreadyRead ?? (await readTree(outDir));
  const changes = diffTree(planned, existing, inScope);
  if (mode === 'check' || changes.length === 0) return { changes, written: false };
  const blocked = changes.filter((change) => change.status === 'hand-written-in-the-way');
  if (blocked.length > 0) {
    throw new OutputTreeError(`hand-written files (no modelgate header) are where modelgate would write; move them away: ${blocked.map((c) => c.path).join(', ')}`);
  }
  await writeTreeAtomically(outDir, nextTree(planned, existing, changes));
  return { changes, written: true };
}

/**
 * Which modelgate files a run owns: those made from one of its policy files or from a file
 * under one of its policy folders, so compiling one policy never deletes another's output while
 * compiling a folder removes the output of a policy deleted from it.
 */
export function scopeOf(sourcePaths: readonly string[]): (source: string) => boolean {
  const prefixes = sourcePaths.map((path) => headerSourceName(path.replace(/\/+$/, '')));
  return (source) => prefixes.some((prefix) => prefix === '' || prefix === '.' || source === prefix || source.startsWith(`${prefix}/`));
}
