/**
 * Read a local git repository through `git` itself: files of a folder at a ref, and a unified
 * diff of two file sets. Arguments are passed as an array, never through a shell.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const MAX_OUTPUT_BYTES = 256 * 1024 * 1024;

export class GitError extends Error {
  override name = 'GitError';
}

export async function git(args: string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await run('git', ['-c', 'core.quotePath=false', ...args], { cwd, maxBuffer: MAX_OUTPUT_BYTES, encoding: 'utf8' });
    return stdout;
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? '').trim();
    throw new GitError(`git ${args[0]} failed: ${stderr || (error as Error).message}`);
  }
}

/** The commit `ref` names, or a GitError saying it does not exist. */
export async function resolveCommit(ref: string, cwd: string): Promise<string> {
  try {
    return (await git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], cwd)).trim();
  } catch {
    throw new GitError(`'${ref}' is not a commit in this repository; pass --base with a branch, tag or commit`);
  }
}

/**
 * Text of every file matching `pathspec` at `commit`, both relative to `cwd` (the project root,
 * which in a project nested in a larger repository is not the git root).
 */
export async function filesAtCommit(commit: string, pathspec: string, cwd: string): Promise<Map<string, string>> {
  const listing = await git(['ls-tree', '-r', '-z', commit, '--', pathspec], cwd);
  const blobs = listing
    .split('\0')
    .filter((line) => line !== '')
    .map((line) => {
      const tab = line.indexOf('\t');
      const [, type, sha] = line.slice(0, tab).split(' ');
      return { type, sha: sha!, path: line.slice(tab + 1) };
    })
    .filter((entry) => entry.type === 'blob');
  const contents = await catBlobs(blobs.map((b) => b.sha), cwd);
  return new Map(blobs.map((blob, i) => [blob.path, contents[i]!]));
}

/** `git cat-file --batch`: every blob in one process. */
function catBlobs(shas: string[], cwd: string): Promise<string[]> {
  if (shas.length === 0) return Promise.resolve([]);
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new GitError(`git cat-file exited with ${code}`));
      const out = Buffer.concat(chunks);
      const texts: string[] = [];
      let at = 0;
      for (let i = 0; i < shas.length; i++) {
        const headerEnd = out.indexOf(0x0a, at);
        const size = Number(out.subarray(at, headerEnd).toString('utf8').split(' ')[2]);
        texts.push(out.subarray(headerEnd + 1, headerEnd + 1 + size).toString('utf8'));
        at = headerEnd + 1 + size + 1;
      }
      resolve(texts);
    });
    child.stdin.end(`${shas.join('\n')}\n`);
  });
}

/** Unified diff from `before` to `after` (both keyed by repository path), as `git diff` prints it. */
export async function unifiedDiff(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'modelgate-diff-'));
  try {
    await writeFiles(path.join(root, 'a'), before);
    await writeFiles(path.join(root, 'b'), after);
    const args = ['-c', 'core.quotePath=false', 'diff', '--no-index', '--no-color', '--no-ext-diff', '--no-textconv', '--src-prefix=', '--dst-prefix=', 'a', 'b'];
    return await new Promise((resolve, reject) => {
      execFile('git', args, { cwd: root, maxBuffer: MAX_OUTPUT_BYTES, encoding: 'utf8' }, (error, stdout, stderr) => {
        // Exit 1 means "the trees differ", which is the point.
        if (error && error.code !== 1) reject(new GitError(`git diff failed: ${stderr.trim()}`));
        else resolve(stdout);
      });
    });
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

async function writeFiles(root: string, files: ReadonlyMap<string, string>): Promise<void> {
  await mkdir(root, { recursive: true });
  for (const [file, content] of files) {
    const target = path.join(root, ...file.split('/'));
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, content);
  }
}

/** What a PR onto `branch` is compared with locally: the remote-tracking branch, the local one, or HEAD. */
export async function planBaseFor(branch: string, cwd: string): Promise<string> {
  for (const ref of [`origin/${branch}`, branch]) {
    try {
      await resolveCommit(ref, cwd);
      return ref;
    } catch {
      // try the next candidate
    }
  }
  return 'HEAD';
}
