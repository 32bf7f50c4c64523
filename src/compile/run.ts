/**
 * `compile` and `compile --check` on a folder on disk, one policy folder at a time: read the
 * folder → (skip when its manifest says the input and files are as last written) → build →
 * check → compare by content → stage. Nothing is committed until every policy has been built and
 * checked, so an invalid policy, a compiler bug or a hand-written file in the way writes nothing;
 * then each staged folder is committed on its own (see `src/emit/write.ts`). Only one folder's
 * old files and one policy's planned files are held at a time, so memory does not grow with the
 * size of the output.
 */
import { closeSync, constants, openSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUNDLE } from '../bundle.js';
import { hasErrors, sortDiagnostics, type Diagnostic } from '../diagnostics/diagnostic.js';
import { diffTree, type Change } from '../emit/diff.js';
import { bodyBelowHeader, headerSource } from '../emit/header.js';
import { MANIFEST_FILE, fileHash, inputKey, parseManifest, renderManifest, type Manifest } from '../emit/manifest.js';
import { manifestKey } from '../emit/manifest-key.js';
import { lockOutput } from '../emit/output-lock.js';
import { ownershipOf } from '../emit/ownership.js';
import { scopeOf } from '../emit/scope.js';
import { policyFolders, readFolder, type ExistingFile } from '../emit/tree.js';
import { commitFolder, discardStaged, recoverFolder, recoverParkedOutput, stageFolder, type FolderUpdate } from '../emit/write.js';
import { readPolicyFiles, UsageError, type PolicyFile } from '../load/discover.js';
import { readProfileFile } from '../load/profile-file.js';
import { setFactsOf } from '../rules/rule.js';
import { sharedKeys } from '../validate/shared-keys.js';
import type { ValidPolicy } from './build.js';

export interface RunOptions {
  /** Policy files and folders as the user named them. */
  paths: readonly string[];
  outDir: string;
  mode: 'write' | 'check';
  /**
   * The project root (src/load/project-root.ts): where the profile is read and what the headers'
   * source paths are relative to. Default: the folder that holds the output folder.
   */
  root?: string;
  /** Said when the run waits for another run's lock. */
  onWait?: (message: string) => void;
}

export interface RunResult {
  diagnostics: Diagnostic[];
  /** True when a diagnostic is a compiler bug rather than a policy mistake. */
  internalError: boolean;
  /** How the output differed from the policies (before this run wrote, when it wrote). */
  changes: Change[];
  written: boolean;
  /** Hand-written files where modelgate would write: nothing was written. */
  blocked: string[];
}


/**
 * The compiler as it is on disk: the version, and the size and mtime of every file of its code, so
 * any rebuild (a release, or a developer changing a target without bumping the version) makes
 * every manifest stale and every policy is built once more. Sizes and mtimes, not contents: the
 * code is 4 MB and this runs on every compile. A bundle's code is its own folder, which its build
 * makes anew (build/cli.mjs): listing only that, not all of dist/, is a quarter of the files.
 */
function compilerFingerprint(): string {
  const codeRoot = fileURLToPath(new URL(BUNDLE === undefined ? '..' : '.', import.meta.url));
  const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  const files = (readdirSync(codeRoot, { recursive: true }) as string[]).sort().map((file) => {
    const stat = statSync(join(codeRoot, file));
    return stat.isFile() ? `${file} ${stat.size} ${stat.mtimeMs}` : '';
  });
  return `${version}\n${fileHash(files.join('\n'))}`;
}

