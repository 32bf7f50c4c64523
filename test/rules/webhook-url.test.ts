import { describe, expect, it } from 'vitest';
import { diagnosticsFor, expectDiagnostics, expectValid, minimalPolicy } from '../support/rule-harness.js';

const webhook = (url: string) =>
  minimalPolicy(`  gates:
    webhooks:
      - name: eval
        url: ${url}
        jsonPath: "{$.verdict}"
        pass: { equals: pass }
`);

describe('webhook-url', () => {
  it('refuses plain http to a host outside the cluster, at the url', () => {
    expectDiagnostics(webhook('http://eval.example.com/verdict'), [
      { rule: 'webhook-url', line: 17, column: 9, message: 'plain http to `eval.example.com`', hint: 'use https' },
    ]);
  });

  it('refuses credentials in the URL and points to a secret header', () => {
    expectDiagnostics(webhook('https://user:pw@eval.example.com/verdict'), [
      { rule: 'webhook-url', line: 17, column: 9, message: 'carries credentials', hint: 'secret: { name:' },
    ]);
  });

  it('accepts https anywhere and http to a cluster-local Service', () => {
    expectValid(webhook('https://eval.example.com/verdict'));
    expectValid(webhook('http://eval.ranking.svc.cluster.local:8080/verdict'));
    expectValid(webhook('http://eval.ranking.svc/verdict'));
  });

  it('refuses a webhook named like a gate: both would be one AnalysisTemplate metric', () => {
    const policy = minimalPolicy(`  gates:
    checks:
      - { metric: errorRate, name: eval, maxIncrease: 1pp }
    webhooks:
      - name: eval
        url: https://eval.example.com/verdict
        jsonPath: "{$.verdict}"
        pass: { equals: pass }
`);
    expectDiagnostics(policy, [{ rule: 'gate-names-unique', line: 18, column: 9, message: 'webhook name `eval`' }]);
  });
});

describe('webhook strings Argo would read as its own template arguments', () => {
  it('refuses `{{` in a header value (schema)', () => {
    const policy = minimalPolicy(`  gates:
    webhooks:
      - name: eval
        url: https://eval.example.com/verdict
        headers: [{ name: X-Team, value: "{{args.canary-version}}" }]
        jsonPath: "{$.verdict}"
        pass: { equals: pass }
`);
    const diagnostics = diagnosticsFor(policy);
    expect(diagnostics.some((d) => d.line === 18)).toBe(true);
  });
});
