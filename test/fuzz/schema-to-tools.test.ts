/**
 * Every value the schema and rules accept compiles into output the consumers accept: each
 * number and duration the schema declares (found by walking the schema, so a new field is
 * covered without touching this test) is set to values at and around its bounds on an example
 * policy; whatever `validate` accepts must compile with no internal error (the strict upstream
 * CRD schemas run inside compile), and its output must pass `promtool check rules`,
 * `protoc --encode` and Argo Rollouts' own validation rules (test/models/).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { parseAllDocuments, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { compileSources } from '../../src/compile/compile.js';
import { formatDuration } from '../../src/resolve/units.js';
import { analysisTemplateErrors, rolloutCanaryErrors } from '../models/argo-rollouts-validation.js';
import { examplePolicies, FUZZ_SEED, FUZZ_TIMEOUT_MS, fuzzRuns, withValue, type JsonPath } from '../support/arbitraries.js';
import { PROMETHEUS_RULE_SUFFIX, ruleFileOf } from '../support/prometheus-rule-file.js';
import { repoRoot, requireTool } from '../support/tools.js';
import { exampleProfile } from '../gates/example-policies.js';

type Schema = Record<string, any>;
type Leaf = { path: Array<string | '*'>; kind: 'integer' | 'number' | 'duration' | 'percent'; schema: Schema };

const schema = JSON.parse(readFileSync(path.join(repoRoot, 'schemas', 'release-policy.schema.json'), 'utf8')) as Schema;
const DEFS = new Map(Object.entries(schema.$defs as Schema));

/** Every numeric leaf of the schema: numbers, integers, durations and percentages, by path. */
function leaves(node: Schema, at: Array<string | '*'> = [], seen = new Set<string>()): Leaf[] {
  const ref = typeof node.$ref === 'string' ? node.$ref.replace('#/$defs/', '') : undefined;
  if (ref === 'duration') return [{ path: at, kind: 'duration', schema: DEFS.get(ref)! }];
  if (ref === 'percent' || ref === 'percentagePoints' || ref === 'wholePercent') return [{ path: at, kind: 'percent', schema: DEFS.get(ref)! }];
  if (ref !== undefined) return seen.has(`${ref}@${at.join('.')}`) ? [] : leaves(DEFS.get(ref)!, at, new Set([...seen, `${ref}@${at.join('.')}`]));
  const found: Leaf[] = [];
  if (node.type === 'integer' || node.type === 'number') found.push({ path: at, kind: node.type, schema: node });
  for (const [key, child] of Object.entries((node.properties ?? {}) as Schema)) found.push(...leaves(child, [...at, key], seen));
  if (node.items) found.push(...leaves(node.items, [...at, '*'], seen));
  for (const branch of (node.oneOf ?? []) as Schema[]) found.push(...leaves(branch, at, seen));
  return found;
}

const LEAVES = leaves(schema);

const INT32_MAX = 2_147_483_647;
const GO_MAX_SECONDS = 9_223_372_036;

/** Values at, just inside and just past each bound, and some in between. */
function valuesFor(leaf: Leaf): fc.Arbitrary<unknown> {
  const s = leaf.schema;
  if (leaf.kind === 'duration') {
    const seconds = fc.oneof(fc.constantFrom(0, 0.001, 1, 59, 3600, INT32_MAX, INT32_MAX + 1, GO_MAX_SECONDS, GO_MAX_SECONDS + 1, 1e12), fc.integer({ min: 0, max: INT32_MAX }), fc.double({ min: 0, max: 1e10, noNaN: true }).map((x) => Math.round(x * 1000) / 1000));
    return fc.tuple(seconds, fc.constantFrom('formatted', 's', 'ms', 'd')).map(([value, style]) => {
      if (style === 's' && Number.isInteger(value)) return `${value}s`;
      if (style === 'ms') return `${Math.round(value * 1000)}ms`;
      if (style === 'd' && value % 86400 === 0) return `${value / 86400}d`;
      return formatDuration(value);
    });
  }
  if (leaf.kind === 'percent') {
    const whole = String(s.pattern).includes('.') === false;
    const suffix = String(s.pattern).includes('pp') ? 'pp' : '%';
    return fc.oneof(fc.constantFrom(0, 0.001, 1, 99.999, 100, 100.5, 1e6, 999_999_999_999_999, 1e300), fc.double({ min: 0, max: 200, noNaN: true })).map((x) => `${(whole ? Math.round(x) : Number(x.toFixed(4))).toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 4 })}${suffix}`);
  }
  const min = s.minimum ?? s.exclusiveMinimum ?? (leaf.kind === 'integer' ? -1e6 : -1e12);
  const max = s.maximum ?? s.exclusiveMaximum ?? (leaf.kind === 'integer' ? 1e6 : 1e12);
  if (leaf.kind === 'integer') return fc.oneof(fc.constantFrom(min, max, min + 1, max - 1), fc.integer({ min, max }));
  const edges = [min, max, min + Number.EPSILON, max - max * Number.EPSILON, (min + max) / 2].filter((x) => Number.isFinite(x));
  return fc.oneof(fc.constantFrom(...edges), fc.double({ min, max, noNaN: true, noDefaultInfinity: true, minExcluded: s.exclusiveMinimum !== undefined, maxExcluded: s.exclusiveMaximum !== undefined }));
}

