/**
 * The table of label flows the build ships (src/check/query-flows.ts, written by
 * src/precompiled/generate-query-flows.ts) must be the run-time walk, precomputed: for every query
 * shape the examples and the bench's policy set compile to, the shipped flow is the one the parser
 * and the walk give now, and the check reads through it the same findings as through a parse.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { promqlCheck } from '../../src/check/promql.js';
import { parseQuery, type ParsedQuery } from '../../src/check/promql-shape.js';
import { flowTableSource, loadFlowTable } from '../../src/check/query-flows.js';
import { benchShapes, projectShapes } from '../../src/precompiled/generate-query-flows.js';
import { argoAnalysisTarget } from '../../src/targets/argo-analysis.js';
import { grafanaTarget } from '../../src/targets/grafana.js';
import { podMonitorTarget } from '../../src/targets/podmonitor.js';
import { PROMETHEUS_RULE_OBJECT_FILE, prometheusTarget } from '../../src/targets/prometheus.js';
import type { OutputFile } from '../../src/targets/target.js';
import { requireBuiltCli } from '../security/run-cli.js';
import { examplePolicies, examplePolicy, repoRoot } from './example-policies.js';

const work = mkdtempSync(path.join(tmpdir(), 'modelgate-query-flows-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The built modules: their table is the file `npm run build` wrote beside them, stamped by the built walk. */
const built = async () => ({
  flows: (await import(pathToFileURL(path.join(repoRoot, 'dist', 'check', 'query-flows.js')).href)) as typeof import('../../src/check/query-flows.js'),
  check: ((await import(pathToFileURL(path.join(repoRoot, 'dist', 'check', 'promql.js')).href)) as typeof import('../../src/check/promql.js')).promqlCheck,
});

describe('the table of query flows', () => {
  it('is taken when made from the current walk, and refused when missing or made from another', () => {
    const shapes = [...projectShapes(repoRoot)];
    const file = path.join(work, 'flows.json');
    writeFileSync(file, flowTableSource(shapes));
    const table = loadFlowTable(pathToFileURL(file));
    expect(table?.size).toBe(new Set(shapes).size);
    const stale = JSON.parse(readFileSync(file, 'utf8')) as { inputsSha256: string };
    writeFileSync(path.join(work, 'stale.json'), JSON.stringify({ ...stale, inputsSha256: stale.inputsSha256.replace(/^./, (c) => (c === '0' ? '1' : '0')) }));
    expect(loadFlowTable(pathToFileURL(path.join(work, 'stale.json')))).toBeUndefined();
    expect(loadFlowTable(pathToFileURL(path.join(work, 'missing.json')))).toBeUndefined();
  });

  describe.runIf(requireBuiltCli())('as the build ships it', () => {
    it('holds every query shape of the examples and of the bench set, each with the flow the run-time walk computes', async () => {
      const shipped = (await built()).flows.loadFlowTable();
      expect(shipped, 'dist/check/query-flows.generated.json is missing or stale: run npm run build').toBeDefined();
      const shapes = new Set([...projectShapes(repoRoot), ...(await benchShapes(100))]);
      expect(shapes.size).toBeGreaterThan(40);
      for (const shape of shapes) {
        const runtime: ParsedQuery = parseQuery(shape);
        expect(runtime.errorAt).toBeNull();
        expect(shipped!.get(shape), shape).toEqual(runtime);
      }
    });

    it('gives the check the same findings as a parse, for a shape in the table and for one it lacks', async () => {
      const builtCheck = (await built()).check;
      const fraud = examplePolicy('fraud-detector.yaml');
      const outputs = (policy = fraud): OutputFile[] => [prometheusTarget, argoAnalysisTarget, podMonitorTarget, grafanaTarget].flatMap((target) => target.build(policy));
      const withRuleExprs = (edit: (expr: string) => string): OutputFile[] =>
        outputs().map((file) => {
          if (file.path !== PROMETHEUS_RULE_OBJECT_FILE) return file;
          const doc = structuredClone(file.documents![0]) as { spec: { groups: Array<{ rules: Array<{ expr: string }> }> } };
          for (const rule of doc.spec.groups.flatMap((g) => g.rules)) rule.expr = edit(rule.expr);
          return { ...file, documents: [doc] };
        });
      for (const policy of examplePolicies()) expect(builtCheck.check(policy, outputs(policy))).toEqual([]);
      const cases = [
        // Names are abstracted: the misspelt series keeps its query's shape, which the table holds.
        (expr: string) => expr.replaceAll(':requests:increase5m', ':requets:increase5m'),
        (expr: string) => expr.replaceAll('fraud_score_bucket', 'fraud_scores_bucket'),
        // A label name is part of the shape: a label that does not exist makes one the table lacks.
        (expr: string) => expr.replace('destination_service_name=', 'destination_svc_name='),
        (expr: string) => expr.replace('sum by (', 'sum by (('),
      ];
      for (const edit of cases) {
        const files = withRuleExprs(edit);
        const findings = promqlCheck.check(fraud, files);
        expect(findings.length).toBeGreaterThan(0);
        expect(builtCheck.check(fraud, files)).toEqual(findings);
      }
      const shipped = (await built()).flows.loadFlowTable()!;
      const { shapeOf: shapeOfBuilt } = (await import(pathToFileURL(path.join(repoRoot, 'dist', 'check', 'promql-shape.js')).href)) as typeof import('../../src/check/promql-shape.js');
      const shapesOf = (edit: (expr: string) => string) =>
        (withRuleExprs(edit).find((f) => f.path === PROMETHEUS_RULE_OBJECT_FILE)!.documents![0] as { spec: { groups: Array<{ rules: Array<{ expr: string }> }> } }).spec.groups
          .flatMap((g) => g.rules)
          .map((rule) => shapeOfBuilt(rule.expr));
      expect(shapesOf(cases[0]!).every((shape) => shipped.has(shape.text))).toBe(true);
      expect(shapesOf(cases[2]!).some((shape) => !shipped.has(shape.text))).toBe(true);
    });
  });
});
