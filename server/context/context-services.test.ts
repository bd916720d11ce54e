/**
 * Every view follows the context picker: two sandboxes (the second on the `troubleshooting`
 * scenario, so the clusters differ), one kubeconfig with both contexts, and the console wired as
 * server/main.ts wires it (the primary context's bundle on the hub, the front door's registry for
 * the other). With the second context selected, topology, analysis, sync, drift, Envoy admin,
 * logs, traffic and history answer from the second cluster — over HTTP through the front door and
 * over the stream — while a browser without the selection still sees the first, unchanged.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as contextsRoute from '../../app/api/contexts/route';
import * as driftRoute from '../../app/api/drift/route';
import * as historyRoute from '../../app/api/history/route';
import * as logsRoute from '../../app/api/logs/route';
import * as adminRoute from '../../app/api/proxies/[namespace]/[pod]/admin/[...path]/route';
import * as syncRoute from '../../app/api/sync/route';
import * as topologyRoute from '../../app/api/topology/route';
import * as trafficRoute from '../../app/api/traffic/route';
import { createFrontDoor, type FrontDoor } from '../http/front-door';
import type { GuardOptions } from '../http/guard';
import { attachUpgrade } from '../http/upgrade';
import { kubeJson } from '../kube/transport';
import { setRuntime, type Runtime } from '../runtime';
import { findFreePortOffset, startSandbox, type RunningSandbox } from '../sandbox/start';
import { Hub } from '../stream/hub';
import { createContextServices, type ContextServices } from './bundle';
import type { ContextRegistry } from './registry';
import { twoContexts } from './test-support/two-contexts';

let a: RunningSandbox;
let b: RunningSandbox;
let kcB: KubeConfig;
let primary: ContextServices;
let runtime: Runtime;
let door: FrontDoor;
let server: Server;
let hub: Hub;
let base: string;
let cookie = '';

type Route = (req: Request, m: RegExpMatchArray) => Response | Promise<Response>;
/** What Next would dispatch, for the routes under test. */
const ROUTES: Array<[RegExp, Route]> = [
  [/^\/api\/topology$/, (r) => topologyRoute.GET(r)],
  [/^\/api\/sync$/, (r) => syncRoute.GET(r)],
  [/^\/api\/drift$/, (r) => driftRoute.GET(r)],
  [/^\/api\/logs$/, (r) => logsRoute.GET(r)],
  [/^\/api\/traffic$/, (r) => trafficRoute.GET(r)],
  [/^\/api\/history$/, (r) => historyRoute.GET(r)],
  [/^\/api\/proxies\/([^/]+)\/([^/]+)\/admin\/(.+)$/, (r, m) => adminRoute.GET(r, { params: Promise.resolve({ namespace: m[1]!, pod: m[2]!, path: m[3]!.split('/') }) })],
];

async function dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', base);
  const route = ROUTES.find(([re]) => re.test(url.pathname));
  if (!route) return void res.writeHead(404).end();
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
  const answer = await route[1](new Request(url, { headers }), url.pathname.match(route[0])!);
  res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' }).end(Buffer.from(await answer.arrayBuffer()));
}

