import { describe, expect, it } from 'vitest';
import { ALERT_CANARY_SILENT, prometheusRuleName } from '../../src/names.js';
import { PROMETHEUS_RULE_FILE, PROMETHEUS_RULE_OBJECT_FILE, prometheusTarget, ruleGroups, templateText } from '../../src/targets/prometheus.js';
import { examplePolicy, withSecondForms } from '../gates/example-policies.js';

const fraud = examplePolicy('fraud-detector.yaml');
const rules = ruleGroups(fraud).flatMap((g) => g.rules);
const alert = (name: string) => rules.find((r) => r.alert === name)! as { labels: Record<string, string>; annotations: Record<string, string>; for: string; expr: string };

describe('Prometheus rules', () => {
  it('writes the groups as a PrometheusRule, and the same groups as a plain rule file only when the profile asks', () => {
    expect(prometheusTarget.build(fraud).map((f) => f.path)).toEqual([PROMETHEUS_RULE_OBJECT_FILE]);
    const files = prometheusTarget.build(withSecondForms(fraud));
    const object = files.find((f) => f.path === PROMETHEUS_RULE_OBJECT_FILE)!.documents![0] as { kind: string; metadata: { name: string; namespace: string }; spec: { groups: unknown } };
    const plain = files.find((f) => f.path === PROMETHEUS_RULE_FILE)!.documents![0] as { groups: unknown };
    expect(object.kind).toBe('PrometheusRule');
    expect(object.metadata).toMatchObject({ name: prometheusRuleName(fraud), namespace: 'risk' });
    expect(object.spec.groups).toEqual(plain.groups);
  });

  it('labels each gate alert with model, policy, namespace, version, severity and its notification route, and annotates the threshold and runbook', () => {
    const latency = alert('ModelGateLatencyP99');
    expect(latency.labels).toEqual({
      model: 'fraud_detector',
      policy: 'fraud-detector',
      namespace: 'risk',
      version: '42',
      notify_slack: '#risk-ml-releases',
      gate: 'latency-p99',
      severity: 'critical',
    });
    expect(latency.annotations.threshold).toBe('10%');
    expect(latency.annotations.runbook_url).toBe('https://runbooks.acme.example/fraud-detector');
    expect(latency.for).toBe('5m');
    expect(latency.expr.endsWith('> 10')).toBe(true);
  });

  it('names the segment in a per-segment alert', () => {
    const segment = alert('ModelGateSegmentErrorRate');
    expect(segment.labels.segment).toBe('merchant_category');
    expect(segment.annotations.summary).toContain('merchant_category={{ $labels.merchant_category }}');
    expect(segment.expr).toContain('sum by (merchant_category)');
  });

  it("guards every comparison with the gate's own minimum request count, for both versions", () => {
    const guards = new Map(fraud.gates.checks.map((gate) => [gate.name, gate.minRequests]));
    // Each gate's guard is what its own test needs: the segment gate's 1pp needs fewer than the 0.5pp gate.
    expect(guards.get('segment-error-rate')).toBeLessThan(guards.get('error-rate')!);
    for (const [name, gate] of [['ModelGateLatencyP99', 'latency-p99'], ['ModelGateSegmentErrorRate', 'segment-error-rate']] as const) {
      expect(alert(name).expr, name).toContain(`{destination_version="42"}) >= ${guards.get(gate)}`);
      expect(alert(name).expr, name).toContain(`{destination_version="41"}) >= ${guards.get(gate)}`);
    }
    // The unsegmented error gate counts what callers saw, per routed host (src/gates/istio.ts).
    const errors = alert('ModelGateErrorRate').expr;
    expect(errors).toContain(`client_requests:increase5m{destination_service="fraud-detector-canary.risk.svc.cluster.local"}) >= ${guards.get('error-rate')}`);
    expect(errors).toContain(`client_requests:increase5m{destination_service="fraud-detector.risk.svc.cluster.local"}) >= ${guards.get('error-rate')}`);
  });

  it('records the callers\' view of requests and errors by routed host, local replies included', () => {
    const client = rules.filter((r) => String(r.record).includes(':client_'));
    expect(client.map((r) => r.record)).toEqual(['modelgate:risk:fraud_detector:client_requests:increase5m', 'modelgate:risk:fraud_detector:client_error_ratio:rate5m']);
    for (const rule of client) {
      expect(String(rule.expr)).toContain('reporter="source"');
      expect(String(rule.expr)).toContain('sum by (destination_service)');
      // destination_version is "unknown" on a caller's local reply, so it must not select or group.
      expect(String(rule.expr)).not.toContain('destination_version');
    }
  });

  it('has a silent-canary alert while there is a candidate, and no alerts at rest', () => {
    expect(alert(ALERT_CANARY_SILENT).labels.severity).toBe('warning');
    const atRest = ruleGroups(examplePolicy('search-ranker.yaml'));
    expect(atRest.flatMap((g) => g.rules).filter((r) => r.alert)).toEqual([]);
    expect(atRest.flatMap((g) => g.rules).length).toBeGreaterThan(0);
  });

  it('records drift per score bucket with smoothing, for both spellings of a bucket bound', () => {
    const buckets = rules.filter((r) => String(r.record).endsWith('score_drift_bucket_count:increase5m'));
    expect(buckets.map((r) => (r.labels as Record<string, string>).bucket)).toEqual(['0.05', '0.1', '0.2', '0.3', '0.5', '0.7', '0.9', '1', '+Inf']);
    expect(String(buckets[7]!.expr)).toContain('le=~"1|1\\\\.0"');
  });

  it('keeps policy text from opening a template action in an annotation', () => {
    expect(templateText('https://x.example/{{ .Values }}')).toBe('https://x.example/{{ "{{" }} .Values }}');
  });
});
