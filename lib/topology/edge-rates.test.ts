import { describe, expect, it } from 'vitest';
import { TrafficAggregator } from '../traffic/aggregate';
import { buildTopology } from './build';
import { edgeFlowIndex, edgeRates, errorLevel } from './edge-rates';
import { edgeLogParams, edgeLogsHref } from './edge-logs';
import { ingressBasicsTexts } from './test-support/ingress-basics';
import { scenarioSnapshot } from './fixtures/scenario';
import { toTopologyView } from './view';

const texts = ingressBasicsTexts();
const view = toTopologyView(buildTopology(scenarioSnapshot(texts, { loadBalancerIP: '127.0.0.1' })));
const index = edgeFlowIndex(view);

const WEB = 'web-service.default.svc.cluster.local';
const POD0 = 'istio-system/istio-ingressgateway-0';
const POD1 = 'istio-system/istio-ingressgateway-1';
const SPLIT = 'route:default/web-service:http[2]';
const HTTPBIN = 'route:default/httpbin:http[0]';
const T0 = Date.parse('2026-12-05T06:00:00Z');
const edge = (source: string, target: string) => {
  const e = view.edges.find((x) => x.source === source && x.target.startsWith(target));
  if (!e) throw new Error(`no edge ${source} -> ${target}`);
  return e.id;
};
const splitTo = (subset: string) => `${SPLIT}->service:${WEB}|80|${subset}`;

/** 10 seconds of lines through the sandbox's gateway pods, counted by lib/traffic as the console does. */
function traffic(lines: Array<{ pod: string; n: number; authority: string; routeName?: string; cluster?: string; code?: number }>) {
  const agg = new TrafficAggregator(view.nodes);
  for (const l of lines) {
    for (let i = 0; i < l.n; i++) {
      const at = new Date(T0 + Math.floor((i * 10_000) / l.n)).toISOString();
      agg.addEntry(l.pod, { startTime: at, method: 'GET', protocol: 'HTTP/1.1', responseCode: l.code ?? 200, authority: l.authority, ...(l.routeName ? { routeName: l.routeName } : {}), ...(l.cluster ? { upstreamCluster: l.cluster } : {}), duration: 3 });
    }
  }
  return agg.snapshot(T0 + 9_999, 10);
}

