/**
 * What merging a policy change does, built from the policy before and after it — not a
 * description of the policy as it stands. A reviewer reads the headline first: whether traffic
 * moves at all, which candidate is abandoned, what TF Serving loads and unloads. The rows are
 * the same facts, field by field, with what kind of change each is; a loosened gate is said out
 * loud because it is the change a review most easily misses.
 */
import type { CanaryStep, Gate, ResolvedPolicy } from '../resolve/policy.js';
import { formatDuration } from '../resolve/units.js';
import { gateThreshold } from './plan-words.js';
import { PROVENANCE_FACTS, signed } from './provenance.js';
import { minimumText, timelineOf } from './timeline.js';

export interface ChangeRow {
  field: string;
  before: string;
  after: string;
  /** added, removed, loosened, tightened, loads …, a signed delta, or changed. */
  change: string;
}

export interface ChangeDescription {
  /** One sentence: what merging does to traffic and to what is loaded. */
  headline: string;
  /** The same in a few words, for a pull-request title. */
  title: string;
  /** The change only lengthens or shortens holds of an unchanged schedule and release. */
  holdOnly: boolean;
  rows: ChangeRow[];
  /** Sentences a reviewer must not miss: loosened gates, an abandoned candidate. */
  callouts: string[];
}

const NONE = 'none';

export function describePolicyChange(before: ResolvedPolicy | null, after: ResolvedPolicy | null): ChangeDescription {
  if (!after) {
    return { headline: `policy removed: its generated files are deleted (it was serving ${before?.versions.stable})`, title: 'remove the policy', holdOnly: false, rows: [], callouts: [] };
  }
  if (!before) return { headline: `new policy: ${releaseStory(after)}`, title: `new policy, ${after.versions.candidate === null ? `serving ${after.versions.stable}` : `releasing candidate ${after.versions.candidate}`}`, holdOnly: false, rows: rowsOf(null, after), callouts: [] };
  const rows = rowsOf(before, after);
  const callouts = rows.filter((row) => row.change === 'loosened' || (row.change === 'removed' && row.field.startsWith('gate '))).map((row) => `${row.field} is ${row.change === 'removed' ? 'removed' : 'loosened'}: ${row.before} → ${row.after}`);
  const { stable, candidate } = after.versions;
  const was = before.versions;
  const loads = loadChange(before, after);
  let headline: string;
  let title: string;
  let holdOnly = false;
  if (candidate !== null && was.candidate !== null && candidate !== was.candidate) {
    callouts.unshift(`candidate ${was.candidate} is abandoned wherever its rollout stands; its traffic returns to stable ${was.stable}`);
    headline = `candidate ${was.candidate} is replaced by ${candidate}, which starts over: ${releaseStory(after)}`;
    title = `candidate ${was.candidate} → ${candidate} (${was.candidate} abandoned)`;
  } else if (candidate !== null && was.candidate === null) {
    headline = `a release starts: ${releaseStory(after)}`;
    title = `release candidate ${candidate}`;
  } else if (candidate === null && was.candidate !== null) {
    if (stable === was.candidate) {
      headline = `candidate ${stable} promoted: 100% of traffic on ${stable}; rollback target ${after.rollback.toVersion}`;
      title = `promote ${stable} to stable`;
    } else if (stable !== was.stable) {
      headline = `rollback: 100% of traffic on ${stable} (was stable ${was.stable} with candidate ${was.candidate})`;
      title = `roll back to ${stable}`;
    } else {
      headline = `candidate ${was.candidate} withdrawn: 100% of traffic stays on ${stable}`;
      title = `withdraw candidate ${was.candidate}`;
    }
  } else if (stable !== was.stable) {
    headline = `rollback: 100% of traffic on ${stable} (was stable ${was.stable})`;
    title = `roll back to ${stable}`;
  } else {
    // Same release, same versions serving: say what does change, and whether traffic moves.
    holdOnly = rows.length > 0 && rows.every((row) => /^step \d+$/.test(row.field) && row.change !== 'changed');
    const others = rows.map((row) => row.field).filter((field) => field !== 'TF Serving loads');
    const schedule = rows.some((row) => row.field === 'shadow' || row.field === 'soak' || (/^step \d+$/.test(row.field) && row.change === 'changed'));
    const traffic = schedule ? `the schedule changes, so a rollout under way continues on the new steps` : 'traffic does not move';
    if (holdOnly) {
      headline = `hold-only change (${rows.map((row) => `${row.field}: ${row.before} → ${row.after}`).join('; ')}); traffic does not move`;
      title = `hold-only change: ${rows.map((row) => `${row.field} ${row.after}`).join(', ')}`;
    } else if (rows.length === 0) {
      headline = 'the generated files change while the policy means the same (a modelgate upgrade, or output edited by hand)';
      title = 'regenerate the output (the policy is unchanged)';
    } else {
      headline = [loads ? `TF Serving ${loads}` : '', others.length > 0 ? `changes ${others.join(', ')}` : '', traffic].filter(Boolean).join('; ');
      title = [loads ? `TF Serving ${loads}` : '', others.length > 0 ? `change ${others.join(', ')}` : ''].filter(Boolean).join('; ');
    }
  }
  const loosened = rows.filter((row) => row.field.startsWith('gate ') && (row.change === 'loosened' || row.change === 'removed')).map((row) => row.field.slice(5));
  if (loosened.length > 0) title += ` (loosens ${loosened.join(', ')})`;
  return { headline, title, holdOnly, rows, callouts };
}

