/**
 * Build step (`npm run build`, after tsc): write the standalone code of every schema validator
 * beside the built module that loads it, so no modelgate process compiles a schema, and V8's
 * code cache of each (./code-cache.ts), so none compiles the generated code a compile reaches
 * either. Run from dist/; the files are build output, never committed.
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PRECOMPILED_STRICT_VALIDATORS } from '../check/crd-schemas.js';
import { loadPolicy } from '../load/load.js';
import { PROFILE_FILE } from '../load/profile-file.js';
import { DEFAULT_PLATFORM, resolvePlatform } from '../resolve/platform.js';
import { resolvePolicy } from '../resolve/resolve.js';
import { targets } from '../targets/index.js';
import { POLICY_VALIDATOR } from '../validate/policy-schema.js';
import { profileSchemaDocument } from '../validate/profile-schema.js';
import { codeCacheFile, makeCodeCache } from './code-cache.js';
import { precompiledSource, type PrecompiledValidator } from './precompiled-validator.js';

const validators = [POLICY_VALIDATOR, profileSchemaDocument.precompiled, ...PRECOMPILED_STRICT_VALIDATORS.values()];
const written: PrecompiledValidator[] = [];
for (const validator of validators) {
  const unfit = validator.precompilable?.();
  if (unfit) {
    // Without the file the schema is compiled at run time: slower, never different.
    rmSync(validator.url, { force: true });
    rmSync(codeCacheFile(fileURLToPath(validator.url)), { force: true });
    process.stderr.write(`not precompiling ${fileURLToPath(validator.url)}: ${unfit}\n`);
    continue;
  }
  writeFileSync(validator.url, precompiledSource(validator));
  written.push(validator);
}

const inputs = exampleInputs();
for (const validator of written) {
  const file = fileURLToPath(validator.url);
  const given = inputs.get(validator) ?? [];
  writeFileSync(codeCacheFile(file), makeCodeCache(file, (validate) => given.forEach((input) => (validate as (data: unknown) => boolean)(input))));
  process.stderr.write(`generated ${file} and its code cache (${given.length} example input(s))\n`);
}

/**
 * What each validator is given when the repository's example policies (`policies/`, with
 * `modelgate.config.yaml`) are compiled: the profile, the policies, and the objects the targets
 * build from them, by kind. Read as data, never validated here: a validator loaded in this
 * process would hand its compiled code to the fresh compile the cache is made from. An example
 * that does not resolve is left out (it only makes the cache smaller); without the folder the
 * caches hold each file's top level only.
 */
function exampleInputs(): Map<PrecompiledValidator, unknown[]> {
  const root = new URL('../../', import.meta.url);
  const out = new Map<PrecompiledValidator, unknown[]>(validators.map((validator) => [validator, []]));
  const profileUrl = new URL(PROFILE_FILE, root);
  const profile = existsSync(profileUrl) ? loadPolicy(PROFILE_FILE, readFileSync(profileUrl)).policy : null;
  if (profile) out.get(profileSchemaDocument.precompiled)!.push(profile.data);
  const platform = profile ? resolvePlatform(profile.data, PROFILE_FILE) : DEFAULT_PLATFORM;
  const folder = new URL('policies/', root);
  const files = existsSync(folder) ? readdirSync(folder).filter((name) => name.endsWith('.yaml')).sort() : [];
  for (const name of files) {
    const loaded = loadPolicy(`policies/${name}`, readFileSync(new URL(name, folder))).policy;
    if (!loaded) continue;
    out.get(POLICY_VALIDATOR)!.push(loaded.data);
    let documents: unknown[];
    try {
      const policy = resolvePolicy(loaded.data, { file: loaded.file, sha256: loaded.sha256 }, platform);
      documents = targets.flatMap((target) => target.build(policy)).flatMap((file) => file.documents ?? []);
    } catch (error) {
      process.stderr.write(`example policies/${name} left out of the code caches: ${String(error)}\n`);
      continue;
    }
    for (const document of documents) {
      const { apiVersion, kind } = document as { apiVersion?: unknown; kind?: unknown };
      const validator = PRECOMPILED_STRICT_VALIDATORS.get(`${String(apiVersion)}/${String(kind)}`);
      if (validator) out.get(validator)!.push(document);
    }
  }
  return out;
}
