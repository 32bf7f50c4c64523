/**
 * A latency gate can only tell a regression as small as its histogram's buckets around the
 * percentile are narrow (src/gates/latency-buckets.ts). Without `expected` modelgate has nothing
 * to centre buckets on, and on Istio before 1.19 a pod cannot get its own buckets: either way the
 * percentile is read through Istio's default bounds, and this rule says what that resolves.
 * It speaks about latency gates the policy writes; the implicit default gates stay quiet, so a
 * minimal policy is not told about a gate it never wrote.
 */
import { ISTIO_DEFAULT_DURATION_BUCKETS_MS, istioReadsBuckets, MIN_ISTIO_FOR_BUCKETS, neededSpacing } from '../gates/latency-buckets.js';
import type { LatencyGate } from '../resolve/policy.js';
import type { Rule } from './rule.js';

export const latencyResolution: Rule = {
  id: 'latency-resolution',
  description: "A relative latency gate states the percentile it expects, so modelgate can emit histogram buckets that resolve its threshold, on an Istio version that applies them.",
  severity: 'warning',
  check({ source, policy, report }) {
    if (policy.versions.candidate === null) return;
    if ((source.data as any).spec?.gates?.checks === undefined) return;
    const spacing = (gate: LatencyGate): string => `${Number((neededSpacing(gate) * 100).toPrecision(3))}%`;
    policy.gates.checks.forEach((gate, index) => {
      if (gate.metric !== 'latency' || gate.maxIncreasePercent === null) return;
      const path = ['spec', 'gates', 'checks', index];
      const threshold = `${gate.maxIncreasePercent}%`;
      if (gate.expectedMs === null) {
        report({
          path,
          message: `gate \`${gate.name}\` reads P${gate.percentile} through Istio's default buckets (…, 50, 100, 250, 500 ms, …), up to 150% wide; a ${threshold} increase needs bounds about ${spacing(gate)} apart around stable's P${gate.percentile}, or histogram_quantile's interpolation hides it`,
          hint: `state stable's usual P${gate.percentile}, e.g. \`expected: 130ms\`, and modelgate emits dense buckets around it`,
        });
        return;
      }
      if (istioReadsBuckets(policy)) return;
      const upper = ISTIO_DEFAULT_DURATION_BUCKETS_MS.findIndex((b) => b >= gate.expectedMs!);
      const low = ISTIO_DEFAULT_DURATION_BUCKETS_MS[upper - 1] ?? 0;
      const high = ISTIO_DEFAULT_DURATION_BUCKETS_MS[upper] ?? Infinity;
      const widthPercent = low > 0 ? Math.round((high / low - 1) * 100) : Infinity;
      report({
        path,
        message: `stable's P${gate.percentile} (${gate.expectedMs} ms) falls in Istio's default bucket ${low}–${high} ms (${widthPercent}% wide), and Istio ${policy.platform.istio.version} cannot give a pod its own buckets (${MIN_ISTIO_FOR_BUCKETS.join('.')} or later can), so gate \`${gate.name}\` cannot resolve a ${threshold} increase (bounds about ${spacing(gate)} apart are needed)`,
        hint: `upgrade Istio to ${MIN_ISTIO_FOR_BUCKETS.join('.')} or later and set \`istio.version\` in modelgate.config.yaml`,
      });
    });
  },
};
