import { describe, it } from 'vitest';
import { expectDiagnostics, expectValid, minimalPolicy, SCORE_EXPORTER_PROFILE } from '../support/rule-harness.js';

const drift = (gate: string): string =>
  minimalPolicy(`  gates:
    checks:
      - { metric: drift, max: 0.1, buckets: [0.5, 1], ${gate} }
`);

describe('drift-source-scraped', () => {
  it('reports a drift gate when the profile names no score exporter: TF Serving exports no score histogram, so nobody produces the series', () => {
    expectDiagnostics(drift('histogram: demo_score'), [
      { rule: 'drift-source-scraped', line: 16, column: 55, severity: 'error', message: 'reads `demo_score_bucket`, which nobody produces: TF Serving exports no score histograms and the profile names no score exporter', hint: 'spec.scoreExporter.metrics: [{ name: demo_score }]' },
    ]);
  });

  it("reports a histogram the profile's exporter does not emit, naming the ones it does", () => {
    expectDiagnostics(
      drift('histogram: fraud_score'),
      [{ rule: 'drift-source-scraped', line: 16, column: 55, message: "the profile's score exporter emits only `demo_score`, `regional_score`", hint: 'spec.scoreExporter.metrics: [{ name: fraud_score }]' }],
      SCORE_EXPORTER_PROFILE,
    );
  });

  it('reports an exported histogram nothing scrapes because the profile has no PodMonitor generated', () => {
    const withoutPodMonitor = SCORE_EXPORTER_PROFILE.replace('    podMonitor: { labels: { release: kps } }\n', '    ruleLabels: { release: kps }\n');
    expectDiagnostics(drift('histogram: demo_score'), [{ rule: 'drift-source-scraped', line: 16, column: 55, message: 'nothing scrapes it', hint: 'spec.prometheus.podMonitor' }], withoutPodMonitor);
  });

  it('reports a declared label that neither the exporter writes nor the PodMonitor attaches, at the labels', () => {
    expectDiagnostics(
      drift('histogram: demo_score, labels: [merchant_category]'),
      [{ rule: 'drift-source-scraped', line: 16, column: 78, message: 'carries `merchant_category`, but the score exporter writes no labels of its own and the PodMonitor attaches only namespace and `version`', hint: 'spec.scoreExporter.metrics[demo_score].labels' }],
      SCORE_EXPORTER_PROFILE,
    );
  });

  it("reports an exporter port TF Serving already listens on in this policy", () => {
    expectDiagnostics(
      drift('histogram: demo_score'),
      [{ rule: 'drift-source-scraped', line: 16, column: 55, message: "port 8501 is TF Serving's REST port in this policy", hint: 'spec.scoreExporter.port' }],
      SCORE_EXPORTER_PROFILE.replace('port: 9102', 'port: 8501'),
    );
  });

  it("accepts an exported, scraped histogram, with the exporter's own labels and a version label the PodMonitor attaches", () => {
    expectValid(drift('histogram: demo_score'), SCORE_EXPORTER_PROFILE);
    expectValid(drift('histogram: regional_score, labels: [region], versionLabel: model_version'), SCORE_EXPORTER_PROFILE);
  });
});
