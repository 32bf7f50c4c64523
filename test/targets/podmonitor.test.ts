/**
 * What the profile decides about scraping: a PodMonitor only when it asks for one and there is
 * something to scrape, the exporter sidecar only beside a drift gate on its histogram, TF
 * Serving's monitoring flag and ConfigMap only with `tfservingMetrics`.
 */
import { describe, expect, it } from 'vitest';
import type { ResolvedPolicy } from '../../src/resolve/policy.js';
import { validateSources } from '../../src/validate/validate.js';
import { minimalPolicy, SCORE_EXPORTER_PROFILE } from '../support/rule-harness.js';
import { compile, objectOfKind } from '../support/compiled-objects.js';

const encode = (text: string) => new TextEncoder().encode(text);
const DRIFT = `  gates:
    checks:
      - { metric: drift, max: 0.1, histogram: regional_score, buckets: [0.5, 1], labels: [region], versionLabel: model_version }
`;

function resolved(policy: string, profile: string | null): ResolvedPolicy {
  const result = validateSources([{ file: 'policy.yaml', bytes: encode(policy) }], profile === null ? null : { file: 'modelgate.config.yaml', bytes: encode(profile) });
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return result.policies[0]!.policy;
}

const kinds = (policy: ResolvedPolicy): string[] => compile(policy).flatMap((file) => file.documents ?? []).map((doc) => `${(doc as { kind?: string }).kind}`);
const containers = (policy: ResolvedPolicy): Array<Record<string, any>> => objectOfKind(compile(policy), 'Rollout').spec.template.spec.containers;

describe('PodMonitor, score exporter and TF Serving metrics', () => {
  it('with a drift gate: the exporter beside TF Serving, scraped with the version copied onto the gate\'s version label', () => {
    const policy = resolved(minimalPolicy(DRIFT), SCORE_EXPORTER_PROFILE);
    expect(containers(policy).map((container) => container.name)).toEqual(['tfserving', 'score-exporter']);
    expect(containers(policy)[1]).toEqual({ name: 'score-exporter', image: 'registry.example/score-exporter:1', ports: [{ name: 'scores', containerPort: 9102, protocol: 'TCP' }] });
    const podMonitor = objectOfKind(compile(policy), 'PodMonitor');
    expect(podMonitor.metadata).toEqual({ name: 'demo', namespace: 'default', labels: { release: 'kps', 'app.kubernetes.io/managed-by': 'modelgate' } });
    expect(podMonitor.spec).toEqual({
      selector: { matchLabels: { app: 'demo' } },
      podMetricsEndpoints: [{ port: 'scores', path: '/metrics', relabelings: [{ action: 'replace', sourceLabels: ['__meta_kubernetes_pod_label_version'], targetLabel: 'model_version' }] }],
    });
    // TF Serving's own metrics stay off unless the profile turns them on.
    expect(containers(policy)[0]!.args.some((arg: string) => arg.startsWith('--monitoring_config_file'))).toBe(false);
    expect(compile(policy).map((file) => file.path)).not.toContain('tfserving/monitoring-configmap.yaml');
  });

  it('without a drift gate: no exporter and, with nothing to scrape, no PodMonitor', () => {
    const policy = resolved(minimalPolicy(), SCORE_EXPORTER_PROFILE);
    expect(containers(policy).map((container) => container.name)).toEqual(['tfserving']);
    expect(kinds(policy)).not.toContain('PodMonitor');
  });

  it('with tfservingMetrics: the monitoring flag, its ConfigMap mounted, and a PodMonitor endpoint on the REST port', () => {
    const profile = SCORE_EXPORTER_PROFILE.replace('    podMonitor: { labels: { release: kps } }\n', '    podMonitor: { labels: { release: kps } }\n    tfservingMetrics: true\n');
    const policy = resolved(minimalPolicy(), profile);
    const files = compile(policy);
    const [tfserving] = containers(policy);
    expect(tfserving!.args).toContain('--monitoring_config_file=/etc/modelgate-monitoring/monitoring.config');
    expect(tfserving!.volumeMounts).toContainEqual({ name: 'tfserving-monitoring', mountPath: '/etc/modelgate-monitoring', readOnly: true });
    const configMap = files.flatMap((file) => file.documents ?? []).find((doc: any) => doc.metadata?.name === 'demo-tfserving-monitoring') as any;
    expect(Object.keys(configMap.data)).toEqual(['monitoring.config']);
    expect(objectOfKind(files, 'PodMonitor').spec.podMetricsEndpoints).toEqual([
      { port: 'http', path: '/monitoring/prometheus/metrics', relabelings: [{ action: 'replace', sourceLabels: ['__meta_kubernetes_pod_label_version'], targetLabel: 'version' }] },
    ]);
  });

  it('without a profile: nothing of this is generated', () => {
    const policy = resolved(minimalPolicy(), null);
    expect(kinds(policy)).not.toContain('PodMonitor');
    expect(containers(policy)).toHaveLength(1);
    expect(containers(policy)[0]!.args.some((arg: string) => arg.startsWith('--monitoring_config_file'))).toBe(false);
  });
});
