import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parser } from '@prometheus-io/lezer-promql';
import { Ajv } from 'ajv';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { promqlCheck } from '../../src/check/promql.js';
import { DASHBOARD_SCHEMA_VERSION, DASHBOARD_UID_MAX, dashboardUid } from '../../src/dashboard/dashboard.js';
import { serializeBody } from '../../src/emit/serialize.js';
import { ISTIO_DURATION_BUCKET, ISTIO_REQUESTS } from '../../src/gates/istio.js';
import { serialize } from '../../src/gates/promql.js';
import { KUBE_POD_ANNOTATIONS, KUBE_POD_LABELS } from '../../src/gates/kube-state-metrics.js';
import { servedVersionMismatch, servedVersionSeen } from '../../src/gates/served-version.js';
import type { LatencyGate, ErrorRateGate, ResolvedPolicy } from '../../src/resolve/policy.js';
import { podMonitorTarget } from '../../src/targets/podmonitor.js';
import { GRAFANA_CONFIGMAP_FILE, GRAFANA_DASHBOARD_FILE, grafanaTarget } from '../../src/targets/grafana.js';
import { PROMETHEUS_RULE_FILE, PROMETHEUS_RULE_OBJECT_FILE, prometheusTarget, type RuleGroup } from '../../src/targets/prometheus.js';
import type { OutputFile } from '../../src/targets/target.js';
import { examplePolicies, examplePolicy, repoRoot, withSecondForms } from '../gates/example-policies.js';

interface Target { refId: string; expr: string; legendFormat: string }
interface Panel {
  id: number;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  targets: Target[];
  fieldConfig: {
    defaults: { unit: string; custom: { thresholdsStyle: { mode: string } }; thresholds: { steps: Array<{ value: number | null }> } };
    overrides: Array<{ matcher: { id: string; options: string }; properties: Array<{ id: string }> }>;
  };
}
interface Dashboard { uid: string; title: string; schemaVersion: number; panels: Panel[] }
interface ConfigMap { metadata: { name: string; namespace: string; labels: Record<string, string>; annotations?: Record<string, string> }; data: Record<string, string> }

const schema = JSON.parse(readFileSync(path.join(repoRoot, 'test', 'fixtures', 'grafana', 'dashboard.schema.json'), 'utf8')) as object;
// strictTuples off: `steps` is a base step followed by any number of limit steps, an open tuple on purpose.
const validateDashboard = new Ajv({ allErrors: true, strict: true, strictTuples: false }).compile(schema);

const fraud = examplePolicy('fraud-detector.yaml');

function file(files: OutputFile[], name: string): OutputFile {
  const found = files.find((f) => f.path === name);
  if (!found) throw new Error(`no ${name} among ${files.map((f) => f.path).join(', ')}`);
  return found;
}
/** The dashboard as the Grafana sidecar loads it: the JSON in the ConfigMap. */
function dashboardOf(policy: ResolvedPolicy): Dashboard {
  return JSON.parse(Object.values(configMapOf(policy).data)[0]!) as Dashboard;
}
function configMapOf(policy: ResolvedPolicy): ConfigMap {
  return file(grafanaTarget.build(policy), GRAFANA_CONFIGMAP_FILE).documents![0] as ConfigMap;
}
function panelTitled(board: Dashboard, pattern: RegExp): Panel {
  const panel = board.panels.find((p) => pattern.test(p.title));
  if (!panel) throw new Error(`no panel titled ${pattern} among ${board.panels.map((p) => p.title).join(' | ')}`);
  return panel;
}
function variant(edit: (policy: ResolvedPolicy) => void): ResolvedPolicy {
  const copy = structuredClone(fraud);
  edit(copy);
  return copy;
}
function gate<T>(policy: ResolvedPolicy, name: string): T {
  return policy.gates.checks.find((g) => g.name === name) as T;
}

/** Metric names of every selector in a query, read from the lezer parse tree. */
function metricNames(query: string): string[] {
  const names: string[] = [];
  parser.parse(query).iterate({
    enter: (node) => {
      if (node.name !== 'VectorSelector') return;
      const identifier = node.node.getChild('Identifier');
      if (identifier) names.push(query.slice(identifier.from, identifier.to));
    },
  });
  return names;
}

