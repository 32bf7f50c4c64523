/**
 * The Istio Telemetry resource that puts each declared segment label on the request metrics
 * the gates read (server side, i.e. `reporter="destination"`), taking its value from a request
 * header. Without it a per-segment latency or error-rate gate would match no series.
 */
import { LABEL_APP, LABEL_MANAGED_BY, MANAGED_BY, serviceName } from '../names.js';
import type { ResolvedPolicy } from '../resolve/policy.js';
import type { Target } from './target.js';

export const TELEMETRY_FILE = 'istio/telemetry.yaml';
/** The metrics the gates read: istio_requests_total and istio_request_duration_milliseconds. */
const GATED_METRICS = ['REQUEST_COUNT', 'REQUEST_DURATION'] as const;

export const istioTelemetryTarget: Target = {
  name: 'istio-telemetry',
  build(policy) {
    if (policy.traffic.segments.length === 0) return [];
    return [{ path: TELEMETRY_FILE, kind: 'yaml', documents: [telemetry(policy)] }];
  },
};

function telemetry(policy: ResolvedPolicy): object {
  const tagOverrides = Object.fromEntries(
    policy.traffic.segments.map((segment) => [segment.label, { operation: 'UPSERT', value: headerExpression(segment.header) }]),
  );
  return {
    apiVersion: 'telemetry.istio.io/v1alpha1',
    kind: 'Telemetry',
    metadata: { name: `${policy.name}-segments`, namespace: policy.namespace, labels: { [LABEL_MANAGED_BY]: MANAGED_BY } },
    spec: {
      selector: { matchLabels: { [LABEL_APP]: serviceName(policy) } },
      metrics: [
        {
          providers: [{ name: 'prometheus' }],
          overrides: GATED_METRICS.map((metric) => ({ match: { metric, mode: 'SERVER' }, tagOverrides })),
        },
      ],
    },
  };
}

/** Istio's attribute expression for a request header; the name is quoted as a CEL string literal. */
export function headerExpression(header: string): string {
  return `request.headers[${JSON.stringify(header)}]`;
}
