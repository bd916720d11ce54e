/**
 * The context picker's seam (local mode): with a kubeconfig of two sandboxes, selecting the other
 * context moves resource reads (REST and stream), writes and access reviews to it, each context
 * has its own cache, and an API or topic served for the console's own context only refuses to
 * answer (409 / topic error) rather than show the wrong cluster. (That every view follows:
 * server/context/context-services.test.ts.)
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as contextsRoute from '../../app/api/contexts/route';
import * as collectionRoute from '../../app/api/resources/[plural]/route';
import { ClusterCache } from '../kube/cache';
import { kubeJson } from '../kube/transport';
import { setRuntime, type Runtime } from '../runtime';
import { startSandbox, type RunningSandbox } from '../sandbox/start';
import { Hub } from '../stream/hub';
import { publishCache } from '../stream/publish';
import { createFrontDoor, type FrontDoor } from './front-door';
import type { GuardOptions } from './guard';
import { attachUpgrade } from './upgrade';
import { twoContexts } from '../context/test-support/two-contexts';

let a: RunningSandbox;
let b: RunningSandbox;
let cache: ClusterCache;
let door: FrontDoor;
let server: Server;
let hub: Hub;
let base: string;
const VS = '/apis/networking.istio.io/v1/namespaces/default/virtualservices';

beforeAll(async () => {
  [a, b] = await Promise.all([startSandbox({ apiPort: 0, traffic: 0, dataPlane: false }), startSandbox({ apiPort: 0, traffic: 0, dataPlane: false })]);
  const kcB = new KubeConfig();
  kcB.loadFromFile(b.kubeconfigPath);
  await kubeJson(kcB, { method: 'POST', path: VS, body: { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'only-in-b' }, spec: { hosts: ['b.example.com'], http: [{ route: [{ destination: { host: 'web-service' } }] }] } } });
  const kc = twoContexts(a, b);
  const runtime: Runtime = { mode: 'cluster', kubeConfig: kc, context: 'ctx-a', server: a.apiUrl, startedAt: new Date(), services: {} };
  cache = new ClusterCache(kc);
  runtime.services.cache = cache;
  cache.start();
  await cache.waitForSync();
  door = createFrontDoor(runtime, cache, { log: () => {} });
  setRuntime(runtime);
  const guard: GuardOptions = { allowedHosts: door.allowedHosts, port: 0 };
  server = createServer((req, res) => door.handle(req, res, (_q, r) => void r.writeHead(200).end('next')));
  hub = new Hub({ context: 'ctx-a', mode: 'cluster', authorize: door.authorize });
  publishCache(hub, cache);
  hub.register('topology', { subscribe: (_p, sink) => (sink.snapshot(1, { fake: true }), () => {}) });
  hub.register('primary-only', { subscribe: (_p, sink) => (sink.snapshot(1, {}), () => {}) });
  attachUpgrade(server, { guard, onConnection: (ws, req) => hub.accept(ws, door.session(req)) });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  guard.port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${guard.port}`;
});

afterAll(async () => {
  hub?.close();
  await new Promise<void>((r) => (server ? (server.close(() => r()), server.closeAllConnections()) : r()));
  door?.close();
  cache?.stop();
  setRuntime(undefined);
  await Promise.all([a?.close(), b?.close()]);
});

const names = async (cookie?: string) => {
  const res = await collectionRoute.GET(new Request(`${base}/api/resources/virtualservices`, { headers: cookie ? { cookie } : {} }), { params: Promise.resolve({ plural: 'virtualservices' }) });
  return ((await res.json()).items as Array<{ metadata: { name: string } }>).map((o) => o.metadata.name);
};

describe('context picker (local mode)', () => {
  let cookie = '';

  it('lists the contexts without credentials and selects one with a cookie (CSRF-checked)', async () => {
    const list = await (await contextsRoute.GET(new Request(`${base}/api/contexts`))).json();
    expect(list).toMatchObject({ primary: 'ctx-a', selected: 'ctx-a', switchable: true });
    expect(list.contexts.map((c: { name: string }) => c.name)).toEqual(['ctx-a', 'ctx-b']);
    expect(JSON.stringify(list)).not.toContain(a.token);
    const headers = { 'content-type': 'application/json', 'x-gatescope-csrf': '1' };
    expect((await contextsRoute.POST(new Request(`${base}/api/contexts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"context":"ctx-b"}' }))).status).toBe(403);
    expect((await contextsRoute.POST(new Request(`${base}/api/contexts`, { method: 'POST', headers, body: '{"context":"nope"}' }))).status).toBe(400);
    const res = await contextsRoute.POST(new Request(`${base}/api/contexts`, { method: 'POST', headers, body: '{"context":"ctx-b"}' }));
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toMatch(/^gatescope-context=ctx-b; Path=\/; HttpOnly; SameSite=Strict/);
    cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    expect((await (await contextsRoute.GET(new Request(`${base}/api/contexts`, { headers: { cookie } }))).json()).selected).toBe('ctx-b');
  });

  it('reads come from the selected context\'s own cache', async () => {
    expect(await names()).not.toContain('only-in-b');
    await expect.poll(() => names(cookie), { timeout: 15_000 }).toContain('only-in-b');
  });

  it('writes go to the selected context, with its kubeconfig', async () => {
    const draft = { metadata: { name: 'made-in-b', namespace: 'default' }, spec: { hosts: ['m.example.com'], http: [{ route: [{ destination: { host: 'web-service' } }] }] } };
    const [markA, markB] = [a.server.auditLog.length, b.server.auditLog.length];
    const res = await collectionRoute.POST(
      new Request(`${base}/api/resources/virtualservices`, { method: 'POST', headers: { cookie, 'content-type': 'application/json', 'x-gatescope-csrf': '1', origin: base, host: base.slice(7) }, body: JSON.stringify(draft) }),
      { params: Promise.resolve({ plural: 'virtualservices' }) },
    );
    expect(res.status, await res.clone().text()).toBe(201);
    const posts = (log: RunningSandbox['server']['auditLog'], mark: number) => log.slice(mark).filter((e) => e.method === 'POST' && e.path.includes('/virtualservices'));
    expect(posts(a.server.auditLog, markA)).toEqual([]);
    expect(posts(b.server.auditLog, markB).map((e) => e.code)).toContain(201);
  });

  it('APIs that follow the picker pass the front door, one that does not refuses to answer for another context (409)', async () => {
    for (const path of ['/api/resources/virtualservices', '/api/topology', '/api/sync', '/api/drift', '/api/logs', '/api/traffic', '/api/history', '/api/history/3', '/api/proxies/istio-system/p/admin/server_info']) {
      expect((await fetch(`${base}${path}`, { headers: { cookie } })).status, path).toBe(200);
    }
    const other = await fetch(`${base}/api/primary-only`, { headers: { cookie } });
    expect(other.status).toBe(409);
    expect((await other.json()).reason).toBe('ContextNotServed');
    expect((await fetch(`${base}/api/primary-only`)).status).toBe(200);
  });

  it('the stream serves the selected context\'s topics and refuses one its services do not publish', async () => {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/api/stream`, { headers: { origin: base, cookie } });
    const messages: Array<{ type: string; topic?: string; data?: unknown; message?: string }> = [];
    ws.on('message', (d) => messages.push(JSON.parse(String(d))));
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'subscribe', topic: 'resources/virtualservices' }));
    ws.send(JSON.stringify({ type: 'subscribe', topic: 'topology' }));
    ws.send(JSON.stringify({ type: 'subscribe', topic: 'primary-only' }));
    await expect
      .poll(() => messages.some((m) => m.type === 'snapshot' && m.topic === 'resources/virtualservices' && (m.data as Array<{ metadata: { name: string } }>).some((o) => o.metadata.name === 'only-in-b')), { timeout: 15_000 })
      .toBe(true);
    // The console's hub has a stand-in; the selected context's topology comes from its own services.
    await expect.poll(() => messages.some((m) => m.type === 'snapshot' && m.topic === 'topology' && Array.isArray((m.data as { nodes?: unknown }).nodes)), { timeout: 15_000 }).toBe(true);
    await expect.poll(() => messages.find((m) => m.type === 'error' && m.topic === 'primary-only')?.message, { timeout: 5_000 }).toMatch(/console's own context \(ctx-a\) only/);
    ws.close();
  });
});
