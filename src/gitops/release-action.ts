/**
 * Run one release action on a policy file: validate it as it is, edit the document, and accept
 * the result only if the validator accepts it too. Nothing is written here.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { hasErrors } from '../diagnostics/diagnostic.js';
import type { ProfileSource } from '../load/profile-file.js';
import { policyDir } from '../names.js';
import type { ResolvedPolicy } from '../resolve/policy.js';
import { TFSERVING_TEMPLATE_CONFIGMAPS_FILE, withdrawnVersions } from '../targets/tfserving-template-config.js';
import { validateSources } from '../validate/validate.js';
import { editPolicy, type PolicyEdit } from './edit-policy.js';

export type ActionResult =
  | { ok: true; text: string; servingAfter: number; summary: string; readiness?: string; policyName: string; namespace: string; owners: string[]; warnings: Diagnostic[] }
  | { ok: false; message: string; diagnostics: Diagnostic[] };

/**
 * `stage`: which stage to act on, for a policy with `spec.stages` (required there, refused
 * elsewhere). `output`: a file of the output folder as compiled for the policy as it is (path
 * relative to the folder, body without header), null when absent; a rollback's readiness reads
 * which withdrawn candidates it carries. Without it none is seen.
 */
export function runReleaseAction(file: string, bytes: Uint8Array, edit: PolicyEdit, profile: ProfileSource | null = null, stage: string | null = null, output: (path: string) => string | null = () => null): ActionResult {
  const before = validateSources([{ file, bytes }], profile);
  if (before.policies.length === 0 || hasErrors(before.diagnostics)) {
    return { ok: false, message: `${file} does not validate as it is; fix it before a ${edit.action}`, diagnostics: before.diagnostics };
  }
  const chosen = stageOf(before.policies, stage);
  if (typeof chosen === 'string') return { ok: false, message: chosen, diagnostics: [] };
  const current = before.policies[chosen]!;
  const withdrawn = withdrawnVersions(current.policy, output(`${policyDir(current.policy)}/${TFSERVING_TEMPLATE_CONFIGMAPS_FILE}`));
  const edited = editPolicy(current.source.text, current.source.doc, current.policy, edit, withdrawn);
  if ('refusal' in edited) return { ok: false, message: edited.refusal, diagnostics: [] };
  // The decoder drops a byte-order mark; the file keeps the one it had.
  const outcome = hasByteOrderMark(bytes) ? { ...edited, text: `\uFEFF${edited.text}` } : edited;
  const after = validateSources([{ file, bytes: new TextEncoder().encode(outcome.text) }], profile);
  if (after.policies.length === 0 || hasErrors(after.diagnostics)) {
    return { ok: false, message: `the ${edit.action} would leave ${file} invalid, so it was not made`, diagnostics: after.diagnostics };
  }
  const { name, namespace, owners } = after.policies[chosen]!.policy;
  return { ok: true, ...outcome, policyName: name, namespace, owners, warnings: after.diagnostics };
}

/** The index of the policy to act on among a file's validated policies (one, or one per stage), or why there is none. */
export function stageOf(policies: ReadonlyArray<{ policy: ResolvedPolicy }>, stage: string | null): number | string {
  const order = policies[0]!.policy.stage?.order;
  if (!order) return stage === null ? 0 : `${policies[0]!.policy.name} has no stages; drop --stage`;
  if (stage === null) return `${policies[0]!.policy.name} has stages (${order.join(', ')}): say which with --stage`;
  const index = order.indexOf(stage);
  return index < 0 ? `${policies[0]!.policy.name} has no stage '${stage}' (its stages: ${order.join(', ')})` : index;
}

function hasByteOrderMark(bytes: Uint8Array): boolean {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}
