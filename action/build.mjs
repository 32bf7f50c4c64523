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
import { currentValidators, nodeBundleOptions, root } from '../build/node-bundle.mjs';

const BUNDLE = 'action/dist/index.mjs';

/**
 * Package versions the precompiled validators are stamped with, and the PromQL parser, which the
 * check requires only for a shape its table lacks (src/check/promql-shape.ts): required by name.
 */
const PACKAGE_FILES = ['ajv/package.json', 'ajv-formats/package.json', '@kubernetes-models/istio/package.json', '@kubernetes-models/argo-rollouts/package.json', '@prometheus-io/lezer-promql'];

function bundledRequireSource(generated) {
  const imports = [
    ...PACKAGE_FILES.map((id, i) => (id.endsWith('.json') ? `import package${i} from ${JSON.stringify(id)} with { type: 'json' };` : `import * as package${i} from ${JSON.stringify(id)};`)),
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
  const { QUERY_FLOWS_URL, loadFlowTable } = await import('../dist/check/query-flows.js');
  if (!loadFlowTable()) throw new Error(`${QUERY_FLOWS_URL.pathname} is missing or stale: run \`npm run build\` first`);
  // The PromQL check's table of flows, required by name like the validators.
  const generated = [...(await currentValidators()), path.relative(root, fileURLToPath(QUERY_FLOWS_URL)).split(path.sep).join('/')];
  await build({ ...nodeBundleOptions('action'), entryPoints: ['src/action/action.ts'], outfile, plugins: [bundledRequire(generated)] });
}

// `node action/build.mjs [OUTFILE]`: the test builds elsewhere to compare with the committed file.
if (process.argv[1] === fileURLToPath(import.meta.url)) await buildAction(process.argv[2]);
