import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FORMATS } from '../accesslog/format';
import { parseAccessLine } from '../accesslog/parse';
import { renderAccessLine } from '../accesslog/render';
import { prng } from '../accesslog/test-support';
import { authorityHost, RouteIndex, type NodeLike } from './attribute';
import { TrafficAggregator } from './aggregate';
import { bucketOf, newHistogram, quantile } from './histogram';
import { TrafficWindow } from './window';

const FIXTURES = join(import.meta.dirname, '../accesslog/fixtures');
const lines = (file: string) => readFileSync(join(FIXTURES, file), 'utf8').split('\n').filter(Boolean);

const WEB = 'web-service.default.svc.cluster.local';
/** The topology nodes lib/topology builds for the ingress-basics web-service VirtualService (route, VS). */
const nodes: NodeLike[] = [
  { id: 'virtualService:default/web-service', data: { kind: 'virtualService', virtualService: 'default/web-service', hosts: ['web.example.com'], gateways: [] } },
  { id: 'route:default/web-service:http[0]', data: { kind: 'route', virtualService: 'default/web-service', routeKind: 'http', index: 0, name: 'v1', label: 'v1', matches: [], destinations: [{ host: 'web-service', fqdn: WEB, port: 80, subset: 'v1', weight: 100 }] } },
  { id: 'route:default/web-service:http[1]', data: { kind: 'route', virtualService: 'default/web-service', routeKind: 'http', index: 1, name: 'v2', label: 'v2', matches: [], destinations: [{ host: 'web-service', fqdn: WEB, port: 80, subset: 'v2', weight: 100 }] } },
  {
    id: 'route:default/web-service:http[2]',
    data: {
      kind: 'route',
      virtualService: 'default/web-service',
      routeKind: 'http',
      index: 2,
      name: 'split',
      label: 'split',
      matches: [],
      destinations: [
        { host: WEB, fqdn: WEB, port: 80, subset: 'v1', weight: 80 },
        { host: WEB, fqdn: WEB, port: 80, subset: 'v2', weight: 20 },
      ],
    },
  },
  // istio.io's egress-gateway task: VirtualService direct-cnn-through-egress-gateway in default.
  { id: 'virtualService:default/forward-cnn-from-egress-gateway', data: { kind: 'virtualService', virtualService: 'default/forward-cnn-from-egress-gateway', hosts: ['edition.cnn.com'], gateways: [] } },
  { id: 'route:default/forward-cnn-from-egress-gateway:http[0]', data: { kind: 'route', virtualService: 'default/forward-cnn-from-egress-gateway', routeKind: 'http', index: 0, label: 'http[0]', matches: [], destinations: [{ host: 'edition.cnn.com', fqdn: 'edition.cnn.com', port: 80, weight: 100 }] } },
];

describe('histogram', () => {
  it('is exact below 16 ms and within a bucket above', () => {
    const h = newHistogram();
    for (let i = 1; i <= 100; i++) h[bucketOf(i)]!++;
    expect(quantile(h, 100, 0.05, 1, 100)).toBe(5);
    const p50 = quantile(h, 100, 0.5, 1, 100)!;
    expect(Math.abs(p50 - 50) / 50).toBeLessThan(0.08);
    expect(quantile(h, 100, 1, 1, 100)).toBeLessThanOrEqual(100);
    expect(quantile(newHistogram(), 0, 0.5, 0, 0)).toBeUndefined();
  });
});

describe('RouteIndex on real lines', () => {
  it('attributes istio.io egress-gateway lines by the <namespace>.<vs>.<index> route name and the upstream cluster', () => {
    const idx = new RouteIndex(nodes);
    const [http, tcp] = lines('istio-text-1.9plus.istio-io.gateway.samples.txt').map((l) => parseAccessLine(l));
    expect(http!.ok && tcp!.ok).toBe(true);
    if (!http!.ok) return;
    const a = idx.attribute({ pod: 'istio-system/istio-egressgateway-1', authority: http!.entry.authority, routeName: http!.entry.routeName, upstreamCluster: http!.entry.upstreamCluster });
    expect(a).toMatchObject({
      podId: 'gatewayPod:istio-system/istio-egressgateway-1',
      routeId: 'route:default/forward-cnn-from-egress-gateway:http[0]',
      vsId: 'virtualService:default/forward-cnn-from-egress-gateway',
      serviceId: 'service:edition.cnn.com',
    });
    expect(a.subsetId).toBeUndefined();
  });

  it('leaves a line of an unknown host unattributed (but keeps its Service from the cluster name)', () => {
    const idx = new RouteIndex(nodes);
    const r = parseAccessLine(lines('istio-text-1.9plus.istio-io.samples.txt')[0]!);
    if (!r.ok) throw new Error(r.reason);
    const a = idx.attribute({ pod: 'default/sleep', authority: r.entry.authority, routeName: r.entry.routeName, upstreamCluster: r.entry.upstreamCluster });
    expect(a.routeId).toBeUndefined();
    expect(a.serviceId).toBe('service:httpbin.foo.svc.cluster.local');
  });

  it('strips ports from authorities', () => {
    expect(authorityHost('web.example.com:8080')).toBe('web.example.com');
    expect(authorityHost('[::1]:80')).toBe('::1');
    expect(authorityHost('Web.Example.com')).toBe('web.example.com');
  });
});

