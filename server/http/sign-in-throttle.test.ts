/**
 * The front door throttles token sign-ins per peer address (server/auth/sign-in-limit.ts): after
 * ten refused sign-ins the eleventh is answered 429 with Retry-After before it reaches the sign-in
 * route (so before the API server), and other paths are unaffected. Real HTTP on loopback; the
 * route behind the door is a stand-in that refuses every token but one.
 */
import { createServer, type Server } from 'node:http';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterCache } from '../kube/cache';
import type { Runtime } from '../runtime';
import { createFrontDoor, type FrontDoor } from './front-door';

let server: Server;
let base = '';
let door: FrontDoor;
let reached = 0;

beforeAll(async () => {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'c', server: 'https://127.0.0.1:1', skipTLSVerify: true }],
    users: [{ name: 'u', token: 'x' }],
    contexts: [{ name: 'ctx', cluster: 'c', user: 'u' }],
    currentContext: 'ctx',
  });
  const runtime: Runtime = { mode: 'cluster', kubeConfig, context: 'ctx', server: 'https://127.0.0.1:1', startedAt: new Date(), services: {} };
  const cache = { list: () => [] } as unknown as ClusterCache;
  door = createFrontDoor(runtime, cache, { auth: { mode: 'token', sessionKey: 'k'.repeat(48) }, log: () => {} });
  server = createServer((req, res) =>
    door.handle(req, res, async (r, w) => {
      reached++;
      let body = '';
      for await (const chunk of r) body += chunk;
      const ok = body.includes('"right-token"');
      w.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' }).end(JSON.stringify(ok ? { user: 'u' } : { error: 'the Kubernetes API server did not accept this token' }));
    }),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(async () => {
  door.close();
  await new Promise<void>((r) => server.close(() => r()));
});

const signIn = (token: string) =>
  fetch(`${base}/api/auth/signin`, { method: 'POST', headers: { 'content-type': 'application/json', origin: base }, body: JSON.stringify({ token }) });

describe('sign-in throttling at the front door', () => {
  it('answers 429 with Retry-After after ten refused sign-ins from one address, without reaching the route', async () => {
    // A success first: it leaves nothing behind.
    expect((await signIn('right-token')).status).toBe(200);
    for (let i = 0; i < 10; i++) expect((await signIn(`wrong-token-${i}`)).status).toBe(401);
    const before = reached;
    const limited = await signIn('right-token');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(200);
    const body = (await limited.json()) as { error: string; reason: string };
    expect(body.reason).toBe('TooManyRequests');
    expect(body.error).toMatch(/too many refused sign-ins from your address: try again in \d+ s/);
    expect(reached).toBe(before);
    // Other routes are not throttled (the session route answers as before).
    expect((await fetch(`${base}/api/auth/session`)).status).not.toBe(429);
  });
});
