/**
 * Every emitted custom resource must validate, in strict mode, against the schema its CRD
 * publishes: a misspelt field would otherwise be dropped by the API server without a word.
 *
 * Schemas come from @kubernetes-models/istio 2.3 (Istio 1.18.0 CRDs: networking v1alpha3,
 * v1beta1; telemetry v1alpha1; security v1beta1), @kubernetes-models/argo-rollouts 0.3 (Argo Rollouts v1.5.0 CRDs)
 * and kubernetes-models 3.1 (the Kubernetes API's own OpenAPI schemas, for the HorizontalPodAutoscaler;
 * its later majors ship only compiled, lax validators and no schema to capture). Their own
 * validators accept unknown fields (no `additionalProperties: false`) and do not export the
 * schemas, so we collect each schema as the package registers it and compile a strict copy:
 * every object schema that lists properties rejects others. The packages drop
 * `x-kubernetes-preserve-unknown-fields`; such objects carry no property list and stay open.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import { AJV_VERSION, loadPrecompiled, sha256Of, type PrecompiledValidator } from '../precompiled/precompiled-validator.js';
import type { OutputCheck, OutputFinding } from './check.js';

type Schema = Record<string, unknown>;
type ModelClass = { apiVersion: string; kind: string; prototype: object };

/** Model modules whose schemas we check against. */
const MODELS = [
  '@kubernetes-models/istio/networking.istio.io/v1beta1/VirtualService',
  '@kubernetes-models/istio/networking.istio.io/v1alpha3/VirtualService',
  '@kubernetes-models/istio/telemetry.istio.io/v1alpha1/Telemetry',
  '@kubernetes-models/istio/security.istio.io/v1beta1/AuthorizationPolicy',
  '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/Rollout',
  '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/AnalysisTemplate',
  'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler',
];
/** The packages MODELS come from: their versions stamp the precompiled validators. */
const MODEL_PACKAGES = ['@kubernetes-models/istio', '@kubernetes-models/argo-rollouts', 'kubernetes-models'];

/**
 * Kinds we emit that no maintained package here carries a JSON schema for (core Kubernetes
 * kinds; @kubernetes-models/prometheus-operator ships only lax compiled validators). They are
 * left to the upstream-CRD test; any other kind is a finding, so a new target cannot slip by.
 */
const UNCHECKED = new Set(['v1/Service', 'v1/ConfigMap', 'monitoring.coreos.com/v1/PrometheusRule', 'monitoring.coreos.com/v1/PodMonitor']);

const require = createRequire(import.meta.url);
// Loaded only when compiling: the precompiled validators need none of ajv's compiler.
const newAjv = (options: Record<string, unknown>): Ajv =>
  (require('ajv-formats') as { default: (ajv: Ajv) => Ajv }).default(new (require('ajv') as { Ajv: new (options: Record<string, unknown>) => Ajv }).Ajv(options));

/** `apiVersion/kind` as the model module's path spells it: `<package>/<group>/<version>/<kind>` (a scoped package name has two parts). */
const typeOf = (modulePath: string): string => modulePath.split('/').slice(modulePath.startsWith('@') ? 2 : 1).join('/');

const QUANTITY = /^[+-]?(?:\d+|\d+\.\d+|\d+\.|\.\d+)(?:[KMGTPE]i|[numkMGTPE]|[eE][+-]?\d+)?$/;

/**
 * `inlineRefs: false` with `ownFunctions`: every object schema becomes a function of its own. One
 * generated function per kind (the Rollout's 1.2 MB, its pod template written out in full) was
 * compiled whole on its first call, ~80 ms for the Rollout and the AnalysisTemplate each, and too
 * large for V8 to optimise; split, only the parts our objects reach are compiled, and optimised.
 */
const AJV_OPTIONS = { allErrors: true, strictTypes: false, logger: false, inlineRefs: false } as const;

/** `apiVersion/kind` → schema id in `ajv`; compiling is the expensive part, so it waits for use. */
let registry: { ajv: Ajv; rootIds: Map<string, string> } | undefined;
const validators = new Map<string, ValidateFunction>();

