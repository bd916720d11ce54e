import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import type { StoredObject } from '../../../api/store';
import { addressBlock, httpGet, startEchoBackend, startHarness, startHttpBackend, waitFor, type Backend, type Harness } from '../test-support/harness';
import { ISTIO_TEXT_LOG_FORMAT } from '../compile/mesh-config';

const ip = addressBlock(11);

function vs(name: string, spec: Record<string, unknown>): StoredObject {
  return { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name, namespace: 'default' }, spec } as StoredObject;
}

const EXTRA: StoredObject[] = [
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio', namespace: 'istio-system' }, data: { mesh: 'accessLogFile: /dev/stdout\n' } } as unknown as StoredObject,
  vs('faulty', {
    hosts: ['fault.example.com'],
    gateways: ['istio-system/default-gateway'],
    http: [{ name: 'abort30', fault: { abort: { httpStatus: 503, percentage: { value: 30 } } }, route: [{ destination: { host: 'web-service', subset: 'v1' } }] }],
  }),
  vs('slow', {
    hosts: ['slow.example.com'],
    gateways: ['istio-system/default-gateway'],
    http: [
      { name: 'timeout', match: [{ uri: { prefix: '/slow' } }], timeout: '0.2s', route: [{ destination: { host: 'httpbin' } }] },
      { name: 'mirror', match: [{ uri: { prefix: '/mirror' } }], mirror: { host: 'web-service', subset: 'v2' }, route: [{ destination: { host: 'web-service', subset: 'v1' } }] },
      { name: 'redirect', match: [{ uri: { prefix: '/old' } }], redirect: { uri: '/new' } },
      { name: 'retry', match: [{ uri: { prefix: '/flaky' } }], retries: { attempts: 3, retryOn: '503' }, route: [{ destination: { host: 'httpbin' } }] },
      { name: 'delay', match: [{ uri: { prefix: '/delayed' } }], fault: { delay: { fixedDelay: '0.05s', percentage: { value: 100 } } }, route: [{ destination: { host: 'web-service', subset: 'v1' } }] },
    ],
  }),
];

