/**
 * A model of one measurement of an Argo Rollouts `web` metric, for the metrics modelgate emits.
 * Upstream (argoproj/argo-rollouts):
 * - args: an argument with `valueFrom.secretKeyRef` is read from the Secret (analysis/analysis.go
 *   `resolveArgs`); then `{{args.name}}` is replaced as text in the metric's JSON, each value
 *   escaped with Go's strconv.Quote less the outer quotes, and a tag that names no argument is an
 *   error (utils/analysis/factory.go `ResolveMetricArgs`, utils/template/template.go
 *   `ResolveQuotedArgs`, `ResolveArgs`, `resolve`). JSON.stringify stands in for strconv.Quote:
 *   both give a valid JSON string body for the printable text a header or version holds;
 * - the request: `method` (GET when empty) to `url` with `headers`, `jsonBody` marshalled as the
 *   body with `Content-Type: application/json`, a client timeout of `timeoutSeconds` (10 when
 *   unset); a transport error or a status outside 2xx is an Error measurement
 *   (metricproviders/webmetric/webmetric.go `Run`, `NewWebMetricHttpClient`);
 * - the answer: a JSON body is searched with the Kubernetes JSONPath `jsonPath`, missing keys
 *   being an error, and the first value found is `result` (`parseResponse`, `getValue`);
 * - the verdict: utils/evaluate/evaluate.go `EvaluateResult`: an error in either condition is
 *   Error; failure wins; neither true is Inconclusive.
 * The model evaluates only the JSONPaths the policy schema admits (`{$}`, `{$.a.b}`) and the
 * condition forms modelgate writes (argo-webhook-metrics.ts); any other form throws, so a new
 * form cannot pass untested. expr semantics used: `asFloat` (evaluate.go) returns a number as it
 * is, parses a string with strconv.ParseFloat and panics on anything else, and expr turns the
 * panic into an error; `==`/`!=` between values of different types is false/true, not an error.
 */

type Json = Record<string, any>;

export type Phase = 'Successful' | 'Failed' | 'Inconclusive' | 'Error';

export interface WebMeasurement {
  phase: Phase;
  /** The value at jsonPath, marshalled as Argo stores it; empty on error. */
  value: string;
  message?: string;
}

export interface Cluster {
  /** Secret name → key → value, in the run's namespace. */
  secrets: Record<string, Record<string, string>>;
  /** Where a URL's host:port is served from here (the cluster's DNS and Service routing). */
  route(url: URL): URL;
}

/** Resolve the template's args (with the Rollout's values) into the metric, as the controller does. */
export function resolveMetric(template: Json, metricName: string, rolloutArgs: Record<string, string>, cluster: Cluster): Json {
  const values = new Map<string, string>();
  for (const arg of template.spec.args as Json[]) {
    const ref = arg.valueFrom?.secretKeyRef;
    const value = ref ? cluster.secrets[ref.name]?.[ref.key] : (rolloutArgs[arg.name] ?? arg.value);
    if (value === undefined) throw new Error(`argument "${arg.name}" was not supplied`);
    values.set(`args.${arg.name}`, value);
  }
  const metric = (template.spec.metrics as Json[]).find((m) => m.name === metricName);
  if (!metric) throw new Error(`no metric ${metricName}`);
  const text = JSON.stringify(metric).replace(/\{\{([^}]*)\}\}/g, (_, tag: string) => {
    const value = values.get(tag.trim());
    if (value === undefined) throw new Error(`failed to resolve {{${tag}}}`);
    return JSON.stringify(value).slice(1, -1);
  });
  return JSON.parse(text) as Json;
}

export async function measureWebMetric(metric: Json, cluster: Cluster): Promise<WebMeasurement> {
  const web = metric.provider.web as Json;
  const method = (web.method as string | undefined) || 'GET';
  const headers: Record<string, string> = {};
  for (const header of (web.headers ?? []) as Json[]) headers[header.key] = header.value;
  if (web.jsonBody !== undefined) headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(cluster.route(new URL(web.url)), {
      method,
      headers,
      body: web.jsonBody === undefined ? undefined : JSON.stringify(web.jsonBody),
      signal: AbortSignal.timeout(((web.timeoutSeconds as number | undefined) || 10) * 1000),
    });
  } catch (error) {
    return { phase: 'Error', value: '', message: (error as Error).message };
  }
  const body = await response.text();
  if (response.status < 200 || response.status >= 300) return { phase: 'Error', value: '', message: `received non 2xx response code: ${response.status}` };
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    return verdict(metric, body, body);
  }
  const found = jsonPath((web.jsonPath as string | undefined) ?? '{$}', data);
  if (!found.ok) return { phase: 'Error', value: '', message: `Could not find JSONPath in body: ${found.message}` };
  return verdict(metric, found.value, JSON.stringify(found.value));
}

function jsonPath(path: string, data: unknown): { ok: true; value: unknown } | { ok: false; message: string } {
  const match = /^\{\$((?:\.[A-Za-z_][A-Za-z0-9_]*)*)\}$/.exec(path);
  if (!match) throw new Error(`model: JSONPath ${path} is outside the subset the policy schema admits`);
  let value = data;
  for (const key of match[1]!.split('.').slice(1)) {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !(key in value)) return { ok: false, message: `${key} is not found` };
    value = (value as Record<string, unknown>)[key];
  }
  return { ok: true, value };
}

function verdict(metric: Json, result: unknown, value: string): WebMeasurement {
  let success = false;
  let failure = false;
  try {
    if (metric.successCondition) success = evalCondition(metric.successCondition, result);
    if (metric.failureCondition) failure = evalCondition(metric.failureCondition, result);
  } catch (error) {
    return { phase: 'Error', value, message: (error as Error).message };
  }
  if (!metric.successCondition && !metric.failureCondition) return { phase: 'Successful', value };
  if (metric.successCondition && !metric.failureCondition) failure = !success;
  if (!metric.successCondition && metric.failureCondition) success = !failure;
  if (failure) return { phase: 'Failed', value };
  return { phase: success ? 'Successful' : 'Inconclusive', value };
}

function evalCondition(condition: string, result: unknown): boolean {
  const numeric = /^asFloat\(result\) (<=|>=|<|>) (-?[0-9.e+-]+)$/.exec(condition);
  if (numeric) {
    const value = asFloat(result);
    const limit = Number(numeric[2]);
    switch (numeric[1]) {
      case '<=': return value <= limit;
      case '>=': return value >= limit;
      case '<': return value < limit;
      default: return value > limit;
    }
  }
  const equality = /^result (==|!=) (.+)$/.exec(condition);
  if (equality) {
    const literal = JSON.parse(equality[2]!) as unknown;
    const equal = typeof literal === typeof result && literal === result;
    return equality[1] === '==' ? equal : !equal;
  }
  throw new Error(`model: condition ${condition} is not a form modelgate writes`);
}

function asFloat(value: unknown): number {
  if (typeof value === 'number') return value;
  // strconv.ParseFloat: the whole string must be a number.
  if (typeof value === 'string' && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value.trim()) && value.trim() === value) return Number(value);
  throw new Error(`asFloat() not supported on ${JSON.stringify(value)}`);
}
