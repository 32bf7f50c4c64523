/**
 * Read the output folder as it is, without ever following a symlink: a link inside `generated/`
 * could point anywhere, so its presence stops the run instead.
 */
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OutputTreeError } from './tree-error.js';

export interface ExistingFile {
  bytes: Buffer;
  mode: number;
}

/** Every regular file under `root`, keyed by its `/`-separated path relative to `root`. */
export async function readTree(root: string): Promise<Map<string, ExistingFile>> {
  const files = new Map<string, ExistingFile>();
  const stat = await lstatOrNull(root);
  if (stat === null) return files;
  if (stat.isSymbolicLink()) throw new OutputTreeError(`${root} is a symbolic link; modelgate writes only into a real directory`);
  if (!stat.isDirectory()) throw new OutputTreeError(`${root} exists and is not a directory`);
  await walk(root, '', files);
  return files;
}

async function walk(root: string, prefix: string, files: Map<string, ExistingFile>): Promise<void> {
  const names = (await readdir(join(root, prefix))).sort();
  for (const name of names) {
    const relative = prefix === '' ? name : `${prefix}/${name}`;
    const full = join(root, relative);
    const stat = await lstat(full);
    if (stat.isSymbolicLink()) {
      throw new OutputTreeError(`${full} is a symbolic link; modelgate never follows links in its output folder — replace it with a real file or directory`);
    }
    if (stat.isDirectory()) await walk(root, relative, files);
    else if (stat.isFile()) files.set(relative, { bytes: await readFile(full), mode: stat.mode & 0o7777 });
    else throw new OutputTreeError(`${full} is neither a file nor a directory`);
  }
}

export async function lstatOrNull(path: string): Promise<Awaited<ReturnType<typeof lstat>> | null> {
  try {
    return await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
