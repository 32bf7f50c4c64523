/**
 * Build step (`npm run build`, after tsc): write the standalone code of every schema validator
 * beside the built module that loads it, so no modelgate process compiles a schema, and V8's
 * code cache of each (./code-cache.ts), so none compiles the generated code either. Run from
 * dist/; the files are build output, never committed.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PRECOMPILED_STRICT_VALIDATORS } from '../check/crd-schemas.js';
import { POLICY_VALIDATOR } from '../validate/policy-schema.js';
import { profileSchemaDocument } from '../validate/profile-schema.js';
import { codeCacheFile, makeCodeCache } from './code-cache.js';
import { precompiledSource } from './precompiled-validator.js';

for (const validator of [POLICY_VALIDATOR, profileSchemaDocument.precompiled, ...PRECOMPILED_STRICT_VALIDATORS.values()]) {
  const unfit = validator.precompilable?.();
  if (unfit) {
    // Without the file the schema is compiled at run time: slower, never different.
    rmSync(validator.url, { force: true });
    rmSync(codeCacheFile(fileURLToPath(validator.url)), { force: true });
    process.stderr.write(`not precompiling ${fileURLToPath(validator.url)}: ${unfit}\n`);
    continue;
  }
  const file = fileURLToPath(validator.url);
  writeFileSync(file, precompiledSource(validator));
  writeFileSync(codeCacheFile(file), makeCodeCache(file));
  process.stderr.write(`generated ${file} and its code cache\n`);
}
