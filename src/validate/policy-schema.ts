/**
 * The ReleasePolicy JSON Schema, read once from `schemas/` (the single source of truth that
 * editors, `modelgate schema` and the validator all use) and compiled once per process.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

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
  if (!validator) {
    // verbose: errors carry their schema node, which is what plain-words messages are built from.
    const ajv = new Ajv2020({ allErrors: true, discriminator: true, strict: true, strictRequired: false, verbose: true });
    validator = ajv.compile(policySchema());
  }
  return validator;
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
