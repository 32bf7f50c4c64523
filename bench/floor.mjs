/**
 * The serialization floor: the least any compiler of these policies must do — read and parse the
 * input YAML, serialize the same output objects with the same serializer and header, write the
 * files. The output objects are built before the clock starts (that work is the compiler's, not
 * the floor's); the process start with the modules the timed part needs is measured on its own
 * by `--startup`, and run.mjs adds the two.
 *
 *   node bench/floor.mjs --startup
 *   node bench/floor.mjs <policies-dir> <out-dir>   → prints {"workMs": …}
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join, relative } from 'node:path';
import { parse } from 'yaml';
import { renderOutputFile } from '../dist/emit/render.js';

const [first, outDir] = process.argv.slice(2);
if (first !== '--startup') {
  const { resolvePolicy } = await import('../dist/resolve/resolve.js');
  const { targets } = await import('../dist/targets/index.js');
  const { kustomization } = await import('../dist/targets/kustomize.js');
  const { policyDir } = await import('../dist/names.js');
  const policyFiles = readdirSync(first).filter((name) => name.endsWith('.yaml')).sort().map((name) => join(first, name));
  const sourceRoot = dirname(outDir);
  const built = policyFiles.map((file) => {
    const bytes = readFileSync(file);
    const policy = resolvePolicy(parse(bytes.toString('utf8')), { file, sha256: createHash('sha256').update(bytes).digest('hex') });
    const files = targets.flatMap((target) => target.build(policy));
    files.push(kustomization(files));
    return { dir: policyDir(policy), source: relative(sourceRoot, file), files };
  });

  const start = process.hrtime.bigint();
  for (const file of policyFiles) parse(readFileSync(file, 'utf8'));
  for (const { dir, source, files } of built) {
    for (const file of files) {
      for (const [path, content] of renderOutputFile(dir, file, source)) {
        const target = join(outDir, path);
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, content);
      }
    }
  }
  const workMs = Number(process.hrtime.bigint() - start) / 1e6;
  process.stdout.write(`${JSON.stringify({ workMs })}\n`);
}
