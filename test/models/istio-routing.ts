/**
 * A model of how Istio routes one HTTP request by a VirtualService, for the routing tests. It
 * follows istio.io's VirtualService reference and the code behind it:
 * - a VirtualService applies to sidecars when its `gateways` is empty or lists `mesh`, and to a
 *   gateway when it lists that gateway (pilot/pkg/model/virtualservice.go, "mesh" default);
 * - a host without dots is a name in the VirtualService's namespace; `*.suffix` matches by
 *   suffix (pilot/pkg/model/host.Name.Matches);
 * - routes are tried in order and the first whose match holds wins (HTTPRoute doc: "the first
 *   rule matching an incoming request is used"); within one match block all conditions hold;
 * - header `regex` becomes Envoy's safe_regex with Google RE2, matched against the WHOLE value
 *   (envoy source/common/common/regex.h CompiledGoogleReMatcher::match → re2::RE2::FullMatch);
 *   re2js is a port of RE2, so the same regex accepts the same strings;
 * - without a VirtualService, a sidecar or kube-proxy balances over the Service's endpoints, the
 *   pods its selector picks.
 */
import { RE2JS } from 're2js';

type Json = Record<string, any>;

export interface Pod {
  labels: Record<string, string>;
}

export interface Request {
  /** Host (authority) the caller sends: the Service FQDN, or the public host through a gateway. */
  host: string;
  headers: Record<string, string>;
  /** `mesh` for a sidecar, `<namespace>/<name>` for a gateway. */
  via: string;
}

/** Istio's Host.Matches for one VirtualService host against the request's host. */
export function hostMatches(vsHost: string, namespace: string, requestHost: string): boolean {
  if (vsHost === '*') return true;
  const full = vsHost.includes('.') || vsHost.startsWith('*') ? vsHost : `${vsHost}.${namespace}.svc.cluster.local`;
  return full.startsWith('*.') ? requestHost.endsWith(full.slice(1)) : full === requestHost;
}

export function virtualServiceApplies(vs: Json, request: Request): boolean {
  const gateways: string[] = vs.spec.gateways ?? ['mesh'];
  return gateways.includes(request.via) && (vs.spec.hosts as string[]).some((host) => hostMatches(host, vs.metadata.namespace, request.host));
}

const regexes = new Map<string, RE2JS>();
function compiled(regex: string): RE2JS {
  let pattern = regexes.get(regex);
  if (!pattern) regexes.set(regex, (pattern = RE2JS.compile(regex)));
  return pattern;
}

function stringMatches(match: Json, value: string | undefined): boolean {
  if (value === undefined) return false;
  if (match.exact !== undefined) return value === match.exact;
  if (match.prefix !== undefined) return value.startsWith(match.prefix);
  if (match.regex !== undefined) return compiled(match.regex).matches(value);
  return true;
}

function matchHolds(match: Json, request: Request): boolean {
  const headers = Object.entries((match.headers ?? {}) as Record<string, Json>).every(([name, condition]) => stringMatches(condition, request.headers[name]));
  // Requests here all have path `/predict`-like paths, so any `uri.prefix: /` holds.
  const uri = match.uri === undefined || stringMatches(match.uri, '/v1/models/predict');
  return headers && uri;
}

/** The first route whose match holds, or null (Istio answers 404 when no route matches). */
export function firstMatchingRoute(vs: Json, request: Request): Json | null {
  for (const route of vs.spec.http as Json[]) {
    const matches: Json[] = route.match ?? [];
    if (matches.length === 0 || matches.some((match) => matchHolds(match, request))) return route;
  }
  return null;
}

/** Share of requests each version answers when they go to a Service: by endpoint count. */
export function serviceShares(selector: Record<string, string>, pods: readonly Pod[], versionLabel: string): Map<string, number> {
  const selected = pods.filter((pod) => Object.entries(selector).every(([key, value]) => pod.labels[key] === value));
  const counts = new Map<string, number>();
  for (const pod of selected) counts.set(pod.labels[versionLabel]!, (counts.get(pod.labels[versionLabel]!) ?? 0) + 1);
  return new Map([...counts].map(([version, count]) => [version, count / selected.length]));
}

/** The versions a routed request lands on: each destination's weight spread over its Service's endpoints. */
export function routeShares(route: Json, services: ReadonlyMap<string, Record<string, string>>, pods: readonly Pod[], versionLabel: string): Map<string, number> {
  const destinations: Json[] = route.route;
  const total = destinations.reduce((sum, entry) => sum + (entry.weight ?? (destinations.length === 1 ? 100 : 0)), 0);
  const shares = new Map<string, number>();
  for (const entry of destinations) {
    const weight = (entry.weight ?? (destinations.length === 1 ? 100 : 0)) / total;
    if (weight === 0) continue;
    const selector = services.get(String(entry.destination.host).split('.')[0]!);
    if (!selector) throw new Error(`route ${route.name} sends to ${entry.destination.host}, which is no Service`);
    for (const [version, share] of serviceShares(selector, pods, versionLabel)) shares.set(version, (shares.get(version) ?? 0) + weight * share);
  }
  return shares;
}
