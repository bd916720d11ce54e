/**
 * The `troubleshooting` scenario's data plane behaves as each planted mistake's file says: the
 * gateways are up and route the healthy hosts, and only the broken paths fail, each the way
 * Envoy fails (a missing credentialName Secret: the TLS handshake for that host fails while other
 * HTTPS hosts on the same port work; a subset without pods: 503 UH; a port the Service lacks: 503 NC).
 */
import { request as httpsRequest } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredObject } from '../api/store';
import { DATA_PLANE_PORTS, findFreePortOffset, startSandbox, type RunningSandbox } from '../start';
import { ClusterClient, until } from './test-support/cluster-client';

let sb: RunningSandbox;
let c: ClusterClient;
let off = 0;
const port = (p: number) => p + off;

const isReady = (p: StoredObject) => ((p['status'] as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions ?? []).some((x) => x.type === 'Ready' && x.status === 'True');

beforeAll(async () => {
  off = await findFreePortOffset(DATA_PLANE_PORTS, { min: 10000, max: 20000 });
  sb = await startSandbox({ scenario: 'troubleshooting', portOffset: off, traffic: 0 });
  c = new ClusterClient(sb);
  await until(
    async () => {
      const list = await c.apiOk('GET', '/api/v1/namespaces/istio-system/pods?labelSelector=app%3Distio-ingressgateway');
      const pods = (list['items'] as StoredObject[]).filter((p) => !p.metadata.deletionTimestamp);
      return pods.length === 2 && pods.every(isReady);
    },
    'two ready gateway pods despite the missing Secret',
    30_000,
  );
}, 60_000);

afterAll(async () => {
  c?.keepAlive.destroy();
  await sb?.close();
});

function https(servername: string, ca: string): Promise<{ status: number } | { error: string }> {
  return new Promise((resolve) => {
    const req = httpsRequest({ host: '127.0.0.1', port: port(30443), path: '/v1', servername, headers: { host: servername }, ca, rejectUnauthorized: false, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
    });
    req.setTimeout(5_000, () => req.destroy(new Error('timeout')));
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    req.end();
  });
}

describe('the troubleshooting scenario on the data plane', () => {
  it('a missing credentialName Secret fails only its own TLS handshake; web.example.com on 443 still answers', async () => {
    const secret = await c.apiOk('GET', '/api/v1/namespaces/istio-system/secrets/istio-ingressgateway-certs');
    const ca = Buffer.from((secret['data'] as Record<string, string>)['tls.crt']!, 'base64').toString('utf8');
    await until(async () => {
      const r = await https('web.example.com', ca);
      return 'status' in r && r.status === 200;
    }, 'HTTPS web.example.com');
    const broken = await https('secure.example.com', ca);
    expect(broken).toHaveProperty('error');
  });

  it('plain HTTP keeps routing the healthy hosts, and the broken routes fail as Envoy does', async () => {
    await until(async () => (await c.http(port(30000), '/v1', 'web.example.com')).status === 200, 'web.example.com /v1');
    expect((await c.http(port(30000), '/status/418', 'httpbin.example.com')).status).toBe(418);
    const admin = await c.http(port(30000), '/get', 'admin.example.com');
    expect(admin.status).toBe(503);
    const catalog = await Promise.all(Array.from({ length: 20 }, () => c.http(port(30000), '/', 'catalog.example.com')));
    expect(catalog.some((r) => r.status === 503)).toBe(true);
    expect(catalog.some((r) => r.status === 200)).toBe(true);
  });
});
