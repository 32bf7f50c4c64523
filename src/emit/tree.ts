/**
 * Read the output folder as it is, without ever following a symlink: a link inside `generated/`
 * could point anywhere, so its presence stops the run instead. Policy folders are read one at a
 * time (`readFolder`), so a run never holds more than one folder's old files.
 */
import { lstatSync, readdirSync, readFileSync, type Dirent, type Stats } from 'node:fs';
import { join } from 'node:path';
import { OutputTreeError } from './tree-error.js';
import { MANIFEST_FILE, isBookkeeping } from './manifest.js';

export interface ExistingFile {
  bytes: Buffer;
  /** Permission bits; read by `readTree` only (the hot path needs no lstat per file). */
  mode?: number;
}

/**
 * Every regular file under `root`, keyed by its `/`-separated path relative to `root`: the output
 * as git and Argo CD see it, so without modelgate's own bookkeeping (manifests, a killed run's
 * staged files and journals).
 */
export function readTree(root: string): Map<string, ExistingFile> {
  const files = new Map<string, ExistingFile>();
  if (assertRealFolder(root)) walk(root, '', files, true);
  return files;
}

export interface OutputFolderFiles {
  /** The folder's files, without modelgate's bookkeeping (which is not read). */
  files: Map<string, ExistingFile>;
  /** A journal or a staged file is there: a run was killed while writing this folder. */
  interrupted: boolean;
  /** The folder and every folder under it, relative to `root`: `stageFolder` need not make them. */
  folders: Set<string>;
}

/**
 * The files of one policy folder (`namespace/name`), keyed relative to `root`; empty when the
 * folder does not exist. `listed`: `policyFolders` has just seen it as a real directory, so it is
 * not looked at once more.
 */
export function readFolder(root: string, folder: string, listed = false): OutputFolderFiles {
  const found: OutputFolderFiles = { files: new Map(), interrupted: false, folders: new Set() };
  if (listed || assertRealFolder(join(root, folder))) walk(root, folder, found.files, false, found);
  return found;
}

/**
 * The `namespace/name` folders that exist under `root`. Anything else at those two levels is not
 * modelgate's and is left alone. Types come from the listings (d_type), as in `walk`.
 */
export function policyFolders(root: string): string[] {
  const folders: string[] = [];
  if (!assertRealFolder(root)) return folders;
  for (const namespace of sortedEntries(root)) {
    if (!isRealFolder(root, namespace)) continue;
    const dir = `${root}/${namespace.name}`;
    for (const name of sortedEntries(dir)) if (isRealFolder(dir, name)) folders.push(`${namespace.name}/${name.name}`);
  }
  return folders;
}

/** True for a real directory, false when absent (or, with `filesAllowed`, a file); a link throws. */
function assertRealFolder(path: string, filesAllowed = false): boolean {
  const stat = lstatOrNull(path);
  if (stat === null) return false;
  if (stat.isSymbolicLink()) throw new OutputTreeError(linkMessage(path));
  if (stat.isDirectory()) return true;
  if (filesAllowed) return false;
  throw new OutputTreeError(`${path} exists and is not a directory`);
}

/** `assertRealFolder` for an entry of a listing: no lstat unless the file system gave no type. */
function isRealFolder(dir: string, entry: Dirent): boolean {
  const type = typeOf(dir, entry);
  if (type.isSymbolicLink()) throw new OutputTreeError(linkMessage(`${dir}/${entry.name}`));
  return type.isDirectory();
}

function typeOf(dir: string, entry: Dirent): Dirent | Stats {
  return entry.isFile() || entry.isDirectory() || entry.isSymbolicLink() ? entry : lstatSync(`${dir}/${entry.name}`);
}

function sortedEntries(dir: string): Dirent[] {
  return readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function linkMessage(path: string): string {
  return `${path} is a symbolic link; modelgate never follows links in its output folder - replace it with a real file or directory`;
}

/**
 * Synchronous on purpose: the profile of `compile --check` on 1,000 policies (13,000 files) was
 * mostly idle, awaiting one thread-pool round trip per lstat and per read. The entry types come
 * from the directory listing (d_type), so a file costs no lstat of its own; only a file system
 * that does not report types gets one. Bookkeeping files are noted, not read: the manifest is
 * read once by itself (src/compile/run.ts), staged files and journals only by recovery.
 */
function walk(root: string, prefix: string, files: Map<string, ExistingFile>, withModes: boolean, found?: OutputFolderFiles): void {
  const dir = prefix === '' ? root : `${root}/${prefix}`;
  found?.folders.add(prefix);
  for (const entry of sortedEntries(dir)) {
    const relative = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    const full = `${dir}/${entry.name}`;
    const type = typeOf(dir, entry);
    if (type.isSymbolicLink()) throw new OutputTreeError(linkMessage(full));
    if (type.isDirectory()) walk(root, relative, files, withModes, found);
    else if (!type.isFile()) throw new OutputTreeError(`${full} is neither a file nor a directory`);
    else if (isBookkeeping(entry.name)) {
      if (found && entry.name !== MANIFEST_FILE) found.interrupted = true;
    } else files.set(relative, withModes ? { bytes: readFileSync(full), mode: lstatSync(full).mode & 0o7777 } : { bytes: readFileSync(full) });
  }
}

export function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
