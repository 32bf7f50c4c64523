/**
 * Turn the paths a user typed into policy files: files as given, directories searched for
 * `*.yaml`/`*.yml`. The order is sorted so every run reports and compiles the same way.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

/** A mistake in how modelgate was called, or an input it cannot read: exit code 2, no stack. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const POLICY_FILE = /\.ya?ml$/i;

export async function readPolicyFiles(paths: string[]): Promise<Array<{ file: string; bytes: Uint8Array }>> {
  const files = new Set<string>();
  for (const given of paths) {
    for (const file of await policyFilesUnder(toPosix(given))) files.add(file);
  }
  const sorted = [...files].sort();
  return Promise.all(sorted.map(async (file) => ({ file, bytes: await readBytes(file) })));
}

async function readBytes(file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(file));
  } catch (error) {
    throw new UsageError(`${file}: cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

async function policyFilesUnder(given: string): Promise<string[]> {
  let info;
  try {
    info = await stat(given);
  } catch {
    throw new UsageError(`${given}: no such file or directory`);
  }
  if (info.isFile()) return [given];
  if (!info.isDirectory()) throw new UsageError(`${given}: not a file or directory`);
  const found: string[] = [];
  for (const entry of await readdir(given, { withFileTypes: true })) {
    // Hidden entries (.git, editor backups) are never policies.
    if (entry.name.startsWith('.')) continue;
    const child = path.posix.join(given, entry.name);
    // Symbolic links are not followed: a link loop cannot hang discovery.
    if (entry.isDirectory()) found.push(...(await policyFilesUnder(child)));
    else if (entry.isFile() && POLICY_FILE.test(entry.name)) found.push(child);
  }
  return found;
}

/** `./policies\\a.yaml` → `policies/a.yaml`: one spelling per file, so it is read once and GitHub annotations match the PR's paths. */
function toPosix(given: string): string {
  return path.posix.normalize(given.split(path.sep).join('/'));
}