describe('edgeRates', () => {
  const snap = traffic([
    { pod: POD0, n: 80, authority: 'web.example.com', routeName: 'split', cluster: `outbound|80|v1|${WEB}` },
    { pod: POD1, n: 20, authority: 'web.example.com', routeName: 'split', cluster: `outbound|80|v2|${WEB}` },
    { pod: POD0, n: 10, authority: 'web.example.com', routeName: 'v1', cluster: `outbound|80|v1|${WEB}` },
    { pod: POD0, n: 18, authority: 'httpbin.example.com', cluster: 'outbound|8000||httpbin.default.svc.cluster.local' },
    { pod: POD0, n: 2, authority: 'httpbin.example.com', cluster: 'outbound|8000||httpbin.default.svc.cluster.local', code: 503 },
    { pod: POD1, n: 5, authority: 'unknown.example.org', code: 404 },
  ]);
  const rates = edgeRates(index, snap);

  it('gives each destination of a split route its own rate (route → Service per subset)', () => {
    expect(rates[splitTo('v1')]).toMatchObject({ n: 80, rps: 8, errorPct: 0 });
    expect(rates[splitTo('v2')]).toMatchObject({ n: 20, rps: 2, errorPct: 0 });
    expect(rates[splitTo('v1')]?.estimated).toBeUndefined();
  });

  it('counts a Service → subset edge over every route that sends to the subset', () => {
    expect(rates[edge(`service:${WEB}`, `subset:${WEB}:v1`)]).toMatchObject({ n: 90, rps: 9 });
    expect(rates[edge(`service:${WEB}`, `subset:${WEB}:v2`)]).toMatchObject({ n: 20, rps: 2 });
  });

  it('gives VirtualService → route the route’s own lines, with its 5xx share', () => {
    expect(rates[edge('virtualService:default/web-service', SPLIT)]).toMatchObject({ n: 100, rps: 10 });
    expect(rates[edge('virtualService:default/httpbin', HTTPBIN)]).toMatchObject({ n: 20, errorPct: 10 });
    expect(rates[edge(HTTPBIN, 'service:httpbin')]).toMatchObject({ n: 20, errorPct: 10 });
  });

  it('shares a VirtualService bound to the HTTP and HTTPS servers evenly between them, marked estimated', () => {
    const http = rates[edge('gatewayServer:istio-system/default-gateway#0', 'virtualService:default/web-service')];
    const https = rates[edge('gatewayServer:istio-system/default-gateway#1', 'virtualService:default/web-service')];
    expect(http).toMatchObject({ n: 55, estimated: true });
    expect(https).toMatchObject({ n: 55, estimated: true });
    // httpbin's VirtualService is bound to one server only: exact.
    const hb = rates[edge('gatewayServer:default/httpbin-gateway#0', 'virtualService:default/httpbin')];
    expect(hb).toMatchObject({ n: 20, errorPct: 10 });
    expect(hb?.estimated).toBeUndefined();
    // No TCP line, nothing on the TCP server.
    expect(rates[edge(`gatewayPod:${POD0}`, 'gatewayServer:istio-system/default-gateway#2')]).toBeUndefined();
  });

  it('sums what flows through the gateway pods, and passes it up the entry hops', () => {
    const podToHttpbin = rates[edge(`gatewayPod:${POD0}`, 'gatewayServer:default/httpbin-gateway#0')];
    expect(podToHttpbin).toMatchObject({ n: 20, errorPct: 10 });
    const pod0http = rates[edge(`gatewayPod:${POD0}`, 'gatewayServer:istio-system/default-gateway#0')];
    expect(pod0http?.n).toBe(45);
    // Into pod 0 on 8080: the routed lines of both HTTP servers (45 + 20); 8443: the other 45.
    expect(rates[edge('nodePort:istio-system/istio-ingressgateway:30000', `gatewayPod:${POD0}`)]?.n).toBe(65);
    expect(rates[edge('nodePort:istio-system/istio-ingressgateway:30443', `gatewayPod:${POD0}`)]?.n).toBe(45);
    // Pod 1's five unrouted 404s are spread over its ports in proportion (10 on 8080, 10 on 8443).
    expect(rates[edge('nodePort:istio-system/istio-ingressgateway:30000', `gatewayPod:${POD1}`)]?.n).toBe(12.5);
    const lb80 = rates[edge('client', 'loadBalancer:istio-system/istio-ingressgateway:80')];
    expect(lb80?.n).toBe(77.5);
    expect(rates[edge('loadBalancer:istio-system/istio-ingressgateway:80', 'nodePort:')]?.n).toBe(77.5);
    // Everything that came in, came in somewhere.
    const entry = ['80', '443', '3306'].reduce((a, p) => a + (rates[edge('client', `loadBalancer:istio-system/istio-ingressgateway:${p}`)]?.n ?? 0), 0);
    expect(entry).toBeCloseTo(135, 5);
  });

  it('leaves out edges without traffic and the backend pod hops (not measured)', () => {
    expect(rates[edge('route:default/web-service:http[1]', 'service:')]).toBeUndefined();
    expect(Object.keys(rates).some((id) => id.includes('->pod:'))).toBe(false);
  });

  it('colours by the 5xx share: neutral below 1 %, amber 1–5 %, red above 5 %', () => {
    expect([0, 0.9, 1, 5, 5.1, 40].map(errorLevel)).toEqual(['ok', 'ok', 'warn', 'warn', 'fail', 'fail']);
  });
});

describe('edgeLogParams', () => {
  it('filters a split destination by route and subset, a subset edge by subset, a route edge by route', () => {
    expect(edgeLogParams(index, splitTo('v1'))).toEqual({ route: SPLIT, subset: `subset:${WEB}:v1` });
    expect(edgeLogParams(index, edge(HTTPBIN, 'service:httpbin'))).toEqual({ route: HTTPBIN, service: 'service:httpbin.default.svc.cluster.local' });
    expect(edgeLogParams(index, edge(`service:${WEB}`, `subset:${WEB}:v2`))).toEqual({ subset: `subset:${WEB}:v2` });
    expect(edgeLogParams(index, edge('virtualService:default/web-service', SPLIT))).toEqual({ route: SPLIT });
    expect(edgeLogParams(index, edge('gatewayServer:istio-system/default-gateway#0', 'virtualService:default/web-service'))).toEqual({ virtualService: 'default/web-service' });
  });

  it('filters gateway pod hops by pod, entry hops by the pods behind them', () => {
    expect(edgeLogParams(index, edge(`gatewayPod:${POD1}`, 'gatewayServer:default/httpbin-gateway#0'))).toEqual({ pod: POD1 });
    expect(edgeLogParams(index, edge('nodePort:istio-system/istio-ingressgateway:30000', `gatewayPod:${POD0}`))).toEqual({ pod: POD0 });
    expect(edgeLogParams(index, edge('client', 'loadBalancer:istio-system/istio-ingressgateway:80'))).toEqual({ pod: `${POD0},${POD1}` });
    expect(edgeLogParams(index, 'no-such-edge')).toBeUndefined();
  });

  it('builds the Logs page URL', () => {
    expect(edgeLogsHref(index, splitTo('v2'))).toBe(`/logs?route=${encodeURIComponent(SPLIT)}&subset=${encodeURIComponent(`subset:${WEB}:v2`)}`);
  });
});
