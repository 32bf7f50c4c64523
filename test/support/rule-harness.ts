/**
 * Rule tests in the style of graphql-js's validation harness: write a policy, list the
 * diagnostics you expect (rule, line, column, and optionally severity and a message fragment),
 * or expect none. Policies go through the whole validate stage, so a test also proves the
 * finding is placed on the right node of the user's file.
 */
import { expect } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { validateSources } from '../../src/validate/validate.js';

export interface Expected {
  rule: string;
  line: number;
  column: number;
  severity?: Diagnostic['severity'];
  /** A fragment the message must contain. */
  message?: string;
  /** A fragment the hint must contain. */
  hint?: string;
}

/**
 * The smallest valid policy, 13 lines; `extra` is appended inside `spec:` (write it indented
 * by two spaces, as a key of spec), so its first line is line 14.
 */
export function minimalPolicy(extra = ''): string {
  return `apiVersion: modelgate.io/v1alpha1
kind: ReleasePolicy
metadata:
  name: demo
spec:
  model:
    name: demo
    basePath: /models/demo
  versions:
    stable: 1
    candidate: 2
  traffic:
    host: demo.default.svc.cluster.local
${extra}`;
}

/**
 * A steady-state policy whose `model:` ends with `model` (lines indented by four spaces), for the
 * rules about the model's pods; its first line is line 8.
 */
export function policyWithModel(model: string): string {
  return `apiVersion: modelgate.io/v1alpha1
kind: ReleasePolicy
metadata: { name: demo }
spec:
  model:
    name: demo
    basePath: /models/demo
${model}  versions: { stable: 1 }
  traffic: { host: demo.svc }
`;
}

/**
 * Warnings every short test policy earns (it requests no cpu or memory, and the default platform
 * has no defaultResources): left out unless the test lists that rule, so each test is about the
 * rule it names. test/rules/best-effort-pods.test.ts asks for it.
 */
const INCIDENTAL_RULES: readonly string[] = ['best-effort-pods'];

/**
 * Validate one file (`policy.yaml`) or several (`{ 'a.yaml': …, 'b.yaml': … }`), for the
 * platform `profile` (the text of a `modelgate.config.yaml`) or the default platform. `keep`:
 * incidental rules (above) the test is about.
 */
export function diagnosticsFor(input: string | Record<string, string | Uint8Array>, profile?: string, keep: readonly string[] = []): Diagnostic[] {
  const files = typeof input === 'string' ? { 'policy.yaml': input } : input;
  return validateSources(
    Object.entries(files).map(([file, content]) => ({ file, bytes: typeof content === 'string' ? new TextEncoder().encode(content) : content })),
    profile === undefined ? null : { file: 'modelgate.config.yaml', bytes: new TextEncoder().encode(profile) },
  ).diagnostics.filter((diagnostic) => !INCIDENTAL_RULES.includes(diagnostic.rule) || keep.includes(diagnostic.rule));
}

export function expectDiagnostics(input: string | Record<string, string | Uint8Array>, expected: Expected[], profile?: string): Diagnostic[] {
  const diagnostics = diagnosticsFor(input, profile, expected.map((want) => want.rule));
  expect(diagnostics.map(({ rule, line, column }) => ({ rule, line, column }))).toEqual(expected.map(({ rule, line, column }) => ({ rule, line, column })));
  expected.forEach((want, index) => {
    const got = diagnostics[index]!;
    if (want.severity) expect(got.severity, `severity of ${want.rule}`).toBe(want.severity);
    if (want.message) expect(got.message).toContain(want.message);
    if (want.hint) expect(got.hint ?? '').toContain(want.hint);
  });
  return diagnostics;
}

/**
 * A profile under which a label-mode policy's live rollbacks are seen by its gates (kube-state-metrics
 * exports what `served-version-unseen` asks for), so tests of other rules see only their own findings.
 */
export const SERVED_VERSION_PROFILE = `apiVersion: modelgate.io/v1alpha1
kind: PlatformProfile
spec:
  kubeStateMetrics:
    podAnnotations: [modelgate.io/served-version]
    podLabels: [app, version]
`;

export function expectValid(input: string | Record<string, string | Uint8Array>, profile?: string): void {
  expect(diagnosticsFor(input, profile)).toEqual([]);
}

/**
 * A profile whose score exporter emits `demo_score` (plain) and `regional_score` (labelled by
 * region), scraped by a generated PodMonitor: what a test policy's drift gate needs to validate.
 */
export const SCORE_EXPORTER_PROFILE = `apiVersion: modelgate.io/v1alpha1
kind: PlatformProfile
spec:
  prometheus:
    podMonitor: { labels: { release: kps } }
  scoreExporter:
    image: registry.example/score-exporter:1
    port: 9102
    metrics:
      - { name: demo_score }
      - { name: regional_score, labels: [region] }
`;

/** A profile whose metrics adapter serves a per-pod request rate, what `model.autoscaling.rpsPerPod` needs. */
export const REQUEST_RATE_PROFILE = `apiVersion: modelgate.io/v1alpha1
kind: PlatformProfile
spec:
  autoscaling:
    requestsPerSecond: { metric: tfserving_requests_per_second }
`;
