/**
 * Acceptance tests of the sandbox data plane (issue 3), end to end: one sandbox (ingress-basics,
 * traffic generator off) reached only as a client would — NodePorts on 127.0.0.1 + offset, the
 * REST API with the kubeconfig's token (changes, pods/log), and client-node PortForward to Envoy
 * admin :15000 and istiod :15014.
 */
import { randomUUID } from 'node:crypto';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORMATS } from '../../../lib/accesslog/format';
import { parseAccessLine, parseUpstreamCluster } from '../../../lib/accesslog/parse';
import type { StoredObject } from '../api/store';
import { DATA_PLANE_PORTS, findFreePortOffset, startSandbox, type RunningSandbox } from '../start';
import { REJECT_CONFIG_ANNOTATION } from './envoy/index';
import { ClusterClient, until, type Reply } from './test-support/cluster-client';

let sb: RunningSandbox;
let c: ClusterClient;
let off = 0;
const port = (p: number) => p + off;
const VS_PATH = '/apis/networking.istio.io/v1/namespaces/default/virtualservices';
const V1_PAGE = '<html><body><h1>This is version V1!</h1></body></html>\n';
const V2_PAGE = '<html><body><h1>This is version V2!</h1></body></html>\n';
let originalWebSpec: unknown;

type HttpRoute = Record<string, unknown> & { name?: string; route?: Array<{ destination: { host: string; subset?: string } }> };

beforeAll(async () => {
  off = await findFreePortOffset(DATA_PLANE_PORTS, { min: 10000, max: 20000 });
  sb = await startSandbox({ portOffset: off, traffic: 0 });
  c = new ClusterClient(sb);
  await until(async () => (await gatewayPods()).length === 2 && (await gatewayPods()).every(isReady), 'two ready gateway pods', 30_000);
  await until(async () => (await c.http(port(30000), '/v1', 'web.example.com')).status === 200, 'the gateway to route /v1', 30_000);
  originalWebSpec = (await c.apiOk('GET', `${VS_PATH}/web-service`))['spec'];
}, 60_000);

afterAll(async () => {
  c?.keepAlive.destroy();
  await sb?.close();
});

// ---- helpers ----

async function pods(namespace: string, selector: string): Promise<StoredObject[]> {
  const list = await c.apiOk('GET', `/api/v1/namespaces/${namespace}/pods?labelSelector=${encodeURIComponent(selector)}`);
  return (list['items'] as StoredObject[]).filter((p) => !p.metadata.deletionTimestamp);
}
const gatewayPods = () => pods('istio-system', 'app=istio-ingressgateway');
const istiodPod = async () => (await pods('istio-system', 'app=istiod')).find(isReady);

function isReady(p: StoredObject): boolean {
  const conds = ((p['status'] as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions ?? []);
  return conds.some((x) => x.type === 'Ready' && x.status === 'True');
}

function podIP(p: StoredObject): string {
  return (p['status'] as { podIP: string }).podIP;
}

async function webSpecWith(edit: (http: HttpRoute[]) => HttpRoute[]): Promise<void> {
  const vs = await c.apiOk('GET', `${VS_PATH}/web-service`);
  const spec = structuredClone(originalWebSpec) as { http: HttpRoute[] };
  spec.http = edit(spec.http);
  vs['spec'] = spec;
  await c.apiOk('PUT', `${VS_PATH}/web-service`, vs);
}

async function restoreWeb(): Promise<void> {
  await webSpecWith((h) => h);
  await until(async () => (await c.http(port(30000), '/v1', 'web.example.com', {}, true)).body === V1_PAGE && (await c.http(port(30000), '/v1', 'web.example.com', {}, true)).body === V1_PAGE, 'the original routes back');
}

/** `n` requests, at most `conc` at once, through the keep-alive agent. */
async function many(n: number, conc: number, one: () => Promise<Reply>): Promise<Reply[]> {
  const out: Reply[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: conc }, async () => {
      while (next < n) {
        next++;
        out.push(await one());
      }
    }),
  );
  return out;
}

/** Requests on fresh connections, so both gateway pods (behind the NodePort) answer over a few tries. */
async function allAnswer(n: number, path: string, host: string, want: (r: Reply) => boolean, headers: Record<string, string> = {}): Promise<boolean> {
  for (let i = 0; i < n; i++) if (!want(await c.http(port(30000), path, host, headers, true))) return false;
  return true;
}

