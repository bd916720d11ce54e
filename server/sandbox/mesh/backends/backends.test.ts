import { request } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runContainer, type FakeContainer } from '../test-support/fake-container';
import { CounterImpl } from './counter';
import { chooseStatus, HttpbinImpl } from './httpbin';
import { HttpdImpl } from './httpd';
import { TcpEchoImpl } from './tcp-echo';

const CLF = /^127\.0\.0\.1 - - \[\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d \+0000\] "(GET|POST|HEAD) \S+ HTTP\/1\.1" \d{3} (\d+|-)$/;

function http(port: number, path: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: opts.method ?? 'GET', headers: opts.headers, agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

const running: FakeContainer[] = [];
afterEach(async () => {
  for (const c of running.splice(0)) await c.running.stop();
});

async function run(...args: Parameters<typeof runContainer>): Promise<FakeContainer> {
  const c = await runContainer(...args);
  running.push(c);
  return c;
}

describe('httpd', () => {
  it('serves the version page of its pod on / and Apache 404 elsewhere, logging common-log lines', async () => {
    const c = await run(new HttpdImpl(), { image: 'httpd', labels: { app: 'httpd', version: 'v2' }, ports: [80] });
    const port = c.podPorts.get(80)!;
    const r = await http(port, '/');
    expect(r.status).toBe(200);
    expect(r.body).toBe('<html><body><h1>This is version V2!</h1></body></html>\n');
    expect(r.headers['server']).toMatch(/^Apache\//);
    expect((await http(port, '/v2')).status).toBe(404);
    expect(c.ready).toEqual([true]);
    expect(c.logs).toHaveLength(2);
    for (const l of c.logs) expect(l).toMatch(CLF);
    expect(c.logs[0]).toContain('"GET / HTTP/1.1" 200 55');
    expect(c.logs[1]).toContain('"GET /v2 HTTP/1.1" 404 ');
  });

  it('stops listening when stopped', async () => {
    const c = await runContainer(new HttpdImpl(), { image: 'httpd', ports: [80] });
    const port = c.podPorts.get(80)!;
    expect((await http(port, '/')).body).toContain('It works!');
    c.abort();
    await c.running.stop();
    await expect(http(port, '/')).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('httpbin', () => {
  it('answers /status, /headers, /get, /ip and /anything like go-httpbin', async () => {
    const c = await run(new HttpbinImpl({ flavour: 'go' }), { image: 'docker.io/mccutchen/go-httpbin:v2.15.0', ports: [8080] });
    const port = c.podPorts.get(8080)!;
    expect((await http(port, '/status/418')).status).toBe(418);
    expect((await http(port, '/status/200:0,503:1')).status).toBe(503);
    expect((await http(port, '/status/abc')).status).toBe(400);
    const h = JSON.parse((await http(port, '/headers', { headers: { 'x-b3-traceid': 'abc' } })).body) as { headers: Record<string, string[]> };
    expect(h.headers['X-B3-Traceid']).toEqual(['abc']);
    const g = JSON.parse((await http(port, '/get?a=1&a=2', { headers: { host: 'httpbin.example.com' } })).body) as { args: Record<string, string[]>; url: string; method: string };
    expect(g).toMatchObject({ args: { a: ['1', '2'] }, url: 'http://httpbin.example.com/get?a=1&a=2', method: 'GET' });
    expect(JSON.parse((await http(port, '/ip', { headers: { 'x-forwarded-for': '10.1.2.3, 127.0.0.1' } })).body)).toEqual({ origin: '10.1.2.3' });
    const a = JSON.parse((await http(port, '/anything/x', { method: 'POST', body: '{"k":1}', headers: { 'content-type': 'application/json' } })).body) as { json: unknown; method: string };
    expect(a).toMatchObject({ json: { k: 1 }, method: 'POST' });
    expect((await http(port, '/nope')).status).toBe(404);
    for (const l of c.logs) expect(l).toMatch(CLF);
  });

  it('delays /delay/{s}, and kennethreitz-style headers are strings', async () => {
    const c = await run(new HttpbinImpl({ flavour: 'python' }), { image: 'kennethreitz/httpbin', ports: [80] });
    const port = c.podPorts.get(80)!;
    const t0 = Date.now();
    const r = await http(port, '/delay/0.2');
    expect(r.status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
    const h = JSON.parse((await http(port, '/headers', { headers: { 'x-test': 'v' } })).body) as { headers: Record<string, string> };
    expect(h.headers['X-Test']).toBe('v');
  });

  it('chooses weighted status codes', () => {
    expect(chooseStatus('200', () => 0.99)).toBe(200);
    expect(chooseStatus('200:1,500:3', () => 0.2)).toBe(200);
    expect(chooseStatus('200:1,500:3', () => 0.3)).toBe(500);
    expect(chooseStatus('x', () => 0)).toBeUndefined();
  });
});

describe('counter', () => {
  it('counts requests per pod', async () => {
    const c = await run(new CounterImpl(), { image: 'counter:latest', ports: [8080], name: 'counter-abc' });
    const port = c.podPorts.get(8080)!;
    const a = JSON.parse((await http(port, '/', { headers: { host: 'shop.example.com' } })).body) as { count: number; pod: string; host: string };
    const b = JSON.parse((await http(port, '/x')).body) as { count: number };
    expect(a).toMatchObject({ count: 1, pod: 'counter-abc', host: 'shop.example.com' });
    expect(b.count).toBe(2);
  });
});

describe('tcp echo (mysql)', () => {
  it('echoes bytes and half-closes after the client does', async () => {
    const c = await run(new TcpEchoImpl(), { image: 'mysql:8.0', ports: [3306] });
    const port = c.podPorts.get(3306)!;
    const got = await new Promise<string>((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
      let out = '';
      s.on('data', (d: Buffer) => (out += d.toString()));
      s.on('end', () => {
        s.end();
        resolve(out);
      });
      s.on('error', reject);
      s.end('hello mysql\n');
    });
    expect(got).toBe('hello mysql\n');
    const end = Date.now() + 2000;
    while (c.logs.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
    expect(c.logs[0]).toMatch(/^127\.0\.0\.1 - - \[.+\] "TCP 3306" 12 12$/);
  });
});
