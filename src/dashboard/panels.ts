/**
 * What the dashboard shows, as queries over the recorded series (records.ts) and the gate
 * measurements (queries.ts): the same expressions the alerts and the AnalysisTemplate judge, so a
 * line on the dashboard crossing its limit is what fails a gate. Grafana layout lives in dashboard.ts.
 */
import { ISTIO_VERSION_LABEL } from '../gates/istio.js';
import { bin, eq, num, selector, sumBy, type Expr } from '../gates/promql.js';
import { gateLimits, type GateLimit, type VersionPair } from '../gates/queries.js';
import { errorRatioSeries, latencySeries, requestsSeries } from '../gates/records.js';
import { POD_VERSION_LABEL, SERVED_VERSION_LABEL, servedVersionMismatch } from '../gates/served-version.js';
import { ANNOTATION_SERVED_VERSION } from '../names.js';
import type { ErrorRateGate, LatencyGate, ResolvedPolicy } from '../resolve/policy.js';

export interface PanelQuery {
  expr: Expr;
  /** Grafana legend template: fixed words, version numbers and `{{label}}` of a checked label name. */
  legend: string;
  /** A limit is drawn as a dashed red line rather than as data. */
  limit: boolean;
}

export interface PanelSpec {
  title: string;
  description: string;
  /** Grafana unit id. */
  unit: string;
  queries: PanelQuery[];
  /** Absolute gate limits, drawn as threshold lines. */
  thresholds: number[];
  /** Fixed axis range, for shares. */
  range?: { min: number; max: number };
}

interface Version {
  role: 'stable' | 'canary';
  version: string;
  /** `stable 41 (1.3.3-20250320)`: the human version name (schema: letters, digits, `._+-`) when the policy gives one. */
  legend: string;
}

export function dashboardPanels(policy: ResolvedPolicy): PanelSpec[] {
  const candidate = policy.versions.candidate;
  const pair: VersionPair | null = candidate === null ? null : { stable: String(policy.versions.stable), canary: String(candidate) };
  const versions: Version[] = [version(policy, 'stable', policy.versions.stable)];
  if (candidate !== null) versions.push(version(policy, 'canary', candidate));

  const panels: PanelSpec[] = [requestRate(policy, versions)];
  if (versions[1]) panels.push(canaryShare(policy, versions[1]));
  for (const gate of policy.gates.checks) {
    if (gate.segment === null && gate.metric === 'latency') panels.push(latencyPanel(policy, gate, versions));
    if (gate.segment === null && gate.metric === 'errorRate') panels.push(errorRatePanel(policy, gate, versions));
  }
  // Drift, ratio and per-segment results are comparisons: they exist only while there is a candidate.
  if (pair) {
    for (const limit of gateLimits(policy)) {
      if (limit.gate.metric === 'drift' || limit.gate.metric === 'ratio' || limit.gate.segment !== null) panels.push(measurementPanel(limit, pair));
    }
  }
  const mismatch = servedVersionMismatch(policy);
  if (mismatch) panels.push(servedVersionPanel(mismatch));
  return panels;
}

/**
 * After `rollback --live`, the panels above still split traffic by each pod's `version` label;
 * this one shows the pods where that is not the version answering, and so why the gates are quiet.
 */
function servedVersionPanel(mismatch: Expr): PanelSpec {
  return {
    title: 'Pods serving another version than their label',
    description: `Pods whose ${ANNOTATION_SERVED_VERSION} annotation (written by rollback --live) differs from their version label. While any is listed, the panels above attribute its traffic to the labelled version, and every gate of this policy gives no value.`,
    unit: 'none',
    queries: [{ expr: mismatch, legend: `{{pod}}: serves {{${SERVED_VERSION_LABEL}}}, labelled {{${POD_VERSION_LABEL}}}`, limit: false }],
    thresholds: [],
  };
}

function requestRate(policy: ResolvedPolicy, versions: Version[]): PanelSpec {
  const series = requestsSeries(policy, null);
  return {
    title: 'Request rate',
    description: 'Requests per second each version served, averaged over one gate interval.',
    unit: 'reqps',
    queries: versionQueries(versions, (version) => bin('/', pick(series, version), num(policy.gates.intervalSeconds))),
    thresholds: [],
  };
}

