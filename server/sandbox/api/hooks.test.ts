import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { startHarness, type Harness } from './test-support/harness';
import { call } from './test-support/http';
import type { SubresourceContext, UpgradeContext } from './types';

let h: Harness;
const seen: Array<{ hook: string; ctx: SubresourceContext | UpgradeContext; auth?: string }> = [];
const wss = new WebSocketServer({ noServer: true });

beforeAll(async () => {
  h = await startHarness({
    subresources: {
      'pods/log': (req, res, ctx) => {
        seen.push({ hook: 'log', ctx, auth: req.headers.authorization });
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end(`log of ${ctx.namespace}/${ctx.name} container=${ctx.query.get('container') ?? ''}\n`);
      },
      'pods/proxy': (_req, res, ctx) => {
        seen.push({ hook: 'pods/proxy', ctx });
        res.writeHead(502, { 'Content-Type': 'text/plain' });
        res.end('no route');
      },
      'services/proxy': (_req, res, ctx) => {
        seen.push({ hook: 'services/proxy', ctx });
        res.end(`svc ${ctx.name} ${ctx.port ?? ''} ${ctx.subpath}`);
      },
      'pods/portforward': (req, socket, head, ctx) => {
        seen.push({ hook: 'portforward', ctx });
        if (ctx.protocol === 'spdy') {
          socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n');
          return;
        }
        wss.handleUpgrade(req, socket, head, (ws) => ws.send(`hello ${ctx.name} ${ctx.query.get('ports')}`));
      },
    },
  });
});
afterAll(async () => {
  wss.close();
  await h?.close();
});

describe('subresource hooks', () => {
  it('hands pods/log to the hook after auth and the existence check, without the Authorization header', async () => {
    const r = await call(h, 'GET', '/api/v1/namespaces/default/pods/httpbin-5c7d9f-abcde/log?container=httpbin&follow=true');
    expect(r.status).toBe(200);
    expect(r.text).toBe('log of default/httpbin-5c7d9f-abcde container=httpbin\n');
    expect(seen.at(-1)!.auth).toBeUndefined();
    const missing = await call(h, 'GET', '/api/v1/namespaces/default/pods/nope/log');
    expect(missing.status).toBe(404);
    expect(missing.json.message).toBe('pods "nope" not found');
    const forbidden = await call(h, 'GET', '/api/v1/namespaces/default/pods/httpbin-5c7d9f-abcde/log', { token: null });
    expect(forbidden.status).toBe(401);
  });

  it('splits scheme and port off proxy names and passes the raw subpath', async () => {
    const r = await call(h, 'GET', '/api/v1/namespaces/default/pods/https:httpbin-5c7d9f-abcde:8443/proxy/stats/a%20b?x=1');
    expect(r.status).toBe(502);
    expect(seen.at(-1)!.ctx).toMatchObject({ name: 'httpbin-5c7d9f-abcde', scheme: 'https', port: '8443', subpath: '/stats/a%20b' });
    const s = await call(h, 'GET', '/api/v1/namespaces/default/services/httpbin:http/proxy/');
    expect(s.text).toBe('svc httpbin http /');
  });

  it('routes WebSocket portforward upgrades to the hook with the pod and ports', async () => {
    const ws = new WebSocket(`wss://127.0.0.1:${new URL(h.url).port}/api/v1/namespaces/default/pods/httpbin-5c7d9f-abcde/portforward?ports=15000`, ['v4.channel.k8s.io'], {
      ca: h.caPem,
      headers: { Authorization: `Bearer ${h.token}` },
    });
    const msg = await new Promise<string>((resolve, reject) => {
      ws.on('message', (d) => resolve(String(d)));
      ws.on('error', reject);
    });
    expect(msg).toBe('hello httpbin-5c7d9f-abcde 15000');
    expect(seen.at(-1)!.ctx).toMatchObject({ namespace: 'default', protocol: 'websocket', user: { user: 'sandbox-admin' } });
    ws.close();
  });

  it('answers failed upgrades with a Status over the raw socket, and routes SPDY upgrades to the same hook', async () => {
    const port = Number(new URL(h.url).port);
    const raw = (headers: string) =>
      new Promise<string>((resolve, reject) => {
        const sock = connect({ host: '127.0.0.1', port, ca: h.caPem, servername: 'localhost' }, () => {
          sock.write(`POST /api/v1/namespaces/default/pods/httpbin-5c7d9f-abcde/portforward HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n${headers}\r\n`);
        });
        let data = '';
        sock.on('data', (d) => (data += String(d)));
        sock.on('end', () => resolve(data));
        sock.on('error', reject);
      });
    const unauth = await raw('');
    expect(unauth).toMatch(/^HTTP\/1\.1 401/);
    expect(unauth).toContain('"reason":"Unauthorized"');
    const spdy = await raw(`Authorization: Bearer ${h.token}\r\n`);
    expect(spdy).toMatch(/^HTTP\/1\.1 400/);
    expect(seen.at(-1)!.ctx).toMatchObject({ protocol: 'spdy' });
    const ro = await raw(`Authorization: Bearer ${h.readonlyToken}\r\n`);
    expect(ro).toMatch(/^HTTP\/1\.1 403/);
    expect(ro).toContain('cannot create resource \\"pods/portforward\\"');
  });
});