export async function runCompile(options: RunOptions): Promise<RunResult> {
  const out = resolve(options.outDir);
  const sourceRoot = resolve(options.root ?? dirname(out));
  // Locked before the policies are read, so the last run to write also read the latest policies.
  const lock = await lockOutput(out, { onWait: options.onWait, optional: options.mode === 'check' });
  const staged: FolderUpdate[] = [];
  try {
    const files = await readPolicyFiles([...options.paths]);
    // As `validate` does: an empty policy folder is a mistake in the call, never "every output is
    // orphaned" (which would delete it all).
    if (files.length === 0) throw new UsageError(`no policy files (*.yaml, *.yml) in ${options.paths.join(' ')}`);
    const profile = await readProfileFile(sourceRoot);
    if (options.mode === 'write') recoverParkedOutput(out);
    const inScope = scopeOf(options.paths.map((path) => relative(sourceRoot, resolve(path))));
    const context: FolderContext = {
      sourceRoot,
      inScope,
      mode: options.mode,
      compiler: compilerFingerprint(),
      // The platform profile shapes every policy's output, so its bytes are part of every key.
      outputOptions: profile ? `profile ${fileHash(profile.bytes)}` : '',
      key: manifestKey(),
    };
    const reader = outputReader(out, options.mode, context.key);
    const unchanged = unchangedPolicies(reader, files, context);
    // A policy with stages is known by each stage's facts, as validating it would give them.
    const known = () => [...unchanged].flatMap(([file, outputs]) => outputs.map(({ manifest }) => ({ file, facts: manifest.facts })));
    // Every policy unchanged and no name or host shared: nothing to load, build or validate (the
    // profile's bytes are in every key, and it was valid when those manifests were written), so
    // neither the YAML parser nor the validators and targets are even imported.
    const nothingToLoad = unchanged.size === files.length && sharedKeys([], known()).length === 0;
    const { validateSources } = nothingToLoad ? { validateSources: null } : await import('../validate/validate.js');
    let validated = validateSources?.(files.filter(({ file }) => !unchanged.has(file)), profile, known()) ?? { policies: [], diagnostics: [], recheck: [] };
    if (validated.recheck.length > 0) {
      // An unchanged policy shares a name or host with another: load it, so the finding has its place.
      for (const file of validated.recheck) unchanged.delete(file);
      validated = validateSources!(files.filter(({ file }) => !unchanged.has(file)), profile, known());
    }
    const builder = validated.policies.length > 0 ? await loadBuilder() : null;
    const folders = builder?.assignFolders(validated.policies) ?? { assigned: [], diagnostics: [] };
    // Every folder of a policy records the same findings of its file: replayed once.
    const replayed = [...unchanged].flatMap(([file, outputs]) => outputs[0]!.manifest.diagnostics.map((diagnostic) => ({ file, ...diagnostic })));
    const result: RunResult = { diagnostics: sortDiagnostics([...validated.diagnostics, ...replayed, ...folders.diagnostics]), internalError: false, changes: [], written: false, blocked: [] };
    if (hasErrors(result.diagnostics)) return result;
    const skipped = new Set([...unchanged.values()].flatMap((outputs) => outputs.map(({ folder }) => folder)));
    const planned = new Map(folders.assigned.map(({ entry, dir }) => [dir, entry]));
    const assignedOf = groupBy(folders.assigned, ({ entry }) => entry.source.file);
    // Grouped once: filtering every finding per folder is quadratic (10,000 × 13,775 at 10,000 policies).
    const findingsOf = groupBy(validated.diagnostics, ({ file }) => file);
    const keys = [...new Set([...planned.keys(), ...reader.listed])].sort();
    for (const folder of keys) {
      if (skipped.has(folder)) continue;
      const entry = planned.get(folder);
      const { files: existing, manifest, folders: existingFolders } = reader.read(folder);
      const ownDiagnostics = entry ? (findingsOf.get(entry.source.file) ?? []).map(({ file: _, ...rest }) => rest) : [];
      const outputs = entry ? assignedOf.get(entry.source.file)!.map(({ dir }) => dir).sort() : [];
      const update = entry
        ? updatePolicyFolder(builder!, folder, entry, outputs, ownDiagnostics, existing, manifest, context, result)
        : updateOrphanFolder(folder, existing, manifest, inScope, context.key, result);
      if (update && options.mode === 'write' && !result.internalError && result.blocked.length === 0 && !hasErrors(result.diagnostics)) {
        // Kept until the commit by path only: the content is on disk now, and holding it for
        // every folder would hold the whole planned output (1.4 GiB peak at 10,000 policies).
        staged.push({ ...update, write: new Map([...update.write.keys()].map((path) => [path, ''])) });
        stageFolder(out, update, existingFolders);
      }
    }
    result.changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    if (options.mode === 'check' || result.internalError || result.blocked.length > 0 || hasErrors(result.diagnostics)) {
      for (const update of staged.splice(0)) discardStaged(out, update);
      return result;
    }
    while (staged.length > 0) {
      commitFolder(out, staged[0]!);
      staged.shift();
    }
    result.written = result.changes.length > 0;
    return result;
  } finally {
    for (const update of staged) discardStaged(out, update);
    lock.release();
  }
}

