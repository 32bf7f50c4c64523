/**
 * modelgate's folder in the user's cache: `$XDG_CACHE_HOME/modelgate`, else `~/.cache/modelgate`.
 * What lives there is trusted by later runs (the manifest key, compiled code), so it is the user's
 * own (mode 0700), never a shared place such as the tmp folder.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The folder (not created), or null without a cache or home folder. */
export function cacheFolder(env: NodeJS.ProcessEnv = process.env): string | null {
  const cache = env.XDG_CACHE_HOME || (homedir() ? join(homedir(), '.cache') : '');
  return cache ? join(cache, 'modelgate') : null;
}