/** The release as it will run: shadow, then each step's share, with its minimum duration. */
export function releaseStory(policy: ResolvedPolicy): string {
  const { stable, candidate } = policy.versions;
  const timeline = timelineOf(policy);
  if (candidate === null || !timeline) return `100% of traffic on ${stable}`;
  const shadow = policy.shadow ? `shadow at ${policy.shadow.mirrorPercent}% mirror for ${formatDuration(policy.shadow.durationSeconds)}, then ` : '';
  const steps = policy.canary.steps.map((s) => `${s.weightPercent}%${s.manual ? ' (manual hold)' : ''}`).join(' → ');
  const soak = policy.canary.soakSeconds === null ? '' : `, then a ${formatDuration(policy.canary.soakSeconds)} soak at 100% with the gates judging`;
  return `candidate ${candidate}: ${shadow}${steps} of traffic${soak} (${minimumText(timeline)}); rollback target ${policy.rollback.toVersion}`;
}

function rowsOf(before: ResolvedPolicy | null, after: ResolvedPolicy): ChangeRow[] {
  const rows: ChangeRow[] = [];
  const add = (field: string, was: string, now: string, change = was === NONE ? 'added' : now === NONE ? 'removed' : 'changed') => {
    if (was !== now) rows.push({ field, before: was, after: now, change });
  };
  const b = before;
  add('stable', b ? String(b.versions.stable) : NONE, String(after.versions.stable));
  add('candidate', b?.versions.candidate != null ? String(b.versions.candidate) : NONE, after.versions.candidate !== null ? String(after.versions.candidate) : NONE);
  add('shadow', shadowText(b), shadowText(after));
  const steps = Math.max(b?.canary.steps.length ?? 0, after.canary.steps.length);
  for (let i = 0; i < steps; i++) {
    const was = b?.canary.steps[i];
    const now = after.canary.steps[i];
    add(`step ${i + 1}`, was ? stepText(was) : NONE, now ? stepText(now) : NONE, was && now ? stepChange(was, now) : undefined);
  }
  add('soak', soakText(b), soakText(after));
  const gatesBefore = new Map((b?.gates.checks ?? []).map((gate) => [gate.name, gate]));
  const gatesAfter = new Map(after.gates.checks.map((gate) => [gate.name, gate]));
  for (const name of [...new Set([...gatesBefore.keys(), ...gatesAfter.keys()])].sort()) {
    const was = gatesBefore.get(name);
    const now = gatesAfter.get(name);
    add(`gate ${name}`, was ? gateThreshold(was) : NONE, now ? gateThreshold(now) : NONE, was && now ? gateChange(was, now) : undefined);
  }
  if (b) {
    add('gate interval', formatDuration(b.gates.intervalSeconds), formatDuration(after.gates.intervalSeconds), after.gates.intervalSeconds > b.gates.intervalSeconds ? 'loosened' : 'tightened');
    add('failure limit', String(b.gates.failureLimit), String(after.gates.failureLimit), after.gates.failureLimit > b.gates.failureLimit ? 'loosened' : 'tightened');
  }
  add('rollback target', b ? String(b.rollback.toVersion) : NONE, String(after.rollback.toVersion));
  // A retention that only follows the loaded set (the default) is said by the next row.
  const retentionFollows = (p: ResolvedPolicy) => p.versions.retain === p.versions.retained.length;
  if (!b || !retentionFollows(b) || !retentionFollows(after)) add('retain', b ? String(b.versions.retain) : NONE, String(after.versions.retain));
  add('TF Serving loads', b ? b.versions.retained.join(', ') : NONE, after.versions.retained.join(', '), b ? loadChange(b, after) ?? 'changed' : 'added');
  rows.push(...provenanceDeltas(b, after));
  return rows;
}

