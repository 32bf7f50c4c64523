/**
 * The ReleasePolicy JSON Schema, read once from `schemas/` (the single source of truth that
 * editors, `modelgate schema` and the validator all use) and compiled once per process.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ErrorObject } from 'ajv';
import type { Ajv2020 as Ajv2020Class, ValidateFunction } from 'ajv/dist/2020.js';
import { AJV_VERSION, loadPrecompiled, sha256Of, type PrecompiledValidator } from '../precompiled/precompiled-validator.js';

/** src/validate and dist/validate both sit two levels below the package root. */
const SCHEMA_URL = new URL('../../schemas/release-policy.schema.json', import.meta.url);

export const API_VERSION = 'modelgate.io/v1alpha1';
export const KIND = 'ReleasePolicy';

export type SchemaNode = Record<string, unknown>;

let text: string | undefined;
let schema: SchemaNode | undefined;
let validator: ValidateFunction | undefined;

export function policySchemaText(): string {
  text ??= readFileSync(SCHEMA_URL, 'utf8');
  return text;
}

export function policySchema(): SchemaNode {
  schema ??= JSON.parse(policySchemaText()) as SchemaNode;
  return schema;
}

export function policyValidator(): ValidateFunction {
  validator ??= precompiledPolicyValidator() ?? compilePolicyValidator();
  return validator;
}

// verbose: errors carry their schema node, which is what plain-words messages are built from.
const AJV_OPTIONS = { allErrors: true, discriminator: true, strict: true, strictRequired: false, verbose: true } as const;

// Loaded only when compiling: the precompiled validator needs none of ajv's compiler.
const require = createRequire(import.meta.url);
const ajv2020 = () => (require('ajv/dist/2020.js') as { Ajv2020: typeof Ajv2020Class }).Ajv2020;

export function compilePolicyValidator(): ValidateFunction {
  return new (ajv2020())(AJV_OPTIONS).compile(policySchema());
}

export const POLICY_VALIDATOR: PrecompiledValidator = {
  url: new URL('./policy-validator.generated.cjs', import.meta.url),
  inputsSha256: () => sha256Of(AJV_VERSION, JSON.stringify(AJV_OPTIONS), policySchemaText()),
  compileForCode: () => ({ ajv: new (ajv2020())({ ...AJV_OPTIONS, code: { source: true } }), schema: policySchema() }),
  precompilable: () => {
    const defs = Object.values(policySchema().$defs as Record<string, SchemaNode>);
    const ambiguous = defs.find((def) => schemaNodesByText().get(JSON.stringify(def)) !== def || defs.some((other) => other !== def && JSON.stringify(other) === JSON.stringify(def)));
    return ambiguous === undefined ? undefined : `a $defs entry has the same text as another schema node: ${JSON.stringify(ambiguous)}`;
  },
};

function precompiledPolicyValidator(): ValidateFunction | undefined {
  const precompiled = loadPrecompiled(POLICY_VALIDATOR);
  return precompiled && withPolicySchemaNodes(precompiled);
}

/**
 * The build-time validator with its errors pointing at the nodes of `policySchema()`, as the
 * runtime one's do: the generated code holds copies, and messages look schema nodes up by identity.
 */
export function withPolicySchemaNodes(precompiled: ValidateFunction): ValidateFunction {
  const validate = ((data: unknown) => {
    const valid = precompiled(data);
    validate.errors = precompiled.errors?.map(withSchemaNodes) ?? null;
    return valid;
  }) as ValidateFunction;
  return validate;
}

/** By the generated code's copy: one error per unknown key would otherwise stringify the same schema node thousands of times. */
const schemaNodeOfCopy = new WeakMap<object, SchemaNode | undefined>();

function withSchemaNodes(error: ErrorObject): ErrorObject {
  const copy = error.parentSchema as object | undefined;
  if (copy !== undefined && !schemaNodeOfCopy.has(copy)) schemaNodeOfCopy.set(copy, schemaNodesByText().get(JSON.stringify(copy)));
  const parentSchema = copy === undefined ? undefined : schemaNodeOfCopy.get(copy);
  return parentSchema === undefined ? error : { ...error, parentSchema, schema: parentSchema[error.keyword] };
}

let nodesByText: Map<string, SchemaNode> | undefined;

/**
 * Every object node of the schema by its JSON text, for finding the original of a generated
 * copy. Nodes with the same text are interchangeable to the messages (they read content), except
 * that a `$defs` entry is told apart by identity: `precompilable` keeps those unique.
 */
function schemaNodesByText(): Map<string, SchemaNode> {
  if (nodesByText) return nodesByText;
  nodesByText = new Map();
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    const text = JSON.stringify(node);
    if (!Array.isArray(node) && !nodesByText!.has(text)) nodesByText!.set(text, node as SchemaNode);
    for (const child of Object.values(node)) visit(child);
  };
  visit(policySchema());
  return nodesByText;
}

/** Schema node a `$ref` such as `#/$defs/percent` points at. */
export function resolveRef(ref: string): SchemaNode | undefined {
  const match = /^#\/\$defs\/([^/]+)$/.exec(ref);
  const defs = policySchema().$defs as Record<string, SchemaNode>;
  return match ? defs[match[1]!] : undefined;
}

/** Name of the `$defs` entry this node is, if it is one. */
export function defName(node: unknown): string | undefined {
  const defs = policySchema().$defs as Record<string, SchemaNode>;
  return Object.keys(defs).find((name) => defs[name] === node);
}