async function podLog(namespace: string, name: string, container = 'istio-proxy'): Promise<string[]> {
  const r = await c.api('GET', `/api/v1/namespaces/${namespace}/pods/${name}/log?container=${container}`);
  if (r.status !== 200) throw new Error(`pods/log ${name}: ${r.status} ${r.body}`);
  return r.body.split('\n').filter(Boolean);
}

/** Access lines of every gateway pod (lines in Istio's TEXT format start with `[`). */
async function accessLines(): Promise<Array<{ pod: string; line: string }>> {
  const out: Array<{ pod: string; line: string }> = [];
  for (const p of await gatewayPods()) for (const line of await podLog('istio-system', p.metadata.name)) if (line.startsWith('[')) out.push({ pod: p.metadata.name, line });
  return out;
}

async function syncz(query = ''): Promise<Array<Record<string, unknown>>> {
  const istiod = await until(istiodPod, 'a ready istiod pod');
  const r = await c.portForwardGet('istio-system', istiod.metadata.name, 15014, `/debug/syncz${query}`);
  expect(r.status).toBe(200);
  expect(r.headers['content-type']).toBe('application/json');
  return JSON.parse(r.body) as Array<Record<string, unknown>>;
}

type RouteDump = { virtual_hosts?: Array<{ name: string; routes?: Array<{ name?: string; match: { prefix?: string; headers?: unknown[] }; route?: { cluster?: string } }> }> };

async function routeConfigs(pod: string): Promise<RouteDump[]> {
  const r = await c.portForwardGet('istio-system', pod, 15000, '/config_dump?resource=dynamic_route_configs');
  expect(r.status).toBe(200);
  const dump = JSON.parse(r.body) as { configs: Array<{ route_config: RouteDump }> };
  return dump.configs.map((x) => x.route_config);
}

function clusterOfPrefix(rcs: RouteDump[], vhost: string, prefix: string): string | undefined {
  for (const rc of rcs) for (const vh of rc.virtual_hosts ?? []) if (vh.name === vhost) for (const r of vh.routes ?? []) if (r.match.prefix === prefix && !r.match.headers) return r.route?.cluster;
  return undefined;
}

// ---- the tests ----

describe('routing through the NodePorts', () => {
  it('/v1 and /v2 reach the V1 and V2 pages (the rewrite to / applied: httpd 404s any other path)', async () => {
    const v1 = await c.http(port(30000), '/v1', 'web.example.com');
    expect(v1.status).toBe(200);
    expect(v1.body).toBe(V1_PAGE);
    const v2 = await c.http(port(30000), '/v2', 'web.example.com');
    expect(v2.status).toBe(200);
    expect(v2.body).toBe(V2_PAGE);
  });

  it('splits 1,000 requests 80/20 within ±5 points', async () => {
    const replies = await many(1000, 20, () => c.http(port(30000), '/', 'web.example.com'));
    const v1 = replies.filter((r) => r.body === V1_PAGE).length;
    const v2 = replies.filter((r) => r.body === V2_PAGE).length;
    expect(v1 + v2).toBe(1000);
    expect(v1 / 1000).toBeGreaterThanOrEqual(0.75);
    expect(v1 / 1000).toBeLessThanOrEqual(0.85);
  }, 60_000);

  it('httpbin.example.com /status/418 answers 418, and any other host reaches the counter', async () => {
    expect((await c.http(port(30000), '/status/418', 'httpbin.example.com')).status).toBe(418);
    const a = await c.http(port(30000), '/', 'shop.example.com');
    const b = await c.http(port(30000), '/', 'anything.example.org');
    expect(a.status).toBe(200);
    const ja = JSON.parse(a.body) as { count: number; pod: string; host: string };
    const jb = JSON.parse(b.body) as { count: number };
    expect(ja.pod).toMatch(/^counter-/);
    expect(ja.host).toBe('shop.example.com');
    expect(jb.count).toBeGreaterThan(ja.count);
  });

  it('HTTPS on 30443 with SNI verifies against the scenario certificate', async () => {
    const secret = await c.apiOk('GET', '/api/v1/namespaces/istio-system/secrets/istio-ingressgateway-certs');
    const ca = Buffer.from((secret['data'] as Record<string, string>)['tls.crt']!, 'base64').toString('utf8');
    const reply = await new Promise<Reply & { authorized: boolean; sni?: string }>((resolve, reject) => {
      const req = httpsRequest({ host: '127.0.0.1', port: port(30443), path: '/v1', servername: 'web.example.com', headers: { host: 'web.example.com' }, ca, rejectUnauthorized: true, agent: false }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, authorized: (res.socket as import('node:tls').TLSSocket).authorized }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(reply.authorized).toBe(true);
    expect(reply.status).toBe(200);
    expect(reply.body).toBe(V1_PAGE);
  });

  it('TCP on 30306 echoes through the gateway to the mysql pod', async () => {
    const payload = `hello ${randomUUID()}\n`;
    const got = await new Promise<string>((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port: port(30306) });
      let out = '';
      s.setTimeout(5000, () => s.destroy(new Error('no echo')));
      s.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.length >= payload.length) {
          s.end();
          resolve(out);
        }
      });
      s.on('error', reject);
      s.write(payload);
    });
    expect(got).toBe(payload);
  });
});