/** A folder of an unchanged policy, as its sealed manifest describes it. */
interface SkippedOutput {
  folder: string;
  manifest: Manifest;
}

/**
 * Policy files (by name as given) whose folders' sealed manifests record this very input and
 * whose files are on disk as those manifests say: neither loaded nor built again. A policy with
 * stages has one folder per stage, each naming the policy; it is skipped when exactly the folders
 * its manifests list name it, and every one of them is as written (a stage folder removed or
 * copied by hand, and the policy is built again). Only the manifests are read to find them; a
 * candidate's folders are then read and hashed once.
 */
function unchangedPolicies(reader: OutputReader, files: readonly PolicyFile[], context: FolderContext): Map<string, SkippedOutput[]> {
  const unchanged = new Map<string, SkippedOutput[]>();
  if (context.key === null) return unchanged;
  const sealed = reader.listed.filter((folder) => reader.manifestOf(folder)?.sealed);
  const bySource = groupBy(sealed, (folder) => reader.manifestOf(folder)!.source);
  for (const { file, bytes, link } of files) {
    if (link) continue;
    const source = headerSource(file, context.sourceRoot);
    const claiming = bySource.get(source)?.sort();
    if (!claiming) continue;
    const input = inputKey({ compiler: context.compiler, source, policySha256: fileHash(bytes), options: context.outputOptions });
    // A changed policy is told by its manifests alone; its folders are read once, to be rebuilt.
    if (claiming.some((folder) => reader.manifestOf(folder)!.input !== input)) continue;
    const outputs: SkippedOutput[] = [];
    for (const folder of claiming) {
      // Read with the folder: recovering a killed run's commit may have replaced the manifest.
      const { files: existing, manifest } = reader.read(folder);
      const asWritten = manifest?.sealed && manifest.input === input && sameFolders(manifest.outputs, claiming) && asManifestSays(manifest, existing, context.inScope);
      if (!asWritten) break;
      outputs.push({ folder, manifest });
    }
    if (outputs.length === claiming.length) unchanged.set(file, outputs);
  }
  return unchanged;
}

