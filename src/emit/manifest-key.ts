/**
 * This machine's key for sealing manifests. A manifest lets `compile` and `compile --check` skip an
 * unchanged policy without loading it, so a forged one (committed to git, or edited in a pull
 * request to claim stale output matches a changed policy) must never be believed: the key lives
 * outside the repository, in the user's cache folder, and a fresh CI machine has a fresh key, so
 * there every policy is built and compared. Without a usable cache folder there is no key, and
 * nothing is skipped.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheFolder } from '../cache-folder.js';

const KEY_BYTES = 32;

export function manifestKey(env: NodeJS.ProcessEnv = process.env): Uint8Array | null {
  const dir = cacheFolder(env);
  if (!dir) return null;
  const file = join(dir, 'manifest-key');
  try {
    return readKey(file) ?? createKey(dir, file);
  } catch {
    return null;
  }
}

function readKey(file: string): Uint8Array | null {
  try {
    const key = readFileSync(file);
    return key.length === KEY_BYTES ? key : null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Written whole beside its place, then linked in: two first runs at once agree on one key. */
function createKey(dir: string, file: string): Uint8Array | null {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const staged = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(staged, randomBytes(KEY_BYTES), { mode: 0o600, flag: 'wx' });
  try {
    linkSync(staged, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(staged);
  }
  return readKey(file);
}
