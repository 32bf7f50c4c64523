/**
 * Read the output folder as it is, without ever following a symlink: a link inside `generated/`
 * could point anywhere, so its presence stops the run instead. Policy folders are read one at a
 * time (`readFolder`), so a run never holds more than one folder's old files.
 */
import { lstatSync, readdirSync, readFileSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { OutputTreeError } from './tree-error.js';
import { isBookkeeping } from './manifest.js';

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
  for (const path of [...files.keys()]) if (isBookkeeping(path.slice(path.lastIndexOf('/') + 1))) files.delete(path);
  return files;
}

/**
 * The files of one policy folder (`namespace/name`), keyed relative to `root`; empty when the
 * folder does not exist.
 */
export function readFolder(root: string, folder: string): Map<string, ExistingFile> {
  const files = new Map<string, ExistingFile>();
  if (assertRealFolder(join(root, folder))) walk(root, folder, files);
  return files;
}

/**
 * The `namespace/name` folders that exist under `root`. Anything else at those two levels is not
 * modelgate's and is left alone.
 */
export function policyFolders(root: string): string[] {
  const folders: string[] = [];
  if (!assertRealFolder(root)) return folders;
  for (const namespace of readdirSync(root).sort()) {
    if (!assertRealFolder(join(root, namespace), true)) continue;
    for (const name of readdirSync(join(root, namespace)).sort()) {
      if (assertRealFolder(join(root, namespace, name), true)) folders.push(`${namespace}/${name}`);
    }
  }
  return folders;
}

/** True for a real directory, false when absent (or, with `filesAllowed`, a file); a link throws. */
function assertRealFolder(path: string, filesAllowed = false): boolean {
  const stat = lstatOrNull(path);
  if (stat === null) return false;
  if (stat.isSymbolicLink()) throw new OutputTreeError(`${path} is a symbolic link; modelgate never follows links in its output folder - replace it with a real file or directory`);
  if (stat.isDirectory()) return true;
  if (filesAllowed) return false;
  throw new OutputTreeError(`${path} exists and is not a directory`);
}

/**
 * Synchronous on purpose: the profile of `compile --check` on 1,000 policies (13,000 files) was
 * mostly idle, awaiting one thread-pool round trip per lstat and per read. The entry types come
 * from the directory listing (d_type), so a file costs no lstat of its own; only a file system
 * that does not report types gets one.
 */
function walk(root: string, prefix: string, files: Map<string, ExistingFile>, withModes = false): void {
  const entries = readdirSync(join(root, prefix), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const relative = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    const full = join(root, relative);
    const type = entry.isFile() || entry.isDirectory() || entry.isSymbolicLink() ? entry : lstatSync(full);
    if (type.isSymbolicLink()) {
      throw new OutputTreeError(`${full} is a symbolic link; modelgate never follows links in its output folder - replace it with a real file or directory`);
    }
    if (type.isDirectory()) walk(root, relative, files, withModes);
    else if (type.isFile()) files.set(relative, withModes ? { bytes: readFileSync(full), mode: lstatSync(full).mode & 0o7777 } : { bytes: readFileSync(full) });
    else throw new OutputTreeError(`${full} is neither a file nor a directory`);
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