describe('TrafficAggregator', () => {
  const t0 = Date.UTC(2026, 11, 5, 6, 0, 0);
  const gen = (n: number, seed: number, v1Share: number) => {
    const rnd = prng(seed);
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      const v1 = rnd() < v1Share;
      const err = rnd() < 0.05;
      out.push(
        renderAccessLine(
          {
            startTime: new Date(t0 + i * 50).toISOString(),
            method: 'GET',
            path: '/',
            protocol: 'HTTP/1.1',
            responseCode: err ? 503 : 200,
            responseFlags: err ? 'UF,URX' : undefined,
            responseCodeDetails: err ? 'upstream_reset_before_response_started{connection_failure}' : 'via_upstream',
            bytesReceived: 0,
            bytesSent: 612,
            duration: 1 + Math.floor(rnd() * 40),
            upstreamServiceTime: 1,
            userAgent: 'curl/8.7.1',
            requestId: `id-${i}`,
            authority: 'web.example.com',
            upstreamHost: v1 ? '127.1.0.7:80' : '127.1.0.8:80',
            upstreamCluster: `outbound|80|${v1 ? 'v1' : 'v2'}|${WEB}`,
            downstreamLocalAddress: '127.1.0.3:8080',
            downstreamRemoteAddress: '127.0.0.1:40000',
            routeName: 'split',
          },
          FORMATS.istioCurrent,
        ),
      );
    }
    return out;
  };

  it('observes the configured 80/20 split, with rates, error % and percentiles per node and edge', () => {
    const agg = new TrafficAggregator(nodes);
    for (const l of gen(1200, 7, 0.8)) {
      const r = parseAccessLine(l);
      if (!r.ok) throw new Error(r.reason);
      agg.addEntry('istio-system/gw-a', r.entry);
    }
    const now = t0 + 1200 * 50 - 1; // the last second of the samples
    const s = agg.snapshot(now, 60, { seriesStep: 10 });
    expect(s.total.n).toBe(1200);
    expect(s.covered).toBe(60);
    expect(s.total.rps).toBe(20);
    const split = s.routes.find((r) => r.routeId === 'route:default/web-service:http[2]')!;
    expect(split.n).toBe(1200);
    const [v1, v2] = split.destinations;
    expect(v1).toMatchObject({ id: `subset:${WEB}:v1`, configured: 80 });
    expect(v2).toMatchObject({ id: `subset:${WEB}:v2`, configured: 20 });
    expect(Math.abs(v1!.observed! - 80)).toBeLessThan(4);
    expect(v1!.observed! + v2!.observed!).toBeCloseTo(100, 0);
    expect(split.errorPct).toBeGreaterThan(2);
    expect(split.errorPct).toBeLessThan(9);
    expect(split.series!.points[0]!.reduce((a, b) => a + b, 0)).toBe(v1!.n);
    const pod = s.nodes['gatewayPod:istio-system/gw-a']!;
    expect(pod.n).toBe(1200);
    expect(pod.p50).toBeGreaterThan(10);
    expect(pod.p99).toBeLessThanOrEqual(40);
    expect(pod.flags?.['UF']).toBeGreaterThan(0);
    expect(s.edges[`service:${WEB}>subset:${WEB}:v2`]!.n).toBe(v2!.n);
    expect(s.edges['gatewayPod:istio-system/gw-a>route:default/web-service:http[2]']!.n).toBe(1200);
    expect(s.nodes[`subset:${WEB}:v1`]!.n).toBe(v1!.n);
    expect(s.unattributed).toBe(0);
  });

  it('slides: a 1-minute view forgets what the 5-minute view still counts', () => {
    const agg = new TrafficAggregator(nodes);
    for (const l of gen(1200, 8, 0.5)) {
      const r = parseAccessLine(l);
      if (r.ok) agg.addEntry('istio-system/gw-a', r.entry);
    }
    const later = t0 + 1200 * 50 - 1 + 120_000;
    expect(agg.snapshot(later, 60).total.n).toBe(0);
    expect(agg.snapshot(later, 300).total.n).toBe(1200);
    expect(agg.snapshot(later, 300).covered).toBe(180);
    expect(agg.snapshot(later, 300).total.rps).toBe(Math.round((1200 / 180) * 100) / 100);
  });

  it('counts no-route (NR) lines under their pod only', () => {
    const agg = new TrafficAggregator(nodes);
    const nr = `[2026-12-05T06:00:00.000Z] "GET /nope HTTP/1.1" 404 NR route_not_found - "-" 0 0 0 - "-" "curl/8.7.1" "x" "nope.example.org" "-" - - 127.1.0.3:8080 127.0.0.1:4000 - -`;
    const r = parseAccessLine(nr);
    if (!r.ok) throw new Error(r.reason);
    agg.addEntry('istio-system/gw-a', r.entry);
    const s = agg.snapshot(t0 + 1000, 60);
    expect(s.unattributed).toBe(1);
    expect(s.nodes['gatewayPod:istio-system/gw-a']).toMatchObject({ n: 1, clientErrorPct: 100, flags: { NR: 1 } });
  });

  it('window ignores samples older than its longest view', () => {
    const w = new TrafficWindow(10);
    w.add(['a'], { t: 100_000, status: 200 });
    w.add(['a'], { t: 50_000, status: 200 });
    expect(w.tooOld).toBe(1);
    expect(w.view(100_000, 10).stats.get('a')!.n).toBe(1);
  });
});
