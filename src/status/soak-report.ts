/**
 * The soak evidence in words: one row per gate limit (threshold, worst measurement, each
 * version's level over the window, the fewest samples against the guard, measurements passed),
 * printed by `advance` and carried into its pull request.
 */
import { formatDuration } from '../resolve/units.js';
import { amount } from './report.js';
import { notGreen, type SoakEvidence, type SoakGate } from './soak.js';

export interface SoakRow {
  limit: string;
  threshold: string;
  worst: string;
  canary: string;
  stable: string;
  samples: string;
  passed: string;
}

export function soakWindow(evidence: SoakEvidence, stage: string): string {
  const iso = (seconds: number) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
  return `${stage} (${evidence.namespace}/${evidence.policy}), version ${evidence.versions.canary} against ${evidence.versions.stable}, from ${iso(evidence.fromSeconds)} to ${iso(evidence.toSeconds)}: one measurement per ${formatDuration(evidence.intervalSeconds)}`;
}

export function soakRows(evidence: SoakEvidence): SoakRow[] {
  return evidence.gates.map((gate) => ({
    limit: gate.limit,
    threshold: `${gate.description}, at most ${amount(gate.threshold, gate.unit)}`,
    worst: gate.worst === null ? 'no value' : amount(gate.worst, gate.unit),
    canary: levels(gate.canary, gate),
    stable: levels(gate.stable, gate),
    samples: `canary ${rounded(gate.fewestCanarySamples)}${gate.relative ? `, stable ${rounded(gate.fewestStableSamples)}` : ''} (guard ${gate.guard})`,
    passed: `${gate.verdicts.filter(({ verdict }) => verdict === 'pass').length} of ${gate.verdicts.length}`,
  }));
}

/** For a person: the window, then a line per gate limit, then the verdict. */
export function formatSoak(evidence: SoakEvidence, stage: string): string {
  const lines = [`soak in ${soakWindow(evidence, stage)}`];
  for (const row of soakRows(evidence)) {
    lines.push(`  ${row.limit}: ${row.passed} passed (${row.threshold}); worst ${row.worst}; canary ${row.canary}, stable ${row.stable}; fewest samples ${row.samples}`);
  }
  const failing = notGreen(evidence);
  lines.push(failing.length === 0 ? 'every gate passed every measurement of the soak' : `not green: ${failing.map(describeFailure).join('; ')}`);
  return `${lines.join('\n')}\n`;
}

function describeFailure(gate: SoakGate): string {
  const failed = gate.verdicts.filter(({ verdict }) => verdict === 'fail').length;
  const unknown = gate.verdicts.filter(({ verdict }) => verdict === 'not-enough-data').length;
  return `${gate.limit} ${[failed > 0 ? `failed ${failed}` : '', unknown > 0 ? `had not enough data ${unknown}` : ''].filter(Boolean).join(' and ')} of ${gate.verdicts.length} measurements`;
}

function levels(range: SoakGate['canary'], gate: SoakGate): string {
  if (range === null) return 'none';
  const [low, high] = [amount(range.low, gate.levelUnit), amount(range.high, gate.levelUnit)];
  return low === high ? low : `${low} to ${high}`;
}

function rounded(value: number): string {
  return Number.isFinite(value) ? String(Math.round(value)) : '0';
}
