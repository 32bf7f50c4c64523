/**
 * Compare the planned output with what is on disk: the list `compile --check` prints and the
 * changes a write applies.
 */
import { ownershipOf } from './ownership.js';
import type { ExistingFile } from './tree.js';

export type ChangeStatus = 'missing' | 'outdated' | 'edited-by-hand' | 'extra' | 'hand-written-in-the-way';

export interface Change {
  /** Relative to the output root. */
  path: string;
  status: ChangeStatus;
}

export const CHANGE_DESCRIPTIONS: Record<ChangeStatus, string> = {
  missing: 'missing',
  outdated: 'out of date',
  'edited-by-hand': 'edited by hand (content no longer matches its modelgate-hash)',
  extra: 'no policy produces it any more',
  'hand-written-in-the-way': 'hand-written file (no modelgate header) where modelgate would write; move it away',
};

/**
 * `inScope(source)` says whether modelgate files made from that policy file belong to this run:
 * compiling one policy must not delete another's output.
 */
export function diffTree(
  planned: ReadonlyMap<string, string>,
  existing: ReadonlyMap<string, ExistingFile>,
  inScope: (source: string) => boolean,
): Change[] {
  const changes: Change[] = [];
  for (const [path, content] of planned) {
    const file = existing.get(path);
    const ownership = ownershipOf(path, existing);
    if (!file) changes.push({ path, status: 'missing' });
    else if (ownership.owner === 'hand') changes.push({ path, status: 'hand-written-in-the-way' });
    else if (!ownership.intact) changes.push({ path, status: 'edited-by-hand' });
    else if (!file.bytes.equals(Buffer.from(content, 'utf8'))) changes.push({ path, status: 'outdated' });
  }
  for (const path of existing.keys()) {
    if (planned.has(path)) continue;
    const ownership = ownershipOf(path, existing);
    if (ownership.owner === 'modelgate' && inScope(ownership.source)) changes.push({ path, status: 'extra' });
  }
  return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The output folder after applying `changes`: extras gone, planned files in place, the rest kept. */
export function nextTree(
  planned: ReadonlyMap<string, string>,
  existing: ReadonlyMap<string, ExistingFile>,
  changes: readonly Change[],
): Map<string, ExistingFile> {
  const next = new Map(existing);
  for (const change of changes) if (change.status === 'extra') next.delete(change.path);
  for (const [path, content] of planned) next.set(path, { bytes: Buffer.from(content, 'utf8') });
  return next;
}
