/**
 * Run one release action on a policy file: validate it as it is, edit the document, and accept
 * the result only if the validator accepts it too. Nothing is written here.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { hasErrors } from '../diagnostics/diagnostic.js';
import type { ProfileSource } from '../load/profile-file.js';
import { validateSources } from '../validate/validate.js';
import { editPolicy, type PolicyEdit } from './edit-policy.js';

export type ActionResult =
  | { ok: true; text: string; servingAfter: number; summary: string; readiness?: string; policyName: string; namespace: string; owners: string[]; warnings: Diagnostic[] }
  | { ok: false; message: string; diagnostics: Diagnostic[] };

export function runReleaseAction(file: string, bytes: Uint8Array, edit: PolicyEdit, profile: ProfileSource | null = null): ActionResult {
  const before = validateSources([{ file, bytes }], profile);
  const current = before.policies[0];
  if (!current || hasErrors(before.diagnostics)) {
    return { ok: false, message: `${file} does not validate as it is; fix it before a ${edit.action}`, diagnostics: before.diagnostics };
  }
  const edited = editPolicy(current.source.text, current.source.doc, current.policy, edit);
  if ('refusal' in edited) return { ok: false, message: edited.refusal, diagnostics: [] };
  // The decoder drops a byte-order mark; the file keeps the one it had.
  const outcome = hasByteOrderMark(bytes) ? { ...edited, text: `\uFEFF${edited.text}` } : edited;
  const after = validateSources([{ file, bytes: new TextEncoder().encode(outcome.text) }], profile);
  if (after.policies.length === 0 || hasErrors(after.diagnostics)) {
    return { ok: false, message: `the ${edit.action} would leave ${file} invalid, so it was not made`, diagnostics: after.diagnostics };
  }
  const { name, namespace, owners } = after.policies[0]!.policy;
  return { ok: true, ...outcome, policyName: name, namespace, owners, warnings: after.diagnostics };
}

function hasByteOrderMark(bytes: Uint8Array): boolean {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}
