/**
 * JSON Schema errors from ajv, said in plain words and placed on the offending node. One finding
 * per place: a failed `oneOf` is reported as "must be X or Y", never as each branch's complaint.
 */
import type { ErrorObject } from 'ajv';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { positionOf, type LoadedPolicy } from '../load/load.js';
import { describeExpected } from './describe-expected.js';
import { closestName } from './did-you-mean.js';
import type { SchemaDocument, SchemaNode } from './json-schema.js';
import { policySchemaDocument } from './policy-schema.js';

type Path = Array<string | number>;
interface Finding {
  path: Path;
  message: string;
  hint?: string;
}

export function schemaDiagnostics(source: LoadedPolicy, document: SchemaDocument = policySchemaDocument): Diagnostic[] {
  const validate = document.validator();
  if (validate(source.data)) return [];
  const errors = withoutBranchNoise(validate.errors ?? []);
  const seen = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  for (const error of errors) {
    const finding = explain(error, source.data, document);
    if (!finding) continue;
    const key = `${JSON.stringify(finding.path)}\0${finding.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    diagnostics.push({
      file: source.file,
      ...positionOf(source, finding.path),
      severity: 'error',
      rule: 'schema',
      message: finding.message,
      ...(finding.hint ? { hint: finding.hint } : {}),
    });
  }
  return diagnostics;
}

/**
 * A failed oneOf explains itself; the failures of its branches at the same place are noise. A
 * missing key whose misspelling is right there (`nam:` for `name:`) is said once, as the typo.
 */
function withoutBranchNoise(errors: ErrorObject[]): ErrorObject[] {
  const oneOfPaths = new Set(errors.filter((e) => e.keyword === 'oneOf').map((e) => e.instancePath));
  const misspelled = new Set(
    errors
      .filter((e) => e.keyword === 'additionalProperties')
      .map((e) => {
        const allowed = Object.keys(((e.parentSchema as SchemaNode | undefined)?.properties ?? {}) as object);
        return `${e.instancePath}\0${closestName(String(e.params.additionalProperty), allowed)}`;
      }),
  );
  return errors.filter(
    (e) =>
      (e.keyword === 'oneOf' || !oneOfPaths.has(e.instancePath)) &&
      !(e.keyword === 'required' && misspelled.has(`${e.instancePath}\0${String(e.params.missingProperty)}`)),
  );
}

function explain(error: ErrorObject, data: unknown, document: SchemaDocument): Finding | undefined {
  const path = toPath(error.instancePath);
  const name = displayName(path);
  const node = (error.parentSchema ?? {}) as SchemaNode;
  const params = error.params as Record<string, any>;
  switch (error.keyword) {
    case 'required':
      return { path, message: `${name === '' ? `the ${document.kind.noun}` : name} is missing \`${params.missingProperty}\``, hint: hintFor(node, params.missingProperty) };
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = Object.keys((node.properties ?? {}) as object);
      const suggestion = closestName(key, allowed);
      return {
        path: [...path, key],
        message: `unknown key \`${key}\`${name === '' ? '' : ` in ${name}`}`,
        hint: suggestion ? `did you mean \`${suggestion}\`?` : `allowed here: ${allowed.map((k) => `\`${k}\``).join(', ')}`,
      };
    }
    case 'discriminator': {
      // A missing tag is already reported by `required`.
      if (params.tagValue === undefined) return undefined;
      const tag = String(params.tag);
      const allowed = ((node.oneOf ?? []) as SchemaNode[]).map((branch) => String(((branch.properties as any)?.[tag] as SchemaNode)?.const));
      const suggestion = typeof params.tagValue === 'string' ? closestName(params.tagValue, allowed) : undefined;
      return {
        path: [...path, tag],
        message: `\`${tag}\` must be one of ${allowed.map((v) => `\`${v}\``).join(', ')}`,
        hint: suggestion ? `did you mean \`${suggestion}\`?` : undefined,
      };
    }
    case 'propertyNames':
      return undefined; // Its inner error names the key; see below.
    case 'uniqueItems':
      return { path: [...path, params.i as number], message: `${name} lists ${JSON.stringify((valueAt(data, path) as unknown[])[params.i as number])} twice`, hint: 'remove the repeated entry' };
    case 'minItems':
      return { path, message: `${name} needs at least ${params.limit} item${params.limit === 1 ? '' : 's'}` };
    case 'maxItems':
      return { path, message: `${name} may have at most ${params.limit} items` };
    case 'maxProperties':
      return { path, message: `${name} may have at most ${params.limit} entries` };
    case 'minLength':
      return { path, message: `${name} must not be empty` };
    case 'maxLength':
      return { path, message: `${name} may be at most ${params.limit} characters long` };
    default:
      if (error.propertyName !== undefined) {
        return { path: [...path, error.propertyName], message: `key \`${error.propertyName}\` in ${name} must be ${describeExpected(node, document)}` };
      }
      return { path, message: `${name} must be ${describeExpected(node, document)}`, hint: shownValue(valueAt(data, path)) };
  }
}

function hintFor(parent: SchemaNode, property: string): string | undefined {
  const description = ((parent.properties as Record<string, SchemaNode> | undefined)?.[property])?.description;
  return typeof description === 'string' ? `\`${property}\`: ${description}` : undefined;
}

function shownValue(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const shown = JSON.stringify(value);
  return shown.length <= 60 ? `found ${shown}` : undefined;
}

/** `/spec/canary/steps/0/weight` → ['spec','canary','steps',0,'weight'] (JSON Pointer, RFC 6901). */
function toPath(pointer: string): Path {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^(0|[1-9][0-9]*)$/.test(part) ? Number(part) : part));
}

/** How a message names a node: `weight`, `steps[0]`. */
function displayName(path: Path): string {
  const last = path[path.length - 1];
  if (last === undefined) return '';
  if (typeof last === 'number') return `\`${String(path[path.length - 2] ?? '')}[${last}]\``;
  return `\`${last}\``;
}

function valueAt(data: unknown, path: Path): unknown {
  let value = data;
  for (const part of path) value = (value as Record<string | number, unknown> | undefined)?.[part];
  return value;
}
