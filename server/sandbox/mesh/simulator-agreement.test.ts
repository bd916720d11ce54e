/**
 * The request simulator (lib/routing, evaluated on Istio's resources) and the sandbox data plane
 * (Envoy-shaped config compiled from the same resources, then routing real requests) check each
 * other: 1,000 generated requests — hosts, paths, methods, headers and ports spread over the
 * default scenario's VirtualServices — go through the gateway's LoadBalancer and NodePort
 * listeners (HTTP and HTTPS), and each one's outcome, read from the gateway's access log (route
 * name, upstream cluster, upstream host, response flags) and from the backend's own answer (the
 * counter names its pod, httpd its version), must be what the simulator predicted. Weighted
 * routes: the served subset is one of the predicted destinations, and over the run each share is
 * within ±5 points of its weight.
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORMATS } from '../../../lib/accesslog/format';
import { parseAccessLine } from '../../../lib/accesslog/parse';
import { meshSnapshot, type MeshSnapshot } from '../../../lib/istio/snapshot';
import type { KubeObject } from '../../../lib/kube/object';
import { simulateRequest, type SimRequest, type SimResult } from '../../../lib/routing/simulate';
import { DATA_PLANE_PORTS, findFreePortOffset, startSandbox, type RunningSandbox } from '../start';
import { createDataPlane } from './data-plane';
import { ClusterClient, until } from './test-support/cluster-client';
import { prng as seeded } from '../../../lib/accesslog/test-support';

const N = 1000;
const CONCURRENCY = 6;

const SEED = Number(process.env.GATESCOPE_CROSSCHECK_SEED ?? 20261205);

let sb: RunningSandbox;
let c: ClusterClient;
let off = 0;
let snapshot: MeshSnapshot;

const LISTS = [
  '/apis/networking.istio.io/v1/gateways',
  '/apis/networking.istio.io/v1/virtualservices',
  '/apis/networking.istio.io/v1/destinationrules',
  '/api/v1/services',
  '/api/v1/pods',
];
const KINDS = ['Gateway', 'VirtualService', 'DestinationRule', 'Service', 'Pod'];

async function readSnapshot(): Promise<MeshSnapshot> {
  const objects: KubeObject[] = [];
  for (const [i, path] of LISTS.entries()) {
    const list = await c.apiOk('GET', path);
    for (const o of list['items'] as KubeObject[]) if (!o.metadata.deletionTimestamp) objects.push({ ...o, kind: KINDS[i]! });
  }
  return meshSnapshot(objects);
}

beforeAll(async () => {
  off = await findFreePortOffset(DATA_PLANE_PORTS, { min: 10000, max: 20000 });
  sb = await startSandbox({ portOffset: off, traffic: 0, dataPlane: createDataPlane({ gateway: { random: seeded(SEED + 1) } }) });
  c = new ClusterClient(sb);
  await until(
    async () => {
      const s = await readSnapshot();
      const gw = s.pods.filter((p) => p.metadata.labels?.['istio'] === 'ingressgateway');
      const ready = (p: (typeof gw)[number]) => (p.status?.conditions ?? []).some((x) => x.type === 'Ready' && x.status === 'True');
      return gw.length === 2 && gw.every(ready) && s.pods.filter(ready).length === s.pods.length ? s : undefined;
    },
    'every pod ready',
    40_000,
  );
  await until(async () => (await c.http(30000 + off, '/v1', 'web.example.com', {}, true)).status === 200, 'the gateway to route /v1', 30_000);
  snapshot = await readSnapshot();
}, 90_000);

afterAll(async () => {
  c?.keepAlive.destroy();
  await sb?.close();
});

// ---- the generated requests ----

interface Generated {
  id: number;
  req: SimRequest;
  /** The listener on 127.0.0.1 (before the offset). */
  connectPort: number;
  tls: boolean;
  sim: SimResult;
}

interface Served {
  status: number;
  body: string;
  routeName?: string;
  upstreamCluster?: string;
  upstreamHost?: string;
  responseFlags?: string;
}