export const crdSchemasCheck: OutputCheck = {
  name: 'crd-schemas',
  check(_policy, files) {
    const findings: OutputFinding[] = [];
    for (const file of files) {
      for (const document of file.documents ?? []) {
        const object = asObject(document);
        if (!object || typeof object.apiVersion !== 'string' || typeof object.kind !== 'string') continue;
        const type = `${object.apiVersion}/${object.kind}`;
        const name = `${object.kind}/${String((object.metadata as Schema | undefined)?.name ?? '?')}`;
        const validate = strictValidator(type);
        if (!validate) {
          if (!UNCHECKED.has(type)) findings.push({ path: file.path, object: name, message: `no schema known for ${type}` });
          continue;
        }
        if (!validate(object)) {
          for (const error of validate.errors ?? []) findings.push({ path: file.path, object: name, message: `does not match the ${type} schema: ${describe(error)}` });
        }
      }
    }
    return findings;
  },
};

/**
 * Strict validator for one `apiVersion/kind`, compiled on first use: the profile of `compile`
 * showed compiling all six schemas (the Rollout's pod template alone ~1.5 s) as its largest fixed
 * cost, and the v1alpha3 Istio kinds are known but not emitted.
 */
export function strictValidator(type: string): ValidateFunction | undefined {
  if (!PRECOMPILED_STRICT_VALIDATORS.has(type)) return undefined;
  let validate = validators.get(type);
  if (!validate) {
    validate = loadPrecompiled(PRECOMPILED_STRICT_VALIDATORS.get(type)!) ?? compileStrictValidator(type);
    validators.set(type, validate);
  }
  return validate;
}

/** `apiVersion/kind` → strict validator, for every kind known. */
export function strictValidators(): Map<string, ValidateFunction> {
  return new Map(MODELS.map((path) => [typeOf(path), strictValidator(typeOf(path))!]));
}

export function compileStrictValidator(type: string): ValidateFunction {
  const { ajv, rootIds } = schemaRegistry();
  return ajv.getSchema(rootIds.get(type)!)!;
}

/** `apiVersion/kind` → its strict validator as generated at build time. */
export const PRECOMPILED_STRICT_VALIDATORS: ReadonlyMap<string, PrecompiledValidator> = new Map(MODELS.map((path) => [typeOf(path), precompiledStrictValidator(path)]));

function precompiledStrictValidator(modulePath: string): PrecompiledValidator {
  const type = typeOf(modulePath);
  return {
    url: new URL(`./crd-${type.replace(/[^A-Za-z0-9]+/g, '-')}.generated.cjs`, import.meta.url),
    // The generated code depends on the schemas (the packages' versions), ajv, ajv-formats and the transforms.
    inputsSha256: () =>
      sha256Of(
        type,
        AJV_VERSION,
        JSON.stringify(AJV_OPTIONS),
        (require('ajv-formats/package.json') as { version: string }).version,
        ...MODEL_PACKAGES.map(packageVersion),
        mapSubschemas.toString(),
        strict.toString(),
        ownFunctions.toString(),
      ),
    compileForCode: () => {
      const { ajv, rootIds } = schemaRegistry({ source: true });
      return { ajv, schema: rootIds.get(type)! };
    },
  };
}

function schemaRegistry(code?: { source: true }): { ajv: Ajv; rootIds: Map<string, string> } {
  if (registry && !code) return registry;
  const ajv = newAjv({ ...AJV_OPTIONS, ...(code ? { code } : {}) });
  // Kubernetes' own schemas (the HPA's metric targets) name this format; the grammar is
  // apimachinery's resource.Quantity: a signed decimal with an optional SI, binary or exponent suffix.
  ajv.addFormat('quantity', QUANTITY);
  const schemas = new Map<string, Schema>();
  const rootIds = new Map<string, string>();
  for (const modulePath of MODELS) {
    const model = Object.values(require(modulePath) as Record<string, ModelClass>)[0]!;
    const type = `${model.apiVersion}/${model.kind}`;
    if (type !== typeOf(modulePath)) throw new Error(`${modulePath} holds ${type}; crd-schemas names kinds by their module path`);
    const captured = captureSchemas(modulePath, model);
    for (const [id, schema] of captured) schemas.set(id, schema);
    rootIds.set(type, [...captured.keys()].pop()!);
  }
  for (const [id, schema] of schemas) ajv.addSchema(ownFunctions(strict(schema) as Schema), id);
  if (code) return { ajv, rootIds };
  registry = { ajv, rootIds };
  return registry;
}

/**
 * Run the model's schema registration with the package's `register` swapped for one that
 * records what it is given (dependencies first, the model's own schema last).
 */
