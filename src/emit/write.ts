/**
 * Update the output one policy folder at a time, touching only the files modelgate owns: each
 * folder ends up with its whole old content or its whole new content, even when the run is
 * killed, and hand-written files and folders beside them keep their bytes, modes, owner, mtime
 * and links because nothing else is ever moved, copied or rebuilt.
 *
 *   stage:   write each new or changed file as `<file>.modelgate-new`    killed: old content;
 *            (all folders of the run, before any is committed)           the next run removes them
 *   commit:  per folder, create `.modelgate-journal` (the list of renames,
 *            deletes and the new manifest) with one rename                  — the commit point
 *   apply:   rename each staged file into place, delete what is gone,    killed: the next run
 *            write the manifest, remove the journal                      replays the journal
 *
 * A run that fails before the commit (a hand-written file in the way, a full disk, a read-only
 * folder) removes what it staged and leaves every folder as it was.
 */
import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, posix, relative, resolve, sep, basename } from 'node:path';
import { JOURNAL_FILE, MANIFEST_FILE, STAGED_SUFFIX } from './manifest.js';
import { isSafeOutputPath } from './output-path.js';
import { lstatOrNull, policyFolders } from './tree.js';
import { OutputTreeError } from './tree-error.js';


export interface FolderUpdate {
  /** `namespace/name`, relative to the output root. */
  folder: string;
  /** Paths relative to the output root → new content. */
  write: Map<string, string>;
  delete: string[];
  /** The folder's new manifest, or null when no policy owns the folder any more. */
  manifest: string | null;
  /** Folders `stageFolder` had to make, removed again by `discardStaged` when they stay empty. */
  madeFolders?: string[];
}

interface Journal {
  write: string[];
  delete: string[];
  manifest: string | null;
}

/**
 * Write the update's files beside their places; nothing visible changes yet. A folder is made
 * once, and not at all when it is among `existingFolders` (paths relative to the output root, as
 * the run's read of the policy folder just saw them). Files are created with mode 0644; a umask that takes bits from that (seen on the first
 * file) costs a chmod per file, so every output file has the same mode whoever runs compile.
 */
export function stageFolder(outDir: string, update: FolderUpdate, existingFolders: ReadonlySet<string> = new Set()): void {
  update.madeFolders = [];
  const ensured = new Set(existingFolders);
  let chmodNeeded: boolean | undefined;
  for (const [path, content] of update.write) {
    const target = safeTarget(outDir, path);
    const dir = posix.dirname(path);
    if (!ensured.has(dir)) {
      const made = mkdirSync(dirname(target), { recursive: true });
      if (made !== undefined) update.madeFolders.push(relative(resolve(outDir), made).split(sep).join('/'));
      ensured.add(dir);
    }
    const staged = `${target}${STAGED_SUFFIX}`;
    writeNew(staged, content);
    chmodNeeded ??= (lstatSync(staged).mode & 0o777) !== 0o644;
    if (chmodNeeded) chmodSync(staged, 0o644);
  }
}

/** Remove what `stageFolder` wrote, after a failure before the commit. */
export function discardStaged(outDir: string, update: FolderUpdate): void {
  // Committed: the staged files are the journal's to move, now or by the next run's recovery.
  if (lstatOrNull(join(outDir, update.folder, JOURNAL_FILE))) return;
  for (const path of update.write.keys()) rmSync(`${safeTarget(outDir, path)}${STAGED_SUFFIX}`, { force: true });
  const made = update.madeFolders ?? [];
  const ours = (dir: string) => made.some((top) => dir === top || dir.startsWith(`${top}/`));
  for (const path of update.write.keys()) {
    for (let dir = dirname(path); ours(dir); dir = dirname(dir)) {
      try {
        rmdirSync(join(outDir, dir));
      } catch {
        break;
      }
    }
  }
}

export function commitFolder(outDir: string, update: FolderUpdate): void {
  const journal: Journal = { write: [...update.write.keys()], delete: update.delete, manifest: update.manifest };
  const path = join(outDir, update.folder, JOURNAL_FILE);
  // Staging made the folder; an update that stages nothing changes a folder that is there.
  if (update.write.size === 0) mkdirSync(dirname(path), { recursive: true });
  writeAtomically(path, `${JSON.stringify(journal)}\n`);
  applyJournal(outDir, update.folder, journal, false);
}

/**
 * Idempotent: a replay after a kill part-way through finds some steps already done, so it moves
 * only staged files that are there and regular files, and deletes only regular files. Right
 * after staging (`replay` false) this run has just written each staged file itself (`wx`, never
 * through anything there) and read each file to delete as a regular file, so neither is looked
 * at again; a file gone meanwhile is gone either way.
 */
function applyJournal(outDir: string, folder: string, journal: Journal, replay: boolean): void {
  for (const path of journal.write) {
    const target = safeTarget(outDir, path);
    if (!replay || lstatOrNull(`${target}${STAGED_SUFFIX}`)?.isFile()) renameSync(`${target}${STAGED_SUFFIX}`, target);
  }
  for (const path of journal.delete) {
    const target = safeTarget(outDir, path);
    if (!replay) unlinkUnlessGone(target);
    else if (lstatOrNull(target)?.isFile()) unlinkSync(target);
  }
  const manifest = join(outDir, folder, MANIFEST_FILE);
  if (journal.manifest === null) rmSync(manifest, { force: true });
  else writeAtomically(manifest, journal.manifest);
  unlinkSync(join(outDir, folder, JOURNAL_FILE));
  if (journal.delete.length > 0) removeEmptiedFolders(outDir, journal.delete);
}

