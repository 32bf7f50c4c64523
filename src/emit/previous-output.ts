/**
 * The output folder as the targets read their previous output (`Target.build`'s `previous`):
 * a file's body below modelgate's header, null when the file is absent or not modelgate's.
 * `validate` checks a release against it, and `rollback` reads which withdrawn candidates it
 * still carries.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { bodyBelowHeader } from './header.js';

export function previousOutputIn(outDir: string): (file: string) => string | null {
  return (file) => {
    try {
      return bodyBelowHeader(readFileSync(path.join(outDir, file), 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
      throw error;
    }
  };
}