describe('route semantics', () => {
  it('a header match placed above a prefix route wins', async () => {
    // Same prefix as route `v1` below it, plus a header: first match wins.
    await webSpecWith((http) => [{ name: 'by-header', match: [{ uri: { prefix: '/v1' }, headers: { 'x-version': { exact: 'v2' } } }], rewrite: { uri: '/' }, route: [{ destination: { host: 'web-service', subset: 'v2' } }] }, ...http]);
    try {
      await until(() => allAnswer(6, '/v1', 'web.example.com', (r) => r.body === V2_PAGE, { 'x-version': 'v2' }), 'the header route');
      expect((await c.http(port(30000), '/v1', 'web.example.com', {}, true)).body).toBe(V1_PAGE);
    } finally {
      await restoreWeb();
    }
  }, 30_000);

  it('a fault abort at 30 % answers the configured code 30 % ±5 of 1,000 requests', async () => {
    await c.apiOk('POST', VS_PATH, {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'fault-test', namespace: 'default' },
      spec: { hosts: ['fault.example.com'], gateways: ['istio-system/default-gateway'], http: [{ name: 'faulty', fault: { abort: { percentage: { value: 30 }, httpStatus: 503 } }, route: [{ destination: { host: 'counter' } }] }] },
    });
    try {
      await until(async () => (await many(40, 4, () => c.http(port(30000), '/', 'fault.example.com'))).some((r) => r.status === 503), 'the fault route');
      const replies = await many(1000, 20, () => c.http(port(30000), '/', 'fault.example.com'));
      // Count the fault filter's own answers (Envoy's body `fault filter abort`), not every 503: on a
      // loaded machine an upstream 503 would otherwise pass for an abort.
      const isAbort = (r: Reply) => r.status === 503 && r.body === 'fault filter abort';
      const aborted = replies.filter(isAbort).length;
      const others = replies.filter((r) => !isAbort(r) && !(r.status === 200 && r.body.includes('"count"')));
      expect(others.length, `not aborted and not served: ${others.slice(0, 5).map((r) => `${r.status} ${r.body.slice(0, 60)}`).join(' | ')}`).toBeLessThanOrEqual(5);
      expect(aborted).toBeGreaterThanOrEqual(250);
      expect(aborted).toBeLessThanOrEqual(350);
    } finally {
      await c.apiOk('DELETE', `${VS_PATH}/fault-test`);
    }
  }, 60_000);

  it('no route: 404 with NR in the access log', async () => {
    const ua = `nr-${randomUUID()}`;
    const r = await c.http(port(30000), '/headers', 'httpbin.example.com', { 'user-agent': ua });
    expect(r.status).toBe(404);
    const hit = await until(async () => (await accessLines()).find((l) => l.line.includes(ua)), 'the access line');
    const parsed = parseAccessLine(hit.line, FORMATS.istioCurrent);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.entry).toMatchObject({ responseCode: 404, responseFlags: 'NR', method: 'GET', path: '/headers', authority: 'httpbin.example.com', userAgent: ua, upstreamCluster: undefined });
  }, 20_000);
});