function generate(snap: MeshSnapshot, random: () => number): Generated[] {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  // Hosts: every VirtualService host of the scenario, '*' replaced by names only it catches.
  const vsHosts = [...new Set(snap.virtualServices.flatMap((v) => v.spec?.hosts ?? []))];
  const hosts = vsHosts.flatMap((h) => (h === '*' ? ['counter.example.com', 'shop.example.com', 'unknown.example.org'] : [h, h.toUpperCase()]));
  // Paths: every uri prefix/exact of the scenario's routes, around its edges.
  const prefixes = [...new Set(snap.virtualServices.flatMap((v) => (v.spec?.http ?? []).flatMap((r) => (r.match ?? []).map((m) => m.uri?.prefix ?? m.uri?.exact).filter((p): p is string => !!p))))];
  const paths = [
    ...prefixes.flatMap((p) => [p, `${p}0`, `${p}/x`, `${p}?q=1`, p.slice(0, -1) || '/']),
    '/',
    '/anything',
    '/index.html',
    '/status/200',
    '/delay/0',
    '/headers',
    '/v1/../v2',
    '/a/./v1',
  ];
  const methods = ['GET', 'GET', 'GET', 'HEAD', 'POST', 'DELETE'];
  const headerSets: Array<Record<string, string>> = [{}, {}, { 'x-canary': 'true' }, { 'x-user': 'jason' }, { accept: 'application/json', 'x-debug': '1' }];
  const out: Generated[] = [];
  for (let id = 0; id < N; id++) {
    // Half of the web.example.com traffic goes to paths only the split route takes, so its shares are measured on enough requests.
    const host = random() < 0.35 ? 'web.example.com' : pick(hosts);
    const path = host === 'web.example.com' && random() < 0.75 ? pick(['/', '/anything', '/index.html', '/x/v1']) : pick(paths);
    const tls = host.toLowerCase() === 'web.example.com' || host.toLowerCase() === 'httpbin.example.com' ? random() < 0.2 : random() < 0.05;
    const viaNodePort = random() < 0.5;
    const connectPort = tls ? (viaNodePort ? 30443 : 443) : viaNodePort ? 30000 : 80;
    const withPort = !tls && random() < 0.1;
    const req: SimRequest = {
      method: pick(methods),
      host: withPort ? `${host}:80` : host,
      port: connectPort,
      path,
      headers: { ...pick(headerSets), 'user-agent': `gatescope-crosscheck/${id}` },
      ...(tls ? { protocol: 'HTTPS' as const } : {}),
    };
    out.push({ id, req, connectPort, tls, sim: simulateRequest(snap, req) });
  }
  return out;
}

const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: CONCURRENCY });
const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: CONCURRENCY, rejectUnauthorized: false });

