/**
 * Each query shape's parse, as the PromQL check reads it: from the table of flows the build ships,
 * else parsed once per run. The generators produce a few dozen shapes (src/gates/queries.ts), so
 * `npm run build` walks those the examples and the bench's policy set compile to
 * (src/precompiled/generate-query-flows.ts) and writes their flows beside this module, stamped
 * with what a flow depends on (parser versions, the walk's source: flowWalkInputs). A run then
 * loads neither the parser nor parses any of them; a shape the table lacks (a segment label
 * nobody used, a new generator) is parsed as before. A missing or stale table is ignored.
 * test/gates/query-flows.test.ts holds the shipped table to the run-time walk.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { BUNDLE } from '../bundle.js';
import { sha256Of } from '../precompiled/precompiled-validator.js';
import { flowWalkInputs, parseQuery, shapeOf, type ParsedQuery, type QueryShape } from './promql-shape.js';

/** Where the build writes the table: beside this module (in the CLI bundle, beside its chunks). */
export const QUERY_FLOWS_URL = new URL('./query-flows.generated.json', import.meta.url);

interface FlowTable {
  inputsSha256: string;
  /** Shape text → its parse. */
  shapes: Record<string, ParsedQuery>;
}

export const flowInputsSha256 = (): string => sha256Of(...flowWalkInputs());

/** The table's file content for these shapes, each parsed now. */
export function flowTableSource(shapes: Iterable<string>): string {
  const table: FlowTable = { inputsSha256: flowInputsSha256(), shapes: {} };
  for (const shape of [...new Set(shapes)].sort()) table.shapes[shape] = parseQuery(shape);
  return `${JSON.stringify(table)}\n`;
}

// Required, as the precompiled validators are, so the action's bundle can serve it from inside (action/build.mjs).
const require = createRequire(import.meta.url);

/**
 * The shipped table's shapes, undefined when the file is missing or was made from other inputs.
 * A bundle's build takes the table only when it is current (build/cli.mjs, action/build.mjs), and
 * its reprinted code would not reproduce a stamp that hashes function source, so a bundle takes
 * it as it is.
 */
export function loadFlowTable(url: URL = QUERY_FLOWS_URL): Map<string, ParsedQuery> | undefined {
  let table: FlowTable;
  try {
    table = require(fileURLToPath(url)) as FlowTable;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return undefined;
    throw error;
  }
  if (BUNDLE === undefined && table.inputsSha256 !== flowInputsSha256()) return undefined;
  return new Map(Object.entries(table.shapes));
}

let shapes: Map<string, ParsedQuery> | undefined;
const MAX_SHAPES = 10_000;

/** The query's shape, and its parse: from the shipped table, else done once per shape. */
export function parsedShape(query: string): { shape: QueryShape; parsed: ParsedQuery } {
  const shape = shapeOf(query);
  shapes ??= loadFlowTable() ?? new Map();
  let parsed = shapes.get(shape.text);
  if (!parsed) {
    parsed = parseQuery(shape.text);
    if (shapes.size >= MAX_SHAPES) shapes = loadFlowTable() ?? new Map();
    shapes.set(shape.text, parsed);
  }
  return { shape, parsed };
}