/** `loads 43, unloads 40`, or undefined when the loaded set is the same. */
function loadChange(before: ResolvedPolicy, after: ResolvedPolicy): string | undefined {
  const loaded = after.versions.retained.filter((v) => !before.versions.retained.includes(v));
  const unloaded = before.versions.retained.filter((v) => !after.versions.retained.includes(v));
  const parts = [loaded.length > 0 ? `loads ${loaded.join(', ')}` : '', unloaded.length > 0 ? `unloads ${unloaded.join(', ')}` : ''].filter(Boolean);
  return parts.length > 0 ? parts.join(' and ') : undefined;
}

/** What is known of the candidate (or, at rest, of stable), before and after. */
function provenanceDeltas(before: ResolvedPolicy | null, after: ResolvedPolicy): ChangeRow[] {
  const subject = (policy: ResolvedPolicy) => policy.versions.candidate ?? policy.versions.stable;
  const was = before ? before.versions.info[subject(before)] : undefined;
  const now = after.versions.info[subject(after)];
  const role = after.versions.candidate !== null ? 'candidate' : 'stable';
  const rows: ChangeRow[] = [];
  for (const [label, key] of PROVENANCE_FACTS) {
    const a = was?.[key] ?? NONE;
    const c = now?.[key] ?? NONE;
    if (a !== c) rows.push({ field: `${role} ${label}`, before: a, after: c, change: a === NONE ? 'added' : c === NONE ? 'removed' : 'changed' });
  }
  for (const metric of [...new Set([...Object.keys(was?.offlineMetrics ?? {}), ...Object.keys(now?.offlineMetrics ?? {})])].sort()) {
    const a = was?.offlineMetrics[metric];
    const c = now?.offlineMetrics[metric];
    if (a === c) continue;
    rows.push({ field: `${role} offline ${metric}`, before: a === undefined ? NONE : String(a), after: c === undefined ? NONE : String(c), change: a === undefined ? 'added' : c === undefined ? 'removed' : signed(c - a) });
  }
  return rows;
}

function soakText(policy: ResolvedPolicy | null): string {
  return policy?.canary.soakSeconds != null ? formatDuration(policy.canary.soakSeconds) : NONE;
}

function shadowText(policy: ResolvedPolicy | null): string {
  return policy?.shadow && policy.versions.candidate !== null ? `${policy.shadow.mirrorPercent}% mirror for ${formatDuration(policy.shadow.durationSeconds)}` : policy?.shadow ? `${policy.shadow.mirrorPercent}% mirror for ${formatDuration(policy.shadow.durationSeconds)} (at rest)` : NONE;
}

function stepText(step: CanaryStep): string {
  return `${step.weightPercent}%${step.manual ? ', manual hold' : step.holdSeconds !== null ? ` for ${formatDuration(step.holdSeconds)}` : ''}`;
}

function stepChange(was: CanaryStep, now: CanaryStep): string {
  if (was.weightPercent !== now.weightPercent) return 'changed';
  if (now.manual && !was.manual) return 'tightened';
  if (was.manual && !now.manual) return 'loosened';
  return (now.holdSeconds ?? 0) > (was.holdSeconds ?? 0) ? 'longer hold' : 'shorter hold';
}

/** A gate whose every limit is at least as generous (and one more so) is loosened; the reverse tightened. */
function gateChange(was: Gate, now: Gate): string {
  if (was.metric !== now.metric || was.segment !== now.segment || (was.metric === 'latency' && now.metric === 'latency' && was.percentile !== now.percentile)) return 'changed';
  const pairs: Array<[number | null, number | null]> =
    was.metric === 'latency' && now.metric === 'latency'
      ? [[was.maxIncreasePercent, now.maxIncreasePercent], [was.maxMs, now.maxMs]]
      : was.metric === 'errorRate' && now.metric === 'errorRate'
        ? [[was.maxIncreasePp, now.maxIncreasePp], [was.maxPercent, now.maxPercent]]
        : was.metric === 'drift' && now.metric === 'drift'
          ? [[was.max, now.max]]
          : [];
  // A limit that disappears allows anything; one that appears allows less.
  const looser = pairs.some(([a, b]) => (a !== null && b === null) || (a !== null && b !== null && b > a));
  const tighter = pairs.some(([a, b]) => (a === null && b !== null) || (a !== null && b !== null && b < a));
  return looser && !tighter ? 'loosened' : tighter && !looser ? 'tightened' : 'changed';
}

