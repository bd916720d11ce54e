/**
 * The per-line fast paths (RouteIndex.attributeLine's recent-combination cache,
 * TrafficWindow.addLine's per-second cell groups) give exactly what the plain paths give.
 */
import { describe, expect, it } from 'vitest';
import { prng } from '../accesslog/test-support';
import { RouteIndex, type NodeLike } from './attribute';
import { TrafficWindow } from './window';

const WEB = 'web-service.default.svc.cluster.local';
const nodes: NodeLike[] = [
  { id: 'virtualService:default/web-service', data: { kind: 'virtualService', virtualService: 'default/web-service', hosts: ['web.example.com', '*.shop.example.com'] } },
  { id: 'route:default/web-service:http[0]', data: { kind: 'route', virtualService: 'default/web-service', routeKind: 'http', index: 0, name: 'v1', label: 'v1', destinations: [{ host: WEB, fqdn: WEB, port: 80, subset: 'v1', weight: 100 }] } },
  {
    id: 'route:default/web-service:http[1]',
    data: {
      kind: 'route',
      virtualService: 'default/web-service',
      routeKind: 'http',
      index: 1,
      name: 'split',
      label: 'split',
      destinations: [
        { host: WEB, fqdn: WEB, port: 80, subset: 'v1', weight: 80 },
        { host: WEB, fqdn: WEB, port: 80, subset: 'v2', weight: 20 },
      ],
    },
  },
];

/** A fresh copy of a string (as the parser slices one from every line). */
const fresh = (s: string | undefined) => (s === undefined ? undefined : `${s} `.slice(0, -1));

describe('RouteIndex.attributeLine', () => {
  it('agrees with a fresh index for many combinations (more than the cache has slots, so they collide)', () => {
    const cached = new RouteIndex(nodes);
    const rnd = prng(7);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
    const clusters = [`outbound|80|v1|${WEB}`, `outbound|80|v2|${WEB}`, `outbound|80|v3|${WEB}`, 'outbound|8000||httpbin.default.svc.cluster.local', undefined];
    const routes = ['v1', 'split', 'other', undefined];
    const hosts = Array.from({ length: 40 }, (_, i) => (i % 3 ? `a${i}.shop.example.com` : i % 2 ? 'web.example.com' : `web.example.com:${8000 + i}`));
    const pods = Array.from({ length: 12 }, (_, i) => `istio-system/istio-ingressgateway-${i}`);
    for (let i = 0; i < 3_000; i++) {
      const f = { pod: pick(pods), authority: fresh(pick(hosts)), routeName: fresh(pick(routes)), upstreamCluster: fresh(pick(clusters)) };
      const got = cached.attributeLine(f.pod, f.authority, f.routeName, f.upstreamCluster);
      expect(got).toEqual(new RouteIndex(nodes).attribute(f));
    }
  });

  it('returns the same object for the same line facts (so per-attribution caches hit)', () => {
    const idx = new RouteIndex(nodes);
    const a = idx.attributeLine('istio-system/gw', fresh('web.example.com'), fresh('split'), fresh(`outbound|80|v2|${WEB}`));
    const b = idx.attributeLine('istio-system/gw', fresh('web.example.com'), fresh('split'), fresh(`outbound|80|v2|${WEB}`));
    expect(b).toBe(a);
    expect(a.routeId).toBe('route:default/web-service:http[1]');
  });
});

describe('TrafficWindow.addLine', () => {
  it('counts exactly as add', () => {
    const rnd = prng(11);
    const a = new TrafficWindow(30);
    const b = new TrafficWindow(30);
    const keySets = [['*', 'p1', 'r1'], ['*', 'p2'], ['*', 'p1', 'r2', 'p1>r2']];
    const t0 = Date.UTC(2026, 11, 5, 6, 0, 0);
    for (let i = 0; i < 5_000; i++) {
      const keys = keySets[i % 3]!;
      const t = t0 + Math.floor(i * 9 + rnd() * 50);
      const status = [200, 200, 404, 503, 0][Math.floor(rnd() * 5)]!;
      const durationMs = rnd() < 0.1 ? undefined : Math.floor(rnd() * 3000);
      const flags = status === 503 ? ['UH'] : status === 0 ? ['DC', 'UF'] : undefined;
      const http = rnd() < 0.9;
      a.add([...keys], { t, status, durationMs, flags, http });
      b.addLine(keys, t, status, durationMs, flags, http);
    }
    const end = t0 + 5_000 * 9 + 100;
    expect(b.view(end, 30).stats).toEqual(a.view(end, 30).stats);
    expect(b.series(end, 30, 5, ['*', 'p1', 'r2'])).toEqual(a.series(end, 30, 5, ['*', 'p1', 'r2']));
    expect(b.tooOld).toBe(a.tooOld);
  });
});
