/**
 * The labels a score-exporter histogram series carries once the policy's PodMonitor scraped it,
 * as far as drift gates select on them: `namespace` and `job` from the Operator's relabelings
 * (src/gates/score-source.ts podMonitorJob; modelled in test/models/prometheus-scrape.ts) and the
 * pod's version copied onto the gate's version label. Every test that writes score histograms
 * for promtool or a real Prometheus takes them from here.
 */
import { eq, type Matcher } from '../../src/gates/promql.js';
import { podMonitorJob } from '../../src/gates/score-source.js';
import type { DriftGate, ResolvedPolicy } from '../../src/resolve/policy.js';

export function scoreSeriesLabels(policy: ResolvedPolicy, gate: DriftGate, version: string): Matcher[] {
  return [eq('namespace', policy.namespace), eq('job', podMonitorJob(policy)), eq(gate.versionLabel, version)];
}
