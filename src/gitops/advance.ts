/**
 * `advance`: a version moves from one stage to the next (staging → prod) as a policy edit — the
 * next stage's candidate becomes the version the stage before it completed. What has to hold
 * first, from the policy alone: the stage before has no release in progress, the version is its
 * stable, it declares a soak, and the version it replaced is known (the soak's release compared
 * the two). Whether the gates held over the soak is asked of Prometheus (src/status/soak.ts).
 */
import type { Document } from 'yaml';
import type { ResolvedPolicy } from '../resolve/policy.js';
import { formatDuration } from '../resolve/units.js';
import { spliceYaml } from './yaml-splice.js';

export interface Advance {
  /** The stage the version soaked in, as the policy has it now. */
  from: ResolvedPolicy;
  /** The stage it enters. */
  to: ResolvedPolicy;
  version: number;
  soakSeconds: number;
  /** `from` with the versions of the release that soaked: the version as candidate, the one it replaced as stable. */
  released: ResolvedPolicy;
}

export type AdvanceCheck = { ok: true; advance: Advance } | { ok: false; refusal: string; hint: string };

/** `stages`: every stage of one policy, in order (validate's output for its file). */
export function checkAdvance(stages: readonly ResolvedPolicy[], toStage: string): AdvanceCheck {
  const order = stages[0]?.stage?.order;
  if (!order) return { ok: false, refusal: `${stages[0]?.name ?? 'the policy'} has no stages`, hint: 'declare spec.stages (e.g. staging, then prod) to release a version stage by stage' };
  const index = order.indexOf(toStage);
  if (index < 0) return { ok: false, refusal: `${stages[0]!.name} has no stage '${toStage}'`, hint: `its stages are ${order.join(', ')}` };
  if (index === 0) return { ok: false, refusal: `${toStage} is the first stage: nothing comes before it`, hint: `a version enters ${toStage} through spec.versions (promote, rollback and abort edit it)` };
  const from = stages[index - 1]!;
  const to = stages[index]!;
  const version = from.versions.stable;
  const stageNames = `${from.stage!.name} → ${toStage}`;
  if (from.versions.candidate !== null) {
    return { ok: false, refusal: `${from.stage!.name} is still releasing candidate ${from.versions.candidate}; only a completed release advances (${stageNames})`, hint: `promote or abort it in ${from.stage!.name} first` };
  }
  if (to.versions.stable === version || to.versions.candidate === version) {
    return { ok: false, refusal: `${toStage} already has version ${version} (${to.versions.stable === version ? 'stable' : 'candidate'})`, hint: 'nothing to advance' };
  }
  if (to.versions.candidate !== null) {
    return { ok: false, refusal: `${toStage} is releasing candidate ${to.versions.candidate} already`, hint: `promote or abort it in ${toStage} before the next version enters` };
  }
  if (!to.stage!.ownVersions) {
    return { ok: false, refusal: `stage ${toStage} has no versions of its own, so it follows spec.versions`, hint: `give spec.stages[${index}].versions its stable version` };
  }
  const soakSeconds = from.canary.soakSeconds;
  if (soakSeconds === null) {
    return { ok: false, refusal: `${from.stage!.name} declares no soak, so there is no window its gates must have held over`, hint: `set canary.soak (e.g. \`soak: 1h\`) in spec.canary or in stage ${from.stage!.name}, and let the next release soak` };
  }
  const replaced = from.versions.previous[0];
  if (replaced === undefined) {
    return { ok: false, refusal: `${from.stage!.name} lists no version before ${version} (versions.previous), so the release that soaked cannot be read back`, hint: '`modelgate promote` records the replaced stable as the first previous version' };
  }
  const released: ResolvedPolicy = { ...from, versions: { ...from.versions, stable: replaced, candidate: version } };
  return { ok: true, advance: { from, to, version, soakSeconds, released } };
}

/** The policy text with the next stage's candidate set; undefined when it cannot be written without restyling the file. */
export function advanceText(text: string, doc: Document.Parsed, advance: Advance): string | undefined {
  const stage = String(advance.to.stage!.index);
  return spliceYaml(text, doc, [{ op: 'set', path: ['spec', 'stages', stage, 'versions', 'candidate'], value: advance.version, after: 'stable' }]);
}

export function advanceSummary(advance: Advance): string {
  const { from, to, version, soakSeconds } = advance;
  return `advance ${to.name} version ${version} from ${from.stage!.name} to ${to.stage!.name}: candidate in ${to.stage!.name} (stable there: ${to.versions.stable}) after a ${formatDuration(soakSeconds)} soak in ${from.stage!.name}`;
}
