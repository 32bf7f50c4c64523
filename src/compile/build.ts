/**
 * Turn validated policies into the full planned output: targets → output checks → kustomization
 * → serialized files with headers. Pure: the same policies and previous output give the same
 * bytes. A finding of an output check, a throwing target or an unsafe path is a compiler bug,
 * reported as `internal`.
 */
import { checks as defaultChecks } from '../check/index.js';
import type { OutputCheck, OutputFinding } from '../check/check.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { headerSource } from '../emit/header.js';
import { isSafeOutputPath } from '../emit/output-path.js';
import { renderOutputFile } from '../emit/render.js';
import { positionOf, type LoadedPolicy } from '../load/load.js';
import { policyDir } from '../names.js';
import type { ResolvedPolicy } from '../resolve/policy.js';
import { targets as defaultTargets } from '../targets/index.js';
import { kustomization } from '../targets/kustomize.js';
import type { OutputFile, Target } from '../targets/target.js';

export interface ValidPolicy {
  source: LoadedPolicy;
  policy: ResolvedPolicy;
}

export interface CompiledPolicy extends ValidPolicy {
  /** The policy's files, relative to the output root. */
  paths: string[];
}

export interface BuildOptions {
  /** Folder the headers name policy files relative to (the parent of the output folder). */
  sourceRoot: string;
  targets?: readonly Target[];
  checks?: readonly OutputCheck[];
  /** Extra checks needing more than the policy, e.g. the previously generated output. */
  policyChecks?: ReadonlyArray<(compiled: ValidPolicy) => Diagnostic[]>;
  /**
   * Content of a file in the output folder as generated last time (path relative to the output
   * root, below its header), null when absent. Without it there is no base to compare with, so the
   * checks against the running state do not run and nothing is carried over.
   */
  previousOutput?: (path: string) => string | null;
}

export interface BuildResult {
  /** Every planned file: path relative to the output root → content. */
  files: Map<string, string>;
  policies: CompiledPolicy[];
  diagnostics: Diagnostic[];
  /** True when a diagnostic is a compiler bug rather than a policy mistake. */
  internalError: boolean;
}

export function buildPolicies(valid: readonly ValidPolicy[], options: BuildOptions): BuildResult {
  const result: BuildResult = { files: new Map(), policies: [], diagnostics: [], internalError: false };
  const folders = assignFolders(valid);
  result.diagnostics.push(...folders.diagnostics);
  for (const { entry, dir } of folders.assigned) {
    const built = buildPolicy(entry, dir, options);
    result.diagnostics.push(...built.diagnostics);
    if (!built.files) {
      result.internalError = true;
      continue;
    }
    for (const [path, content] of built.files) result.files.set(path, content);
    result.policies.push({ ...entry, paths: built.files.map(([path]) => path) });
  }
  return result;
}

/** Each policy's output folder; a second policy claiming a folder is an error, and is dropped. */
export function assignFolders(valid: readonly ValidPolicy[]): { assigned: Array<{ entry: ValidPolicy; dir: string }>; diagnostics: Diagnostic[] } {
  const assigned: Array<{ entry: ValidPolicy; dir: string }> = [];
  const diagnostics: Diagnostic[] = [];
  const folders = new Map<string, string>();
  for (const entry of valid) {
    const { source, policy } = entry;
    const dir = policyDir(policy);
    const claimedBy = folders.get(dir);
    if (claimedBy !== undefined) {
      diagnostics.push({
        ...positionOf(source, ['metadata', 'name']),
        file: source.file,
        severity: 'error',
        rule: 'duplicate-policy',
        message: `${dir} is already compiled from ${claimedBy}; two policies would write the same folder`,
        hint: 'give this policy another metadata.name or metadata.namespace',
      });
      continue;
    }
    folders.set(dir, source.file);
    assigned.push({ entry, dir });
  }
  return { assigned, diagnostics };
}

/**
 * One policy's files (path relative to the output root → content), with the diagnostics of its
 * policy checks; `files` is null when a target or output check found a compiler bug.
 */
export function buildPolicy(entry: ValidPolicy, dir: string, options: BuildOptions): { files: Array<[string, string]> | null; diagnostics: Diagnostic[] } {
  const diagnostics = (options.policyChecks ?? []).flatMap((check) => check(entry));
  const built = buildOne(entry, dir, options);
  if ('findings' in built) return { files: null, diagnostics: [...diagnostics, ...built.findings.map((finding) => internalDiagnostic(entry.source, dir, finding))] };
  return { files: built.files, diagnostics };
}

function buildOne(entry: ValidPolicy, dir: string, options: BuildOptions): { files: Array<[string, string]> } | { findings: OutputFinding[] } {
  const { policy, source } = entry;
  let files: OutputFile[];
  const findings: OutputFinding[] = [];
  try {
    const previous = (path: string): string | null => options.previousOutput?.(`${dir}/${path}`) ?? null;
    files = (options.targets ?? defaultTargets).flatMap((target) => target.build(policy, previous));
    for (const check of options.checks ?? defaultChecks) findings.push(...check.check(policy, files));
  } catch (error) {
    return { findings: [{ path: '', message: `compiler crashed: ${(error as Error)?.message ?? String(error)}` }] };
  }
  files.push(kustomization(files));
  const seen = new Set<string>();
  for (const file of files) {
    if (!isSafeOutputPath(`${dir}/${file.path}`)) findings.push({ path: file.path, message: 'output path would leave the policy folder' });
    if (seen.has(file.path)) findings.push({ path: file.path, message: 'two targets produce the same file' });
    seen.add(file.path);
  }
  if (findings.length > 0) return { findings };
  const name = headerSource(source.file, options.sourceRoot);
  return { files: files.flatMap((file) => renderOutputFile(dir, file, name)) };
}

function internalDiagnostic(source: LoadedPolicy, dir: string, finding: OutputFinding): Diagnostic {
  const where = [finding.path ? `${dir}/${finding.path}` : dir, finding.object].filter(Boolean).join(' ');
  return {
    ...positionOf(source, ['metadata', 'name']),
    file: source.file,
    severity: 'error',
    rule: 'internal',
    message: `internal error: compiled output ${where}: ${finding.message}`,
    hint: 'this is a bug in modelgate, not in the policy; nothing was written — please report it with this policy',
  };
}
