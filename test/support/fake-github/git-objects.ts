/**
 * Git objects as GitHub stores them: blobs, trees and commits addressed by the SHA-1 of their
 * canonical encoding, so the fake returns the same ids real git computes and a client's
 * "is this content already there?" comparison behaves as it does against GitHub.
 */
import { createHash } from 'node:crypto';

export interface TreeEntry {
  path: string;
  mode: string;
  type: 'blob' | 'tree';
  sha: string;
}

export interface Commit {
  sha: string;
  tree: string;
  parents: string[];
  message: string;
}

export class ObjectStore {
  readonly blobs = new Map<string, Buffer>();
  readonly trees = new Map<string, TreeEntry[]>();
  readonly commits = new Map<string, Commit>();

  putBlob(content: Buffer): string {
    const sha = hashObject('blob', content);
    this.blobs.set(sha, content);
    return sha;
  }

  /** Entries of one directory level, sorted the way git sorts them. */
  putTree(entries: TreeEntry[]): string {
    const sorted = [...entries].sort((a, b) => compareTreeNames(a, b));
    const body = Buffer.concat(
      sorted.map((entry) => Buffer.concat([Buffer.from(`${entry.mode.replace(/^0+/, '')} ${entry.path}\0`), Buffer.from(entry.sha, 'hex')])),
    );
    const sha = hashObject('tree', body);
    this.trees.set(sha, sorted);
    return sha;
  }

  putCommit(tree: string, parents: string[], message: string, counter: number): string {
    // A per-store counter stands in for the timestamp, keeping ids distinct without a clock.
    const who = `modelgate-fake <fake@example.invalid> ${1_700_000_000 + counter} +0000`;
    const text = [`tree ${tree}`, ...parents.map((p) => `parent ${p}`), `author ${who}`, `committer ${who}`, '', message].join('\n');
    const sha = hashObject('commit', Buffer.from(text));
    this.commits.set(sha, { sha, tree, parents, message });
    return sha;
  }

  /** Every blob below a tree, by full path. */
  flatten(treeSha: string, prefix = ''): Map<string, { mode: string; sha: string }> {
    const out = new Map<string, { mode: string; sha: string }>();
    for (const entry of this.trees.get(treeSha) ?? []) {
      const path = prefix + entry.path;
      if (entry.type === 'tree') for (const [p, v] of this.flatten(entry.sha, `${path}/`)) out.set(p, v);
      else out.set(path, { mode: entry.mode, sha: entry.sha });
    }
    return out;
  }

  /** Build nested trees from full paths; returns the root tree's id. */
  buildTree(files: Map<string, { mode: string; sha: string }>): string {
    const children = new Map<string, Map<string, { mode: string; sha: string }>>();
    const entries: TreeEntry[] = [];
    for (const [path, file] of files) {
      const slash = path.indexOf('/');
      if (slash === -1) {
        entries.push({ path, mode: file.mode, type: 'blob', sha: file.sha });
        continue;
      }
      const dir = path.slice(0, slash);
      if (!children.has(dir)) children.set(dir, new Map());
      children.get(dir)!.set(path.slice(slash + 1), file);
    }
    for (const [dir, nested] of children) entries.push({ path: dir, mode: '040000', type: 'tree', sha: this.buildTree(nested) });
    return this.putTree(entries);
  }

  isAncestor(ancestor: string, descendant: string): boolean {
    const queue = [descendant];
    while (queue.length > 0) {
      const sha = queue.pop()!;
      if (sha === ancestor) return true;
      queue.push(...(this.commits.get(sha)?.parents ?? []));
    }
    return false;
  }
}

export function hashObject(type: string, content: Buffer): string {
  return createHash('sha1').update(`${type} ${content.length}\0`).update(content).digest('hex');
}

/** Git sorts tree entries by name, comparing directories as if their name ended in `/`. */
function compareTreeNames(a: TreeEntry, b: TreeEntry): number {
  const left = Buffer.from(a.type === 'tree' ? `${a.path}/` : a.path);
  const right = Buffer.from(b.type === 'tree' ? `${b.path}/` : b.path);
  return Buffer.compare(left, right);
}
