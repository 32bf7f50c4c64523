/**
 * The platform profile's file: `modelgate.config.yaml` at the project root (src/load/project-root.ts), beside
 * `policies/`. Absent is fine (every field has a default); present but unreadable is not.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from './discover.js';

export const PROFILE_FILE = 'modelgate.config.yaml';

export interface ProfileSource {
  /** Path as diagnostics show it. */
  file: string;
  bytes: Uint8Array;
}

/** The profile at `root`, or null when the repository has none. */
export async function readProfileFile(root: string): Promise<ProfileSource | null> {
  const full = path.join(root, PROFILE_FILE);
  try {
    const bytes = new Uint8Array(await readFile(full));
    const shown = path.relative(process.cwd(), full).split(path.sep).join('/');
    return { file: shown === '' || shown.startsWith('..') ? full : shown, bytes };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new UsageError(`${full}: cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
