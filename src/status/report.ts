/**
 * `status` output for people: the pods serving another version than their label, if any, then one
 * block per AnalysisTemplate metric with its verdict first. JSON output is the
 * ReleaseStatus object itself.
 */
import { ANNOTATION_SERVED_VERSION } from '../names.js';
import { formatDuration } from '../resolve/units.js';
import type { GateReading, ReleaseStatus, SegmentReading } from './gate-status.js';

export function formatStatus(status: ReleaseStatus, source: string): string {
  const lines = [
    `${status.namespace}/${status.policy}: canary version ${status.versions.canary} against stable ${status.versions.stable}, from ${source}`,
    `each measurement covers the last ${formatDuration(status.intervalSeconds)}`,
  ];
  const mismatches = status.servedVersionMismatches ?? [];
  if (mismatches.length > 0) {
    lines.push('', `SERVED VERSION MISMATCH: every gate is withheld (no value) while a pod serves another version than its version label (${ANNOTATION_SERVED_VERSION}, a live rollback)`);
    for (const m of mismatches) lines.push(`  pod ${m.pod} serves ${m.servedVersion}, labelled ${m.labelVersion}`);
  }
  for (const gate of status.gates) lines.push('', ...gateLines(gate));
  for (const hook of status.webhooks) {
    lines.push('', `${hook.name}: NOT READ FROM PROMETHEUS (webhook ${hook.url}; Argo Rollouts records its answers in the Rollout's AnalysisRun)`);
  }
  return `${lines.join('\n')}\n`;
}

function gateLines(gate: GateReading): string[] {
  const verdict = gate.verdict === 'not-enough-data' ? 'NOT ENOUGH DATA' : gate.verdict.toUpperCase();
  const phase = gate.phase === 'shadow' ? ', shadow phase: mirrored requests, as the serving pods report them' : '';
  const lines = [`${gate.limit}: ${verdict} (${gate.description}, threshold ${amount(gate.threshold, gate.unit)}${phase})`];
  if (gate.segments.length === 0) lines.push('  no series for either version');
  for (const segment of gate.segments) lines.push(`  ${segmentLine(gate, segment)}`);
  if (gate.enoughDataExpected !== null) lines.push(`  enough data expected ${gate.enoughDataExpected}`);
  return lines;
}

function segmentLine(gate: GateReading, s: SegmentReading): string {
  const where = s.segment === '' ? '' : `${s.segment}: `;
  const value = s.measurement === null ? 'no value' : amount(s.measurement, gate.unit);
  const levels = s.canary === null && s.stable === null ? '' : `; canary ${level(s.canary, gate)}, stable ${level(s.stable, gate)}`;
  const guard = `; samples canary ${round(s.canarySamples)}${gate.relative ? `, stable ${round(s.stableSamples)}` : ''} (guard ${gate.guard})`;
  return `${where}measured ${value}${levels}${guard}`;
}

function level(value: number | null, gate: GateReading): string {
  return value === null ? 'none' : amount(value, gate.levelUnit);
}

/** A value with its unit as status prints it (`12.5%`, `180 ms`). */
export function amount(value: number, unit: string): string {
  return `${round(value)}${unit === '' ? '' : unit === '%' ? '%' : ` ${unit}`}`;
}

function round(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return String(Math.round(value * 1000) / 1000);
}
