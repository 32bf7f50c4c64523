/**
 * Validators compiled at build time: ajv's standalone code for a schema, written beside the built
 * module that uses it, so no run pays for compiling a schema (the policy schema ~240 ms, the
 * Rollout's pod template ~1.5 s). Each file is stamped with a hash of everything it was made from;
 * a missing file (the TypeScript sources under vitest) or a stale one (schema changed, `tsc` run
 * without the generator) is ignored and the caller compiles the schema as before.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Ajv, AnySchema, ValidateFunction } from 'ajv';
import { BUNDLE } from '../bundle.js';
import { loadWithCodeCache } from './code-cache.js';

/** What one precompiled validator is made from and where it lives. */
export interface PrecompiledValidator {
  /** The generated CommonJS file, beside the module that loads it. */
  url: URL;
  /** Hash of every input of the generated code: schema, ajv version and options, transforms. */
  inputsSha256(): string;
  /** An ajv built with `code.source` that holds the schema, and the id or schema to export. */
  compileForCode(): { ajv: Ajv; schema: AnySchema | string };
  /** Why the generated code could not stand in for the runtime validator, if it could not. */
  precompilable?(): string | undefined;
}

const require = createRequire(import.meta.url);
// Required when generating only; ajv's standalone entry is CommonJS with a `default` export.
const standaloneCode = (ajv: Ajv, validate: ValidateFunction): string =>
  (require('ajv/dist/standalone/index.js') as { default: (ajv: Ajv, validate: ValidateFunction) => string }).default(ajv, validate);
const STAMP = 'module.exports.inputsSha256 = ';

export const AJV_VERSION = (require('ajv/package.json') as { version: string }).version;

export function sha256Of(...parts: string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return hash.digest('hex');
}

/** The generated file's text: the standalone validator, then its stamp. */
export function precompiledSource(validator: PrecompiledValidator): string {
  const { ajv, schema } = validator.compileForCode();
  const validate = typeof schema === 'string' ? ajv.getSchema(schema) : ajv.compile(schema);
  if (!validate) throw new Error(`no schema ${String(schema)} to precompile`);
  return `${standaloneCode(ajv, validate)}\n${STAMP}${JSON.stringify(validator.inputsSha256())};\n`;
}

/**
 * The precompiled validator, or undefined when its file is absent or was made from other inputs.
 * Loaded first and its exported stamp compared after (not its text read and hashed), so a bundle
 * that carries its validators (the action's, where the file is part of the bundle and not on disk)
 * finds it the same way. On disk it is loaded through its code cache (./code-cache.ts).
 */
export function loadPrecompiled(validator: PrecompiledValidator): ValidateFunction | undefined {
  const file = fileURLToPath(validator.url);
  const loaded = (BUNDLE === 'action' ? require(file) : loadWithCodeCache(file)?.exports) as (ValidateFunction & { inputsSha256?: unknown }) | undefined;
  if (loaded === undefined) return undefined;
  // A bundle's build refuses stale validators (action/build.mjs, build/cli.mjs), and the action's
  // reprinted code would not reproduce a stamp that hashes function source.
  if (BUNDLE !== undefined) return loaded;
  return loaded.inputsSha256 === validator.inputsSha256() ? loaded : undefined;
}
