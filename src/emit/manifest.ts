/**
 * A policy folder's manifest: what `compile` last wrote there, so the next run can skip a policy
 * whose input is unchanged and whose files are still as written, without building it again.
 * It is a cache of the disk, not a source of truth: a missing, garbled, stale or unsealed manifest
 * only means the policy is built again. `compile` and `compile --check` trust only a manifest
 * sealed with this machine's key (see `manifest-key.ts`), so one committed to git or edited in a
 * pull request is never believed in CI; `plan` and `propose` never read it. The name
 * has no `.yaml`/`.json` ending and starts with a dot, so neither kustomize nor Argo CD reads it
 * as a Kubernetes manifest.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { sha256 } from './header.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { SetFacts } from '../rules/rule.js';

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
  /** What the set-wide rules read of the policy, so an unchanged policy need not be loaded. */
  facts: SetFacts;
  /**
   * Every folder the policy file compiles to (`namespace/name`, sorted; one per stage of a policy
   * with `spec.stages`), this one included: the policy is skipped only when each of them is as
   * its manifest says, so a stage folder removed by hand is written again.
   */
  outputs: string[];
  /** The policy's own validation findings (warnings: with an error nothing is written), without `file`. */
  diagnostics: Array<Omit<Diagnostic, 'file'>>;
  /** Output path relative to the output root → sha256 of its bytes. */
  files: Map<string, string>;
  /** True when the text carries a valid seal of this machine's key: only then may a run skip the policy. */
  sealed?: boolean;
}

/**
 * Everything a policy's output depends on: the policy's bytes, how headers name it, the
 * compiler (its version and code) and the options of the run. Targets are
 * pure functions of one policy, so no other policy enters; set-wide rules are re-run on every
 * run from the manifests' `facts` and only decide whether anything is written.
 */
export function inputKey(parts: { compiler: string; source: string; policySha256: string; options: string }): string {
  return sha256(JSON.stringify([parts.compiler, parts.source, parts.policySha256, parts.options]));
}

/** A file's sha256, as its header carries it. */
export { sha256 as fileHash };

/**
 * Paths in the text are relative to the folder, so a renamed output root keeps its manifests.
 * With a `key` the text ends in a `seal` line: an HMAC of everything above it.
 */
export function renderManifest(folder: string, manifest: Manifest, key: Uint8Array | null): string {
  const { namespace, name, host } = manifest.facts;
  const lines = [
    FIRST_LINE,
    `input ${manifest.input}`,
    `source ${JSON.stringify(manifest.source)}`,
    `policy ${JSON.stringify([namespace, name, host])}`,
    `outputs ${JSON.stringify(manifest.outputs)}`,
  ];
  for (const diagnostic of manifest.diagnostics) lines.push(`diagnostic ${JSON.stringify(diagnostic)}`);
  for (const [path, hash] of [...manifest.files].sort(([a], [b]) => (a < b ? -1 : 1))) lines.push(`file ${hash} ${JSON.stringify(path.slice(folder.length + 1))}`);
  const text = `${lines.join('\n')}\n`;
  return key ? `${text}seal ${seal(key, text)}\n` : text;
}

/** The manifest in `text`, `sealed` when its seal is `key`'s; null when it is not a manifest of this version. */
export function parseManifest(folder: string, text: string, key: Uint8Array | null = null): Manifest | null {
  const sealAt = text.lastIndexOf('\nseal ');
  const body = sealAt === -1 ? text : text.slice(0, sealAt + 1);
  const lines = body.split('\n');
  if (lines[0] !== FIRST_LINE || lines.at(-1) !== '') return null;
  const input = /^input ([0-9a-f]{64})$/.exec(lines[1] ?? '')?.[1];
  const source = parseJson(/^source (".*")$/.exec(lines[2] ?? '')?.[1]);
  const facts = parseJson(/^policy (\[.*\])$/.exec(lines[3] ?? '')?.[1]);
  const outputs = parseJson(/^outputs (\[.*\])$/.exec(lines[4] ?? '')?.[1]);
  if (!input || typeof source !== 'string' || !isStrings(facts) || facts.length !== 3 || !isStrings(outputs) || !outputs.includes(folder)) return null;
  const [namespace, name, host] = facts;
  const diagnostics: Manifest['diagnostics'] = [];
  const files = new Map<string, string>();
  for (const line of lines.slice(5, -1)) {
    const finding = /^diagnostic (\{.*\})$/.exec(line);
    if (finding && files.size === 0) {
      const diagnostic = parseJson(finding[1]);
      if (!isStoredDiagnostic(diagnostic)) return null;
      diagnostics.push(diagnostic);
      continue;
    }
    const match = /^file ([0-9a-f]{64}) (".*")$/.exec(line);
    const path = parseJson(match?.[2]);
    if (!match || typeof path !== 'string') return null;
    files.set(`${folder}/${path}`, match[1]!);
  }
  const sealed = key !== null && sealAt !== -1 && sameSeal(text.slice(sealAt + 1), `seal ${seal(key, body)}\n`);
  return { input, source, facts: { namespace: namespace!, name: name!, host: host! }, outputs, diagnostics, files, sealed };
}

function seal(key: Uint8Array, text: string): string {
  return createHmac('sha256', key).update(text).digest('hex');
}

function sameSeal(found: string, expected: string): boolean {
  const a = Buffer.from(found);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function isStoredDiagnostic(value: unknown): value is Omit<Diagnostic, 'file'> {
  const d = value as Record<string, unknown> | null;
  return (
    typeof d === 'object' && d !== null && Number.isInteger(d.line) && Number.isInteger(d.column) && (d.severity === 'error' || d.severity === 'warning') &&
    typeof d.rule === 'string' && typeof d.message === 'string' && (d.hint === undefined || typeof d.hint === 'string')
  );
}

function isStrings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function parseJson(json: string | undefined): unknown {
  if (json === undefined) return undefined;
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return undefined;
  }
}
