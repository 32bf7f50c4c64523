/**
 * The labels an application counter a ratio gate reads carries, as the README asks the model's
 * callers to write them: `namespace` (from their scrape), the profile's model label with the
 * policy's name, and the version that served the request on the gate's version label. Spelt here
 * from that contract rather than from src/gates/ratio-counters.ts, so a selector that lost a
 * matcher is caught by series that still carry the label. Every test that writes ratio counters
 * for promtool or a real Prometheus takes them from here.
 */
import { eq, type Matcher } from '../../src/gates/promql.js';
import type { RatioGate, ResolvedPolicy } from '../../src/resolve/policy.js';

export function ratioCounterLabels(policy: ResolvedPolicy, gate: RatioGate, version: string): Matcher[] {
  return [eq('namespace', policy.namespace), eq(policy.platform.ratioCounters.modelLabel, policy.name), eq(gate.versionLabel, version)];
}
