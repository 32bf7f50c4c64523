/** An output tree grouped by policy folder (`namespace/name`), for tests that judge folders whole. */
import type { ExistingFile } from '../../src/emit/tree.js';

export function byFolder(tree: ReadonlyMap<string, ExistingFile>): Map<string, Map<string, ExistingFile>> {
  const folders = new Map<string, Map<string, ExistingFile>>();
  for (const [file, content] of tree) {
    const folder = file.split('/').slice(0, 2).join('/');
    if (!folders.has(folder)) folders.set(folder, new Map());
    folders.get(folder)!.set(file, content);
  }
  return folders;
}
