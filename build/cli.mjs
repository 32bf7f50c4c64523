/**
 * Bundle the CLI into the `bin` of package.json, dist/bundle/modelgate.js (last step of
 * `npm run build`). Loading ~270 of modelgate's modules and yaml's ~60 CommonJS files one by one
 * was a third of a one-policy run's CPU; bundled, Node reads a handful of files. With `splitting`,
 * each command and each package loaded on demand (`await import(...)`: Octokit, handlebars, gRPC)
 * is a chunk of its own, loaded only by the runs that need it.
 *
 * The precompiled validators and their code caches are copied beside the chunks, where the
 * sources look for them (`new URL('./<name>.generated.cjs', import.meta.url)`), and are loaded
 * only when used; the schemas and package.json are read relative to the bundle, two folders down
 * like every src/<folder>/<file>.ts. Packages the sources load by computed path (ajv when a
 * schema is compiled at run time, the Kubernetes model packages) come from node_modules.
 * dist/bundle/metafile.json says which sources and packages went into which chunk
 * (test/bench/startup-modules.test.ts reads it).
 */
import { copyFileSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { QUERY_FLOWS_URL, loadFlowTable } from '../dist/check/query-flows.js';
import { codeCacheFile } from '../dist/precompiled/code-cache.js';
import { currentValidators, nodeBundleOptions, root } from './node-bundle.mjs';

const OUT = path.join(root, 'dist', 'bundle');

const validators = await currentValidators();
// Chunk names carry content hashes: a fresh folder keeps an older build's chunks out.
rmSync(OUT, { recursive: true, force: true });
const { metafile } = await build({
  ...nodeBundleOptions('cli'),
  entryPoints: { modelgate: 'src/cli/main.ts' },
  outdir: OUT,
  splitting: true,
  metafile: true,
});
writeFileSync(path.join(OUT, 'metafile.json'), JSON.stringify(metafile));
for (const file of validators) {
  const to = path.join(OUT, path.basename(file));
  // One folder for dist/validate's and dist/check's: a name in both would lose one of them.
  if (existsSync(to)) throw new Error(`two precompiled validators named ${path.basename(file)}`);
  copyFileSync(path.join(root, file), to);
  copyFileSync(codeCacheFile(path.join(root, file)), codeCacheFile(to));
}
// The PromQL check's table of flows, likewise beside the chunks, and only when current: the bundle
// takes it without re-stamping (src/check/query-flows.ts).
if (!loadFlowTable()) throw new Error(`${QUERY_FLOWS_URL.pathname} is missing or stale: run \`npm run build\``);
copyFileSync(QUERY_FLOWS_URL, path.join(OUT, path.basename(QUERY_FLOWS_URL.pathname)));
