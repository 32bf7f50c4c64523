/**
 * After a live rollback, the real Prometheus sees the mismatch the way the cluster exports it:
 * kube-state-metrics' `kube_pod_annotations` / `kube_pod_labels` series (labels as
 * src/gates/kube-state-metrics.ts derives them from kube-state-metrics' pod.go and utils.go).
 * `ModelGateServedVersionMismatch` fires for a fraud-detector pod labelled 41 that serves 40, and
 * not for a pod whose annotation matches its label, a pod without the annotation, or a pod of
 * another policy; and a latency regression that fires the gate alert on its own is withheld
 * while the mismatch lasts, since the gate would judge the labelled version, not the served one.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { annotationLabel, KUBE_POD_ANNOTATIONS, KUBE_POD_LABELS, podLabelLabel } from '../../src/gates/kube-state-metrics.js';
import { eq, selector, serialize } from '../../src/gates/promql.js';
import { ALERT_SERVED_VERSION_MISMATCH, ANNOTATION_SERVED_VERSION } from '../../src/names.js';
import { ruleGroups } from '../../src/targets/prometheus.js';
import { examplePolicy, repoRoot } from '../gates/example-policies.js';
import { requireTool } from '../support/tools.js';
import { promtoolTest, type Fixture } from './scenario.js';

const promtool = requireTool('promtool');
const policy = examplePolicy('fraud-detector.yaml');

interface Pod {
  name: string;
  app: string;
  version: string;
  served?: string;
}

/** kube-state-metrics' two series for one pod, constant over the test. */
function podSeries(pod: Pod, steps: number): Array<{ series: string; values: string }> {
  const id = [eq('namespace', policy.namespace), eq('pod', pod.name), eq('uid', `uid-${pod.name}`)];
  const annotations = pod.served === undefined ? id : [...id, eq(annotationLabel(ANNOTATION_SERVED_VERSION), pod.served)];
  return [
    { series: serialize(selector(KUBE_POD_ANNOTATIONS, annotations)), values: `1x${steps}` },
    { series: serialize(selector(KUBE_POD_LABELS, [...id, eq(podLabelLabel('app'), pod.app), eq(podLabelLabel('version'), pod.version)])), values: `1x${steps}` },
  ];
}

function promtoolRun(test: object): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'modelgate-served-version-'));
  writeFileSync(path.join(dir, 'rules.yaml'), stringify({ groups: ruleGroups(policy) }));
  writeFileSync(path.join(dir, 'test.yaml'), stringify(test, { lineWidth: 0 }));
  try {
    return execFileSync(promtool!, ['test', 'rules', 'test.yaml'], { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return `${e.stdout ?? ''}${e.stderr ?? ''}`;
  }
}

/** The latency fixture's firing case, with these pods beside its traffic and these alerts expected at its evaluation time. */
function withPods(pods: Pod[], expected: (firing: Record<string, unknown>) => Array<Record<string, unknown>>): object {
  const fixture = parse(readFileSync(path.join(repoRoot, 'test', 'fixtures', 'promtool', 'latency.yaml'), 'utf8')) as Fixture;
  const scenario = fixture.cases.find((c) => c.fires)!;
  const test = promtoolTest(policy, fixture, scenario, ruleGroups(policy)) as { tests: Array<{ input_series: unknown[]; alert_rule_test: Array<Record<string, unknown>> }> };
  const run = test.tests[0]!;
  const firing = run.alert_rule_test[0]!;
  expect((firing.exp_alerts as unknown[]).length, 'the fixture fires the gate alert on its own').toBe(1);
  const steps = run.input_series.length === 0 ? 0 : Number(/x(\d+)$/.exec((run.input_series[0] as { values: string }).values)![1]);
  run.input_series.push(...pods.flatMap((pod) => podSeries(pod, steps)));
  run.alert_rule_test = expected(firing);
  return test;
}

/** The alert promtool must see for one pod: the rule's own labels (routing, severity) plus the pod's series labels; the summary spelled out. */
function mismatchAlert(pod: string, served: string, version: string): Record<string, unknown> {
  const rule = ruleGroups(policy)[0]!.rules.find((r) => r.alert === ALERT_SERVED_VERSION_MISMATCH)!;
  const annotations = rule.annotations as Record<string, string>;
  return {
    exp_labels: { ...(rule.labels as Record<string, string>), pod, uid: `uid-${pod}`, [annotationLabel(ANNOTATION_SERVED_VERSION)]: served, [podLabelLabel('version')]: version },
    exp_annotations: {
      ...annotations,
      summary: `${policy.name}: pod ${pod} serves version ${served} under its version label ${version} (${ANNOTATION_SERVED_VERSION}, a live rollback); the gates judge neither version until git and the pods agree`,
    },
  };
}

describe.skipIf(!promtool)('served-version mismatch (promtool)', () => {
  it('a pod labelled 41 that serves 40 fires the mismatch alert and withholds the gate alert', () => {
    const pods: Pod[] = [
      { name: 'fraud-detector-6d4f8-a', app: 'fraud-detector', version: '41', served: '40' },
      { name: 'fraud-detector-6d4f8-b', app: 'fraud-detector', version: '41', served: '41' },
      { name: 'fraud-detector-6d4f8-c', app: 'fraud-detector', version: '41' },
      { name: 'other-model-7c9b2-a', app: 'other-model', version: '3', served: '2' },
    ];
    const output = promtoolRun(
      withPods(pods, (firing) => [
        { eval_time: firing.eval_time, alertname: ALERT_SERVED_VERSION_MISMATCH, exp_alerts: [mismatchAlert('fraud-detector-6d4f8-a', '40', '41')] },
        { eval_time: firing.eval_time, alertname: firing.alertname, exp_alerts: [] },
      ]),
    );
    expect(output, output).toContain('SUCCESS');
  });

  it('pods whose annotation matches their label, or that have none, fire nothing and leave the gate alert firing', () => {
    const pods: Pod[] = [
      { name: 'fraud-detector-6d4f8-b', app: 'fraud-detector', version: '41', served: '41' },
      { name: 'fraud-detector-9a7c1-a', app: 'fraud-detector', version: '42' },
      { name: 'other-model-7c9b2-a', app: 'other-model', version: '3', served: '2' },
    ];
    const output = promtoolRun(
      withPods(pods, (firing) => [
        { eval_time: firing.eval_time, alertname: ALERT_SERVED_VERSION_MISMATCH, exp_alerts: [] },
        firing,
      ]),
    );
    expect(output, output).toContain('SUCCESS');
  });

  it('the oracle is awake: expecting no mismatch alert for the mismatched pod fails', () => {
    const output = promtoolRun(
      withPods([{ name: 'fraud-detector-6d4f8-a', app: 'fraud-detector', version: '41', served: '40' }], (firing) => [
        { eval_time: firing.eval_time, alertname: ALERT_SERVED_VERSION_MISMATCH, exp_alerts: [] },
      ]),
    );
    expect(output).not.toContain('SUCCESS');
  });
});
