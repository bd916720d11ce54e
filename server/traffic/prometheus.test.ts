/**
 * PrometheusClient against a stub HTTP server on loopback: the request it sends (POST form,
 * path prefix, basic auth) and the error messages for every way a query can fail.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePrometheusUrl, PrometheusClient, PrometheusError } from './prometheus';

/** The PrometheusError a call fails with (the test fails if it succeeds). */
async function failure(p: Promise<unknown>): Promise<PrometheusError> {
  const e = await p.then(
    () => new Error('expected the call to fail'),
    (err: unknown) => err,
  );
  if (!(e instanceof PrometheusError)) throw e;
  return e;
}

const MATRIX = '{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"destination_version":"v1"},"values":[[1796461156,"91.17"]]}]}}';

describe('PrometheusClient', () => {
  let server: Server;
  let base: string;
  let seen: { method?: string; url?: string; auth?: string; body: string } = { body: '' };
  const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
    '/prom/api/v1/query_range': (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(MATRIX),
    '/bad/api/v1/query_range': (_req, res) => res.writeHead(400, { 'content-type': 'application/json' }).end('{"status":"error","errorType":"bad_data","error":"1:5: parse error: unclosed left parenthesis"}'),
    '/busy/api/v1/query_range': (_req, res) => res.writeHead(503, { 'content-type': 'application/json' }).end('{"status":"error","errorType":"timeout","error":"query timed out in expression evaluation"}'),
    '/html/api/v1/query_range': (_req, res) => res.writeHead(502, { 'content-type': 'text/html' }).end('<html><body>Bad Gateway</body></html>'),
    '/slow/api/v1/query_range': () => undefined,
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen = { method: req.method, url: req.url, auth: req.headers.authorization, body };
        const h = routes[(req.url ?? '').split('?')[0]!];
        if (h) h(req, res);
        else res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found\n');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('POSTs the query as a form under the URL path prefix, basic auth from the URL', async () => {
    const url = new URL(`${base}/prom/`);
    url.username = 'ops';
    url.password = 'p@ss';
    const r = await new PrometheusClient(url.toString()).queryRange('sum(rate(istio_requests_total[1m]))', 100, 200, 15);
    expect(r.series).toEqual([{ metric: { destination_version: 'v1' }, points: [[1796461156, 91.17]] }]);
    expect(seen.method).toBe('POST');
    expect(seen.url).toBe('/prom/api/v1/query_range');
    expect(Object.fromEntries(new URLSearchParams(seen.body))).toEqual({ query: 'sum(rate(istio_requests_total[1m]))', start: '100', end: '200', step: '15' });
    expect(seen.auth).toBe(`Basic ${Buffer.from('ops:p@ss').toString('base64')}`);
  });

  it("4xx and 5xx carry Prometheus's errorType and error text", async () => {
    const bad = await failure(new PrometheusClient(`${base}/bad`).queryRange('sum(', 0, 1, 1));
    expect(bad).toBeInstanceOf(PrometheusError);
    expect(bad).toMatchObject({ status: 400, errorType: 'bad_data', message: 'Prometheus answered HTTP 400: bad_data: 1:5: parse error: unclosed left parenthesis' });
    const busy = await failure(new PrometheusClient(`${base}/busy`).queryRange('up', 0, 1, 1));
    expect(busy).toMatchObject({ status: 503, errorType: 'timeout', message: 'Prometheus answered HTTP 503: timeout: query timed out in expression evaluation' });
  });

  it('an answer that is not the API (proxy page, wrong path) says so', async () => {
    const html = await failure(new PrometheusClient(`${base}/html`).queryRange('up', 0, 1, 1));
    expect(html.message).toBe(`${base}/html/api/v1/query_range answered HTTP 502 without the Prometheus API's JSON: <html><body>Bad Gateway</body></html> (is --prometheus-url the Prometheus server, without /api/v1?)`);
    const missing = await failure(new PrometheusClient(`${base}/nothing`).query('up'));
    expect(missing).toMatchObject({ status: 404, errorType: 'bad_response' });
  });

  it('a query that takes too long is cut at the timeout', async () => {
    const t0 = Date.now();
    const slow = await failure(new PrometheusClient(`${base}/slow`, { timeoutMs: 200 }).queryRange('up', 0, 1, 1));
    expect(slow).toMatchObject({ status: 0, errorType: 'timeout', message: `Prometheus at ${base}/slow did not answer within 0.2 s` });
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('an unreachable Prometheus names the socket error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    const e = await failure(new PrometheusClient(`http://127.0.0.1:${port}`).query('up'));
    expect(e).toMatchObject({ status: 0, errorType: 'unreachable' });
    expect(e.message).toMatch(new RegExp(`^Prometheus at http://127\\.0\\.0\\.1:${port} is unreachable: ECONNREFUSED`));
  });
});

describe('--prometheus-url', () => {
  it('keeps a path prefix, drops a trailing slash, moves credentials to a header', () => {
    expect(parsePrometheusUrl('http://prometheus.istio-system:9090/')).toEqual({ base: 'http://prometheus.istio-system:9090' });
    expect(parsePrometheusUrl('https://example.com/prometheus/').base).toBe('https://example.com/prometheus');
    expect(parsePrometheusUrl('http://a:b@127.0.0.1:9090')).toEqual({ base: 'http://127.0.0.1:9090', authorization: `Basic ${Buffer.from('a:b').toString('base64')}` });
  });

  it('refuses what is not an http(s) URL of a server', () => {
    expect(() => parsePrometheusUrl('prometheus:9090')).toThrow('--prometheus-url "prometheus:9090" must start with http:// or https:// (e.g. http://prometheus.istio-system:9090)');
    expect(() => parsePrometheusUrl('localhost')).toThrow('--prometheus-url "localhost" is not a URL (expected e.g. http://prometheus.istio-system:9090)');
    expect(() => parsePrometheusUrl('http://p:9090/?x=1')).toThrow('must not have a query or fragment');
  });
});