describe('config changes, Envoy admin and istiod sync status', () => {
  it('a VirtualService change routes within 2 s; /config_dump shows it; /debug/syncz shows the new nonce ACKed', async () => {
    const gws = await gatewayPods();
    const before = await syncz('?namespace=istio-system');
    const routeSentBefore = new Map(before.map((s) => [s['proxy'], s['route_sent']]));
    expect(gws.every((p) => routeSentBefore.has(`${p.metadata.name}.istio-system`))).toBe(true);

    const t0 = Date.now();
    await webSpecWith((http) => http.map((h) => (h.name === 'v1' ? { ...h, route: [{ destination: { host: 'web-service', subset: 'v2' } }] } : h)));
    try {
      await until(() => allAnswer(6, '/v1', 'web.example.com', (r) => r.body === V2_PAGE), 'the new route on both gateway pods', 5_000);
      expect(Date.now() - t0).toBeLessThan(2_000);

      for (const p of gws) {
        expect(clusterOfPrefix(await routeConfigs(p.metadata.name), 'web.example.com:80', '/v1')).toBe('outbound|80|v2|web-service.default.svc.cluster.local');
      }
      const after = await syncz('?namespace=istio-system&pretty');
      for (const p of gws) {
        const s = after.find((x) => x['proxy'] === `${p.metadata.name}.istio-system`)!;
        expect(s).toMatchObject({ cluster_id: 'Kubernetes', proxy_type: 'router', istio_version: '1.26.1' });
        expect(s['route_sent']).not.toBe(routeSentBefore.get(s['proxy']));
        expect(s['route_acked']).toBe(s['route_sent']);
        expect(s['listener_acked']).toBe(s['listener_sent']);
        const rds = (s['resources'] as Record<string, Record<string, string>>)['type.googleapis.com/envoy.config.route.v3.RouteConfiguration']!;
        expect(rds['acked']).toBe(s['route_sent']);
        expect(rds['lastError']).toBeUndefined();
        expect(rds['sentTime']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/);
      }
    } finally {
      await restoreWeb();
    }
  }, 30_000);

  it('with the fault switch on, the proxy keeps the old route and syncz shows the NACK', async () => {
    const gws = await gatewayPods();
    const annotate = (value: string | null) =>
      Promise.all(gws.map((p) => c.apiOk('PATCH', `/api/v1/namespaces/istio-system/pods/${p.metadata.name}`, { metadata: { annotations: { [REJECT_CONFIG_ANNOTATION]: value } } }, 'application/merge-patch+json')));
    const listenerError = (s: Record<string, unknown>) => (s['resources'] as Record<string, Record<string, string>>)['type.googleapis.com/envoy.config.listener.v3.Listener']?.['lastError'];
    await annotate('true');
    try {
      // The annotation itself is a change istiod pushes (and the proxies reject).
      await until(async () => (await syncz('?namespace=istio-system')).filter((s) => listenerError(s)).length === gws.length, 'both proxies NACKing');
      const nacked = await syncz('?namespace=istio-system');
      const sentBefore = new Map(nacked.map((s) => [s['proxy'], s['route_sent']]));

      await webSpecWith((http) => http.map((h) => (h.name === 'v1' ? { ...h, route: [{ destination: { host: 'web-service', subset: 'v2' } }] } : h)));
      const after = await until(async () => {
        const rows = await syncz('?namespace=istio-system');
        return rows.every((s) => s['route_sent'] !== sentBefore.get(s['proxy'])) && rows;
      }, 'the push of the change');
      for (const s of after) {
        expect(listenerError(s)).toMatch(/rejected by the sandbox fault switch/);
        expect(s['listener_acked']).not.toBe(s['listener_sent']);
        expect(s['route_acked']).not.toBe(s['route_sent']);
      }
      // The old route keeps serving, and config_dump still shows it.
      expect(await allAnswer(6, '/v1', 'web.example.com', (r) => r.body === V1_PAGE)).toBe(true);
      for (const p of gws) expect(clusterOfPrefix(await routeConfigs(p.metadata.name), 'web.example.com:80', '/v1')).toBe('outbound|80|v1|web-service.default.svc.cluster.local');

      // Switch off: the next push is accepted.
      await annotate(null);
      await until(() => allAnswer(6, '/v1', 'web.example.com', (r) => r.body === V2_PAGE), 'the new route after the switch is off');
      const synced = await syncz('?namespace=istio-system');
      for (const s of synced) {
        expect(listenerError(s)).toBeUndefined();
        expect(s['route_acked']).toBe(s['route_sent']);
      }
    } finally {
      await annotate(null);
      await restoreWeb();
    }
  }, 40_000);
});

