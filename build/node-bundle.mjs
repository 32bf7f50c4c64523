/**
 * What the two bundles of modelgate share: the Action's (action/build.mjs, one file with the
 * validators inside) and the CLI's (build/cli.mjs, the bin: chunks with the validators beside
 * them). Both are built from dist/ after `tsc` and the validator generator.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * The validators the sources precompile (the list src/precompiled/generate-validators.ts writes),
 * each checked current, as repository paths in dist/validate then dist/check. Taken from the
 * sources, not from a listing of dist/, so a validator an older build left there never enters a
 * bundle; a bundle trusts its validators without re-stamping them at run time.
 */
export async function currentValidators() {
  const { loadPrecompiled } = await import('../dist/precompiled/precompiled-validator.js');
  const { PRECOMPILED_STRICT_VALIDATORS } = await import('../dist/check/crd-schemas.js');
  const { POLICY_VALIDATOR } = await import('../dist/validate/policy-schema.js');
  const { profileSchemaDocument } = await import('../dist/validate/profile-schema.js');
  const files = [POLICY_VALIDATOR, profileSchemaDocument.precompiled, ...PRECOMPILED_STRICT_VALIDATORS.values()].map((validator) => {
    if (!loadPrecompiled(validator)) throw new Error(`${fileURLToPath(validator.url)} is missing or stale: run \`npm run build\` first`);
    return path.relative(root, fileURLToPath(validator.url)).split(path.sep).join('/');
  });
  const folders = ['dist/validate', 'dist/check'];
  return files.sort((a, b) => folders.indexOf(path.posix.dirname(a)) - folders.indexOf(path.posix.dirname(b)) || (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * esbuild options for an ESM bundle that runs on Node 22 with modelgate's sources in it;
 * `bundle` names which (MODELGATE_BUNDLE in src/bundle.ts).
 */
export function nodeBundleOptions(bundle) {
  return {
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    // Some bundled packages are CommonJS that calls require() for Node's own modules.
    banner: { js: "import { createRequire as __modelgateRequire } from 'node:module'; const require = __modelgateRequire(import.meta.url);" },
    define: { MODELGATE_BUNDLE: JSON.stringify(bundle) },
    legalComments: 'eof',
    charset: 'utf8',
    logLevel: 'warning',
  };
}
