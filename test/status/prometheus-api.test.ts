/**
 * The HTTP side of `status` against a loopback stand-in that answers as the Prometheus API does
 * (https://prometheus.io/docs/prometheus/latest/querying/api/#format-overview): what is sent, and
 * what a person reads when Prometheus is away or refuses. The answers to real queries are proven
 * against a real server in status.long.test.ts.
 */
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/status.js';
import { eq, selector, serialize } from '../../src/gates/promql.js';
import { instantQuery, PrometheusError } from '../../src/status/prometheus-api.js';

let server: Server | null = null;
afterEach(async () => {
  vi.restoreAllMocks();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = null;
});

/** A stand-in answering every request with `status` and `body`; returns its URL and what it received. */
async function standIn(status: number, body: string): Promise<{ url: string; received: Array<{ method: string; path: string; form: URLSearchParams }> }> {
  const received: Array<{ method: string; path: string; form: URLSearchParams }> = [];
  server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      received.push({ method: request.method!, path: request.url!, form: new URLSearchParams(text) });
      response.writeHead(status, { 'content-type': 'application/json' }).end(body);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return { url: `http://127.0.0.1:${address.port}/prefix/`, received };
}

const QUERY = selector('up', [eq('job', 'a "quoted" \\ job')]);

describe('instantQuery', () => {
  it('posts the serialized query and the evaluation time as a form, under the URL path prefix', async () => {
    const stand = await standIn(200, JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: { region: 'eu' }, value: [1, '+Inf'] }, { metric: {}, value: [1, '0.25'] }] } }));
    const samples = await instantQuery({ url: stand.url, timeSeconds: 1767225600, timeoutMs: 5000 }, QUERY);
    expect(samples).toEqual([{ labels: { region: 'eu' }, value: Infinity }, { labels: {}, value: 0.25 }]);
    expect(stand.received).toHaveLength(1);
    expect(stand.received[0]!.method).toBe('POST');
    expect(stand.received[0]!.path).toBe('/prefix/api/v1/query');
    expect(stand.received[0]!.form.get('query')).toBe(serialize(QUERY));
    expect(stand.received[0]!.form.get('time')).toBe('1767225600');
  });

  it("leaves the time out when none is given, so the server's now applies", async () => {
    const stand = await standIn(200, JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } }));
    expect(await instantQuery({ url: stand.url, timeSeconds: null, timeoutMs: 5000 }, QUERY)).toEqual([]);
    expect(stand.received[0]!.form.has('time')).toBe(false);
  });

  it("passes on Prometheus' own reason for refusing a query", async () => {
    const stand = await standIn(400, JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'invalid parameter "query"' }));
    await expect(instantQuery({ url: stand.url, timeSeconds: null, timeoutMs: 5000 }, QUERY)).rejects.toThrow(
      new PrometheusError('Prometheus refused the query (HTTP 400, bad_data): invalid parameter "query"'),
    );
  });

  it('says when the address answers something that is not the Prometheus API', async () => {
    const stand = await standIn(200, '<html>login</html>');
    await expect(instantQuery({ url: stand.url, timeSeconds: null, timeoutMs: 5000 }, QUERY)).rejects.toThrow(/answered HTTP 200 with something that is not the Prometheus API's JSON \(<html>login/);
  });

  it('refuses a result that is not an instant vector', async () => {
    const stand = await standIn(200, JSON.stringify({ status: 'success', data: { resultType: 'scalar', result: [1, '2'] } }));
    await expect(instantQuery({ url: stand.url, timeSeconds: null, timeoutMs: 5000 }, QUERY)).rejects.toThrow('Prometheus answered a scalar result where an instant vector was expected');
  });
});

describe('modelgate status', () => {
  function capture(): () => string {
    const chunks: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (chunks.push(String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (chunks.push(String(chunk)), true));
    return () => chunks.join('');
  }

  it('exits 3 and names the address when Prometheus cannot be reached', async () => {
    const stand = await standIn(200, '');
    const url = stand.url;
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = null;
    const output = capture();
    expect(await run(['fraud-detector', '--prometheus', url])).toBe(3);
    expect(output()).toContain(`modelgate status: cannot reach Prometheus at ${url}: ECONNREFUSED`);
  });

  it('exits 3 when Prometheus refuses a query', async () => {
    const stand = await standIn(503, JSON.stringify({ status: 'error', errorType: 'unavailable', error: 'TSDB not ready' }));
    const output = capture();
    expect(await run(['fraud-detector', '--prometheus', stand.url])).toBe(3);
    expect(output()).toContain('Prometheus refused the query (HTTP 503, unavailable): TSDB not ready');
  });

  it('asks nothing of Prometheus for a policy with no candidate, and exits 0', async () => {
    const stand = await standIn(200, '');
    const output = capture();
    expect(await run(['search-ranker', '--prometheus', stand.url])).toBe(0);
    expect(output()).toMatch(/search-ranker has no candidate: version \d+ serves all traffic and no gate runs/);
    expect(stand.received).toHaveLength(0);
  });

  it('rejects a --time that is neither RFC 3339 nor Unix seconds, exit 2', async () => {
    const output = capture();
    expect(await run(['fraud-detector', '--time', 'yesterday'])).toBe(2);
    expect(output()).toContain("--time must be RFC 3339 (2026-03-01T12:00:00Z) or Unix seconds, not 'yesterday'");
  });

  it('rejects a --prometheus that is not an http(s) URL, exit 2', async () => {
    const output = capture();
    expect(await run(['fraud-detector', '--prometheus', 'prometheus:9090'])).toBe(2);
    expect(output()).toContain("--prometheus must be an http(s) URL, not 'prometheus:9090'");
  });
});
