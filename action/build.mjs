/**
 * Bundle the GitHub Action (src/action/action.ts) into one file, action/dist/index.mjs, that runs
 * on the runner's Node with no node_modules: `npm run action:build` after `npm run build` (the
 * bundle takes the precompiled validators from dist/). test/action/bundle.test.ts rebuilds it
 * and compares bytes, so the committed file always matches the sources.
 *
 * The one thing esbuild cannot follow by itself is `createRequire(import.meta.url)`: modelgate
 * loads the precompiled validators and a few package versions through it, by path. Inside the
 * bundle, `node:module` is a module that answers those requires from files bundled at build
 * time and hands anything else to Node's own `createRequire`. The schemas and package.json are
 * read at run time relative to the bundle, two folders down like every src/<folder>/<file>.ts,
 * so `../../schemas/` is the repository's own schemas folder, which the action's checkout has.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const BUNDLE = 'action/dist/index.mjs';

/** Package versions the precompiled validators are stamped with, required by name. */
const PACKAGE_FILES = ['ajv/package.json', 'ajv-formats/package.json', '@kubernetes-models/istio/package.json', '@kubernetes-models/argo-rollouts/package.json'];

/**
 * The validators the sources precompile (the list src/precompiled/generate-validators.ts writes),
 * each checked current, as repository paths in dist/validate then dist/check; loaded by file
 * name. Taken from the sources, not from a listing of dist/, so a validator an older build left
 * there never enters the bundle.
 */
async function currentValidators() {
  const { loadPrecompiled } = await import('../dist/precompiled/precompiled-validator.js');
  const { PRECOMPILED_STRICT_VALIDATORS } = await import('../dist/check/crd-schemas.js');
  const { POLICY_VALIDATOR } = await import('../dist/validate/policy-schema.js');
  const { profileSchemaDocument } = await import('../dist/validate/profile-schema.js');
  const files = [POLICY_VALIDATOR, profileSchemaDocument.precompiled, ...PRECOMPILED_STRICT_VALIDATORS.values()].map((validator) => {
    // The bundle trusts them without re-stamping, so each must be current now.
    if (!loadPrecompiled(validator)) throw new Error(`${fileURLToPath(validator.url)} is missing or stale: run \`npm run build\` first`);
    return path.relative(root, fileURLToPath(validator.url)).split(path.sep).join('/');
  });
  const folders = ['dist/validate', 'dist/check'];
  return files.sort((a, b) => folders.indexOf(path.posix.dirname(a)) - folders.indexOf(path.posix.dirname(b)) || (a < b ? -1 : a > b ? 1 : 0));
}

function bundledRequireSource(generated) {
  const imports = [
    ...PACKAGE_FILES.map((id, i) => `import package${i} from ${JSON.stringify(id)} with { type: 'json' };`),
    ...generated.map((file, i) => `import validator${i} from ${JSON.stringify(`./${file}`)};`),
  ];
  const byId = PACKAGE_FILES.map((id, i) => `[${JSON.stringify(id)}, package${i}]`);
  const byName = generated.map((file, i) => `[${JSON.stringify(path.posix.basename(file))}, validator${i}]`);
  return `${imports.join('\n')}
import { createRequire as nodeCreateRequire } from 'module';
const byId = new Map([${byId.join(', ')}]);
const byName = new Map([${byName.join(', ')}]);
export function createRequire(from) {
  const fallback = nodeCreateRequire(from);
  const require = (id) => byId.get(id) ?? byName.get(id.split(/[\\\\/]/).pop()) ?? fallback(id);
  require.resolve = fallback.resolve;
  return require;
}
`;
}

/** The esbuild plugin that serves `node:module` to modelgate's sources from `generated`. */
function bundledRequire(generated) {
  return {
    name: 'bundled-require',
    setup(esbuild) {
      esbuild.onResolve({ filter: /^node:module$/ }, (args) => (args.importer.startsWith(path.join(root, 'src')) ? { path: 'node:module', namespace: 'bundled-require' } : undefined));
      esbuild.onLoad({ filter: /.*/, namespace: 'bundled-require' }, () => ({ contents: bundledRequireSource(generated), resolveDir: root, loader: 'js' }));
    },
  };
}

/** Build the bundle into `outfile` (relative to the repository root). */
async function buildAction(outfile = BUNDLE) {
  const generated = await currentValidators();
  await build({
    absWorkingDir: root,
    entryPoints: ['src/action/action.ts'],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    // Some bundled packages are CommonJS that calls require() for Node's own modules.
    banner: { js: "import { createRequire as __modelgateRequire } from 'node:module'; const require = __modelgateRequire(import.meta.url);" },
    define: { MODELGATE_BUNDLE: '"action"' },
    legalComments: 'eof',
    charset: 'utf8',
    logLevel: 'warning',
    plugins: [bundledRequire(generated)],
  });
}

// `node action/build.mjs [OUTFILE]`: the test builds elsewhere to compare with the committed file.
if (process.argv[1] === fileURLToPath(import.meta.url)) await buildAction(process.argv[2]);
