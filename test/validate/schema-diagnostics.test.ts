import { describe, expect, it } from 'vitest';
import { diagnosticsFor, expectDiagnostics, minimalPolicy } from '../support/rule-harness.js';

describe('schema diagnostics', () => {
  it('places a misspelled key at the key, says it once, and suggests the allowed name', () => {
    expectDiagnostics(
      `apiVersion: modelgate.io/v1alpha1
kind: ReleasePolicy
metadata:
  nam: demo
spec:
  model: { name: demo, basePath: /models/demo }
  versions: { stable: 1 }
  traffic: { host: demo.svc }
`,
      [{ rule: 'schema', line: 4, column: 3, message: 'unknown key `nam` in `metadata`', hint: 'did you mean `name`?' }],
    );
  });

  it('suggests gate keys from the branch the metric selects, not from every gate kind', () => {
    expectDiagnostics(
      minimalPolicy(`  gates:
    checks:
      - { metric: latency, maxIncrase: 10% }
`),
      [{ rule: 'schema', line: 16, column: 28, hint: 'did you mean `maxIncrease`?' }],
    );
  });

  it('lists the allowed keys when nothing is close', () => {
    expectDiagnostics(minimalPolicy('  rollout: {}\n'), [{ rule: 'schema', line: 14, column: 3, message: 'unknown key `rollout` in `spec`', hint: '`model`, `versions`, `traffic`' }]);
  });

  it('reports a oneOf value once, in plain words, at the key', () => {
    const diagnostics = expectDiagnostics(
      minimalPolicy(`  canary:
    steps:
      - { weight: 5 percent, hold: forever }
      - { weight: 100% }
`),
      [
        { rule: 'schema', line: 16, column: 11, message: '`weight` must be a whole percentage like 5% or a whole number 0–100', hint: 'found "5 percent"' },
        { rule: 'schema', line: 16, column: 30, message: '`hold` must be a duration like 30s, 5m or 1h30m or `manual`' },
      ],
    );
    expect(diagnostics.map((d) => d.message).join('\n')).not.toMatch(/pattern|oneOf|schema/);
  });

  it('names the allowed gate metrics and suggests the closest for an unknown one', () => {
    expectDiagnostics(
      minimalPolicy(`  gates:
    checks:
      - { metric: errRate, max: 2% }
`),
      [{ rule: 'schema', line: 16, column: 11, message: '`metric` must be one of `latency`, `errorRate`, `drift`', hint: 'did you mean `errorRate`?' }],
    );
  });

  it('reports a missing required key at its parent, with what the key is for', () => {
    expectDiagnostics(
      minimalPolicy(`  gates:
    checks:
      - { metric: drift, max: 0.1, buckets: [0.5, 1] }
`),
      [{ rule: 'schema', line: 16, column: 9, message: '`checks[0]` is missing `histogram`', hint: 'Prometheus histogram' }],
    );
  });

  it('reports numbers out of range and wrong types with the accepted range and the value found', () => {
    expectDiagnostics(
      `apiVersion: modelgate.io/v1alpha1
kind: ReleasePolicy
metadata: { name: demo }
spec:
  model:
    name: demo
    basePath: /models/demo
    replicas: 0
  versions:
    stable: "1"
  traffic: { host: demo.svc }
`,
      [
        { rule: 'schema', line: 8, column: 5, message: '`replicas` must be a whole number from 1 to 1000', hint: 'found 0' },
        { rule: 'schema', line: 10, column: 5, message: '`stable` must be a whole version number', hint: 'found "1"' },
      ],
    );
  });

  it('says what inline patterns mean instead of quoting the regex', () => {
    const diagnostics = expectDiagnostics(
      minimalPolicy().replace(
        'candidate: 2',
        'candidate: 2\n    info:\n      "2": { commit: XYZ, name: -rc1 }',
      ).replace('basePath: /models/demo', 'basePath: /models/demo\n    resources: { cpu: 2 cores, memory: 4GB }'),
      [
        { rule: 'schema', line: 9, column: 18, message: '`cpu` must be a CPU amount like 2, 0.5 or 500m' },
        { rule: 'schema', line: 9, column: 32, message: '`memory` must be a memory amount like 512Mi or 4Gi' },
        { rule: 'schema', line: 14, column: 14, message: '`commit` must be a git commit hash' },
        { rule: 'schema', line: 14, column: 27, message: '`name` must be a version name like 1.4.0-20250405' },
      ],
    );
    expect(diagnostics.map((d) => d.message).join('\n')).not.toContain('^');
  });

  it('reports a bad key of a keyed mapping at that key', () => {
    expectDiagnostics(minimalPolicy().replace('candidate: 2', 'candidate: 2\n    info:\n      v2: { name: b }'), [
      { rule: 'schema', line: 13, column: 7, message: 'key `v2` in `info` must be a version number' },
    ]);
  });

  it('reports a gate without a metric once', () => {
    expectDiagnostics(minimalPolicy('  gates:\n    checks:\n      - { max: 2% }\n'), [{ rule: 'schema', line: 16, column: 9, message: '`checks[0]` is missing `metric`' }]);
  });

  it('reports a repeated list entry at the repeat', () => {
    expectDiagnostics(minimalPolicy('  rollback: { to: 1 }\n').replace('candidate: 2', 'candidate: 2\n    previous: [1, 1]'), [
      { rule: 'schema', line: 12, column: 19, message: '`previous` lists 1 twice' },
    ]);
  });

  it('finds the node behind an unquoted numeric key', () => {
    const diagnostics = diagnosticsFor(
      minimalPolicy().replace('candidate: 2', 'candidate: 2\n    info:\n      2: { commit: XYZ }'),
    );
    expect(diagnostics.map(({ rule, line, column }) => ({ rule, line, column }))).toEqual([{ rule: 'schema', line: 13, column: 12 }]);
  });

  it('reports a document that is not a policy with its own rule, instead of schema noise', () => {
    expectDiagnostics('apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\n', [
      { rule: 'unknown-api-version', line: 1, column: 1, message: '`v1`' },
      { rule: 'wrong-kind', line: 2, column: 1, message: 'kind `ConfigMap` is not a release policy' },
    ]);
    expectDiagnostics('apiVersion: modelgate.io/v1beta7\nkind: ReleasePolicy\n', [{ rule: 'unknown-api-version', line: 1, column: 1, hint: 'modelgate.io/v1alpha1' }]);
    expectDiagnostics('- apiVersion: modelgate.io/v1alpha1\n', [{ rule: 'not-a-policy', line: 1, column: 1, message: 'a list' }]);
    expectDiagnostics('42\n', [{ rule: 'not-a-policy', line: 1, column: 1, message: 'a single number value' }]);
  });
});