/** Policies covering every panel kind: the examples, plus absolute limits and a long name. */
const policies: ResolvedPolicy[] = [
  ...examplePolicies(),
  variant((p) => {
    gate<LatencyGate>(p, 'latency-p99').maxMs = 250;
    gate<ErrorRateGate>(p, 'segment-error-rate').maxPercent = 3;
  }),
];

describe('Grafana dashboard', () => {
  for (const policy of policies) {
    describe(`${policy.namespace}/${policy.name}${policy === policies.at(-1) ? ' with absolute limits' : ''}`, () => {
      const board = dashboardOf(policy);

      it('validates against the dashboard schema', () => {
        expect(validateDashboard(board), JSON.stringify(validateDashboard.errors, null, 2)).toBe(true);
      });

      it('has queries that parse and name only labels their series carry (the compile-time PromQL check)', () => {
        const files = [...prometheusTarget.build(policy), ...podMonitorTarget.build(policy), ...grafanaTarget.build(policy)];
        expect(promqlCheck.check(policy, files)).toEqual([]);
      });

      it('plots only series this policy records, Istio standard metrics, or (label mode) the pod series kube-state-metrics exports', () => {
        const rules = (file(prometheusTarget.build(policy), PROMETHEUS_RULE_OBJECT_FILE).documents![0] as { spec: { groups: RuleGroup[] } }).spec;
        const recorded = new Set(rules.groups.flatMap((g) => g.rules).map((r) => r.record).filter((r): r is string => typeof r === 'string'));
        const podSeries = servedVersionSeen(policy) ? [KUBE_POD_ANNOTATIONS, KUBE_POD_LABELS] : [];
        const allowed = new Set([...recorded, ISTIO_REQUESTS, ISTIO_DURATION_BUCKET, ...podSeries]);
        const used = board.panels.flatMap((p) => p.targets.flatMap((t) => metricNames(t.expr)));
        expect(used.length).toBeGreaterThan(0);
        expect(used.filter((name) => !allowed.has(name))).toEqual([]);
      });

      it('lays panels out on the 24-column grid without overlap, with ids 1..n', () => {
        expect(board.panels.map((p) => p.id)).toEqual(board.panels.map((_, i) => i + 1));
        const cells = new Set<string>();
        for (const { gridPos: g } of board.panels) {
          expect(g.x + g.w).toBeLessThanOrEqual(24);
          for (let x = g.x; x < g.x + g.w; x++) {
            for (let y = g.y; y < g.y + g.h; y++) {
              expect(cells.has(`${x},${y}`)).toBe(false);
              cells.add(`${x},${y}`);
            }
          }
        }
      });

      it('writes dashboard.json only when the profile asks, and then the very bytes the ConfigMap embeds', () => {
        expect(grafanaTarget.build(policy).map((f) => f.path)).toEqual([GRAFANA_CONFIGMAP_FILE]);
        const files = grafanaTarget.build(withSecondForms(policy));
        const configMap = file(files, GRAFANA_CONFIGMAP_FILE).documents![0] as ConfigMap;
        expect(configMap.data).toEqual({ [`${board.uid}.json`]: serializeBody(file(files, GRAFANA_DASHBOARD_FILE)) });
        // The example profile names the namespace the Grafana sidecar watches.
        expect(configMap.metadata.namespace).toBe('monitoring');
        expect(configMap.metadata.labels.grafana_dashboard).toBe('1');
      });

      it('fits a ConfigMap: a valid key, and small enough for the last-applied annotation of kubectl apply (256 KiB)', () => {
        const [[key, json]] = Object.entries(configMapOf(policy).data) as [[string, string]];
        expect(key).toMatch(/^[-._a-zA-Z0-9]+$/);
        expect(Buffer.byteLength(json, 'utf8')).toBeLessThan(256 * 1024);
      });
    });
  }

  it('has a schema that catches a misspelt or misplaced field, so passing it means something', () => {
    const board = structuredClone(dashboardOf(fraud)) as unknown as { panels: Array<Record<string, unknown>> };
    board.panels[0]!.gridpos = board.panels[0]!.gridPos;
    delete board.panels[0]!.gridPos;
    expect(validateDashboard(board)).toBe(false);
    const steps = structuredClone(dashboardOf(fraud));
    steps.panels[0]!.fieldConfig.defaults.thresholds.steps = [{ value: 5 }];
    expect(validateDashboard(steps)).toBe(false);
  });

  it('is caught at compile time when a panel plots a series no rule records', () => {
    const files = [...prometheusTarget.build(fraud), ...podMonitorTarget.build(fraud), ...grafanaTarget.build(fraud)].map((f) => {
      if (f.path !== GRAFANA_CONFIGMAP_FILE) return f;
      const configMap = structuredClone(f.documents![0]) as ConfigMap;
      const [key, json] = Object.entries(configMap.data)[0]!;
      const board = JSON.parse(json) as Dashboard;
      board.panels[0]!.targets[0]!.expr = board.panels[0]!.targets[0]!.expr.replace(':requests:', ':requets:');
      configMap.data[key] = JSON.stringify(board);
      return { ...f, documents: [configMap] };
    });
    const findings = promqlCheck.check(fraud, files);
    expect(findings).toEqual([
      expect.objectContaining({ path: GRAFANA_CONFIGMAP_FILE, object: 'dashboard panel 1 query A', message: expect.stringContaining('is not recorded by any rule') }),
    ]);
  });

  it('draws relative limits as a dashed query built from stable, and absolute limits as threshold lines', () => {
    const relative = panelTitled(dashboardOf(fraud), /^P99 latency/);
    const limit = relative.targets.find((t) => t.legendFormat === 'limit: stable + 10%')!;
    expect(limit.expr).toBe('(sum (modelgate:risk:fraud_detector:latency_p99_ms:quantile5m{destination_version="41"}) * 110) / 100');
    expect(relative.fieldConfig.overrides).toEqual([
      expect.objectContaining({ matcher: { id: 'byFrameRefID', options: limit.refId } }),
    ]);
    expect(relative.fieldConfig.defaults.custom.thresholdsStyle.mode).toBe('off');

    const withMax = variant((p) => void (gate<LatencyGate>(p, 'latency-p99').maxMs = 250));
    const absolute = panelTitled(dashboardOf(withMax), /^P99 latency/);
    expect(absolute.fieldConfig.defaults.custom.thresholdsStyle.mode).toBe('line');
    expect(absolute.fieldConfig.defaults.thresholds.steps.map((s) => s.value)).toEqual([null, 250]);
    expect(absolute.fieldConfig.defaults.unit).toBe('ms');
  });

  it('shows stable and canary side by side, and the canary share of requests', () => {
    const board = dashboardOf(fraud);
    expect(panelTitled(board, /^Request rate$/).targets.map((t) => t.legendFormat)).toEqual(['stable 41 (1.3.3-20250320)', 'canary 42 (1.4.0-20250405)']);
    expect(panelTitled(board, /^Error ratio/).targets.map((t) => t.legendFormat)).toEqual(['stable 41 (1.3.3-20250320)', 'canary 42 (1.4.0-20250405)', 'limit: stable + 0.5pp']);
    const share = panelTitled(board, /^Canary share/).targets[0]!.expr;
    expect(share).toBe(
      '(sum (modelgate:risk:fraud_detector:requests:increase5m{destination_version="42"}) / sum (modelgate:risk:fraud_detector:requests:increase5m)) * 100',
    );
  });

  it('in label mode, lists the pods serving another version than their label with the query the alert fires on', () => {
    const panel = panelTitled(dashboardOf(fraud), /^Pods serving another version than their label$/);
    expect(panel.targets.map((t) => t.expr)).toEqual([serialize(servedVersionMismatch(fraud)!)]);
    expect(panel.targets[0]!.legendFormat).toBe('{{pod}}: serves {{annotation_modelgate_io_served_version}}, labelled {{label_version}}');
    const oneVersionPods = dashboardOf(examplePolicy('churn-scorer.yaml'));
    expect(oneVersionPods.panels.some((p) => /another version/.test(p.title))).toBe(false);
  });

  it('plots drift and segmented gates as the gate measures them, per segment value, against the threshold', () => {
    const board = dashboardOf(fraud);
    const drift = panelTitled(board, /gate score-drift$/);
    expect(drift.title).toBe('PSI of fraud_score between canary and stable — gate score-drift');
    expect(drift.fieldConfig.defaults.thresholds.steps.map((s) => s.value)).toEqual([null, 0.05]);
    const segment = panelTitled(board, /gate segment-error-rate$/);
    expect(segment.title).toBe('Error rate increase over stable by merchant_category (pp) — gate segment-error-rate');
    expect(segment.targets.map((t) => t.legendFormat)).toEqual(['{{merchant_category}}']);
    expect(segment.targets[0]!.expr).toContain('sum by (merchant_category)');
    expect(segment.fieldConfig.defaults.thresholds.steps.map((s) => s.value)).toEqual([null, 1]);
  });

  it('shows only stable, and no comparisons, when there is no candidate', () => {
    const atRest = examplePolicy('search-ranker.yaml');
    const board = dashboardOf(atRest);
    const legends = board.panels.flatMap((p) => p.targets.map((t) => t.legendFormat));
    expect(legends.length).toBeGreaterThan(0);
    expect(legends.every((legend) => legend.startsWith(`stable ${atRest.versions.stable}`))).toBe(true);
  });

  it('pins the schema version and derives a uid of at most 40 characters from namespace and name', () => {
    expect(dashboardOf(fraud)).toMatchObject({ uid: 'risk_fraud-detector', schemaVersion: DASHBOARD_SCHEMA_VERSION });
    const long = (name: string): ResolvedPolicy => variant((p) => Object.assign(p, { namespace: 'n'.repeat(63), name }));
    const [a, b] = [dashboardUid(long(`${'m'.repeat(62)}a`)), dashboardUid(long(`${'m'.repeat(62)}b`))];
    expect(a).toMatch(/^[a-zA-Z0-9_-]+$/);
    expect(a.length).toBe(DASHBOARD_UID_MAX);
    expect(a).not.toBe(b);
    // `-` joins words in both names, so `_` between them keeps a-b/c and a/b-c apart.
    expect(dashboardUid(variant((p) => Object.assign(p, { namespace: 'a-b', name: 'c' })))).not.toBe(
      dashboardUid(variant((p) => Object.assign(p, { namespace: 'a', name: 'b-c' }))),
    );
  });

  it('files the dashboard under the policy folder only when it names one', () => {
    expect(configMapOf(fraud).metadata.annotations).toEqual({ grafana_folder: 'Risk models' });
    const unfoldered = configMapOf(variant((p) => void (p.dashboard.folder = null)));
    expect(unfoldered.metadata.annotations).toBeUndefined();
  });

  it('emits nothing when the policy turns the dashboard off', () => {
    expect(grafanaTarget.build(variant((p) => void (p.dashboard.enabled = false)))).toEqual([]);
  });

  it('carries any model name, gate name and folder through JSON and YAML unchanged', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1 }), fc.string({ unit: 'binary', minLength: 1 }), fc.string({ unit: 'binary', minLength: 1 }), (model, gateName, folder) => {
        const policy = variant((p) => {
          p.model.name = model;
          p.gates.checks[0]!.name = gateName;
          p.dashboard.folder = folder;
        });
        const files = grafanaTarget.build(withSecondForms(policy));
        const json = serializeBody(file(files, GRAFANA_DASHBOARD_FILE));
        const board = JSON.parse(json) as Dashboard;
        expect(board.title).toBe(`risk/fraud-detector — model ${model}`);
        expect(board.panels.some((p) => p.title.endsWith(`— gate ${gateName}`))).toBe(true);
        const configMap = parseYaml(serializeBody(file(files, GRAFANA_CONFIGMAP_FILE)), { version: '1.1' }) as ConfigMap;
        expect(configMap.metadata.annotations).toEqual({ grafana_folder: folder });
        expect(configMap.data[`${board.uid}.json`]).toBe(json);
      }),
      { numRuns: 100 },
    );
  });
});
