/**
 * Validators from the upstream CRD schemas copied to test/fixtures/crds, in the strict mode
 * kubeconform -strict uses: unknown fields are errors except under
 * `x-kubernetes-preserve-unknown-fields`. CEL `x-kubernetes-validations` rules are not evaluated.
 * Used by the compiled-output oracle and by the Kubernetes API stand-in, so neither can invent a field.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { upstreamCrdsDir } from './tools.js';

type Json = Record<string, any>;

/** Schema annotations the API server understands and ajv need not. */
const KUBERNETES_KEYWORDS = ['x-kubernetes-preserve-unknown-fields', 'x-kubernetes-validations', 'x-kubernetes-int-or-string', 'x-kubernetes-list-type', 'x-kubernetes-map-type', 'x-kubernetes-list-map-keys'];

// ajv-formats is CommonJS; its default export arrives wrapped under NodeNext.
const addFormats = ((addFormatsModule as any).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;
/** OpenAPI formats (int32, int64, byte, double, date-time) are checked as the API server does. */
const ajv = addFormats(new Ajv({ allErrors: true, strictTypes: false, logger: false, code: { regExp: goRegExp } }));
ajv.addVocabulary(KUBERNETES_KEYWORDS);
const cache = new Map<string, ValidateFunction>();

/** CRD patterns are Go RE2; the only RE2-only syntax in these schemas is a whole-pattern `(?i)`. */
function goRegExp(pattern: string, flags: string): RegExp {
  const caseless = /^(\^?)\(\?i\)/.exec(pattern);
  return caseless ? new RegExp(caseless[1] + pattern.slice(caseless[0].length), `${flags}i`) : new RegExp(pattern, flags);
}
goRegExp.code = 'goRegExp';

/** The validator for `group/version` + kind, or undefined when no upstream CRD is copied for it. */
export function validatorFor(apiVersion: string, kind: string): ValidateFunction | undefined {
  const [group, version] = apiVersion.split('/');
  const file = path.join(upstreamCrdsDir, group!, `${kind.toLowerCase()}_${version}.json`);
  if (!cache.has(file)) {
    if (!existsSync(file)) return undefined;
    const schema = JSON.parse(readFileSync(file, 'utf8')) as Json;
    // The API server accepts these on every object whether or not the CRD schema lists them.
    schema.properties = { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, ...schema.properties };
    cache.set(file, ajv.compile(strict(schema) as Json));
  }
  return cache.get(file);
}

function strict(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strict);
  if (schema === null || typeof schema !== 'object') return schema;
  const node = schema as Json;
  if (node['x-kubernetes-preserve-unknown-fields'] === true) return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] = key === 'properties' ? Object.fromEntries(Object.entries(value as Json).map(([name, child]) => [name, strict(child)])) : key === 'enum' || key === 'required' || key === 'x-kubernetes-validations' ? value : strict(value);
  }
  if (out.type === 'object' && out.additionalProperties === undefined) out.additionalProperties = out.properties ? false : true;
  return out;
}