/** `items` by `keyOf`, each group in the items' order (Map.groupBy, which the ES2022 lib does not declare). */
function groupBy<T>(items: Iterable<T>, keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

function sameFolders(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((folder, index) => folder === b[index]);
}

/** The build stage, imported only when some policy is to be built. */
async function loadBuilder() {
  const [{ assignFolders, buildPolicy }, { releaseChecks }] = await Promise.all([import('./build.js'), import('./release-checks.js')]);
  return { assignFolders, buildPolicy, releaseChecks };
}
type Builder = Awaited<ReturnType<typeof loadBuilder>>;

interface FolderContext {
  sourceRoot: string;
  inScope: (source: string) => boolean;
  mode: 'write' | 'check';
  compiler: string;
  /** What else the output depends on: the platform profile's hash. */
  outputOptions: string;
  /** This machine's manifest key (`manifest-key.ts`); without it no manifest is trusted. */
  key: Uint8Array | null;
}

function updatePolicyFolder(
  { buildPolicy, releaseChecks }: Builder,
  folder: string,
  entry: ValidPolicy,
  /** Every folder the policy's file compiles to (one per stage), sorted. */
  outputs: string[],
  diagnostics: Manifest['diagnostics'],
  existing: Map<string, ExistingFile>,
  manifest: Manifest | null,
  context: FolderContext,
  result: RunResult,
): FolderUpdate | null {
  const source = headerSource(entry.source.file, context.sourceRoot);
  const input = inputKey({ compiler: context.compiler, source, policySha256: entry.source.sha256, options: context.outputOptions });

  const previousOutput = (path: string): string | null => {
    const previous = path.startsWith(`${folder}/`) ? existing.get(path) : undefined;
    return bodyBelowHeader(previous?.bytes.toString('utf8'));
  };
  const built = buildPolicy(entry, folder, { sourceRoot: context.sourceRoot, policyChecks: releaseChecks(previousOutput), previousOutput });
  result.diagnostics.push(...built.diagnostics);
  if (!built.files) {
    result.internalError = true;
    return null;
  }
  const plannedFiles = new Map(built.files);
  const changes = diffTree(plannedFiles, existing, context.inScope);
  result.changes.push(...changes);
  result.blocked.push(...changes.filter((change) => change.status === 'hand-written-in-the-way').map((change) => change.path));
  const files = new Map([...plannedFiles].map(([path, content]) => [path, fileHash(content)]));
  const manifestText = renderManifest(folder, { input, source, facts: setFactsOf(entry.policy), outputs, diagnostics, files }, context.key);
  if (changes.length === 0 && manifest !== null && renderManifest(folder, manifest, context.key) === manifestText) return null;
  const changed = new Set(changes.map((change) => change.path));
  return {
    folder,
    write: new Map([...plannedFiles].filter(([path]) => changed.has(path))),
    delete: changes.filter((change) => change.status === 'extra').map((change) => change.path),
    manifest: manifestText,
  };
}

/** A folder no policy of this run makes: modelgate's files from policies in scope are removed. */
function updateOrphanFolder(
  folder: string,
  existing: Map<string, ExistingFile>,
  manifest: Manifest | null,
  inScope: (source: string) => boolean,
  key: Uint8Array | null,
  result: RunResult,
): FolderUpdate | null {
  const changes = diffTree(new Map(), existing, inScope);
  result.changes.push(...changes);
  const manifestInScope = manifest !== null && inScope(manifest.source);
  if (changes.length === 0 && !manifestInScope) return null;
  return { folder, write: new Map(), delete: changes.map((change) => change.path), manifest: manifestInScope ? null : manifest && renderManifest(folder, manifest, key) };
}

/**
 * The folder holds exactly the files the manifest lists, byte for byte, and no other file of
 * modelgate's from a policy in scope (which this run would delete).
 */
function asManifestSays(manifest: Manifest, existing: ReadonlyMap<string, ExistingFile>, inScope: (source: string) => boolean): boolean {
  for (const [path, hash] of manifest.files) {
    const file = existing.get(path);
    if (!file || fileHash(file.bytes) !== hash) return false;
  }
  for (const path of existing.keys()) {
    if (manifest.files.has(path)) continue;
    const ownership = ownershipOf(path, existing);
    if (ownership.owner === 'modelgate' && inScope(ownership.source)) return false;
  }
  return true;
}

interface OutputReader {
  /** The policy folders on disk when the run began (`policyFolders`). */
  listed: readonly string[];
  /** The folder's manifest, read and checked once: null when absent or not a manifest. */
  manifestOf(folder: string): Manifest | null;
  /**
   * A policy folder's files (bookkeeping left out) and manifest; in write mode a journal or staged
   * file left by a killed run is dealt with first (`recoverFolder`), found by this listing rather
   * than by a walk of the whole tree.
   */
  read(folder: string): { files: Map<string, ExistingFile>; manifest: Manifest | null; folders: Set<string> };
}

function outputReader(out: string, mode: RunOptions['mode'], key: Uint8Array | null): OutputReader {
  const listed = policyFolders(out);
  // Known to be real directories, so reading them needs no lstat first; a recovery may remove one.
  const real = new Set(listed);
  const manifests = new Map<string, Manifest | null>();
  const manifestOf = (folder: string): Manifest | null => {
    let manifest = manifests.get(folder);
    if (manifest === undefined) manifests.set(folder, (manifest = readManifest(out, folder, key)));
    return manifest;
  };
  const read = (folder: string) => {
    let found = readFolder(out, folder, real.has(folder));
    if (mode === 'write' && found.interrupted) {
      recoverFolder(out, folder);
      real.delete(folder);
      manifests.delete(folder);
      found = readFolder(out, folder);
    }
    return { files: found.files, manifest: manifestOf(folder), folders: found.folders };
  };
  return { listed, manifestOf, read };
}

/** Never through a link: one planted at the manifest's place is found by the folder's walk. */
function readManifest(out: string, folder: string, key: Uint8Array | null): Manifest | null {
  let fd: number;
  try {
    fd = openSync(`${out}/${folder}/${MANIFEST_FILE}`, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return null;
  }
  let text: string;
  try {
    text = readFileSync(fd, 'utf8');
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
  return parseManifest(folder, text, key);
}
