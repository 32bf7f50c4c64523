/**
 * The label contract of drift gates: every query a drift gate's rules run on its score histogram
 * selects series that the generated PodMonitor's scrape produces (modelled in
 * prometheus-scrape.ts after the Operator's and Prometheus' own code), with the version label
 * telling stable's pods from the candidate's. A query naming a label nobody attaches selects
 * nothing, and so does the gate without our relabeling.
 */
import { describe, expect, it } from 'vitest';
import { OPERATOR_TARGET_LABELS, SCORE_EXPORTER_CONTAINER } from '../../src/gates/score-source.js';
import type { DriftGate, ResolvedPolicy } from '../../src/resolve/policy.js';
import { PROMETHEUS_RULE_OBJECT_FILE, type RuleGroup } from '../../src/targets/prometheus.js';
import { examplePolicies } from '../gates/example-policies.js';
import { compile, objectOfKind } from '../support/compiled-objects.js';
import { scrape, type Labels, type Pod } from './prometheus-scrape.js';

interface Matcher {
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

/** Every selector of `metric` in the policy's rule expressions, as label matchers and the labels the enclosing `sum by` keeps. */
function selectors(policy: ResolvedPolicy, metric: string): Array<{ matchers: Matcher[]; by: string[] }> {
  const rules = compile(policy).find((file) => file.path === PROMETHEUS_RULE_OBJECT_FILE)!.documents![0] as { spec: { groups: RuleGroup[] } };
  const exprs = rules.spec.groups.flatMap((group) => group.rules).map((rule) => String(rule.expr));
  const found: Array<{ matchers: Matcher[]; by: string[] }> = [];
  const pattern = new RegExp(`sum by \\(([^)]*)\\) \\(increase\\(${metric}\\{([^}]*)\\}`, 'g');
  for (const expr of exprs) {
    for (const [, by, body] of expr.matchAll(pattern)) {
      const matchers = [...body!.matchAll(/(\w+)\s*(=~|!~|!=|=)\s*("(?:[^"\\]|\\.)*")/g)].map(([, label, op, quoted]) => ({ label: label!, op: op as Matcher['op'], value: JSON.parse(quoted!) as string }));
      found.push({ matchers, by: by!.split(',').map((label) => label.trim()) });
    }
  }
  return found;
}

/** PromQL matcher semantics: a missing label is the empty string; regexes are anchored. */
function matches(series: Labels, matcher: Matcher): boolean {
  const value = series[matcher.label] ?? '';
  const regex = (): RegExp => new RegExp(`^(?:${matcher.value})$`);
  switch (matcher.op) {
    case '=':
      return value === matcher.value;
    case '!=':
      return value !== matcher.value;
    case '=~':
      return regex().test(value);
    case '!~':
      return !regex().test(value);
  }
}

/** A stable and a candidate pod as the Rollout's ReplicaSets run them: the template with each version's label. */
function servingPods(policy: ResolvedPolicy, template: Record<string, any>): Pod[] {
  const versions = [policy.versions.stable, policy.versions.candidate ?? policy.versions.stable];
  return versions.map((version, i) => ({
    namespace: policy.namespace,
    name: `${policy.name}-${i}`,
    ip: `10.0.0.${i + 1}`,
    phase: 'Running',
    labels: { ...template.metadata.labels, version: String(version), 'rollouts-pod-template-hash': `hash${i}` },
    containers: template.spec.containers,
  }));
}

const driftPolicies = examplePolicies().filter((policy) => policy.gates.checks.some((gate) => gate.metric === 'drift'));

/** The histogram series one pod's exporter exposes for a gate, at one bucket bound, with the labels the profile says it writes. */
function exposedBucket(policy: ResolvedPolicy, gate: DriftGate, le: string): Labels {
  const own = policy.platform.scoreExporter!.metrics.find((metric) => metric.name === gate.histogram)!.labels;
  return { __name__: `${gate.histogram}_bucket`, le, ...Object.fromEntries(own.map((label) => [label, 'x'])) };
}

describe('drift gates read the series the generated PodMonitor produces', () => {
  it('covers both example policies with a drift gate', () => {
    expect(driftPolicies.map((policy) => policy.name).sort()).toEqual(['fraud-detector', 'home-recommender']);
  });

  for (const policy of driftPolicies) {
    const files = compile(policy);
    const podMonitor = objectOfKind(files, 'PodMonitor');
    const pods = servingPods(policy, objectOfKind(files, 'Rollout').spec.template);

    for (const gate of policy.gates.checks.filter((g): g is DriftGate => g.metric === 'drift')) {
      it(`${policy.name} ${gate.name}: every selector matches stable's and the candidate's series, grouped apart by ${gate.versionLabel}`, () => {
        const found = selectors(policy, `${gate.histogram}_bucket`);
        // Each bucket's rule reads its bound (and the one below it); together every bound and +Inf.
        expect(new Set(found.map(({ matchers }) => JSON.stringify(matchers.find((m) => m.label === 'le')))).size).toBe(gate.buckets.length + 1);
        for (const { matchers, by } of found) {
          const le = matchers.find((m) => m.label === 'le')!;
          // A bound written as the client library writes it: `1.0` for an integer bound, else the number.
          const bound = le.value.replace(/\\\./g, '.').split('|').pop()!;
          const series = scrape(podMonitor, pods, SCORE_EXPORTER_CONTAINER, exposedBucket(policy, gate, bound));
          expect(series).toHaveLength(2);
          for (const one of series) {
            for (const matcher of matchers) expect(matches(one, matcher), `${JSON.stringify(matcher)} on ${JSON.stringify(one)}`).toBe(true);
            for (const label of by) expect(one[label], `sum by ${label}`).toBeDefined();
          }
          expect(series.map((one) => one[gate.versionLabel]).sort()).toEqual([String(policy.versions.stable), String(policy.versions.candidate)].sort());
        }
      });
    }

    it(`${policy.name}: the labels a scraped series gets are the Operator's target labels the PromQL check assumes, plus the version`, () => {
      const gate = policy.gates.checks.find((g): g is DriftGate => g.metric === 'drift')!;
      const [series] = scrape(podMonitor, pods, SCORE_EXPORTER_CONTAINER, exposedBucket(policy, gate, '1'));
      expect(Object.keys(series!).sort()).toEqual([...OPERATOR_TARGET_LABELS, gate.versionLabel, '__name__', 'le'].sort());
      expect(series).toMatchObject({ namespace: policy.namespace, container: SCORE_EXPORTER_CONTAINER, endpoint: 'scores', job: `${policy.namespace}/${policy.name}` });
      // The model's honor_labels is false; so must the PodMonitor's be.
      for (const endpoint of podMonitor.spec.podMetricsEndpoints) expect(endpoint.honorLabels).toBeUndefined();
    });
  }

  const fraud = driftPolicies.find((policy) => policy.name === 'fraud-detector')!;
  const fraudFiles = compile(fraud);
  const fraudPods = servingPods(fraud, objectOfKind(fraudFiles, 'Rollout').spec.template);
  const exposed = { __name__: 'fraud_score_bucket', le: '0.5' };

  it('fails for a gate naming a label nobody attaches: the selector matches no series', () => {
    const series = scrape(objectOfKind(fraudFiles, 'PodMonitor'), fraudPods, SCORE_EXPORTER_CONTAINER, exposed);
    expect(series).toHaveLength(2);
    expect(series.some((one) => matches(one, { label: 'merchant_category', op: '=~', value: '.+' }))).toBe(false);
  });

  it('without the version relabeling, stable and candidate series are indistinguishable and the gate compares nothing', () => {
    const podMonitor = structuredClone(objectOfKind(fraudFiles, 'PodMonitor'));
    for (const endpoint of podMonitor.spec.podMetricsEndpoints) delete endpoint.relabelings;
    const series = scrape(podMonitor, fraudPods, SCORE_EXPORTER_CONTAINER, exposed);
    expect(series).toHaveLength(2);
    expect(series.every((one) => one.version === undefined)).toBe(true);
  });

  it('a version label the exporter writes itself is overridden by the pod\'s, and kept as exported_version', () => {
    const series = scrape(objectOfKind(fraudFiles, 'PodMonitor'), fraudPods, SCORE_EXPORTER_CONTAINER, { ...exposed, version: 'latest' });
    expect(series.map((one) => [one.version, one.exported_version])).toEqual([
      [String(fraud.versions.stable), 'latest'],
      [String(fraud.versions.candidate), 'latest'],
    ]);
  });

  it('another policy in the namespace whose exporter emits the same histogram at the same versions does not enter this policy\'s drift selectors', () => {
    // The same model served under a second name in the same namespace: same histogram, same version numbers.
    const neighbour: ResolvedPolicy = { ...fraud, name: `${fraud.name}-b` };
    const neighbourFiles = compile(neighbour);
    const neighbourPods = servingPods(neighbour, objectOfKind(neighbourFiles, 'Rollout').spec.template);
    const gates = fraud.gates.checks.filter((g): g is DriftGate => g.metric === 'drift');
    expect(gates.length).toBeGreaterThan(0);
    for (const gate of gates) {
      for (const { matchers } of selectors(fraud, `${gate.histogram}_bucket`)) {
        const bound = matchers.find((m) => m.label === 'le')!.value.replace(/\\\./g, '.').split('|').pop()!;
        const own = scrape(objectOfKind(fraudFiles, 'PodMonitor'), fraudPods, SCORE_EXPORTER_CONTAINER, exposedBucket(fraud, gate, bound));
        const theirs = scrape(objectOfKind(neighbourFiles, 'PodMonitor'), neighbourPods, SCORE_EXPORTER_CONTAINER, exposedBucket(neighbour, gate, bound));
        expect(theirs).toHaveLength(2);
        // Namespace and version label alone cannot tell them apart: only the PodMonitor's job does.
        expect(theirs.map((one) => [one.namespace, one[gate.versionLabel]])).toEqual(own.map((one) => [one.namespace, one[gate.versionLabel]]));
        expect(theirs.map((one) => one.job)).toEqual([`${fraud.namespace}/${neighbour.name}`, `${fraud.namespace}/${neighbour.name}`]);
        for (const one of own) expect(matchers.every((matcher) => matches(one, matcher))).toBe(true);
        for (const one of theirs) expect(matchers.every((matcher) => matches(one, matcher)), JSON.stringify(one)).toBe(false);
      }
    }
  });

  it('selects only the model\'s pods, on the exporter\'s port: another pod in the namespace yields no target', () => {
    const other: Pod = { ...fraudPods[0]!, name: 'other', labels: { app: 'other-model', version: '1' } };
    expect(scrape(objectOfKind(fraudFiles, 'PodMonitor'), [other], SCORE_EXPORTER_CONTAINER, exposed)).toEqual([]);
    // TF Serving's own container is scraped by the second endpoint only, on its REST port and metrics path.
    const tfserving = scrape(objectOfKind(fraudFiles, 'PodMonitor'), fraudPods, 'tfserving', { __name__: ':tensorflow:serving:request_count' });
    expect(tfserving.map((one) => one.endpoint)).toEqual(['http', 'http']);
  });
});