function send(g: Generated): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const host = g.req.host.replace(/:\d+$/, '').toLowerCase();
    const opts = {
      host: '127.0.0.1',
      port: g.connectPort + off,
      path: g.req.path,
      method: g.req.method,
      headers: { host: g.req.host, ...(g.req.headers as Record<string, string | string[]>) },
      ...(g.tls ? { servername: host, agent: httpsAgent, rejectUnauthorized: false } : { agent: httpAgent }),
    };
    const req = (g.tls ? httpsRequest : httpRequest)(opts, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`request ${g.id} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

async function sendAll(gs: readonly Generated[]): Promise<Map<number, { status: number; body: string }>> {
  const out = new Map<number, { status: number; body: string }>();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < gs.length) {
        const g = gs[next++]!;
        out.set(g.id, await send(g));
      }
    }),
  );
  return out;
}

/** Access-log entries of every gateway pod, by the request id carried in the user agent. */
async function accessEntries(): Promise<Map<number, Served & { status: number }>> {
  const out = new Map<number, Served & { status: number }>();
  for (const p of snapshot.pods.filter((x) => x.metadata.labels?.['istio'] === 'ingressgateway')) {
    const r = await c.api('GET', `/api/v1/namespaces/${p.metadata.namespace}/pods/${p.metadata.name}/log?container=istio-proxy`);
    for (const line of r.body.split('\n')) {
      if (!line.includes('gatescope-crosscheck/')) continue;
      const parsed = parseAccessLine(line, FORMATS.istioCurrent);
      if (!parsed.ok) continue;
      const e = parsed.entry;
      const id = Number(/gatescope-crosscheck\/(\d+)/.exec(e.userAgent ?? '')?.[1]);
      if (!Number.isInteger(id)) continue;
      out.set(id, { status: e.responseCode ?? 0, body: '', routeName: e.routeName, upstreamCluster: e.upstreamCluster, upstreamHost: e.upstreamHost, responseFlags: e.responseFlags });
    }
  }
  return out;
}

/** Why the served outcome contradicts the prediction, or undefined when they agree. */
function disagreement(g: Generated, served: Served): string | undefined {
  const s = g.sim;
  if (s.noMatch) {
    if (s.noMatch.envoyResponse === '404 NR') return served.status === 404 && served.responseFlags === 'NR' ? undefined : `predicted 404 NR (${s.noMatch.reason}), served ${served.status} ${served.responseFlags ?? ''} ${served.upstreamCluster ?? ''}`;
    return `predicted ${s.noMatch.envoyResponse}, served ${served.status}`;
  }
  if (s.redirect) return served.status === s.redirect.code ? undefined : `predicted redirect ${s.redirect.code}, served ${served.status}`;
  if (s.directResponse) return served.status === s.directResponse.status ? undefined : `predicted direct response ${s.directResponse.status}, served ${served.status}`;
  const name = s.routeRef?.name;
  if (name && served.routeName !== name) return `predicted route ${name}, the gateway logged route ${served.routeName ?? '-'}`;
  const dest = s.destinations.find((d) => d.cluster === served.upstreamCluster);
  if (!dest || dest.weight <= 0) return `predicted clusters ${s.destinations.map((d) => `${d.cluster} (${d.weight}%)`).join(', ')}, served by ${served.upstreamCluster ?? '-'} (${served.status} ${served.responseFlags ?? ''})`;
  const ip = served.upstreamHost?.replace(/:\d+$/, '');
  const pod = dest.pods.find((p) => p.ip === ip);
  if (!pod) return `cluster ${dest.cluster}: predicted pods ${dest.pods.map((p) => `${p.pod} ${p.ip}:${p.port}`).join(', ')}, served by ${served.upstreamHost ?? '-'}`;
  if (pod.port !== undefined && served.upstreamHost !== `${ip}:${pod.port}`) return `predicted ${pod.pod} port ${pod.port}, served by ${served.upstreamHost}`;
  // What the backend itself says: the counter names its pod, httpd its version.
  const counter = /"pod":"([^"]+)"/.exec(served.body)?.[1];
  if (counter && !pod.pod.endsWith(`/${counter}`)) return `predicted pod ${pod.pod}, the counter answered from ${counter}`;
  const version = /This is version (V\d+)!/.exec(served.body)?.[1];
  if (version && dest.subset && version.toLowerCase() !== dest.subset) return `predicted subset ${dest.subset}, httpd answered ${version}`;
  return undefined;
}

describe('the simulator agrees with the sandbox data plane', () => {
  it(`on ${N} generated requests over the default scenario's hosts, paths, headers and ports`, async () => {
    const gs = generate(snapshot, seeded(SEED));
    const answers = await sendAll(gs);
    expect(answers.size).toBe(N);
    const entries = await until(
      async () => {
        const e = await accessEntries();
        return e.size >= N ? e : undefined;
      },
      `${N} access-log lines`,
      20_000,
    );

    const problems: string[] = [];
    const shares = new Map<string, { weights: Map<string, number>; served: Map<string, number>; total: number }>();
    const coverage = new Set<string>();
    for (const g of gs) {
      const answer = answers.get(g.id)!;
      const served: Served = { ...entries.get(g.id)!, body: answer.body };
      expect(answer.status, `request ${g.id}: the client and the access log disagree`).toBe(served.status);
      const why = disagreement(g, served);
      if (why) problems.push(`#${g.id} ${g.req.method} ${g.tls ? 'https' : 'http'}://${g.req.host}${g.req.path} on ${g.connectPort}: ${why}`);
      coverage.add(g.sim.noMatch ? `no match` : `${g.sim.virtualService} ${g.sim.route}`);
      if (g.sim.destinations.filter((d) => d.weight > 0).length > 1) {
        const key = `${g.sim.virtualService} ${g.sim.route}`;
        const s = shares.get(key) ?? { weights: new Map(g.sim.destinations.map((d) => [d.cluster, d.weight])), served: new Map(), total: 0 };
        s.served.set(served.upstreamCluster ?? '-', (s.served.get(served.upstreamCluster ?? '-') ?? 0) + 1);
        s.total++;
        shares.set(key, s);
      }
    }
    expect(problems.slice(0, 20)).toEqual([]);
    // The run covered every route of the scenario and the no-match case.
    expect([...coverage].sort()).toEqual(
      expect.arrayContaining(['default/counter counter', 'default/httpbin http[0]', 'default/web-service split', 'default/web-service v1', 'default/web-service v2', 'no match']),
    );
    // Weighted routes: each share within ±5 points of its weight over the run.
    expect(shares.size).toBeGreaterThan(0);
    for (const [key, s] of shares) {
      expect(s.total, key).toBeGreaterThan(200);
      for (const [cluster, weight] of s.weights) {
        const share = ((s.served.get(cluster) ?? 0) * 100) / s.total;
        expect(Math.abs(share - weight), `${key}: ${cluster} served ${share.toFixed(1)}% for weight ${weight}`).toBeLessThanOrEqual(5);
      }
    }
  }, 120_000);
});


