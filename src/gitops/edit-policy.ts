/**
 * The release actions as edits of the policy document itself — comments, key order and
 * formatting survive because the edit goes through the parsed YAML document. Each action says
 * which version serves all traffic once its change is merged.
 *
 * - rollback: the candidate leaves; stable becomes the target (default `rollback.to`, else
 *   stable). The target must be a version the policy retains. The outcome says whether its pods
 *   still run (warm) or start cold (routing/warm-rollback.ts).
 * - promote: the candidate becomes stable; the old stable is kept as the first previous version
 *   and becomes the rollback target.
 * - abort: the candidate leaves; stable stays (a rollback to the current stable, said plainly).
 */
import type { Document } from 'yaml';
import type { ResolvedPolicy } from '../resolve/policy.js';
import { rollbackReadiness } from '../routing/warm-rollback.js';
import { describeRollbackReadiness } from './plan-words.js';
import { spliceYaml, type YamlEdit } from './yaml-splice.js';

export type PolicyEdit = { action: 'rollback'; to: number | null } | { action: 'promote' } | { action: 'abort' };

export type EditOutcome = { text: string; servingAfter: number; summary: string; readiness?: string } | { refusal: string };

/** Where the policy's versions are written: its stage's own `versions`, or the shared ones. */
function versionsPath(policy: ResolvedPolicy): readonly string[] {
  return policy.stage?.ownVersions ? ['spec', 'stages', String(policy.stage.index), 'versions'] : ['spec', 'versions'];
}

/**
 * Apply `edit` to the policy text (parsed as `doc`, resolved as `policy`, one stage of it for a
 * policy with stages). `withdrawn`: the withdrawn candidates its output carries (`withdrawnVersions`).
 */
export function editPolicy(text: string, doc: Document.Parsed, policy: ResolvedPolicy, edit: PolicyEdit, withdrawn: readonly number[]): EditOutcome {
  const VERSIONS = versionsPath(policy);
  const { stable, candidate, retained, previous, preload } = policy.versions;
  const withoutCandidate: YamlEdit[] = [{ op: 'delete', path: [...VERSIONS, 'candidate'] }];
  if (candidate !== null && preload.includes(candidate)) {
    withoutCandidate.push({ op: 'list', path: [...VERSIONS, 'preload'], values: preload.filter((v) => v !== candidate), after: 'stable' });
  }
  const hasRollbackTo = doc.hasIn(['spec', 'rollback', 'to']);
  switch (edit.action) {
    case 'rollback': {
      const target = edit.to ?? policy.rollback.toVersion;
      if (!retained.includes(target)) {
        return { refusal: `version ${target} is not one the policy retains (it keeps ${retained.join(', ')}); roll back to one of those, or raise versions.retain first` };
      }
      if (target === stable && candidate === null) return { refusal: `${policy.name} already serves ${stable} with no candidate; there is nothing to roll back` };
      if (target === candidate) return { refusal: `version ${target} is the candidate being rolled back; choose a version that served before it` };
      const edits: YamlEdit[] = [...withoutCandidate];
      if (target !== stable) {
        edits.push({ op: 'set', path: [...VERSIONS, 'stable'], value: target });
        edits.push({ op: 'list', path: [...VERSIONS, 'previous'], values: unique([stable, ...previous].filter((v) => v !== target)), after: 'stable' });
        if (hasRollbackTo) edits.push({ op: 'set', path: ['spec', 'rollback', 'to'], value: target });
      }
      const what = candidate === null ? `stable ${stable}` : `candidate ${candidate}`;
      const readiness = describeRollbackReadiness(policy, rollbackReadiness(policy, withdrawn, target)) ?? undefined;
      return spliced(spliceYaml(text, doc, edits), { servingAfter: target, summary: `roll back ${policy.name} from ${what} to ${target}: 100% of traffic on ${target}`, ...(readiness ? { readiness } : {}) });
    }
    case 'promote': {
      if (candidate === null) return { refusal: `${policy.name} has no candidate to promote` };
      const edits: YamlEdit[] = [
        ...withoutCandidate,
        { op: 'set', path: [...VERSIONS, 'stable'], value: candidate },
        { op: 'list', path: [...VERSIONS, 'previous'], values: unique([stable, ...previous].filter((v) => v !== candidate)), after: 'stable' },
      ];
      if (hasRollbackTo) edits.push({ op: 'set', path: ['spec', 'rollback', 'to'], value: stable });
      return spliced(spliceYaml(text, doc, edits), { servingAfter: candidate, summary: `promote ${policy.name} candidate ${candidate} to stable: 100% of traffic on ${candidate}, rollback target ${stable}` });
    }
    case 'abort': {
      if (candidate === null) return { refusal: `${policy.name} has no candidate to abort` };
      return spliced(spliceYaml(text, doc, withoutCandidate), { servingAfter: stable, summary: `abort the release of ${policy.name} candidate ${candidate}: 100% of traffic stays on ${stable}` });
    }
  }
}

function spliced(text: string | undefined, outcome: { servingAfter: number; summary: string; readiness?: string }): EditOutcome {
  if (text === undefined) return { refusal: 'the edit could not be written without changing other values of the file; edit it by hand' };
  return { text, ...outcome };
}

function unique(values: number[]): number[] {
  return [...new Set(values)];
}
