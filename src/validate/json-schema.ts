/**
 * One JSON Schema file of `schemas/` (the single source of truth that editors, `modelgate schema`
 * and the validator all use), read once and compiled once per process, or loaded precompiled.
 * The release policy and the platform profile are each one of these, so both are validated,
 * explained and positioned by the same code.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ErrorObject } from 'ajv';
import type { Ajv2020 as Ajv2020Class, ValidateFunction } from 'ajv/dist/2020.js';
import { AJV_VERSION, loadPrecompiled, sha256Of, type PrecompiledValidator } from '../precompiled/precompiled-validator.js';

export type SchemaNode = Record<string, unknown>;

/** What the document header must say, and how messages name such a document. */
export interface DocumentKind {
  apiVersion: string;
  kind: string;
  /** `policy`, `platform profile`: used in "file holds a list, not a <noun> mapping". */
  noun: string;
  /** Where such files belong, for the wrong-kind hint. */
  place: string;
}

export interface SchemaDocument {
  kind: DocumentKind;
  text(): string;
  schema(): SchemaNode;
  validator(): ValidateFunction;
  /** The validator compiled now, ignoring any precompiled file (for comparing the two). */
  compile(): ValidateFunction;
  precompiled: PrecompiledValidator;
  /** The build-time validator with its errors pointing at this schema's own nodes. */
  withSchemaNodes(precompiled: ValidateFunction): ValidateFunction;
  /** Schema node a `$ref` such as `#/$defs/percent` points at. */
  resolveRef(ref: string): SchemaNode | undefined;
  /** Name of the `$defs` entry this node is, if it is one. */
  defName(node: unknown): string | undefined;
}

// verbose: errors carry their schema node, which is what plain-words messages are built from.
const AJV_OPTIONS = { allErrors: true, discriminator: true, strict: true, strictRequired: false, verbose: true } as const;

// Loaded only when compiling: the precompiled validator needs none of ajv's compiler.
const require = createRequire(import.meta.url);
const ajv2020 = () => (require('ajv/dist/2020.js') as { Ajv2020: typeof Ajv2020Class }).Ajv2020;

/**
 * `schemaUrl`: the schema file; `generatedUrl`: where the build writes its precompiled validator
 * (beside the module that declares the document).
 */
export function schemaDocument(kind: DocumentKind, schemaUrl: URL, generatedUrl: URL): SchemaDocument {
  let text: string | undefined;
  let schema: SchemaNode | undefined;
  let validator: ValidateFunction | undefined;
  let nodesByText: Map<string, SchemaNode> | undefined;

  const readText = (): string => (text ??= readFileSync(schemaUrl, 'utf8'));
  const readSchema = (): SchemaNode => (schema ??= JSON.parse(readText()) as SchemaNode);
  const defs = (): Record<string, SchemaNode> => (readSchema().$defs ?? {}) as Record<string, SchemaNode>;
  const compile = (): ValidateFunction => new (ajv2020())(AJV_OPTIONS).compile(readSchema());

  /**
   * Every object node of the schema by its JSON text, for finding the original of a generated
   * copy. Nodes with the same text are interchangeable to the messages (they read content), except
   * that a `$defs` entry is told apart by identity: `precompilable` keeps those unique.
   */
  const schemaNodesByText = (): Map<string, SchemaNode> => {
    if (nodesByText) return nodesByText;
    const found = new Map<string, SchemaNode>();
    const visit = (node: unknown): void => {
      if (node === null || typeof node !== 'object') return;
      const key = JSON.stringify(node);
      if (!Array.isArray(node) && !found.has(key)) found.set(key, node as SchemaNode);
      for (const child of Object.values(node)) visit(child);
    };
    visit(readSchema());
    nodesByText = found;
    return found;
  };

  // By the generated code's copy: one error per unknown key would otherwise stringify the same schema node thousands of times.
  const schemaNodeOfCopy = new WeakMap<object, SchemaNode | undefined>();
  const withNodes = (error: ErrorObject): ErrorObject => {
    const copy = error.parentSchema as object | undefined;
    if (copy !== undefined && !schemaNodeOfCopy.has(copy)) schemaNodeOfCopy.set(copy, schemaNodesByText().get(JSON.stringify(copy)));
    const parentSchema = copy === undefined ? undefined : schemaNodeOfCopy.get(copy);
    return parentSchema === undefined ? error : { ...error, parentSchema, schema: parentSchema[error.keyword] };
  };

  // The generated code holds copies of the schema's nodes, and messages look nodes up by identity.
  const withSchemaNodes = (precompiled: ValidateFunction): ValidateFunction => {
    const validate = ((data: unknown) => {
      const valid = precompiled(data);
      validate.errors = precompiled.errors?.map(withNodes) ?? null;
      return valid;
    }) as ValidateFunction;
    return validate;
  };

  const precompiled: PrecompiledValidator = {
    url: generatedUrl,
    inputsSha256: () => sha256Of(AJV_VERSION, JSON.stringify(AJV_OPTIONS), readText()),
    compileForCode: () => ({ ajv: new (ajv2020())({ ...AJV_OPTIONS, code: { source: true } }), schema: readSchema() }),
    precompilable: () => {
      const entries = Object.values(defs());
      const ambiguous = entries.find(
        (def) => schemaNodesByText().get(JSON.stringify(def)) !== def || entries.some((other) => other !== def && JSON.stringify(other) === JSON.stringify(def)),
      );
      return ambiguous === undefined ? undefined : `a $defs entry has the same text as another schema node: ${JSON.stringify(ambiguous)}`;
    },
  };

  return {
    kind,
    text: readText,
    schema: readSchema,
    validator: () => {
      if (!validator) {
        const loaded = loadPrecompiled(precompiled);
        validator = loaded ? withSchemaNodes(loaded) : compile();
      }
      return validator;
    },
    compile,
    precompiled,
    withSchemaNodes,
    resolveRef: (ref) => {
      const match = /^#\/\$defs\/([^/]+)$/.exec(ref);
      return match ? defs()[match[1]!] : undefined;
    },
    defName: (node) => Object.keys(defs()).find((name) => defs()[name] === node),
  };
}