/**
 * A VirtualService that exercises what the default scenario does not: header, query, method,
 * authority, withoutHeaders and ignoreUriCase matches, exact and regex URIs, redirects, direct
 * responses, delegation-free multi-match routes and a 3-way split. Applied over the API, then
 * checked on generated requests like the default scenario.
 */
const MATCHES_VS = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'crosscheck-matches', namespace: 'default' },
  spec: {
    hosts: ['match.example.com'],
    gateways: ['istio-system/default-gateway'],
    http: [
      { name: 'canary', match: [{ headers: { 'x-canary': { exact: 'true' } }, uri: { prefix: '/app' } }], route: [{ destination: { host: 'web-service', subset: 'v2' } }] },
      { name: 'user-regex', match: [{ headers: { 'x-user': { regex: 'j.*n' } } }], route: [{ destination: { host: 'counter', port: { number: 80 } } }] },
      { name: 'query', match: [{ queryParams: { version: { exact: 'v2' } } }], rewrite: { uri: '/' }, route: [{ destination: { host: 'web-service', subset: 'v2' } }] },
      { name: 'post-only', match: [{ method: { exact: 'POST' }, uri: { prefix: '/form' } }], route: [{ destination: { host: 'httpbin', port: { number: 8000 } } }] },
      { name: 'exact', match: [{ uri: { exact: '/exact' } }], rewrite: { uri: '/' }, route: [{ destination: { host: 'web-service', subset: 'v1' } }] },
      { name: 'items', match: [{ uri: { regex: '/items/[0-9]+' } }], route: [{ destination: { host: 'counter', port: { number: 80 } } }] },
      { name: 'authority', match: [{ authority: { prefix: 'match.example.com:8' }, uri: { prefix: '/auth' } }], route: [{ destination: { host: 'counter', port: { number: 80 } } }] },
      { name: 'icase', match: [{ uri: { prefix: '/CaSe' }, ignoreUriCase: true }], route: [{ destination: { host: 'counter', port: { number: 80 } } }] },
      { name: 'nodebug', match: [{ uri: { prefix: '/dbg' }, withoutHeaders: { 'x-debug': { exact: 'on' } } }], route: [{ destination: { host: 'counter', port: { number: 80 } } }] },
      { name: 'moved', match: [{ uri: { prefix: '/old' } }], redirect: { uri: '/new', redirectCode: 302 } },
      { name: 'teapot', match: [{ uri: { prefix: '/teapot' } }], directResponse: { status: 418, body: { string: 'short and stout' } } },
      { name: 'multi', match: [{ uri: { prefix: '/status' } }, { headers: { 'x-route': { prefix: 'http' } } }], route: [{ destination: { host: 'httpbin', port: { number: 8000 } } }] },
      { name: 'three-way', match: [{ uri: { prefix: '/' } }], route: [
        { destination: { host: 'web-service', subset: 'v1' }, weight: 50 },
        { destination: { host: 'web-service', subset: 'v2' }, weight: 30 },
        { destination: { host: 'counter', port: { number: 80 } }, weight: 20 },
      ] },
    ],
  },
};

