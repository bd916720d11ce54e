/**
 * Log pipeline speed (`npx tsx bench/logs.bench.ts`): what the console does with every gateway
 * log line — split the pods/log timestamp, parse (lib/logs recordFromLine → lib/accesslog),
 * attribute to route/Service/subset and count in the 1-second windows (lib/traffic), and, for the
 * "forward" figure, serialize the record for the WebSocket batch. Fixed workload: 300,000 seeded
 * ingress-gateway lines over the ingress-basics routes, three timed rounds after a warm-up, best
 * round by CPU time (the machine is shared). Bounded: fixed line count, three rounds, 60 s cap.
 */
import { performance } from 'node:perf_hooks';
import { FORMATS } from '../lib/accesslog/format';
import { renderAccessLine } from '../lib/accesslog/render';
import { prng } from '../lib/accesslog/test-support';
import { recordFromLine } from '../lib/logs/from-line';
import { TrafficAggregator } from '../lib/traffic/aggregate';
import type { NodeLike } from '../lib/traffic/attribute';

const LINES = Number(process.env.BENCH_LINES ?? 300_000);
const ROUNDS = 3;
const TIME_CAP_MS = 60_000;
const TARGET = 1_000_000;

const WEB = 'web-service.default.svc.cluster.local';
const route = (vs: string, i: number, name: string | undefined, dests: Array<[string, string | undefined, number]>): NodeLike => ({
  id: `route:default/${vs}:http[${i}]`,
  data: { kind: 'route', virtualService: `default/${vs}`, routeKind: 'http', index: i, ...(name ? { name } : {}), label: name ?? `http[${i}]`, destinations: dests.map(([fqdn, subset, weight]) => ({ host: fqdn, fqdn, port: 80, ...(subset ? { subset } : {}), weight })) },
});
const NODES: NodeLike[] = [
  { id: 'virtualService:default/web-service', data: { kind: 'virtualService', virtualService: 'default/web-service', hosts: ['web.example.com'] } },
  { id: 'virtualService:default/httpbin', data: { kind: 'virtualService', virtualService: 'default/httpbin', hosts: ['httpbin.example.com'] } },
  { id: 'virtualService:default/counter', data: { kind: 'virtualService', virtualService: 'default/counter', hosts: ['*'] } },
  route('web-service', 0, 'v1', [[WEB, 'v1', 100]]),
  route('web-service', 1, 'v2', [[WEB, 'v2', 100]]),
  route('web-service', 2, 'split', [
    [WEB, 'v1', 80],
    [WEB, 'v2', 20],
  ]),
  route('httpbin', 0, undefined, [['httpbin.default.svc.cluster.local', undefined, 100]]),
  route('counter', 0, undefined, [['counter.default.svc.cluster.local', undefined, 100]]),
];

const rnd = prng(20261205);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const PODS = ['istio-system/istio-ingressgateway-84dc8f4b4f-8hp7w', 'istio-system/istio-ingressgateway-84dc8f4b4f-p4bk8'];
const t0 = Date.UTC(2026, 11, 5, 6, 0, 0);

interface Line {
  pod: string;
  ts: string;
  text: string;
}

