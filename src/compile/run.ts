/**
 * `compile` and `compile --check` on a folder on disk, one policy folder at a time: read the
 * folder → (skip when its manifest says the input and files are as last written) → build →
 * check → compare by content → stage. Nothing is committed until every policy has been built and
 * checked, so an invalid policy, a compiler bug or a hand-written file in the way writes nothing;
 * then each staged folder is committed on its own (see `src/emit/write.ts`). Only one folder's
 * old files and one policy's planned files are held at a time, so memory does not grow with the
 * size of the output.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasErrors, sortDiagnostics, type Diagnostic } from '../diagnostics/diagnostic.js';
import { diffTree, type Change } from '../emit/diff.js';
import { headerSource, parseHeader } from '../emit/header.js';
import { MANIFEST_FILE, fileHash, inputKey, isBookkeeping, parseManifest, renderManifest, type Manifest } from '../emit/manifest.js';
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
 * code is 4 MB and this runs on every compile.
 */
function compilerFingerprint(): string {
  const codeRoot = fileURLToPath(new URL('..', import.meta.url));
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
    const unchanged = unchangedPolicies(out, files, context);
    const known = () => [...unchanged].map(([file, { manifest }]) => ({ file, facts: manifest.facts }));
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
    const replayed = [...unchanged].flatMap(([file, { manifest }]) => manifest.diagnostics.map((diagnostic) => ({ file, ...diagnostic })));
    const result: RunResult = { diagnostics: sortDiagnostics([...validated.diagnostics, ...replayed, ...folders.diagnostics]), internalError: false, changes: [], written: false, blocked: [] };
    if (hasErrors(result.diagnostics)) return result;
    const skipped = new Set([...unchanged.values()].map(({ folder }) => folder));
    const planned = new Map(folders.assigned.map(({ entry, dir }) => [dir, entry]));
    const keys = [...new Set([...planned.keys(), ...policyFolders(out)])].sort();
    for (const folder of keys) {
      if (skipped.has(folder)) continue;
      const entry = planned.get(folder);
      const existing = readOutputFolder(out, folder, options.mode);
      const manifest = manifestOf(existing, folder, context.key);
      for (const path of [...existing.keys()]) if (isBookkeeping(path.slice(path.lastIndexOf('/') + 1))) existing.delete(path);
      const ownDiagnostics = entry ? validated.diagnostics.filter((d) => d.file === entry.source.file).map(({ file: _, ...rest }) => rest) : [];
      const update = entry ? updatePolicyFolder(builder!, folder, entry, ownDiagnostics, existing, manifest, context, result) : updateOrphanFolder(folder, existing, manifest, inScope, context.key, result);
      if (update && options.mode === 'write' && !result.internalError && result.blocked.length === 0 && !hasErrors(result.diagnostics)) {
        // Kept until the commit by path only: the content is on disk now, and holding it for
        // every folder would hold the whole planned output (1.4 GiB peak at 10,000 policies).
        staged.push({ ...update, write: new Map([...update.write.keys()].map((path) => [path, ''])) });
        stageFolder(out, update);
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

/**
 * Policy files (by name as given) whose folder's sealed manifest records this very input and whose
 * files are on disk as the manifest says: neither loaded nor built again. Only the manifests are
 * read to find them; a candidate's folder is then read and hashed once.
 */
function unchangedPolicies(out: string, files: readonly PolicyFile[], context: FolderContext): Map<string, { folder: string; manifest: Manifest }> {
  const unchanged = new Map<string, { folder: string; manifest: Manifest }>();
  if (context.key === null) return unchanged;
  const bySource = new Map<string, { folder: string; manifest: Manifest } | null>();
  for (const folder of policyFolders(out)) {
    const bytes = readManifestFile(out, folder);
    const manifest = bytes === null ? null : parseManifest(folder, bytes, context.key);
    if (!manifest?.sealed) continue;
    // Two folders naming one source: neither is trusted to be the policy's output.
    bySource.set(manifest.source, bySource.has(manifest.source) ? null : { folder, manifest });
  }
  for (const { file, bytes, link } of files) {
    if (link) continue;
    const source = headerSource(file, context.sourceRoot);
    const found = bySource.get(source);
    const input = inputKey({ compiler: context.compiler, source, policySha256: fileHash(bytes), options: context.outputOptions });
    if (!found || found.manifest.input !== input) continue;
    const existing = readOutputFolder(out, found.folder, context.mode);
    // Read again with the folder: recovering a killed run's commit may have replaced it.
    const manifest = manifestOf(existing, found.folder, context.key);
    for (const path of [...existing.keys()]) if (isBookkeeping(path.slice(path.lastIndexOf('/') + 1))) existing.delete(path);
    if (manifest?.sealed && manifest.input === input && asManifestSays(manifest, existing, context.inScope)) unchanged.set(file, { folder: found.folder, manifest });
  }
  return unchanged;
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
    return previous ? (parseHeader(previous.bytes.toString('utf8'))?.body ?? null) : null;
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
  const manifestText = renderManifest(folder, { input, source, facts: setFactsOf(entry.policy), diagnostics, files }, context.key);
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

function manifestOf(existing: ReadonlyMap<string, ExistingFile>, folder: string, key: Uint8Array | null): Manifest | null {
  const file = existing.get(`${folder}/${MANIFEST_FILE}`);
  return file ? parseManifest(folder, file.bytes.toString('utf8'), key) : null;
}

/**
 * A policy folder's files; in write mode a journal or staged file left by a killed run is dealt
 * with first (`recoverFolder`), found by this listing rather than by a walk of the whole tree.
 */
function readOutputFolder(out: string, folder: string, mode: RunOptions['mode']): Map<string, ExistingFile> {
  const existing = readFolder(out, folder);
  const interrupted = [...existing.keys()].some((path) => {
    const name = path.slice(path.lastIndexOf('/') + 1);
    return isBookkeeping(name) && name !== MANIFEST_FILE;
  });
  if (mode !== 'write' || !interrupted) return existing;
  recoverFolder(out, folder);
  return readFolder(out, folder);
}

function readManifestFile(out: string, folder: string): string | null {
  try {
    return readFileSync(join(out, folder, MANIFEST_FILE), 'utf8');
  } catch {
    return null;
  }
}