/** A request to a sandbox's LoadBalancer listener; resolves with the status (0 when refused). */
function gatewayGet(sb: RunningSandbox, path: string, host: string): Promise<number> {
  return new Promise((resolve) => {
    const req = httpRequest({ host: '127.0.0.1', port: 80 + sb.portOffset, path, headers: { host }, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

const getJson = async <T>(path: string, withCookie: boolean): Promise<{ status: number; body: T }> => {
  const res = await fetch(`${base}${path}`, { headers: withCookie ? { cookie } : {} });
  return { status: res.status, body: (await res.json()) as T };
};

/** Gateway pod names of a sandbox, as kubectl would list them. */
async function gatewayPods(kc: KubeConfig): Promise<string[]> {
  const { body } = await kubeJson<{ items: Array<{ metadata: { name: string } }> }>(kc, { method: 'GET', path: '/api/v1/namespaces/istio-system/pods?labelSelector=istio%3Dingressgateway' });
  return body.items.map((p) => p.metadata.name).sort();
}

beforeAll(async () => {
  a = await startSandbox({ apiPort: 0, traffic: 0, portOffset: await findFreePortOffset() });
  b = await startSandbox({ apiPort: 0, traffic: 0, scenario: 'troubleshooting', portOffset: await findFreePortOffset() });
  kcB = new KubeConfig();
  kcB.loadFromFile(b.kubeconfigPath);
  const kc = twoContexts(a, b);
  // As server/main.ts: the primary context's bundle, the front door (the registry of the others), the hub.
  runtime = { mode: 'cluster', kubeConfig: kc, context: 'ctx-a', server: a.apiUrl, startedAt: new Date(), services: {} };
  primary = createContextServices(kc, 'ctx-a', { log: () => {} });
  const { cache, envoy, sync, drift, topology, history } = primary;
  Object.assign(runtime.services, { cache, envoy, sync, drift, topology, history });
  door = createFrontDoor(runtime, cache, { log: () => {} });
  setRuntime(runtime);
  const guard: GuardOptions = { allowedHosts: door.allowedHosts, port: 0 };
  server = createServer((req, res) => door.handle(req, res, dispatch));
  hub = new Hub({ context: 'ctx-a', mode: 'cluster', authorize: door.authorize });
  runtime.services.hub = hub;
  primary.start(hub);
  runtime.services.logs = primary.logs;
  attachUpgrade(server, { guard, onConnection: (ws, req) => hub.accept(ws, door.session(req)) });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  guard.port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${guard.port}`;
  await cache.waitForSync();
  const headers = { 'content-type': 'application/json', 'x-gatescope-csrf': '1' };
  const res = await contextsRoute.POST(new Request(`${base}/api/contexts`, { method: 'POST', headers, body: '{"context":"ctx-b"}' }));
  expect(res.status).toBe(200);
  cookie = res.headers.get('set-cookie')!.split(';')[0]!;
}, 120_000);

afterAll(async () => {
  hub?.close();
  await new Promise<void>((r) => (server ? (server.close(() => r()), server.closeAllConnections()) : r()));
  primary?.stop();
  door?.close();
  setRuntime(undefined);
  await Promise.all([a?.close(), b?.close()]);
});

const registry = () => runtime.services.contexts as ContextRegistry;

interface TopologyAnswer {
  nodes: Array<{ id: string }>;
}
const gatewayServerIds = (t: TopologyAnswer) => t.nodes.map((n) => n.id).filter((id) => id.startsWith('gatewayServer:')).sort();

describe('every view follows the selected context', () => {
  it('starts the selected context\'s services on selection, with its own cache', () => {
    expect(registry().running()).toEqual(['ctx-b']);
    expect(registry().services('ctx-b').cache).not.toBe(primary.cache);
    expect(registry().services('ctx-b').kubeConfig.getCurrentCluster()?.server).toBe(b.apiUrl);
  });

  it('/api/topology: the second cluster\'s gateways (its duplicate Gateway), the first\'s unchanged', async () => {
    const onlyInB = 'gatewayServer:istio-system/httpbin-gateway#0';
    await expect.poll(async () => gatewayServerIds((await getJson<TopologyAnswer>('/api/topology', true)).body), { timeout: 20_000 }).toContain(onlyInB);
    const own = await getJson<TopologyAnswer>('/api/topology', false);
    expect(own.status).toBe(200);
    expect(gatewayServerIds(own.body)).toContain('gatewayServer:default/httpbin-gateway#0');
    expect(gatewayServerIds(own.body)).not.toContain(onlyInB);
  });

  it('the stream: analysis and topology topics come from the selected context, only to the session that picked it', async () => {
    const subscribe = async (withCookie: boolean) => {
      const ws = new WebSocket(`${base.replace('http', 'ws')}/api/stream`, { headers: { origin: base, ...(withCookie ? { cookie } : {}) } });
      const messages: Array<{ type: string; topic?: string; data?: unknown; message?: string }> = [];
      ws.on('message', (d) => messages.push(JSON.parse(String(d))));
      await new Promise((r) => ws.once('open', r));
      for (const topic of ['analysis', 'topology']) ws.send(JSON.stringify({ type: 'subscribe', topic }));
      return { ws, messages };
    };
    const findingsOf = (messages: Array<{ type: string; topic?: string; data?: unknown }>) =>
      messages
        .filter((m) => m.type === 'snapshot' && m.topic === 'analysis')
        .flatMap((m) => ((m.data as { findings: Array<{ code: string; origin: string }> }).findings ?? []).map((f) => `${f.code} ${f.origin}`));
    const [other, own] = await Promise.all([subscribe(true), subscribe(false)]);
    try {
      // 20-vs-unknown-gateway.yaml: IST0101 on VirtualService default/shop, in the second cluster only.
      await expect.poll(() => findingsOf(other.messages), { timeout: 20_000 }).toContain('IST0101 VirtualService default/shop');
      await expect.poll(() => own.messages.some((m) => m.type === 'snapshot' && m.topic === 'analysis' && (m.data as { synced?: boolean }).synced), { timeout: 20_000 }).toBe(true);
      expect(findingsOf(own.messages)).not.toContain('IST0101 VirtualService default/shop');
      await expect.poll(() => other.messages.some((m) => m.type === 'snapshot' && m.topic === 'topology' && JSON.stringify(m.data).includes('istio-system/httpbin-gateway')), { timeout: 20_000 }).toBe(true);
      expect(own.messages.filter((m) => m.topic === 'topology' && m.type === 'snapshot').every((m) => !JSON.stringify(m.data).includes('istio-system/httpbin-gateway'))).toBe(true);
      expect([...other.messages, ...own.messages].filter((m) => m.type === 'error')).toEqual([]);
    } finally {
      other.ws.close();
      own.ws.close();
    }
  });

  it('sync, drift and Envoy admin: the second cluster\'s proxies', async () => {
    const kcA = new KubeConfig();
    kcA.loadFromFile(a.kubeconfigPath);
    const [ownPods, podsB] = [await gatewayPods(kcA), await gatewayPods(kcB)];
    expect(podsB.length).toBeGreaterThan(0);
    expect(podsB.some((p) => ownPods.includes(p))).toBe(false);
    type Sync = { proxies: Array<{ pod: string }> };
    const proxyPods = async (withCookie: boolean) => (await getJson<Sync>('/api/sync', withCookie)).body.proxies.map((p) => p.pod).sort();
    await expect.poll(() => proxyPods(true), { timeout: 30_000 }).toEqual(podsB);
    await expect.poll(() => proxyPods(false), { timeout: 30_000 }).toEqual(ownPods);
    type Drift = { pods: Array<{ pod: string }> };
    await expect.poll(async () => (await getJson<Drift>('/api/drift', true)).body.pods.map((p) => p.pod).sort(), { timeout: 30_000 }).toEqual(podsB);
    const info = await fetch(`${base}/api/proxies/istio-system/${podsB[0]}/admin/server_info`, { headers: { cookie } });
    expect(info.status, await info.clone().text()).toBe(200);
    expect((await fetch(`${base}/api/proxies/istio-system/${podsB[0]}/admin/server_info`)).status).not.toBe(200);
  }, 60_000);

  it('logs and traffic: the second cluster\'s gateway lines, over HTTP and the stream', async () => {
    const marker = `/ctx-b-marker-${Date.now()}`;
    const ws = new WebSocket(`${base.replace('http', 'ws')}/api/stream`, { headers: { origin: base, cookie } });
    const raw: string[] = [];
    ws.on('message', (d) => raw.push(String(d)));
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'subscribe', topic: 'logs' }));
    try {
      type Logs = { records: Array<{ entry?: { path?: string } }> };
      const seen = async (withCookie: boolean) => (await getJson<Logs>('/api/logs?limit=5000', withCookie)).body.records.some((r) => r.entry?.path === marker);
      // The followers of the second cluster start with its services: send until a line shows up.
      await expect
        .poll(
          async () => {
            await gatewayGet(b, marker, 'web.example.com');
            return seen(true);
          },
          { timeout: 30_000, interval: 500 },
        )
        .toBe(true);
      expect(await seen(false)).toBe(false);
      // A path regex filters the same way; one RE2 refuses is a 400 with its reason.
      expect((await getJson<Logs>(`/api/logs?limit=5000&pathRegex=${encodeURIComponent(`^${marker}$`)}`, true)).body.records.length).toBeGreaterThan(0);
      const bad = await getJson<{ error: string }>(`/api/logs?pathRegex=${encodeURIComponent('^/(v1')}`, true);
      expect(bad.status).toBe(400);
      expect(bad.body.error).toMatch(/invalid path regex '\^\/\(v1': .*missing closing \)/);
      await expect.poll(() => raw.some((m) => m.includes('"topic":"logs"') && m.includes(marker)), { timeout: 10_000 }).toBe(true);
      expect((await fetch(`${base}/api/traffic?window=60`, { headers: { cookie } })).status).toBe(200);
    } finally {
      ws.close();
    }
  }, 60_000);

  it('history: the second cluster\'s changes, not the first\'s', async () => {
    const name = `made-in-b-${Date.now()}`;
    await kubeJson(kcB, {
      method: 'POST',
      path: '/apis/networking.istio.io/v1/namespaces/default/virtualservices',
      body: { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name }, spec: { hosts: ['h.example.com'], http: [{ route: [{ destination: { host: 'web-service' } }] }] } },
    });
    type History = { entries: Array<{ plural: string; namespace: string; name: string; event: string }> };
    const names = async (withCookie: boolean) => (await getJson<History>('/api/history', withCookie)).body.entries.map((e) => `${e.plural} ${e.namespace}/${e.name}`);
    await expect.poll(() => names(true), { timeout: 15_000 }).toContain(`virtualservices default/${name}`);
    expect(await names(true)).toContain('virtualservices default/shop');
    const own = await names(false);
    expect(own).not.toContain(`virtualservices default/${name}`);
    expect(own).not.toContain('virtualservices default/shop');
  });

  it('an API that does not follow the picker yet still refuses (409) rather than answer for the wrong cluster', async () => {
    const res = await fetch(`${base}/api/not-per-context`, { headers: { cookie } });
    expect(res.status).toBe(409);
    expect((await res.json()).reason).toBe('ContextNotServed');
    expect((await fetch(`${base}/api/not-per-context`)).status).toBe(404);
  });
});
