/**
 * Under the profile's `tfserving.tls` TF Serving's gRPC port carries TLS the sidecars cannot look
 * into, so only the VirtualService's tcp route (by port) carries gRPC calls, and Argo Rollouts
 * moves it at weight steps only (targets/istio.ts `grpcTlsRoutes`). The mirror of a shadow phase,
 * cohort routes and sticky steps are HTTP routes matched on paths and headers: they move REST
 * requests only. A policy that relies on them is told what its gRPC callers get instead.
 */
import type { Rule } from './rule.js';

export const grpcTlsHttpRoutes: Rule = {
  id: 'grpc-tls-http-routes',
  description: 'With gRPC over TLS (profile tfserving.tls), shadow, cohort and sticky steps route REST requests only; the warning says what gRPC callers get.',
  severity: 'warning',
  check({ policy, report }) {
    const { cohorts, sticky } = policy.traffic;
    if (!policy.platform.tfserving.tls || policy.versions.candidate === null) return;
    const affected = [
      ...(policy.shadow ? ['the shadow mirror'] : []),
      ...cohorts.map((cohort) => `cohort ${cohort.name}`),
      // Sticky steps are header routes; the primary route, the one the tcp route follows, stays at 0 until 100%.
      ...(sticky && policy.canary.steps.some((step) => step.weightPercent < 100) ? [`the sticky steps on ${sticky.header}`] : []),
    ];
    if (affected.length === 0) return;
    report({
      path: ['spec', 'traffic'],
      message: `the profile's tfserving.tls puts TLS on the gRPC port, which Istio cannot look into: ${affected.join(', ')} move REST requests only; gRPC connections follow the weight steps${sticky ? ' (none before 100% on a sticky policy: all gRPC callers move at promotion)' : ''}`,
      hint: 'send the requests these steps must reach over REST, or release gRPC callers by weight steps',
    });
  },
};
