/**
 * The rollout as phases over time — shadow, then each canary step, then the soak — as a sentence and as a
 * plain-text chart with time to scale. Text, not a Mermaid chart: `xychart-beta` is unknown to
 * older GitHub Enterprise servers and to e-mail, and a 1% bar on a 0–100 axis cannot be seen.
 * The chart holds only numbers and fixed words, never policy text.
 */
import { blastRadius } from '../analysis/blast-radius.js';
import type { ResolvedPolicy } from '../resolve/policy.js';
import { formatDuration } from '../resolve/units.js';

export interface Phase {
  /** `soak`: the last step, 100%, held for `canary.soak`, gates still judging, stable's pods still up. */
  kind: 'shadow' | 'step' | 'soak';
  /** Share of user requests the candidate answers. */
  servedPercent: number;
  /** Share of requests copied to the candidate whose answers are discarded. */
  mirrorPercent: number;
  /** null: the last step, or a manual hold that waits for a person. */
  holdSeconds: number | null;
  manual: boolean;
  startSeconds: number;
}

export interface Timeline {
  phases: Phase[];
  /** Time from merge to 100% if every gate passes at once; manual holds add a person's time. */
  minimumSeconds: number;
  manualHolds: number;
}

export function timelineOf(policy: ResolvedPolicy): Timeline | null {
  if (policy.versions.candidate === null) return null;
  const phases: Phase[] = [];
  let at = 0;
  if (policy.shadow) {
    phases.push({ kind: 'shadow', servedPercent: 0, mirrorPercent: policy.shadow.mirrorPercent, holdSeconds: policy.shadow.durationSeconds, manual: false, startSeconds: at });
    at += policy.shadow.durationSeconds;
  }
  const soak = policy.canary.soakSeconds;
  for (const [index, step] of policy.canary.steps.entries()) {
    // The last step (100%) held for the soak.
    const soaks = soak !== null && index === policy.canary.steps.length - 1;
    const holdSeconds = soaks ? soak : step.holdSeconds;
    phases.push({ kind: soaks ? 'soak' : 'step', servedPercent: step.weightPercent, mirrorPercent: 0, holdSeconds, manual: step.manual, startSeconds: at });
    at += holdSeconds ?? 0;
  }
  return { phases, minimumSeconds: blastRadius(policy).minDurationSeconds, manualHolds: phases.filter((p) => p.manual).length };
}

export function minimumText(timeline: Timeline): string {
  const manual = timeline.manualHolds === 0 ? '' : ` plus ${timeline.manualHolds} manual approval${timeline.manualHolds === 1 ? '' : 's'}`;
  return `at least ${formatDuration(timeline.minimumSeconds)}${manual}`;
}

/** `shadow for 1h (100% of requests copied, answers discarded), then 1% for 30m, …, then 100%`. */
export function timelineSentence(timeline: Timeline): string {
  const phases = timeline.phases.map((p) =>
    p.kind === 'shadow'
      ? `shadow for ${formatDuration(p.holdSeconds ?? 0)} (${p.mirrorPercent}% of requests copied to the candidate, its answers discarded)`
      : p.kind === 'soak'
        ? `${p.servedPercent}%${p.manual ? ' once a person promotes,' : ''} soaking for ${formatDuration(p.holdSeconds ?? 0)} (gates still judged; an abort returns to the stable pods, still running)`
        : `${p.servedPercent}%${p.manual ? ' until a person promotes' : p.holdSeconds !== null ? ` for ${formatDuration(p.holdSeconds)}` : ''}`,
  );
  return `${phases.join(', then ')}: ${minimumText(timeline)}`;
}

const WIDTH = 48;
const TICKS = [60, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800];
const SERVED = '█';
const MIRRORED = '░';
const MANUAL = '┆';

/** One row per phase, its bar placed on a time axis to scale; every phase at least one column wide. */
export function textChart(timeline: Timeline): string {
  const total = Math.max(timeline.minimumSeconds, 1);
  const column = (seconds: number) => Math.min(WIDTH - 1, Math.floor((seconds / total) * WIDTH));
  const tick = TICKS.find((t) => total / t <= 6) ?? TICKS.at(-1)!;
  const axis = Array<string>(WIDTH + 8).fill(' ');
  for (let t = 0; t <= total; t += tick) {
    const label = formatDuration(t);
    const at = Math.min(column(t), WIDTH + 8 - label.length);
    if (axis.slice(at, at + label.length + 1).every((c) => c === ' ')) label.split('').forEach((c, i) => (axis[at + i] = c));
  }
  const rows = timeline.phases.map((phase, index) => {
    const start = column(phase.startSeconds);
    const end = phase.holdSeconds === null ? start + 1 : Math.max(start + 1, column(phase.startSeconds + phase.holdSeconds));
    const glyph = phase.kind === 'shadow' ? MIRRORED : phase.manual ? MANUAL : SERVED;
    const bar = ' '.repeat(start) + glyph.repeat(end - start);
    const name = phase.kind === 'step' ? `step ${index + (timeline.phases[0]?.kind === 'shadow' ? 0 : 1)}` : phase.kind;
    const what = phase.kind === 'shadow' ? `${phase.mirrorPercent}% mirrored` : `${phase.servedPercent}%${phase.manual ? ' (manual hold)' : phase.kind === 'soak' ? ', gates judging' : ''}`;
    return `${name.padEnd(8)}${bar.padEnd(WIDTH)}  ${what}`;
  });
  const legend = [`${SERVED} candidate answers that share of users`, timeline.phases.some((p) => p.kind === 'shadow') ? `${MIRRORED} requests copied to the candidate, answers discarded` : '', timeline.manualHolds > 0 ? `${MANUAL} waits for a person` : ''].filter(Boolean);
  return [`${'time'.padEnd(8)}${axis.join('').trimEnd()}`, ...rows, '', `legend: ${legend.join('; ')}`].join('\n');
}