function generateMatches(snap: MeshSnapshot, random: () => number, n: number, firstId: number): Generated[] {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const paths = ['/', '/app', '/app/x', '/apple', '/exact', '/exact/', '/items/42', '/items/4x', '/items/42/x', '/case/x', '/CASE', '/cas', '/dbg', '/dbg/1', '/old', '/old/x', '/teapot', '/status/200', '/form', '/form/a', '/x?version=v2', '/x?version=v1&version=v2', '/x?version=v2&version=v1', '/x?version=V2', '/x?Version=v2', '/a/../exact', '/%69tems/1', '//app', '/app//x', '/Exact', '/exact?x=1', '/exact#frag', '/items/%34%32', '/%2e%2e/exact', '/a%2Fb', '/auth'];
  const headerSets: Array<Record<string, string | string[]>> = [
    {},
    { 'x-canary': 'true' },
    { 'x-canary': 'false' },
    { 'X-Canary': 'TRUE' },
    { 'x-canary': ['true', 'true'] },
    { 'x-user': 'jason' },
    { 'x-user': 'jan' },
    { 'x-user': 'ajason' },
    { 'x-user': ['jason', 'bob'] },
    { 'x-debug': 'on' },
    { 'x-debug': 'off' },
    { 'x-debug': '' },
    { 'x-route': 'https' },
    { 'x-route': 'ftp' },
  ];
  const out: Generated[] = [];
  for (let i = 0; i < n; i++) {
    const id = firstId + i;
    const connectPort = random() < 0.5 ? 30000 : 80;
    const req: SimRequest = {
      method: pick(['GET', 'GET', 'POST', 'HEAD']),
      host: pick(['match.example.com', 'match.example.com', 'match.example.com', 'MATCH.example.com', 'match.example.com:80', 'match.example.com:8080']),
      port: connectPort,
      path: pick(paths),
      headers: { ...pick(headerSets), ...(random() < 0.3 ? pick(headerSets) : {}), 'user-agent': `gatescope-crosscheck/${id}` },
    };
    out.push({ id, req, connectPort, tls: false, sim: simulateRequest(snap, req) });
  }
  return out;
}

describe('the simulator agrees with the sandbox data plane on match conditions the default scenario does not use', () => {
  it('on 400 generated requests to a VirtualService with header, query, method, regex, redirect and direct-response routes', async () => {
    const VS = '/apis/networking.istio.io/v1/namespaces/default/virtualservices';
    await c.apiOk('POST', VS, MATCHES_VS);
    try {
      await until(async () => (await c.http(30000 + off, '/teapot', 'match.example.com', {}, true)).status === 418, 'the new routes on both gateway pods', 30_000);
      await until(async () => (await c.http(80 + off, '/teapot', 'match.example.com', {}, true)).status === 418, 'the new routes through the LoadBalancer', 30_000);
      const snap = await readSnapshot();
      const gs = generateMatches(snap, seeded(SEED + 2), 400, 100_000);
      const answers = await sendAll(gs);
      const entries = await until(
        async () => {
          const e = await accessEntries();
          return gs.every((g) => e.has(g.id)) ? e : undefined;
        },
        'the access-log lines of the match requests',
        20_000,
      );
      const problems: string[] = [];
      const routes = new Set<string>();
      for (const g of gs) {
        const answer = answers.get(g.id)!;
        const served: Served = { ...entries.get(g.id)!, body: answer.body, status: answer.status };
        const why = disagreement(g, served);
        if (why) problems.push(`#${g.id} ${g.req.method} ${g.req.host}${g.req.path} ${JSON.stringify(g.req.headers)}: ${why}`);
        routes.add(g.sim.route ?? 'no match');
      }
      expect(problems.slice(0, 20)).toEqual([]);
      expect([...routes].sort()).toEqual(['authority', 'canary', 'exact', 'icase', 'items', 'moved', 'multi', 'nodebug', 'post-only', 'query', 'teapot', 'three-way', 'user-regex']);
    } finally {
      await c.api('DELETE', `${VS}/${MATCHES_VS.metadata.name}`);
    }
  }, 120_000);
});
