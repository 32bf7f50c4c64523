/**
 * What merging a change would do: the generated files compared with the output folder at the
 * base ref (with the same rules `compile` applies to a folder on disk), grouped by policy, with
 * one sentence per policy on what happens to traffic.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { diffTree, nextTree, type Change } from '../emit/diff.js';
import { bodyBelowHeader } from '../emit/header.js';
import type { ExistingFile } from '../emit/tree.js';
import type { ResolvedPolicy } from '../resolve/policy.js';
import { policyDir } from '../names.js';
import { TFSERVING_TEMPLATE_CONFIGMAPS_FILE, withdrawnVersions } from '../targets/tfserving-template-config.js';
import { describePolicyChange, type ChangeDescription } from './change-description.js';
import { linesChanged } from './lines-changed.js';
import { describeExposure } from './plan-words.js';

export interface PlanInput {
  /** Output folder, repository-relative (`generated`). */
  outDir: string;
  policies: readonly ResolvedPolicy[];
  /** Planned files, relative to the output folder. */
  planned: ReadonlyMap<string, string>;
  /** The output folder at the base ref, relative to it. */
  baseFiles: ReadonlyMap<string, string>;
  basePolicies: readonly ResolvedPolicy[];
  warnings: Diagnostic[];
}

export interface FileChange {
  /** Repository path. */
  path: string;
  status: 'added' | 'modified' | 'deleted';
  /** Lines added and removed by the change, as a line diff counts them. */
  added: number;
  removed: number;
}

export interface PolicyPlan {
  /** `namespace/name`, the policy's output folder. */
  key: string;
  /** How people read the key: with the stage, for one stage of a policy with stages. */
  title: string;
  policy: ResolvedPolicy | null;
  before: ResolvedPolicy | null;
  /** What merging does, from the policy before and after. */
  change: ChangeDescription;
  /**
   * Blast-radius sentences for a release in progress, and whether a rollback is warm: the planned
   * output shows which withdrawn candidates may hold Argo's warm slot.
   */
  exposure: string[];
  files: FileChange[];
}

export interface Plan {
  policies: PolicyPlan[];
  files: FileChange[];
  /** Output files by repository path, at the base and after the change. */
  before: Map<string, string>;
  after: Map<string, string>;
  warnings: Diagnostic[];
}

export function planChange(input: PlanInput): Plan {
  const existing = new Map<string, ExistingFile>([...input.baseFiles].map(([path, text]) => [path, { bytes: Buffer.from(text, 'utf8'), mode: 0o644 }]));
  const changes = diffTree(input.planned, existing, () => true);
  const next = nextTree(input.planned, existing, changes);
  const repoPath = (path: string) => `${input.outDir}/${path}`;
  const files = changes.map((change) => fileChange(change, input, repoPath));
  const byKey = new Map<string, PolicyPlan>();
  const current = new Map(input.policies.map((p) => [policyDir(p), p]));
  const base = new Map(input.basePolicies.map((p) => [policyDir(p), p]));
  for (const change of files) {
    const key = change.path.slice(input.outDir.length + 1).split('/').slice(0, 2).join('/');
    let entry = byKey.get(key);
    if (!entry) {
      const policy = current.get(key) ?? null;
      const before = base.get(key) ?? null;
      const stage = (policy ?? before)?.stage;
      entry = { key, title: stage ? `${key} (stage ${stage.name})` : key, policy, before, change: describePolicyChange(before, policy), exposure: policy ? describeExposure(policy, withdrawnVersions(policy, bodyBelowHeader(input.planned.get(`${key}/${TFSERVING_TEMPLATE_CONFIGMAPS_FILE}`)))) : [], files: [] };
      byKey.set(key, entry);
    }
    entry.files.push(change);
  }
  return {
    policies: [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : 1)),
    files,
    before: new Map([...input.baseFiles].map(([path, text]) => [repoPath(path), text])),
    after: new Map([...next].map(([path, file]) => [repoPath(path), file.bytes.toString('utf8')])),
    warnings: input.warnings,
  };
}

function fileChange(change: Change, input: PlanInput, repoPath: (path: string) => string): FileChange {
  const status = change.status === 'missing' ? 'added' : change.status === 'extra' ? 'deleted' : 'modified';
  return { path: repoPath(change.path), status, ...linesChanged(input.baseFiles.get(change.path) ?? '', input.planned.get(change.path) ?? '') };
}