/** A concrete path for a leaf in this policy: `*` becomes an index the array has; undefined where it has none. */
function concretePath(data: unknown, leafPath: Array<string | '*'>, pick: number): JsonPath | undefined {
  const out: JsonPath = [];
  let node: any = data;
  for (const part of leafPath) {
    if (part === '*') {
      if (!Array.isArray(node) || node.length === 0) return undefined;
      const index = pick % node.length;
      out.push(index);
      node = node[index];
    } else {
      out.push(part);
      node = node?.[part];
    }
  }
  return out;
}

const boundedPolicy = fc.constantFrom(...examplePolicies()).chain((example) =>
  fc
    .array(fc.tuple(fc.constantFrom(...LEAVES), fc.nat()).chain(([leaf, pick]) => valuesFor(leaf).map((value) => ({ leaf, pick, value }))), { minLength: 1, maxLength: 4 })
    .map((changes) => {
      let data: unknown = structuredClone(example.data);
      for (const { leaf, pick, value } of changes) {
        const at = concretePath(data, leaf.path, pick);
        if (at) data = withValue(data, at, value);
      }
      return { base: example.file, text: stringify(data) };
    }),
);

const promtool = requireTool('promtool');
const protoc = requireTool('protoc');
const protoDir = path.join(repoRoot, 'test', 'fixtures', 'tfserving');

/** How many bounded policies a run samples: `npm test` 20, `npm run fuzz` 1,000 (the README says so). */
const RUNS = fuzzRuns(20, 20);

describe.skipIf(!promtool || !protoc)('every number the schema accepts compiles into output the consumers accept', () => {
  it('promtool, protoc, the strict CRD schemas and Argo Rollouts validation accept every accepted policy', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'modelgate-bounds-'));
    const ruleFiles: string[] = [];
    const configs: Array<[string, string]> = [];
    let accepted = 0;
    try {
      for (const { base, text } of fc.sample(boundedPolicy, { seed: FUZZ_SEED, numRuns: RUNS })) {
        const result = compileSources([{ file: `policies/${base}`, bytes: new TextEncoder().encode(text) }], { sourceRoot: repoRoot, profile: exampleProfile() });
        const context = `${base}:\n${text}`;
        expect(result.internalError, context).toBe(false);
        expect(result.diagnostics.filter((d) => d.rule === 'internal'), context).toEqual([]);
        if (result.policies.length === 0) continue;
        accepted++;
        for (const [file, content] of result.files) {
          if (file.endsWith(PROMETHEUS_RULE_SUFFIX)) {
            const target = path.join(dir, `rules-${ruleFiles.length}.yaml`);
            writeFileSync(target, ruleFileOf(content));
            ruleFiles.push(target);
          }
          if (file.endsWith('/tfserving/models.config')) configs.push([context, content]);
          if (!file.endsWith('.yaml')) continue;
          for (const doc of parseAllDocuments(content)) {
            const object = doc.toJS() as Record<string, any> | null;
            if (object?.kind === 'Rollout') expect(rolloutCanaryErrors(object), context).toEqual([]);
            if (object?.kind === 'AnalysisTemplate') expect(analysisTemplateErrors(object), context).toEqual([]);
          }
        }
      }
      // The sample must exercise acceptance, not only rejection.
      expect(accepted, 'accepted policies in the sample').toBeGreaterThan(RUNS / 10);
      if (ruleFiles.length > 0) execFileSync(promtool!, ['check', 'rules', ...ruleFiles], { stdio: 'pipe' });
      for (const [context, content] of configs) {
        const encoded = execFileSync(protoc!, ['--encode=tensorflow.serving.ModelServerConfig', '-I', protoDir, 'model_server_config.proto'], { input: content, stdio: 'pipe' });
        expect(encoded.length, context).toBeGreaterThan(0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, FUZZ_TIMEOUT_MS ?? 120_000);
});