function unlinkUnlessGone(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/**
 * Folders that held only files this update deleted go too (a deleted policy's folder); a folder
 * that still holds anything, including an empty folder someone made, stays.
 */
function removeEmptiedFolders(outDir: string, deleted: readonly string[]): void {
  const folders = new Set<string>();
  for (const path of deleted) {
    for (let dir = dirname(path); dir !== '.'; dir = dirname(dir)) folders.add(dir);
  }
  for (const dir of [...folders].sort((a, b) => b.length - a.length)) {
    try {
      rmdirSync(join(outDir, dir));
    } catch {
      // not empty, or already gone
    }
  }
}

/**
 * Finish or undo the writes of a run that was killed: a folder with a journal is brought to its
 * new content, staged files without one are removed. Also brings back an output folder parked by
 * modelgate versions that swapped the whole tree (`.<out>.modelgate-old`), when it is a real
 * folder and the output folder is gone; a link there is never followed or moved into place.
 */
export function recoverInterruptedWrite(outDir: string): void {
  recoverParkedOutput(outDir);
  const out = resolve(outDir);
  if (lstatOrNull(out)?.isDirectory()) for (const folder of policyFolders(out)) recoverFolder(out, folder);
}

/**
 * The whole-tree part of recovery: the output folder parked by older versions and their staging
 * folder. `compile` runs this first and `recoverFolder` on each policy folder only when listing it
 * shows a journal or a staged file, so a run after a clean one pays no second walk of the tree.
 */
export function recoverParkedOutput(outDir: string): void {
  const out = resolve(outDir);
  const parked = join(dirname(out), `.${basename(out)}.modelgate-old`);
  const parkedStat = lstatOrNull(parked);
  if (parkedStat) {
    if (!parkedStat.isDirectory()) throw new OutputTreeError(`${parked} is left from an interrupted run of an older modelgate but is not a folder; move it away`);
    if (lstatOrNull(out) === null) renameSync(parked, out);
    else rmSync(parked, { recursive: true, force: true });
  }
  const staging = join(dirname(out), `.${basename(out)}.modelgate-staging`);
  const stagingStat = lstatOrNull(staging);
  if (stagingStat?.isDirectory()) rmSync(staging, { recursive: true, force: true });
}

/** One policy folder's interrupted write: a journal is replayed, staged files without one are removed. */
export function recoverFolder(outDir: string, folder: string): void {
  recoverUnder(resolve(outDir), folder);
}

function recoverUnder(outDir: string, prefix: string): void {
  let entries = readdirSync(join(outDir, prefix), { withFileTypes: true });
  if (entries.some((entry) => entry.name === JOURNAL_FILE)) {
    const journal = JSON.parse(readFileSync(join(outDir, prefix, JOURNAL_FILE), 'utf8')) as Journal;
    applyJournal(outDir, prefix, journal, true);
    if (lstatOrNull(join(outDir, prefix)) === null) return;
    entries = readdirSync(join(outDir, prefix), { withFileTypes: true });
  }
  for (const entry of entries) {
    const relativePath = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    // Types from the listing (d_type); lstat only where the file system does not give one.
    const type = entry.isFile() || entry.isDirectory() || entry.isSymbolicLink() ? entry : lstatSync(join(outDir, relativePath));
    if (type.isDirectory()) recoverUnder(outDir, relativePath);
    else if (type.isFile() && entry.name.endsWith(STAGED_SUFFIX)) unlinkSync(join(outDir, relativePath));
  }
}

/**
 * Refuse an output folder that holds things modelgate must never touch: the working directory,
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
  if (lstatOrNull(join(out, '.git'))) throw new OutputTreeError(`output folder ${outDir} is a git repository root; choose a folder of its own`);
}

/** Same folder, then rename: never seen half-written, and a link at `path` is replaced, not followed. */
function writeAtomically(path: string, content: string): void {
  const staged = `${path}${STAGED_SUFFIX}`;
  writeNew(staged, content);
  renameSync(staged, path);
}

/**
 * Create `path`, never writing through what is there: 'wx' refuses anything (a leftover, a planted
 * link, even a dangling one), which is then removed and the file created afresh. Trying first
 * spares the usual case a removal (rmSync was 4% of a fresh compile's CPU).
 */
function writeNew(path: string, content: string): void {
  try {
    writeFileSync(path, content, { flag: 'wx', mode: 0o644 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    rmSync(path, { force: true });
    writeFileSync(path, content, { flag: 'wx', mode: 0o644 });
  }
}

function safeTarget(outDir: string, path: string): string {
  if (!isSafeOutputPath(path)) throw new OutputTreeError(`refusing to write outside the output folder: ${JSON.stringify(path)}`);
  return join(outDir, path);
}