describe('access logs', () => {
  it('every access line parses with the default format, and UPSTREAM_CLUSTER names the subset that served it', async () => {
    const ua = `subset-${randomUUID()}`;
    for (const path of ['/v1', '/v2', '/v1', '/v2']) expect((await c.http(port(30000), path, 'web.example.com', { 'user-agent': ua }, true)).status).toBe(200);
    const v1IP = podIP((await pods('default', 'app=httpd,version=v1'))[0]!);
    const v2IP = podIP((await pods('default', 'app=httpd,version=v2'))[0]!);
    const lines = await until(async () => {
      const all = await accessLines();
      return all.filter((l) => l.line.includes(ua)).length === 4 && all;
    }, 'the four access lines');
    expect(lines.length).toBeGreaterThan(4);
    for (const { line } of lines) {
      const p = parseAccessLine(line, FORMATS.istioCurrent);
      if (!p.ok) throw new Error(`unparsed access line: ${line} (${p.reason})`);
    }
    for (const { line } of lines.filter((l) => l.line.includes(ua))) {
      const p = parseAccessLine(line, FORMATS.istioCurrent);
      if (!p.ok) throw new Error(p.reason);
      const e = p.entry;
      const subset = e.path === '/v1' ? 'v1' : 'v2';
      expect(e.upstreamCluster).toBe(`outbound|80|${subset}|web-service.default.svc.cluster.local`);
      expect(parseUpstreamCluster(e.upstreamCluster)).toMatchObject({ direction: 'outbound', port: 80, subset, name: 'web-service', namespace: 'default' });
      expect(e.upstreamHost?.split(':')[0]).toBe(subset === 'v1' ? v1IP : v2IP);
      expect(e).toMatchObject({ responseCode: 200, authority: 'web.example.com', routeName: subset });
    }
  }, 20_000);
});

describe('endpoints and gateway pods', () => {
  it('scaling httpd-v1 to 0 gives 503 UH on its routes; back to 1 recovers', async () => {
    const scale = (replicas: number) => c.apiOk('PATCH', '/apis/apps/v1/namespaces/default/deployments/httpd-v1', { spec: { replicas } }, 'application/merge-patch+json');
    await scale(0);
    try {
      await until(() => allAnswer(4, '/v1', 'web.example.com', (r) => r.status === 503), '503 on /v1');
      const ua = `uh-${randomUUID()}`;
      const r = await c.http(port(30000), '/v1', 'web.example.com', { 'user-agent': ua }, true);
      expect(r.status).toBe(503);
      expect(r.body).toBe('no healthy upstream');
      const hit = await until(async () => (await accessLines()).find((l) => l.line.includes(ua)), 'the access line');
      const p = parseAccessLine(hit.line, FORMATS.istioCurrent);
      expect(p.ok && p.entry.responseFlags).toBe('UH');
      expect(p.ok && p.entry.upstreamCluster).toBe('outbound|80|v1|web-service.default.svc.cluster.local');
      expect((await c.http(port(30000), '/v2', 'web.example.com')).body).toBe(V2_PAGE);
    } finally {
      await scale(1);
    }
    await until(() => allAnswer(4, '/v1', 'web.example.com', (r) => r.body === V1_PAGE), '/v1 back', 20_000);
  }, 40_000);

  it('deleting a gateway pod: traffic continues on the other, the replacement appears and receives traffic', async () => {
    const [victim, survivor] = await gatewayPods();
    const ua = `failover-${randomUUID()}`;
    const results: Array<{ ok: boolean; at: number }> = [];
    let stop = false;
    const loop = (async () => {
      const end = Date.now() + 25_000;
      for (let i = 0; i < 5000 && !stop && Date.now() < end; i++) {
        try {
          const r = await c.http(port(30000), '/v1', 'web.example.com', { 'user-agent': ua }, true);
          results.push({ ok: r.body === V1_PAGE, at: Date.now() });
        } catch {
          results.push({ ok: false, at: Date.now() });
        }
      }
    })();
    try {
      await until(() => results.length >= 10, 'traffic before the deletion');
      const deletedAt = Date.now();
      await c.apiOk('DELETE', `/api/v1/namespaces/istio-system/pods/${victim!.metadata.name}`);
      const replacement = await until(async () => {
        const now = await gatewayPods();
        return now.find((p) => p.metadata.name !== victim!.metadata.name && p.metadata.name !== survivor!.metadata.name && isReady(p));
      }, 'a ready replacement gateway pod', 20_000);
      await until(async () => (await podLog('istio-system', replacement.metadata.name)).some((l) => l.startsWith('[') && l.includes(ua)), 'traffic on the replacement', 20_000);
      stop = true;
      await loop;
      const afterDelete = results.filter((r) => r.at >= deletedAt);
      expect(afterDelete.filter((r) => r.ok).length).toBeGreaterThan(0);
      // A request in flight on the deleted pod may fail; the rest go to the other pods.
      expect(results.filter((r) => !r.ok).length).toBeLessThanOrEqual(2);
      expect((await podLog('istio-system', survivor!.metadata.name)).some((l) => l.includes(ua))).toBe(true);
    } finally {
      stop = true;
      await loop;
    }
  }, 60_000);
});