/** A regex for one TEXT line of Istio's default format, capturing every operator. */
function textLineRegex(): { re: RegExp; names: string[] } {
  const fmt = ISTIO_TEXT_LOG_FORMAT.replace(/\n$/, '');
  const names: string[] = [];
  let src = '';
  for (const part of fmt.split(/(%[^%]+%)/)) {
    if (!part) continue;
    if (part.startsWith('%') && part.endsWith('%')) {
      names.push(part.slice(1, -1));
      src += part === '%START_TIME%' ? '([^\\]]+)' : '(".*?"|[^ "]*|[^"]*?)';
    } else src += part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return { re: new RegExp(`^${src}$`), names };
}

function parseLine(line: string): Record<string, string> | undefined {
  const { re, names } = textLineRegex();
  const m = re.exec(line);
  if (!m) return undefined;
  return Object.fromEntries(names.map((n, i) => [n, m[i + 1]!]));
}

describe('gateway proxy routes by the applied Envoy config', () => {
  let h: Harness;
  const backends: Backend[] = [];
  let httpbinMode: 'ok' | 'slow' | 'flaky' = 'ok';
  let flakyCount = 0;

  beforeAll(async () => {
    let n = 0;
    h = await startHarness(ip, {
      extra: EXTRA,
      random: () => {
        // A deterministic, well-mixed sequence (splitmix-like) keeps the percentage tests stable.
        n = (n + 0x9e3779b9) >>> 0;
        let z = n;
        z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
        z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
        return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
      },
    });
    backends.push(await startHttpBackend(ip(11), 80, 'V1'));
    backends.push(await startHttpBackend(ip(12), 80, 'V2'));
    backends.push(await startHttpBackend(ip(13), 8080, 'counter'));
    backends.push(
      await startHttpBackend(ip(14), 8080, 'httpbin', (req, res) => {
        if (httpbinMode === 'slow') setTimeout(() => res.end('late'), 1000);
        else if (httpbinMode === 'flaky' && flakyCount++ < 2) {
          res.writeHead(503);
          res.end('nope');
        } else {
          res.writeHead(Number(/^\/status\/(\d+)/.exec(req.url ?? '')?.[1] ?? 200));
          res.end('httpbin');
        }
      }),
    );
    backends.push(await startEchoBackend(ip(15), 3306));
    expect(h.push()).toEqual({ ok: true });
    await h.proxy.settled();
  });

  afterAll(async () => {
    await h?.close();
    await Promise.all(backends.map((b) => b.close()));
  });

  const get = (path: string, host: string, headers: Record<string, string> = {}) => httpGet(h.gatewayIP, 8080, path, host, headers);

  it('becomes ready once the first config is accepted', () => {
    expect(h.ready.at(-1)).toBe(true);
  });

  it('routes /v1 and /v2 to their subsets with the prefix rewritten', async () => {
    const a = await get('/v1', 'web.example.com');
    expect(a.status).toBe(200);
    expect(a.body).toContain('This is version V1!');
    expect(a.headers['x-seen-path']).toBe('/');
    expect(a.headers.server).toBe('istio-envoy');
    expect(Number(a.headers['x-envoy-upstream-service-time'])).toBeGreaterThanOrEqual(0);
    const b = await get('/v2', 'web.example.com:80');
    expect(b.body).toContain('This is version V2!');
    const seen = backends[1]!.lastRequest!.headers;
    expect(seen['x-envoy-original-path']).toBe('/v2');
    expect(seen['x-forwarded-proto']).toBe('http');
    expect(seen['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(seen['x-envoy-attempt-count']).toBe('1');
  });

  it('sends other hosts to the catch-all counter VirtualService', async () => {
    const r = await get('/anything', 'other.example.com');
    expect(r.body).toContain('counter');
  });

  it('splits 1,000 requests 80/20 within ±5 points', async () => {
    let v1 = 0;
    for (let i = 0; i < 20; i++) {
      const rs = await Promise.all(Array.from({ length: 50 }, () => get('/', 'web.example.com')));
      v1 += rs.filter((r) => r.body.includes('V1')).length;
    }
    expect(v1 / 1000).toBeGreaterThan(0.75);
    expect(v1 / 1000).toBeLessThan(0.85);
  });

  it('aborts 30 % ±5 of 1,000 requests with the configured code', async () => {
    let aborted = 0;
    for (let i = 0; i < 20; i++) {
      const rs = await Promise.all(Array.from({ length: 50 }, () => get('/', 'fault.example.com')));
      for (const r of rs) if (r.status === 503) {
        aborted++;
        expect(r.body).toBe('fault filter abort');
      }
    }
    expect(aborted / 1000).toBeGreaterThan(0.25);
    expect(aborted / 1000).toBeLessThan(0.35);
  });

  it('answers 404 NR when no route matches, and logs it', async () => {
    const r = await get('/nothing-here', 'httpbin.example.com');
    expect(r.status).toBe(404);
    expect(r.body).toBe('');
    const line = h.logs.filter((l) => l.includes('/nothing-here')).at(-1)!;
    const f = parseLine(line)!;
    expect(f.RESPONSE_CODE).toBe('404');
    expect(f.RESPONSE_FLAGS).toBe('NR');
    expect(f.RESPONSE_CODE_DETAILS).toBe('route_not_found');
    expect(f.UPSTREAM_CLUSTER_RAW).toBe('-');
  });

  it('logs the subset cluster that served a request, and every access line parses', async () => {
    await get('/v2', 'web.example.com');
    const line = h.logs.filter((l) => l.includes('"GET /v2 HTTP/1.1"')).at(-1)!;
    const f = parseLine(line)!;
    expect(f.UPSTREAM_CLUSTER_RAW).toBe('outbound|80|v2|web-service.default.svc.cluster.local');
    expect(f.UPSTREAM_HOST).toBe(`${ip(12)}:80`);
    expect(f.ROUTE_NAME).toBe('v2');
    expect(f.DOWNSTREAM_LOCAL_ADDRESS).toBe(`${ip(2)}:8080`);
    expect(f.RESPONSE_CODE_DETAILS).toBe('via_upstream');
    const access = h.logs.filter((l) => l.startsWith('['));
    expect(access.length).toBeGreaterThan(100);
    for (const l of access) expect(parseLine(l), l).toBeDefined();
  });

  it('header match placed above a prefix route wins', async () => {
    h.store.create('networking.istio.io/virtualservices', vs('web-canary', {
      hosts: ['canary.example.com'],
      gateways: ['istio-system/default-gateway'],
      http: [
        { name: 'canary', match: [{ headers: { 'x-canary': { exact: 'true' } } }], route: [{ destination: { host: 'web-service', subset: 'v2' } }] },
        { name: 'stable', match: [{ uri: { prefix: '/' } }], route: [{ destination: { host: 'web-service', subset: 'v1' } }] },
      ],
    }));
    expect(h.push()).toEqual({ ok: true });
    expect((await get('/x', 'canary.example.com', { 'x-canary': 'true' })).body).toContain('V2');
    expect((await get('/x', 'canary.example.com')).body).toContain('V1');
  });

  it('answers 504 UT when the route timeout expires', async () => {
    httpbinMode = 'slow';
    const t0 = Date.now();
    const r = await get('/slow', 'slow.example.com');
    httpbinMode = 'ok';
    expect(r.status).toBe(504);
    expect(r.body).toBe('upstream request timeout');
    expect(Date.now() - t0).toBeLessThan(900);
    expect(parseLine(h.logs.filter((l) => l.includes('/slow')).at(-1)!)!.RESPONSE_FLAGS).toBe('UT');
  });

  it('retries on retriable status codes and redirects, delays and mirrors as configured', async () => {
    httpbinMode = 'flaky';
    flakyCount = 0;
    const r = await get('/flaky', 'slow.example.com');
    httpbinMode = 'ok';
    expect(r.status).toBe(200);
    expect(flakyCount).toBe(3);
    const red = await get('/old?x=1', 'slow.example.com');
    expect(red.status).toBe(301);
    expect(red.headers.location).toBe('http://slow.example.com/new?x=1');
    const t0 = Date.now();
    expect((await get('/delayed', 'slow.example.com')).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(45);
    expect(parseLine(h.logs.filter((l) => l.includes('/delayed')).at(-1)!)!.RESPONSE_FLAGS).toBe('DI');
    const before = backends[1]!.hits;
    expect((await get('/mirror', 'slow.example.com')).body).toContain('V1');
    await waitFor(() => backends[1]!.hits > before, 2000, 'mirrored request');
    expect(backends[1]!.lastRequest!.headers.host).toBe('slow.example.com-shadow');
  });

  it('serves HTTPS with the mounted certificate (SNI) and proxies TCP', async () => {
    const text = await new Promise<string>((resolve, reject) => {
      const s = tlsConnect({ host: h.gatewayIP, port: 8443, servername: 'web.example.com', rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] }, () => {
        expect(s.getPeerCertificate().subject.CN).toBe('*.example.com');
        s.write('GET /v1 HTTP/1.1\r\nHost: web.example.com\r\nConnection: close\r\n\r\n');
      });
      let d = '';
      s.on('data', (c: Buffer) => (d += c.toString()));
      s.on('end', () => resolve(d));
      s.on('error', reject);
    });
    expect(text.split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
    expect(text).toContain('V1');
    const echoed = await new Promise<string>((resolve, reject) => {
      const s = netConnect(3306, h.gatewayIP, () => s.write('ping'));
      s.on('data', (c: Buffer) => {
        resolve(c.toString());
        s.end();
      });
      s.on('error', reject);
    });
    expect(echoed).toBe('ping');
    await waitFor(() => h.logs.some((l) => l.includes('outbound|3306||mysql.default.svc.cluster.local')), 2000, 'tcp log line');
  });

  it('proxies WebSocket upgrades by the route table', async () => {
    const wss = new WebSocketServer({ server: backends[0]!.server as import('node:http').Server });
    let seenPath = '';
    wss.on('connection', (ws, req) => {
      seenPath = req.url ?? '';
      ws.on('message', (m) => ws.send(`echo ${m.toString()}`));
    });
    const reply = await new Promise<string>((resolve, reject) => {
      const ws = new WebSocket(`ws://${h.gatewayIP}:8080/v1/socket`, { headers: { host: 'web.example.com' } });
      ws.on('open', () => ws.send('hi'));
      ws.on('message', (m) => {
        resolve(m.toString());
        ws.close();
      });
      ws.on('error', reject);
    });
    wss.close();
    expect(reply).toBe('echo hi');
    expect(seenPath).toBe('//socket');
    await waitFor(() => h.logs.some((l) => l.includes('"GET /v1/socket HTTP/1.1" 101')), 2000, 'websocket log line');
  });

  it('answers 503 UH without endpoints and 503 UF when the upstream refuses', async () => {
    await backends[2]!.close();
    const uf = await get('/x', 'counter.example.com');
    expect(uf.status).toBe(503);
    expect(uf.body).toContain('upstream connect error or disconnect/reset before headers');
    expect(parseLine(h.logs.filter((l) => l.includes('"counter.example.com"')).at(-1)!)!.RESPONSE_FLAGS).toBe('UF,URX');
    const pod = h.store.list('core/pods', 'default').items.find((p) => p.metadata.labels?.app === 'httpbin')!;
    (pod as unknown as { status: { conditions: Array<{ type: string; status: string }> } }).status.conditions = [{ type: 'Ready', status: 'False' }];
    h.store.update('core/pods', pod);
    expect(h.push()).toEqual({ ok: true });
    const uh = await get('/status/200', 'httpbin.example.com');
    expect(uh.status).toBe(503);
    expect(uh.body).toBe('no healthy upstream');
    expect(parseLine(h.logs.filter((l) => l.includes('/status/200')).at(-1)!)!.RESPONSE_FLAGS).toBe('UH');
  });

  it('NACKs a push whose certificate file is missing and keeps routing by the old config', async () => {
    const crt = h.files.get('/etc/istio/ingressgateway-certs/tls.crt')!;
    h.files.delete('/etc/istio/ingressgateway-certs/tls.crt');
    const web = h.store.get('networking.istio.io/virtualservices', 'default', 'web-service')!;
    (web as unknown as { spec: { http: Array<{ route: Array<{ destination: { subset: string } }> }> } }).spec.http[0]!.route[0]!.destination.subset = 'v2';
    h.store.update('networking.istio.io/virtualservices', web);
    const ack = h.push();
    expect(ack.ok).toBe(false);
    expect(ack).toMatchObject({ type: 'LDS' });
    expect((ack as { error: string }).error).toContain('Failed to load certificate chain from /etc/istio/ingressgateway-certs/tls.crt');
    expect((await get('/v1', 'web.example.com')).body).toContain('V1');
    const dump = (await (await fetch(h.adminUrl('/config_dump?resource=dynamic_listeners'))).json()) as { configs: Array<{ name: string; error_state?: { details: string }; active_state?: unknown }> };
    const l8443 = dump.configs.find((c) => c.name === '0.0.0.0_8443')!;
    expect(l8443.error_state!.details).toContain('Failed to load certificate chain');
    expect(l8443.active_state).toBeDefined();
    h.files.set('/etc/istio/ingressgateway-certs/tls.crt', crt);
    expect(h.push()).toEqual({ ok: true });
    expect((await get('/v1', 'web.example.com')).body).toContain('V2');
  });

  it('NACKs every push while the reject-config annotation is set', async () => {
    const pod = h.store.get('core/pods', 'istio-system', h.gatewayPod.metadata.name)!;
    pod.metadata.annotations = { 'sandbox.gatescope.dev/reject-config': 'true' };
    h.store.update('core/pods', pod);
    const web = h.store.get('networking.istio.io/virtualservices', 'default', 'web-service')!;
    (web as unknown as { spec: { http: Array<{ route: Array<{ destination: { subset: string } }> }> } }).spec.http[0]!.route[0]!.destination.subset = 'v1';
    h.store.update('networking.istio.io/virtualservices', web);
    const ack = h.push();
    expect(ack.ok).toBe(false);
    expect((await get('/v1', 'web.example.com')).body).toContain('V2');
    const cur = h.store.get('core/pods', 'istio-system', h.gatewayPod.metadata.name)!;
    cur.metadata.annotations = {};
    h.store.update('core/pods', cur);
    expect(h.push()).toEqual({ ok: true });
    expect((await get('/v1', 'web.example.com')).body).toContain('V1');
  });
});

describe('access logging follows the mesh config pushed to the proxy', () => {
  let h: Harness;
  let v1: Backend;
  beforeAll(async () => {
    h = await startHarness(addressBlock(12));
    v1 = await startHttpBackend(h.gatewayIP.replace(/\.2$/, '.11'), 80, 'V1');
    expect(h.push()).toEqual({ ok: true });
    await h.proxy.settled();
  });
  afterAll(async () => {
    await h?.close();
    await v1?.close();
  });
  const get = () => httpGet(h.gatewayIP, 8080, '/v1', 'web.example.com');
  const accessLines = () => h.logs.filter((l) => l.startsWith('[') || l.startsWith('{'));

  it('writes nothing without accessLogFile, then TEXT, then JSON, then nothing again', async () => {
    await get();
    expect(accessLines()).toEqual([]);
    h.store.create('core/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio', namespace: 'istio-system' }, data: { mesh: 'accessLogFile: /dev/stdout\n' } } as unknown as StoredObject);
    expect(h.push()).toEqual({ ok: true });
    const drained = await get(); // the keep-alive connection belongs to the replaced listener: Envoy drains it
    expect(drained.headers.connection).toBe('close');
    await get();
    expect(parseLine(accessLines().at(-1)!)).toBeDefined();
    const cm = h.store.get('core/configmaps', 'istio-system', 'istio')!;
    (cm as unknown as { data: { mesh: string } }).data.mesh = 'accessLogFile: /dev/stdout\naccessLogEncoding: JSON\n';
    h.store.update('core/configmaps', cm);
    expect(h.push()).toEqual({ ok: true });
    await get();
    await get();
    const j = JSON.parse(accessLines().at(-1)!) as Record<string, unknown>;
    expect(j.upstream_cluster).toBe('outbound|80|v1|web-service.default.svc.cluster.local');
    expect(j.response_code).toBe(200);
    const off = h.store.get('core/configmaps', 'istio-system', 'istio')!;
    (off as unknown as { data: { mesh: string } }).data.mesh = 'accessLogFile: ""\n';
    h.store.update('core/configmaps', off);
    expect(h.push()).toEqual({ ok: true });
    await get();
    const n = accessLines().length;
    await get();
    expect(accessLines().length).toBe(n);
  });
});