function line(i: number): Line {
  const at = t0 + Math.floor(i / 2); // 2,000 lines/s
  const kind = rnd();
  const [host, path, routeName, cluster] =
    kind < 0.5
      ? ['web.example.com', pick(['/', '/index.html', '/api/items?page=2']), 'split', `outbound|80|${rnd() < 0.8 ? 'v1' : 'v2'}|${WEB}`]
      : kind < 0.6
        ? ['web.example.com', '/v1', 'v1', `outbound|80|v1|${WEB}`]
        : kind < 0.8
          ? ['httpbin.example.com', pick(['/status/200', '/status/503', '/delay/0']), undefined, 'outbound|8000||httpbin.default.svc.cluster.local']
          : kind < 0.95
            ? ['counter.example.com', '/', undefined, 'outbound|80||counter.default.svc.cluster.local']
            : ['unknown.example.org', '/login', undefined, undefined];
  const nr = cluster === undefined;
  const code = nr ? 404 : path === '/status/503' ? 503 : 200;
  const text = renderAccessLine(
    {
      startTime: new Date(at).toISOString(),
      method: 'GET',
      path,
      protocol: 'HTTP/1.1',
      responseCode: code,
      responseFlags: nr ? 'NR' : undefined,
      responseCodeDetails: nr ? 'route_not_found' : 'via_upstream',
      bytesReceived: 0,
      bytesSent: nr ? 0 : 612,
      duration: nr ? 0 : 1 + Math.floor(rnd() * 60),
      upstreamServiceTime: nr ? undefined : 1,
      xForwardedFor: '127.0.0.1',
      userAgent: 'curl/8.7.1',
      requestId: `${i.toString(16).padStart(8, '0')}-8142-4707-aa2b-83ffdf9581f7`,
      authority: host,
      upstreamHost: nr ? undefined : '127.128.0.5:80',
      upstreamCluster: cluster,
      upstreamLocalAddress: nr ? undefined : '127.128.0.7:39545',
      downstreamLocalAddress: '127.128.0.7:8080',
      downstreamRemoteAddress: '127.0.0.1:35908',
      routeName,
    },
    FORMATS.istioCurrent,
  );
  const ts = new Date(at + 1).toISOString().replace('Z', '123456Z');
  return { pod: PODS[i % 2]!, ts, text };
}

const lines: Line[] = [];
for (let i = 0; i < LINES; i++) lines.push(line(i));
// Flat strings, as a follower holds them after splitting a decoded chunk.
for (const l of lines) l.text = `${l.text}\n`.slice(0, -1);

function round(forward: boolean): { cpuMs: number; ms: number; checksum: number } {
  const agg = new TrafficAggregator(NODES);
  let checksum = 0;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    const r = recordFromLine(i + 1, l.pod, 'istio-proxy', l.ts, l.text);
    if (r.entry) {
      const a = agg.addEntry(l.pod, r.entry, 0);
      if (a?.routeId) r.routeId = a.routeId;
      if (a?.subsetId) r.subsetId = a.subsetId;
    }
    if (forward) checksum += JSON.stringify(r).length;
    else checksum += r.kind.length;
  }
  const ms = performance.now() - start;
  const cpu = process.cpuUsage(cpu0);
  const snap = agg.snapshot(t0 + LINES / 2, 900);
  if (snap.total.n !== LINES - 0 || snap.routes[0]!.n === 0) throw new Error(`aggregation lost lines: ${snap.total.n} of ${LINES}`);
  return { cpuMs: (cpu.user + cpu.system) / 1000, ms, checksum };
}

round(false); // warm-up
round(true);
const capAt = performance.now() + TIME_CAP_MS;
const best = { agg: Infinity, fwd: Infinity };
for (let r = 0; r < ROUNDS && performance.now() < capAt; r++) {
  best.agg = Math.min(best.agg, round(false).cpuMs);
  best.fwd = Math.min(best.fwd, round(true).cpuMs);
}
const perSec = (ms: number) => Math.round((LINES / ms) * 1000);
console.log(`${LINES.toLocaleString('en-US')} lines: parse + attribute + aggregate ${perSec(best.agg).toLocaleString('en-US')} lines/CPU-s; + serialize for the socket ${perSec(best.fwd).toLocaleString('en-US')} lines/CPU-s`);
console.log(JSON.stringify({ figure: 'log pipeline: parse + aggregate (lines per CPU-second)', value: perSec(best.agg), unit: 'lines/s', target: TARGET, better: 'higher' }));
console.log(JSON.stringify({ figure: 'log pipeline: parse + aggregate + serialize (lines per CPU-second)', value: perSec(best.fwd), unit: 'lines/s', target: TARGET, better: 'higher' }));
