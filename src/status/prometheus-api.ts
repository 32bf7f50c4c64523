/**
 * The one call `status` makes to Prometheus: an instant query over the HTTP API
 * (`GET /api/v1/query`, https://prometheus.io/docs/prometheus/latest/querying/api/#instant-queries).
 * Queries arrive as expression trees and are serialized here, so nothing reaches the URL that the
 * PromQL builder did not escape; URLSearchParams does the URL encoding.
 */
import { serialize, type Expr } from '../gates/promql.js';

export interface Sample {
  labels: Record<string, string>;
  value: number;
}

/** Prometheus could not be asked, or did not answer a vector: the reason, for a person. */
export class PrometheusError extends Error {}

export interface InstantQuery {
  /** Base URL of the Prometheus server, e.g. http://localhost:9090 (a path prefix is kept). */
  url: string;
  /** Evaluation time in Unix seconds; null asks for the server's own "now". */
  timeSeconds: number | null;
  /** Give up on one query after this long. */
  timeoutMs: number;
}

export async function instantQuery(target: InstantQuery, expr: Expr): Promise<Sample[]> {
  const params = new URLSearchParams({ query: serialize(expr) });
  if (target.timeSeconds !== null) params.set('time', String(target.timeSeconds));
  const endpoint = `${target.url.replace(/\/+$/, '')}/api/v1/query`;
  let response: Response;
  try {
    // POST with a form body, as the API allows, so a long query never meets a URL length limit.
    response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: params,
      signal: AbortSignal.timeout(target.timeoutMs),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new PrometheusError(`cannot reach Prometheus at ${target.url}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
  }
  const text = await response.text();
  let body: { status?: string; error?: string; errorType?: string; data?: { resultType?: string; result?: unknown } };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new PrometheusError(`${endpoint} answered HTTP ${response.status} with something that is not the Prometheus API's JSON (${text.slice(0, 80).trim() || 'empty body'})`);
  }
  if (body.status !== 'success') throw new PrometheusError(`Prometheus refused the query (HTTP ${response.status}, ${body.errorType ?? 'error'}): ${body.error ?? 'no reason given'}`);
  if (body.data?.resultType !== 'vector' || !Array.isArray(body.data.result)) {
    throw new PrometheusError(`Prometheus answered a ${body.data?.resultType ?? 'missing'} result where an instant vector was expected`);
  }
  return (body.data.result as Array<{ metric: Record<string, string>; value: [number, string] }>).map((entry) => ({
    labels: entry.metric,
    value: sampleValue(entry.value[1]),
  }));
}

/** Sample values come as strings; Go's float formatting spells the infinities `+Inf`/`-Inf`. */
function sampleValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}
