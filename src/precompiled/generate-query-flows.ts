/**
 * Build step (`npm run build`, after tsc): the table of label flows the PromQL check reads
 * (src/check/query-flows.ts), for every query shape the example policies and the bench's policy
 * set compile to: all the generators' shapes for the features those use. Run from dist/; the
 * file is build output, never committed.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { collectQueries } from '../check/promql.js';
import { shapeOf } from '../check/promql-shape.js';
import { QUERY_FLOWS_URL, flowTableSource } from '../check/query-flows.js';
import { targets } from '../targets/index.js';
import { validateSources } from '../validate/validate.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
// Every kind of policy the bench writes appears a few times over in 40.
export const BENCH_POLICIES = 40;

/** The shapes of every query the project's policies under `project/policies` compile to, with its profile. */
export function projectShapes(project: string): Set<string> {
  const files = readdirSync(path.join(project, 'policies'))
    .filter((file) => file.endsWith('.yaml'))
    .sort()
    .map((file) => ({ file: `policies/${file}`, bytes: new Uint8Array(readFileSync(path.join(project, 'policies', file))) }));
  const profile = { file: 'modelgate.config.yaml', bytes: new Uint8Array(readFileSync(path.join(project, 'modelgate.config.yaml'))) };
  const { policies, diagnostics } = validateSources(files, profile);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0 || policies.length === 0) throw new Error(`${project}: policies do not validate: ${JSON.stringify(errors)}`);
  const shapes = new Set<string>();
  for (const { policy } of policies) {
    for (const query of collectQueries(targets.flatMap((target) => target.build(policy)))) shapes.add(shapeOf(query.text).text);
  }
  return shapes;
}

/** The bench's policy set of `count` policies (bench/policy-set.mjs), written to a scratch folder. */
export async function benchShapes(count: number): Promise<Set<string>> {
  const { writePolicySet } = (await import(pathToFileURL(path.join(root, 'bench', 'policy-set.mjs')).href)) as { writePolicySet: (project: string, count: number) => string[] };
  const project = mkdtempSync(path.join(tmpdir(), 'modelgate-query-flows-'));
  try {
    writePolicySet(project, count);
    return projectShapes(project);
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const shapes = [...projectShapes(root), ...(await benchShapes(BENCH_POLICIES))];
  writeFileSync(QUERY_FLOWS_URL, flowTableSource(shapes));
  process.stderr.write(`generated ${fileURLToPath(QUERY_FLOWS_URL)}: ${new Set(shapes).size} query shapes\n`);
}
