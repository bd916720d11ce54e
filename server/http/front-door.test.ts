/**
 * The console's front door on a real HTTP server (without Next: a stub answers what passes):
 * security headers and CSP nonce, the --auth gate for pages and APIs, WebSocket Origin and
 * identity checks, per-topic authorization and narrowing, session expiry, and the WebSocket
 * size, rate and subscription limits (reliability-security.md §5 tests 11–13).
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as signInRoute from '../../app/api/auth/signin/route';
import type { ServerMessage } from '../../lib/stream/protocol';
import { kubeConfigWithToken, startAuthSandbox, startTestConsole, TOKENS, type TestConsole } from '../auth/test-support/auth-sandbox';
import type { RunningSandbox } from '../sandbox/start';
import { Hub } from '../stream/hub';
import { publishCache } from '../stream/publish';
import { hostAllowed, type GuardOptions } from './guard';
import { attachUpgrade, MAX_CLIENT_MESSAGE_BYTES } from './upgrade';

let sb: RunningSandbox;
let c: TestConsole;
let server: Server;
let hub: Hub;
let base: string;
const cookies: Record<string, string> = {};

beforeAll(async () => {
  sb = await startAuthSandbox();
  c = await startTestConsole(sb, kubeConfigWithToken(sb, sb.token, 'admin'), { auth: { mode: 'token' } });
  const guard: GuardOptions = { allowedHosts: c.door.allowedHosts, allowedOrigins: c.door.allowedOrigins, port: 0 };
  server = createServer((req, res) => {
    if (!hostAllowed(req, guard)) return void res.writeHead(403).end();
    c.door.handle(req, res, (_q, r) => void r.writeHead(200, { 'content-type': 'text/plain' }).end('next'));
  });
  hub = new Hub({ context: 'test', mode: 'sandbox', authorize: c.door.authorize, maxMessagesPerSecond: 20, maxSubscriptions: 5 });
  publishCache(hub, c.cache);
  hub.register('topology', { subscribe: (_p, sink) => (sink.snapshot(1, { nodes: [] }), () => {}) });
  attachUpgrade(server, { guard, onConnection: (ws, req) => hub.accept(ws, c.door.session(req)), authenticate: c.door.upgradeAllowed });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  guard.port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${guard.port}`;
  for (const who of ['viewer', 'dev'] as const) {
    const res = await signInRoute.POST(
      new Request(`${base}/api/auth/signin`, { method: 'POST', headers: { 'x-gatescope-csrf': '1', 'content-type': 'application/json', host: `127.0.0.1:${guard.port}` }, body: JSON.stringify({ token: TOKENS[who] }) }),
    );
    cookies[who] = res.headers.get('set-cookie')!.split(';')[0]!;
  }
  cookies.admin = (await signInRoute.POST(new Request(`${base}/api/auth/signin`, { method: 'POST', headers: { 'x-gatescope-csrf': '1', 'content-type': 'application/json' }, body: JSON.stringify({ token: sb.token }) }))).headers.get('set-cookie')!.split(';')[0]!;
});

afterAll(async () => {
  hub?.close();
  await new Promise<void>((r) => (server ? (server.close(() => r()), server.closeAllConnections()) : r()));
  c?.stop();
  await sb?.close();
});

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${base}${path}`, { headers, redirect: 'manual' });

describe('HTTP gate and headers', () => {
  it('sets a per-request nonce CSP and the other security headers', async () => {
    const a = await get('/signin');
    const b = await get('/signin');
    const csp = a.headers.get('content-security-policy')!;
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toEqual(b.headers.get('content-security-policy'));
    expect(a.headers.get('x-frame-options')).toBe('DENY');
    expect(a.headers.get('referrer-policy')).toBe('no-referrer');
    expect(a.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('without a session: pages redirect to /signin with a same-origin next, APIs answer 401, health and sign-in stay open', async () => {
    const page = await get('/virtualservices?x=1');
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe(`/signin?next=${encodeURIComponent('/virtualservices?x=1')}`);
    expect((await get('//evil.example/')).headers.get('location')).toBe('/signin');
    expect((await get('/api/topology')).status).toBe(401);
    expect((await get('/api/resources/virtualservices')).status).toBe(401);
    expect((await get('/api/health')).status).toBe(200);
    expect((await get('/signin')).status).toBe(200);
    expect((await get('/', { cookie: 'gatescope-session=v1.forged' })).status).toBe(303);
  });

  it('signed in: per-user APIs pass; views over every namespace need cluster-wide read', async () => {
    expect((await get('/', { cookie: cookies.viewer! })).status).toBe(200);
    expect((await get('/api/resources/services', { cookie: cookies.viewer! })).status).toBe(200);
    const topo = await get('/api/topology', { cookie: cookies.viewer! });
    expect(topo.status).toBe(403);
    expect((await topo.json()).error).toMatch(/may not list gateways, destinationrules, services/);
    expect((await get('/api/topology', { cookie: cookies.admin! })).status).toBe(200);
  });
});

interface Client {
  ws: WebSocket;
  messages: ServerMessage[];
  closed: Promise<{ code: number; reason: string }>;
  next(pred: (m: ServerMessage) => boolean, timeoutMs?: number): Promise<ServerMessage>;
}

function open(headers: Record<string, string>): Promise<Client | { status: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/api/stream`, { headers });
    const messages: ServerMessage[] = [];
    const waiters = new Set<() => void>();
    ws.on('message', (d) => {
      messages.push(JSON.parse(String(d)) as ServerMessage);
      for (const w of [...waiters]) w();
    });
    const closed = new Promise<{ code: number; reason: string }>((r) => ws.on('close', (code, reason) => r({ code, reason: String(reason) })));
    ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0 }));
    ws.on('error', (e) => reject(e));
    ws.on('open', () =>
      resolve({
        ws,
        messages,
        closed,
        next: (pred, timeoutMs = 5000) =>
          new Promise((res, rej) => {
            const check = () => {
              const m = messages.find(pred);
              if (!m) return;
              waiters.delete(check);
              clearTimeout(t);
              res(m);
            };
            const t = setTimeout(() => (waiters.delete(check), rej(new Error('no such message'))), timeoutMs);
            waiters.add(check);
            check();
          }),
      }),
    );
  });
}

async function client(headers: Record<string, string>): Promise<Client> {
  const c = await open(headers);
  if ('status' in c) throw new Error(`handshake refused: ${c.status}`);
  return c;
}

describe('WebSocket', () => {
  const own = () => ({ origin: base });

  it('refuses foreign origins (403) and handshakes without a session (401)', async () => {
    for (const origin of ['https://evil.example', 'null', 'http://127.0.0.1.evil.example', base.replace(/:\d+$/, ':1')]) {
      expect(await open({ origin, cookie: cookies.admin! }), origin).toEqual({ status: 403 });
    }
    expect(await open({ cookie: cookies.admin! })).toEqual({ status: 403 }); // no Origin
    expect(await open(own())).toEqual({ status: 401 });
  });

  it('narrows resources/<plural> to the namespaces the user may list and refuses views over every namespace', async () => {
    const ws = await client({ ...own(), cookie: cookies.dev! });
    ws.ws.send(JSON.stringify({ type: 'subscribe', topic: 'resources/services' }));
    ws.ws.send(JSON.stringify({ type: 'subscribe', topic: 'topology' }));
    const snap = await ws.next((m) => m.type === 'snapshot' && m.topic === 'resources/services');
    const items = (snap as { data: Array<{ metadata: { namespace: string } }> }).data;
    expect(items.length).toBeGreaterThan(0);
    expect(new Set(items.map((i) => i.metadata.namespace))).toEqual(new Set(['default']));
    const err = await ws.next((m) => m.type === 'error' && m.topic === 'topology');
    expect((err as { message: string }).message).toMatch(/combines every namespace/);
    ws.ws.close();
    const admin = await client({ ...own(), cookie: cookies.admin! });
    admin.ws.send(JSON.stringify({ type: 'subscribe', topic: 'topology' }));
    await admin.next((m) => m.type === 'snapshot' && m.topic === 'topology');
    admin.ws.close();
  });

  it('closes 1009 on a message over 64 KiB and 1008 on a flood; other clients keep being served', async () => {
    const big = await client({ ...own(), cookie: cookies.admin! });
    big.ws.send('x'.repeat(MAX_CLIENT_MESSAGE_BYTES + 1));
    expect((await big.closed).code).toBe(1009);
    const flood = await client({ ...own(), cookie: cookies.admin! });
    const bystander = await client({ ...own(), cookie: cookies.admin! });
    for (let i = 0; i < 200 && flood.ws.readyState === WebSocket.OPEN; i++) flood.ws.send(JSON.stringify({ type: 'ping', t: i }));
    expect(await flood.closed).toEqual({ code: 1008, reason: 'too many messages' });
    bystander.ws.send(JSON.stringify({ type: 'ping', t: 42 }));
    await bystander.next((m) => m.type === 'pong' && m.t === 42);
    bystander.ws.close();
  });

  it('bounds subscriptions per client', async () => {
    const ws = await client({ ...own(), cookie: cookies.admin! });
    for (const p of ['gateways', 'virtualservices', 'destinationrules', 'services', 'pods', 'endpoints']) ws.ws.send(JSON.stringify({ type: 'subscribe', topic: `resources/${p}` }));
    const err = await ws.next((m) => m.type === 'error' && /too many subscriptions/.test(m.message));
    expect((err as { topic: string }).topic).toBe('resources/endpoints');
    ws.ws.close();
  });

  it('a handshake with oversized headers is refused (431) before any WebSocket exists', async () => {
    const headers: Record<string, string> = { connection: 'Upgrade', upgrade: 'websocket', origin: base };
    for (let i = 0; i < 2000; i++) headers[`x-h-${i}`] = 'v'.repeat(10);
    const status = await new Promise<number>((resolve, reject) => {
      const r = httpRequest(`${base}/api/stream`, { headers }, (res) => resolve(res.statusCode ?? 0));
      r.on('error', reject);
      r.end();
    });
    expect(status).toBe(431);
  });
});

describe('session expiry on an open socket', () => {
  it('closes with 1008 "session expired" when the session ends', async () => {
    const expiring = new Hub({ context: 'test', mode: 'sandbox' });
    const srv = createServer();
    const guard: GuardOptions = { allowedHosts: ['127.0.0.1'], port: 0 };
    attachUpgrade(srv, { guard, onConnection: (ws) => expiring.accept(ws, { viewer: {}, expiresAt: Date.now() + 300 }) });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    guard.port = (srv.address() as AddressInfo).port;
    const ws = new WebSocket(`ws://127.0.0.1:${guard.port}/api/stream`, { headers: { origin: `http://127.0.0.1:${guard.port}` } });
    const closed = await new Promise<{ code: number; reason: string }>((r) => ws.on('close', (code, reason) => r({ code, reason: String(reason) })));
    expect(closed).toEqual({ code: 1008, reason: 'session expired' });
    expiring.close();
    await new Promise<void>((r) => srv.close(() => r()));
  });
});