/** The canary weight as traffic sees it: no exporter needed, and it shows a route that does not take. */
function canaryShare(policy: ResolvedPolicy, canary: Version): PanelSpec {
  const series = requestsSeries(policy, null);
  return {
    title: 'Canary share of requests',
    description:
      'Share of requests the candidate served over one gate interval. It follows the canary weight, plus cohort and sticky routes, and mirrored copies during the shadow phase.',
    unit: 'percent',
    queries: [{ expr: bin('*', bin('/', pick(series, canary.version), sumBy([], selector(series))), num(100)), legend: canary.legend, limit: false }],
    thresholds: [],
    range: { min: 0, max: 100 },
  };
}

function latencyPanel(policy: ResolvedPolicy, gate: LatencyGate, versions: Version[]): PanelSpec {
  const series = latencySeries(policy, gate);
  const stable = pick(series, versions[0]!.version);
  const queries = versionQueries(versions, (version) => pick(series, version));
  if (gate.maxIncreasePercent !== null && versions.length > 1) {
    // × (100 + p) / 100 rather than × (1 + p/100): the factor prints as the policy wrote it.
    const scaled = bin('/', bin('*', stable, num(100 + gate.maxIncreasePercent)), num(100));
    queries.push({ expr: scaled, legend: `limit: stable + ${gate.maxIncreasePercent}%`, limit: true });
  }
  return {
    title: `P${gate.percentile} latency — gate ${gate.name}`,
    description: `P${gate.percentile} request latency per version over one gate interval, with the gate's limits.`,
    unit: 'ms',
    queries,
    thresholds: gate.maxMs === null ? [] : [gate.maxMs],
  };
}

function errorRatePanel(policy: ResolvedPolicy, gate: ErrorRateGate, versions: Version[]): PanelSpec {
  const series = errorRatioSeries(policy, null);
  const percent = (version: string): Expr => bin('*', pick(series, version), num(100));
  const queries = versionQueries(versions, percent);
  if (gate.maxIncreasePp !== null && versions.length > 1) {
    queries.push({ expr: bin('+', percent(versions[0]!.version), num(gate.maxIncreasePp)), legend: `limit: stable + ${gate.maxIncreasePp}pp`, limit: true });
  }
  return {
    title: `Error ratio — gate ${gate.name}`,
    description: 'Server errors (HTTP 5xx, failing gRPC statuses) per request, per version over one gate interval, with the gate\'s limits.',
    unit: 'percent',
    queries,
    thresholds: gate.maxPercent === null ? [] : [gate.maxPercent],
  };
}

/** The gate's own measurement (per segment value, if segmented) against its threshold. */
function measurementPanel(limit: GateLimit, pair: VersionPair): PanelSpec {
  const { gate } = limit;
  const where = gate.segment === null ? '' : ` by ${gate.segment}`;
  return {
    title: `${capitalized(limit.description)}${where}${limit.unit ? ` (${limit.unit})` : ''} — gate ${gate.name}`,
    description: `What gate ${gate.name} measures, canary ${pair.canary} against stable ${pair.stable}; the gate fails above the line. Gaps: too few requests to judge.`,
    unit: UNITS[limit.unit] ?? 'none',
    queries: [{ expr: limit.measurement(pair), legend: gate.segment === null ? gate.name : `{{${gate.segment}}}`, limit: false }],
    thresholds: [limit.threshold],
  };
}

/** Grafana unit ids for the gate units; `pp` has none, so it stays in the title. */
const UNITS: Record<string, string> = { '%': 'percent', ms: 'ms' };

function version(policy: ResolvedPolicy, role: Version['role'], number: number): Version {
  const name = policy.versions.info[number]?.name;
  return { role, version: String(number), legend: `${role} ${number}${name ? ` (${name})` : ''}` };
}

function versionQueries(versions: Version[], expr: (version: string) => Expr): PanelQuery[] {
  return versions.map(({ version, legend }) => ({ expr: expr(version), legend, limit: false }));
}

function pick(series: string, version: string): Expr {
  return sumBy([], selector(series, [eq(ISTIO_VERSION_LABEL, version)]));
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
