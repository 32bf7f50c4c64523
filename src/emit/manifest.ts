/**
 * A policy folder's manifest: what `compile` last wrote there, so the next run can skip a policy
 * whose input is unchanged and whose files are still as written, without building it again.
 * It is a cache of the disk, not a source of truth: `--check`, `plan` and `propose` never read
 * it, and a missing, garbled or stale manifest only means the policy is built again. The name
 * has no `.yaml`/`.json` ending and starts with a dot, so neither kustomize nor Argo CD reads it
 * as a Kubernetes manifest.
 */
import { createHash } from 'node:crypto';

export const MANIFEST_FILE = '.modelgate-manifest';
/** A file staged beside its place until its folder is committed (src/emit/write.ts). */
export const STAGED_SUFFIX = '.modelgate-new';
/** A folder's commit record, present only while a commit is being applied. */
export const JOURNAL_FILE = '.modelgate-journal';

/** Files modelgate keeps in a policy folder for itself: never output, never hand-written. */
export function isBookkeeping(name: string): boolean {
  return name === MANIFEST_FILE || name === JOURNAL_FILE || name.endsWith(STAGED_SUFFIX);
}
const FIRST_LINE = '# modelgate manifest: what compile last wrote in this folder (a cache; safe to delete, not for git)';

export interface Manifest {
  /** Hash of everything the folder's output depends on (see `inputKey`). */
  input: string;
  /** The policy file as headers name it. */
  source: string;
  /** Output path relative to the output root → sha256 of its bytes. */
  files: Map<string, string>;
}

/**
 * Everything a policy's output depends on: the policy's bytes, how headers name it, the
 * compiler (its version and code) and the options of the run. Targets are
 * pure functions of one policy, so no other policy enters; set-wide rules are re-run on every
 * run and only decide whether anything is written.
 */
export function inputKey(parts: { compiler: string; source: string; policySha256: string; options: string }): string {
  return createHash('sha256').update(JSON.stringify([parts.compiler, parts.source, parts.policySha256, parts.options])).digest('hex');
}

export function fileHash(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Paths in the text are relative to the folder, so a renamed output root keeps its manifests. */
export function renderManifest(folder: string, manifest: Manifest): string {
  const lines = [FIRST_LINE, `input ${manifest.input}`, `source ${JSON.stringify(manifest.source)}`];
  for (const [path, hash] of [...manifest.files].sort(([a], [b]) => (a < b ? -1 : 1))) lines.push(`file ${hash} ${JSON.stringify(path.slice(folder.length + 1))}`);
  return `${lines.join('\n')}\n`;
}

export function parseManifest(folder: string, text: string): Manifest | null {
  const lines = text.split('\n');
  if (lines[0] !== FIRST_LINE || lines.at(-1) !== '') return null;
  const input = /^input ([0-9a-f]{64})$/.exec(lines[1] ?? '')?.[1];
  const source = /^source (".*")$/.exec(lines[2] ?? '')?.[1];
  if (!input || !source) return null;
  const files = new Map<string, string>();
  for (const line of lines.slice(3, -1)) {
    const match = /^file ([0-9a-f]{64}) (".*")$/.exec(line);
    if (!match) return null;
    const path = parseString(match[2]!);
    if (path === null) return null;
    files.set(`${folder}/${path}`, match[1]!);
  }
  const sourceName = parseString(source);
  return sourceName === null ? null : { input, source: sourceName, files };
}

function parseString(json: string): string | null {
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'string' ? value : null;
  } catch {
    return null;
  }
}
