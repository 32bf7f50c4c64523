/**
 * Plan the working tree against a base commit: compile the policies as they are on disk (with
 * the base's output as the running state), and read the base's output and policies from git.
 * Runs from the project root (src/load/project-root.ts), as `compile` does.
 */
import path from 'node:path';
import { compile } from '../compile/compile.js';
import type { BuildResult } from '../compile/build.js';
import { bodyBelowHeader } from '../emit/header.js';
import { PROFILE_FILE } from '../load/profile-file.js';
import { validateSources } from '../validate/validate.js';
import { filesAtCommit, resolveCommit } from './git.js';
import { planChange, type Plan } from './plan.js';

export interface WorkspaceOptions {
  base: string;
  /** Output folder, repository-relative. */
  outDir: string;
  policyPaths: string[];
}

export type WorkspacePlan = { ok: true; plan: Plan; build: BuildResult; baseCommit: string; basePolicyFiles: Map<string, string> } | { ok: false; build: BuildResult };

export async function planWorkspace(options: WorkspaceOptions): Promise<WorkspacePlan> {
  const cwd = process.cwd();
  const outDir = options.outDir.replace(/\/+$/, '');
  const baseCommit = await resolveCommit(options.base, cwd);
  const baseOutput = relativeTo(outDir, await filesAtCommit(baseCommit, `${outDir}/`, cwd));
  const basePolicyFiles = new Map<string, string>();
  for (const given of options.policyPaths) {
    for (const [file, text] of await filesAtCommit(baseCommit, given, cwd)) if (isPolicyFile(file)) basePolicyFiles.set(file, text);
  }
  const build = await compile(options.policyPaths, {
    sourceRoot: path.dirname(path.resolve(outDir)),
    previousOutput: (file) => bodyBelowHeader(baseOutput.get(file)),
  });
  if (build.internalError || build.diagnostics.some((d) => d.severity === 'error')) return { ok: false, build };
  // The base's policies as the base compiled them: with the base's platform profile.
  const baseProfileText = (await filesAtCommit(baseCommit, PROFILE_FILE, cwd)).get(PROFILE_FILE);
  const baseProfile = baseProfileText === undefined ? null : { file: PROFILE_FILE, bytes: new TextEncoder().encode(baseProfileText) };
  const basePolicies = validateSources([...basePolicyFiles].map(([file, text]) => ({ file, bytes: new TextEncoder().encode(text) })), baseProfile).policies;
  const plan = planChange({
    outDir,
    policies: build.policies.map((p) => p.policy),
    planned: build.files,
    baseFiles: baseOutput,
    basePolicies: basePolicies.map((p) => p.policy),
    warnings: build.diagnostics,
  });
  return { ok: true, plan, build, baseCommit, basePolicyFiles };
}

/** The files `readPolicyFiles` would pick from a folder: YAML, nothing hidden. Scenarios and notes beside them are not policies. */
function isPolicyFile(file: string): boolean {
  return /\.ya?ml$/i.test(file) && !file.split('/').some((part) => part.startsWith('.'));
}

function relativeTo(dir: string, files: Map<string, string>): Map<string, string> {
  return new Map([...files].map(([file, text]) => [file.slice(dir.length + 1), text]));
}
