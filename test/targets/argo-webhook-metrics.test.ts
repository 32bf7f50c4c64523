/**
 * Webhook gates end to end: recommender's compiled AnalysisTemplate, resolved and sent the way
 * Argo Rollouts' web provider does (test/models/argo-web-metric.ts), to a loopback stand-in that
 * answers as the guardrail service would. Pass, fail and each kind of error are Argo's verdicts
 * on what the stand-in says.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analysisTemplate } from '../../src/targets/argo-analysis.js';
import type { ResolvedPolicy } from '../../src/resolve/policy.js';
import { examplePolicy } from '../gates/example-policies.js';
import { measureWebMetric, resolveMetric, type Cluster } from '../models/argo-web-metric.js';

const TOKEN = 'Bearer s3cr3t-"token"';

interface Received {
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
}

/** What the stand-in answers next: a status and a body. */
let answer: { status: number; body: string } = { status: 200, body: '{}' };
const received: Received[] = [];
let server: Server;
let cluster: Cluster;

beforeAll(async () => {
  server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    request.on('end', () => {
      received.push({ headers: request.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} });
      // The real service refuses a caller without its token.
      if (request.headers.authorization !== TOKEN) {
        response.writeHead(401).end('{"error":"unauthorized"}');
        return;
      }
      response.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  cluster = {
    secrets: { 'guardrail-eval-token': { authorization: TOKEN } },
    route: (url) => new URL(`${url.pathname}${url.search}`, `http://127.0.0.1:${port}`),
  };
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function measure(policy: ResolvedPolicy, status: number, body: unknown, secrets = cluster.secrets) {
  answer = { status, body: typeof body === 'string' ? body : JSON.stringify(body) };
  return measureWebMetric(metricOf(policy, secrets), { ...cluster, secrets });
}

/** The policy's first webhook metric as the controller resolves it for the Rollout's versions. */
function metricOf(policy: ResolvedPolicy, secrets = cluster.secrets) {
  const template = analysisTemplate(policy) as any;
  const versions = { 'stable-version': String(policy.versions.stable), 'canary-version': String(policy.versions.candidate) };
  return resolveMetric(template, policy.gates.webhooks[0]!.name, versions, { ...cluster, secrets });
}

describe('webhook gate (Argo web provider model, loopback stand-in)', () => {
  const recommender = examplePolicy('recommender.yaml');

  it('compiles to a web metric that POSTs both versions with the token read from the Secret', async () => {
    const template = analysisTemplate(recommender) as any;
    expect(template.spec.args).toContainEqual({ name: 'guardrail-eval-header-authorization', valueFrom: { secretKeyRef: { name: 'guardrail-eval-token', key: 'authorization' } } });
    const metric = metricOf(recommender);
    expect(metric.provider.web).toMatchObject({ method: 'POST', timeoutSeconds: 20, jsonPath: '{$.verdict}' });
    received.length = 0;
    expect((await measure(recommender, 200, { verdict: 'pass' })).phase).toBe('Successful');
    expect(received[0]!.headers['content-type']).toBe('application/json');
    expect(received[0]!.body).toEqual({ model: recommender.name, namespace: recommender.namespace, stableVersion: '1730', canaryVersion: '1731' });
  });

  it('passes on "pass" and fails on any other verdict', async () => {
    expect(await measure(recommender, 200, { verdict: 'pass', detail: 'ok' })).toMatchObject({ phase: 'Successful', value: '"pass"' });
    expect(await measure(recommender, 200, { verdict: 'fail' })).toMatchObject({ phase: 'Failed', value: '"fail"' });
    expect((await measure(recommender, 200, { verdict: true })).phase).toBe('Failed');
  });

  it('errs, neither passing nor failing, when the service is down, refuses the token or answers without a verdict', async () => {
    expect((await measure(recommender, 503, { verdict: 'pass' })).phase).toBe('Error');
    expect((await measure(recommender, 200, { status: 'ok' })).phase).toBe('Error');
    expect((await measure(recommender, 200, { verdict: 'pass' }, { 'guardrail-eval-token': { authorization: 'wrong' } })).phase).toBe('Error');
  });

  it('a numeric limit passes at or under it, fails above it (a numeric string too), errs on a value that is no number', async () => {
    const policy = structuredClone(recommender);
    policy.gates.webhooks[0] = { ...policy.gates.webhooks[0]!, jsonPath: '{$.scores.ctr_delta}', pass: { kind: 'max', value: 0.05 } };
    expect((await measure(policy, 200, { scores: { ctr_delta: 0.05 } })).phase).toBe('Successful');
    expect((await measure(policy, 200, { scores: { ctr_delta: '0.07' } })).phase).toBe('Failed');
    expect((await measure(policy, 200, { scores: { ctr_delta: 'n/a' } })).phase).toBe('Error');
  });

  it('a verdict string with quotes cannot change the condition', async () => {
    const policy = structuredClone(recommender);
    policy.gates.webhooks[0] = { ...policy.gates.webhooks[0]!, pass: { kind: 'equals', value: 'ok" || true || "' } };
    expect((await measure(policy, 200, { verdict: 'fail' })).phase).toBe('Failed');
    expect((await measure(policy, 200, { verdict: 'ok" || true || "' })).phase).toBe('Successful');
  });
});
