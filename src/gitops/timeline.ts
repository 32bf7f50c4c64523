/**
 * The rollout as phases over time — shadow, then each canary step — and the same as a Mermaid
 * chart of traffic share. The chart holds only numbers and fixed words, never policy text.
 */
import { blastRadius } from '../analysis/blast-radius.js';
import type { ResolvedPolicy } from '../resolve/policy.js';
import { formatDuration } from '../resolve/units.js';

export interface Phase {
  kind: 'shadow' | 'step';
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
  for (const step of policy.canary.steps) {
    phases.push({ kind: 'step', servedPercent: step.weightPercent, mirrorPercent: 0, holdSeconds: step.holdSeconds, manual: step.manual, startSeconds: at });
    at += step.holdSeconds ?? 0;
  }
  return { phases, minimumSeconds: blastRadius(policy).minDurationSeconds, manualHolds: phases.filter((p) => p.manual).length };
}

export function minimumText(timeline: Timeline): string {
  const manual = timeline.manualHolds === 0 ? '' : ` plus ${timeline.manualHolds} manual approval${timeline.manualHolds === 1 ? '' : 's'}`;
  return `at least ${formatDuration(timeline.minimumSeconds)}${manual}`;
}

export function mermaidChart(timeline: Timeline): string {
  const labels = timeline.phases.map((p) => `"${formatDuration(p.startSeconds)}${p.kind === 'shadow' ? ' shadow' : ''}${p.manual ? ' manual' : ''}"`);
  const lines = [
    'xychart-beta',
    `    title "Candidate share of traffic, ${minimumText(timeline)}"`,
    `    x-axis "time since merge" [${labels.join(', ')}]`,
    '    y-axis "percent of requests" 0 --> 100',
    `    bar [${timeline.phases.map((p) => p.servedPercent).join(', ')}]`,
  ];
  if (timeline.phases.some((p) => p.mirrorPercent > 0)) lines.push(`    line [${timeline.phases.map((p) => p.mirrorPercent).join(', ')}]`);
  return lines.join('\n');
}