function captureSchemas(modulePath: string, model: ModelClass): Map<string, Schema> {
  const registry = schemaRegistrar(modulePath);
  const addSchema = Object.getOwnPropertySymbols(model.prototype).find((symbol) => symbol.description === 'ADD_SCHEMA');
  if (!addSchema) throw new Error(`${modulePath} no longer registers its schema the way crd-schemas expects`);
  const captured = new Map<string, Schema>();
  const original = registry.register;
  registry.register = (id, schema) => void captured.set(id, schema);
  try {
    (model.prototype as Record<symbol, () => void>)[addSchema]!();
  } finally {
    registry.register = original;
  }
  return captured;
}

/** A package's version, read beside its entry point: kubernetes-models' `exports` map leaves package.json out. */
function packageVersion(name: string): string {
  const entry = require.resolve(name);
  const folder = `node_modules/${name}`;
  return (JSON.parse(readFileSync(path.join(entry.slice(0, entry.lastIndexOf(folder) + folder.length), 'package.json'), 'utf8')) as { version: string }).version;
}

type Registrar = { register(id: string, schema: Schema): void };

/**
 * The object whose `register` the model's schema modules call. @kubernetes-models/validate 3
 * exports it as a plain property; 2.x (kubernetes-models 3) re-exports it through a getter from
 * its dist/ajv.js, where it is a plain property again (reached by file path: the package's
 * `exports` map hides the file from a bare specifier).
 */
function schemaRegistrar(modulePath: string): Registrar {
  const requireFrom = createRequire(require.resolve(modulePath));
  const index = requireFrom('@kubernetes-models/validate') as Registrar;
  if (Object.getOwnPropertyDescriptor(index, 'register')?.writable) return index;
  return requireFrom(path.join(path.dirname(requireFrom.resolve('@kubernetes-models/validate')), 'ajv.js')) as Registrar;
}

/**
 * `node` copied with `leave` applied to every object schema in it, children first. Property
 * names, enum values and required lists are data, not schemas, and are copied as they are.
 */
function mapSubschemas(node: unknown, leave: (schema: Schema, isRoot: boolean) => unknown, isRoot = true): unknown {
  if (Array.isArray(node)) return node.map((item) => mapSubschemas(item, leave, false));
  if (node === null || typeof node !== 'object') return node;
  const out: Schema = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] = key === 'enum' || key === 'required' ? value : key === 'properties' ? mapValues(value as Schema, (child) => mapSubschemas(child, leave, false)) : mapSubschemas(value, leave, false);
  }
  return leave(out, isRoot);
}

/** A copy of `schema` where every object schema with a property list rejects other properties. */
export function strict(schema: unknown): unknown {
  return mapSubschemas(schema, (out) => {
    const properties = out.properties as Schema | undefined;
    if (properties && Object.keys(properties).length > 0 && out.additionalProperties === undefined) out.additionalProperties = false;
    return out;
  });
}

/**
 * The same schema with every object schema below the root (one that lists properties) moved to
 * `definitions` and referred to by `$ref`, so ajv writes it as a function of its own. The `$ref`
 * stands alone where the schema stood and the definition is the whole schema, so what is valid
 * and every error (its instancePath, keyword, params, message) stay the same; the captured
 * schemas refer to each other only by absolute id, which moving nodes leaves intact.
 */
export function ownFunctions(root: Schema): Schema {
  const definitions: Schema = {};
  let count = 0;
  const top = mapSubschemas(root, (out, isRoot) => {
    if (isRoot || out.properties === undefined) return out;
    const name = `object${count++}`;
    definitions[name] = out;
    return { $ref: `#/definitions/${name}` };
  }) as Schema;
  if (top.definitions !== undefined) throw new Error('a captured schema has definitions of its own; ownFunctions would need to keep them apart');
  return count === 0 ? top : { ...top, definitions };
}

function mapValues(object: Schema, fn: (value: unknown) => unknown): Schema {
  return Object.fromEntries(Object.entries(object).map(([key, value]) => [key, fn(value)]));
}

function asObject(value: unknown): Schema | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype ? (value as Schema) : null;
}

function describe(error: ErrorObject): string {
  const where = error.instancePath || '/';
  if (error.keyword === 'additionalProperties') return `${where}: unknown field "${String(error.params.additionalProperty)}"`;
  return `${where}: ${error.message ?? error.keyword}`;
}
