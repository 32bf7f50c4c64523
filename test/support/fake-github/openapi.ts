/**
 * Check a request against GitHub's own OpenAPI description (`@octokit/openapi`): the operation
 * must exist, path and query parameters must match their schemas, and the JSON body must match
 * the operation's requestBody schema. The fake server refuses anything that would not reach GitHub.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

type Json = Record<string, any>;

const require = createRequire(import.meta.url);
const spec = JSON.parse(readFileSync(require.resolve('@octokit/openapi/generated/api.github.com.json'), 'utf8')) as Json;

// ajv-formats is CommonJS; its default export arrives wrapped under NodeNext.
const addFormats = ((addFormatsModule as any).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;
const ajv = addFormats(new Ajv({ strict: false, allErrors: true, coerceTypes: false, logger: false }));
const coercingAjv = addFormats(new Ajv({ strict: false, allErrors: true, coerceTypes: true, logger: false }));

export interface Operation {
  operationId: string;
  /** The template, e.g. `/repos/{owner}/{repo}/pulls`. */
  path: string;
  params: Record<string, string>;
}

interface Route {
  method: string;
  path: string;
  pattern: RegExp;
  names: string[];
  operation: Json;
}

const routes: Route[] = Object.entries(spec.paths as Json).flatMap(([path, item]) =>
  Object.entries(item as Json)
    .filter(([method]) => ['get', 'post', 'patch', 'put', 'delete'].includes(method))
    .map(([method, operation]) => {
      const parameters = ((operation as Json).parameters ?? []).map(deref) as Json[];
      const names: string[] = [];
      const source = path.replace(/\{([^}]+)\}/g, (_, name: string) => {
        names.push(name);
        const multi = parameters.some((p) => p.name === name && p['x-multi-segment']);
        return multi ? '(.+)' : '([^/]+)';
      });
      return { method: method.toUpperCase(), path, pattern: new RegExp(`^${source}$`), names, operation: operation as Json };
    }),
);
// Literal segments win over parameters (`/git/refs` before `/git/{x}`): fewer parameters first.
routes.sort((a, b) => a.names.length - b.names.length);

function deref(node: Json): Json {
  if (typeof node?.$ref !== 'string') return node;
  const target = (node.$ref as string).slice(2).split('/').reduce((at: Json, key) => at[key], spec);
  return deref(target);
}

/** OpenAPI 3.0 `nullable` is not JSON Schema: turn it into a `null` type, resolving references. */
function toJsonSchema(node: unknown, seen = new Map<Json, Json>()): unknown {
  if (Array.isArray(node)) return node.map((item) => toJsonSchema(item, seen));
  if (node === null || typeof node !== 'object') return node;
  const source = deref(node as Json);
  const cached = seen.get(source);
  if (cached) return cached;
  const out: Json = {};
  seen.set(source, out);
  for (const [key, value] of Object.entries(source)) {
    if (key === 'nullable' || key === 'example' || key === 'examples' || key.startsWith('x-')) continue;
    out[key] = key === 'properties' ? Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [k, toJsonSchema(v, seen)])) : toJsonSchema(value, seen);
  }
  if (source.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
  }
  return out;
}

const bodyValidators = new Map<Json, ValidateFunction>();
function bodyValidator(operation: Json): ValidateFunction | null {
  const schema = operation.requestBody?.content?.['application/json']?.schema;
  if (!schema) return null;
  let validate = bodyValidators.get(operation);
  if (!validate) {
    validate = ajv.compile(toJsonSchema(schema) as Json);
    bodyValidators.set(operation, validate);
  }
  return validate;
}

const parameterValidators = new Map<Json, ValidateFunction>();
function parameterValidator(parameter: Json): ValidateFunction {
  let validate = parameterValidators.get(parameter);
  if (!validate) {
    validate = coercingAjv.compile({ type: 'object', properties: { value: toJsonSchema(parameter.schema) } });
    parameterValidators.set(parameter, validate);
  }
  return validate;
}

export type Match = { operation: Operation; errors: string[] } | { operation: null; errors: string[] };

/** Find the operation for `method url` and list every way the request breaks the description. */
export function matchRequest(method: string, url: URL, body: unknown): Match {
  for (const route of routes) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(url.pathname);
    if (!match) continue;
    const params = Object.fromEntries(route.names.map((name, i) => [name, decodeURIComponent(match[i + 1]!)]));
    return { operation: { operationId: route.operation.operationId, path: route.path, params }, errors: checkRequest(route, params, url, body) };
  }
  return { operation: null, errors: [`no operation ${method} ${url.pathname} in GitHub's OpenAPI description`] };
}

function checkRequest(route: Route, params: Record<string, string>, url: URL, body: unknown): string[] {
  const errors: string[] = [];
  for (const parameter of ((route.operation.parameters ?? []) as Json[]).map(deref)) {
    if (parameter.in !== 'path' && parameter.in !== 'query') continue;
    const raw = parameter.in === 'path' ? params[parameter.name] : url.searchParams.get(parameter.name) ?? undefined;
    if (raw === undefined) {
      if (parameter.required) errors.push(`missing ${parameter.in} parameter ${parameter.name}`);
      continue;
    }
    const holder = { value: raw as unknown };
    const validate = parameterValidator(parameter);
    if (!validate(holder)) errors.push(`${parameter.in} parameter ${parameter.name}=${raw}: ${coercingAjv.errorsText(validate.errors)}`);
  }
  const validate = bodyValidator(route.operation);
  if (validate && !validate(body)) errors.push(`body: ${ajv.errorsText(validate.errors)}`);
  if (validate === null && body !== undefined) errors.push('operation takes no body');
  // GitHub ignores unknown body fields silently; here they fail so a misspelt field is caught.
  const known = (validate?.schema as Json | undefined)?.properties;
  if (known && body && typeof body === 'object' && !Array.isArray(body)) {
    for (const key of Object.keys(body)) if (!(key in known)) errors.push(`body: unknown field ${key}`);
  }
  return errors;
}
