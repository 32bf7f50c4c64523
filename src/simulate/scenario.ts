/**
 * A metrics scenario (schemas/metrics-scenario.schema.json): traffic and per-version behaviour
 * over time. Read once, checked against the schema and against the policy it is replayed through,
 * and answered per minute by `behaviourAt` and `rpsAt`.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { ResolvedPolicy } from '../resolve/policy.js';

const SCHEMA_URL = new URL('../../schemas/metrics-scenario.schema.json', import.meta.url);

export interface BehaviourEntry {
  fromMinute: number;
  segment?: string;
  errorRate?: number;
  latency?: number[];
  scores?: Record<string, number[]>;
  ratios?: Record<string, number>;
}

export interface Scenario {
  description: string;
  minutes: number;
  traffic: Array<{ fromMinute: number; rps: number }>;
  segments?: { label: string; shares: Record<string, number> };
  latencyBucketsMs: number[];
  versions: { stable: BehaviourEntry[]; candidate: BehaviourEntry[] };
}

export type Role = 'stable' | 'candidate';

export interface Behaviour {
  errorRate: number;
  latency: number[];
  scores: Record<string, number[]>;
  /** Per ratio gate name; a gate the scenario gives no ratio for is at its `expected` ratio. */
  ratios: Record<string, number>;
}

let validator: ValidateFunction | undefined;

/** A scenario that is not JSON, with the line and column where reading stopped (1-based). */
export class ScenarioSyntaxError extends Error {
  readonly line: number;
  readonly column: number;

  constructor(text: string, parserMessage: string) {
    // V8 names the offset ("at position 13"), and newer versions add their own "(line 3 column 3)";
    // counting here gives the same answer on every Node. No offset means the text ended early.
    const offset = Number(/at position (\d+)/.exec(parserMessage)?.[1] ?? text.length);
    const before = text.slice(0, offset);
    const reason = parserMessage.replace(/ in JSON at position \d+.*$/, '').replace(/ \(line \d+ column \d+\)$/, '');
    super(`scenario is not valid JSON: ${reason}`);
    this.line = before.split('\n').length;
    this.column = offset - before.lastIndexOf('\n');
  }
}

/** Parse and check a scenario; throws an Error listing every problem, each with its JSON path. */
export function parseScenario(text: string, policy: ResolvedPolicy): Scenario {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ScenarioSyntaxError(text, (error as Error).message);
  }
  validator ??= new Ajv2020({ allErrors: true, strict: true }).compile(JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as object);
  if (!validator(data)) {
    const problems = (validator.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message ?? 'invalid'}`);
    throw new Error(`scenario does not match metrics-scenario.schema.json:\n  ${problems.join('\n  ')}`);
  }
  const scenario = data as Scenario;
  const problems = semanticProblems(scenario, policy);
  if (problems.length > 0) throw new Error(`scenario does not fit policy ${policy.name}:\n  ${problems.join('\n  ')}`);
  return scenario;
}

function semanticProblems(scenario: Scenario, policy: ResolvedPolicy): string[] {
  const problems: string[] = [];
  const sums = (path: string, values: number[], length: number): void => {
    if (values.length !== length) problems.push(`${path}: ${values.length} shares for ${length} buckets (the last is +Inf)`);
    if (Math.abs(values.reduce((a, b) => a + b, 0) - 1) > 1e-9) problems.push(`${path}: shares add up to ${values.reduce((a, b) => a + b, 0)}, not 1`);
  };
  if (scenario.traffic[0]!.fromMinute !== 0) problems.push('/traffic/0/fromMinute: the first entry starts at minute 0');
  if (!increasing(scenario.latencyBucketsMs)) problems.push('/latencyBucketsMs: bounds must increase');
  const shares = Object.values(scenario.segments?.shares ?? { all: 1 });
  if (Math.abs(shares.reduce((a, b) => a + b, 0) - 1) > 1e-9) problems.push('/segments/shares: shares add up to more or less than 1');
  const drift = new Map(policy.gates.checks.flatMap((g) => (g.metric === 'drift' ? [[g.name, g.buckets.length + 1] as const] : [])));
  for (const role of ['stable', 'candidate'] as const) {
    const entries = scenario.versions[role];
    const first = entries[0]!;
    if (first.fromMinute !== 0 || first.segment !== undefined || first.errorRate === undefined || first.latency === undefined) {
      problems.push(`/versions/${role}/0: the first entry starts at minute 0, has no segment, and sets errorRate and latency`);
    }
    entries.forEach((entry, i) => {
      const path = `/versions/${role}/${i}`;
      if (entry.segment !== undefined && !(entry.segment in (scenario.segments?.shares ?? {}))) {
        problems.push(`${path}/segment: '${entry.segment}' is not a value in /segments/shares`);
      }
      if (entry.latency) sums(`${path}/latency`, entry.latency, scenario.latencyBucketsMs.length + 1);
      for (const gate of Object.keys(entry.ratios ?? {})) {
        if (!policy.gates.checks.some((g) => g.metric === 'ratio' && g.name === gate)) problems.push(`${path}/ratios/${gate}: policy ${policy.name} has no ratio gate named '${gate}'`);
      }
      for (const [gate, values] of Object.entries(entry.scores ?? {})) {
        const bins = drift.get(gate);
        if (bins === undefined) problems.push(`${path}/scores/${gate}: policy ${policy.name} has no drift gate named '${gate}'`);
        else sums(`${path}/scores/${gate}`, values, bins);
      }
    });
    for (const gate of drift.keys()) {
      if (!first.scores?.[gate]) problems.push(`/versions/${role}/0/scores: give the score shares of drift gate '${gate}'`);
    }
  }
  return problems;
}

/** What a version does at a minute, for one segment value (null: no segments). */
export function behaviourAt(scenario: Scenario, role: Role, minute: number, segment: string | null): Behaviour {
  const out: Behaviour = { errorRate: 0, latency: [], scores: {}, ratios: {} };
  for (const entry of scenario.versions[role]) {
    if (entry.fromMinute > minute || (entry.segment !== undefined && entry.segment !== segment)) continue;
    if (entry.errorRate !== undefined) out.errorRate = entry.errorRate;
    if (entry.latency) out.latency = entry.latency;
    out.scores = { ...out.scores, ...entry.scores };
    out.ratios = { ...out.ratios, ...entry.ratios };
  }
  return out;
}

export function rpsAt(scenario: Scenario, minute: number): number {
  let rps = 0;
  for (const entry of scenario.traffic) if (entry.fromMinute <= minute) rps = entry.rps;
  return rps;
}

/** Segment values and their shares; one unnamed value when the scenario does not segment. */
export function segmentShares(scenario: Scenario): Array<[string | null, number]> {
  return scenario.segments ? Object.entries(scenario.segments.shares) : [[null, 1]];
}

function increasing(values: number[]): boolean {
  return values.every((v, i) => i === 0 || v > values[i - 1]!);
}
