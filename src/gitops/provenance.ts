/**
 * What changed between stable and candidate, as a reviewer asks it: which model is this, from
 * which data and code, and how did it score offline. Facts come from `versions.info`.
 */
import type { ResolvedPolicy, VersionInfo } from '../resolve/policy.js';

export interface ProvenanceRow {
  /** `version`, `name`, `data`, `commit`, `author`, or `offline <metric>`. */
  field: string;
  stable: string;
  candidate: string;
  /** candidate − stable for offline metrics, signed; `same` or `differs` for the other facts. */
  change: string;
}

export const PROVENANCE_FACTS: ReadonlyArray<[string, keyof Omit<VersionInfo, 'offlineMetrics'>]> = [
  ['name', 'name'],
  ['data', 'dataSnapshot'],
  ['commit', 'commit'],
  ['author', 'author'],
];

/** Rows for a policy with a candidate; empty when there is none or nothing is known of either version. */
export function provenanceRows(policy: ResolvedPolicy): ProvenanceRow[] {
  const { stable, candidate, info } = policy.versions;
  if (candidate === null || (!info[stable] && !info[candidate])) return [];
  const before = info[stable];
  const after = info[candidate];
  const rows: ProvenanceRow[] = [{ field: 'version', stable: String(stable), candidate: String(candidate), change: candidate > stable ? 'newer' : 'older' }];
  for (const [field, key] of PROVENANCE_FACTS) {
    if (before?.[key] || after?.[key]) rows.push({ field, stable: before?.[key] ?? '—', candidate: after?.[key] ?? '—', change: before?.[key] === after?.[key] ? 'same' : 'differs' });
  }
  const metrics = [...new Set([...Object.keys(before?.offlineMetrics ?? {}), ...Object.keys(after?.offlineMetrics ?? {})])].sort();
  for (const metric of metrics) {
    const a = metricOf(before, metric);
    const b = metricOf(after, metric);
    rows.push({ field: `offline ${metric}`, stable: a === undefined ? '—' : String(a), candidate: b === undefined ? '—' : String(b), change: a === undefined || b === undefined ? 'not comparable' : signed(b - a) });
  }
  return rows;
}

/** Own keys only: a metric named `constructor` or `__proto__` must not read Object's. */
function metricOf(info: VersionInfo | undefined, metric: string): number | undefined {
  return info && Object.hasOwn(info.offlineMetrics, metric) ? info.offlineMetrics[metric] : undefined;
}

/** `+0.006` / `-0.010`: enough digits to show the smallest change between two metrics. */
export function signed(delta: number): string {
  const rounded = Number(delta.toPrecision(6));
  return `${rounded > 0 ? '+' : rounded < 0 ? '−' : '±'}${Math.abs(rounded)}`;
}

/** The same facts as lines of `plan` output: `offline auc, stable → candidate: 0.941 → 0.947 (+0.006)`. */
export function provenanceLines(policy: ResolvedPolicy): string[] {
  return provenanceRows(policy)
    .filter((row) => row.field !== 'version')
    .map((row) => `${row.field}, stable → candidate: ${row.stable} → ${row.candidate} (${row.change})`);
}
