/**
 * The segment case as a policy: 300 rps, a per-region error gate over ten regions of about
 * 10% (the default share), and the default-like schedule 1% → 5% → 25% → 50% → 100%.
 */
import { loadPolicy } from '../../src/load/load.js';
import type { ResolvedPolicy } from '../../src/resolve/policy.js';
import { resolvePolicy } from '../../src/resolve/resolve.js';

export const REGIONAL_POLICY = `apiVersion: modelgate.io/v1alpha1
kind: ReleasePolicy
metadata: { name: regional }
spec:
  model: { name: regional, basePath: /models/regional }
  versions: { stable: 1, candidate: 2 }
  traffic:
    host: regional.default.svc.cluster.local
    expectedRps: 300
    segments: [{ label: region, header: x-region }]
  canary:
    steps:
      - { weight: 1%, hold: 30m }
      - { weight: 5%, hold: 30m }
      - { weight: 25%, hold: 1h }
      - { weight: 50%, hold: 1h }
      - { weight: 100% }
  gates:
    interval: 5m
    failureLimit: 1
    checks:
      - { metric: errorRate, maxIncrease: 0.5pp }
      - { metric: errorRate, name: region-errors, maxIncrease: 1pp, segment: region }
`;

export function regional(): ResolvedPolicy {
  const loaded = loadPolicy('regional.yaml', new TextEncoder().encode(REGIONAL_POLICY));
  if (!loaded.policy) throw new Error(JSON.stringify(loaded.diagnostics));
  return resolvePolicy(loaded.policy.data, { file: 'regional.yaml', sha256: '' });
}
