/**
 * Turn the paths a user typed into policy files: files as given, directories searched for
 * `*.yaml`/`*.yml`. The order is sorted so every run reports and compiles the same way.
 */
import { lstat, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

/** A mistake in how modelgate was called, or an input it cannot read: exit code 2, no stack. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const POLICY_FILE = /\.ya?ml$/i;

/** A policy file as read; `link` marks a symbolic link, which is reported and never read. */
export interface PolicyFile {
  file: string;
  bytes: Uint8Array;
  link?: true;
}

export async function readPolicyFiles(paths: string[]): Promise<PolicyFile[]> {
  const files = new Map<string, boolean>();
  for (const given of paths) {
    for (const { file, link } of await policyFilesUnder(toPosix(given))) files.set(file, link);
  }
  const sorted = [...files.keys()].sort();
  return Promise.all(sorted.map(async (file): Promise<PolicyFile> => (files.get(file) ? { file, bytes: new Uint8Array(), link: true } : { file, bytes: await readBytes(file) })));
}

async function readBytes(file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(file));
  } catch (error) {
    throw new UsageError(`${file}: cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

async function policyFilesUnder(given: string): Promise<Array<{ file: string; link: boolean }>> {
  let info;
  try {
    info = await stat(given);
  } catch {
    throw new UsageError(`${given}: no such file or directory`);
  }
  if (info.isFile()) return [{ file: given, link: (await lstat(given)).isSymbolicLink() }];
  if (!info.isDirectory()) throw new UsageError(`${given}: not a file or directory`);
  const found: Array<{ file: string; link: boolean }> = [];
  for (const entry of await readdir(given, { withFileTypes: true })) {
    // Hidden entries (.git, editor backups) are never policies.
    if (entry.name.startsWith('.')) continue;
    const child = path.posix.join(given, entry.name);
    if (entry.isDirectory()) found.push(...(await policyFilesUnder(child)));
    else if (entry.isFile() && POLICY_FILE.test(entry.name)) found.push({ file: child, link: false });
    // Symbolic links are never followed (a link loop cannot hang discovery, and a policy cannot
    // live outside the repository), but one that looks like a policy is reported rather than
    // skipped: skipping it would let compile delete that policy's output without a word.
    else if (entry.isSymbolicLink() && (POLICY_FILE.test(entry.name) || (await stat(child).catch(() => undefined))?.isDirectory())) found.push({ file: child, link: true });
  }
  return found;
}

/** `./policies\\a.yaml` → `policies/a.yaml`: one spelling per file, so it is read once and GitHub annotations match the PR's paths. */
function toPosix(given: string): string {
  return path.posix.normalize(given.split(path.sep).join('/'));
}
