/**
 * Access-log parsing speed (`npx tsx bench/accesslog.bench.ts`): 1,000,000 realistic
 * ingress-gateway lines in Istio's default TEXT format, generated in memory (seeded, written by
 * lib/accesslog's own renderer), parsed by `parseAccessLine` (auto-detection, as the console calls
 * it) and by a straightforward single-regex parser building the same entries. Five interleaved
 * timed rounds after a warm-up. The machine is shared, so the per-core figure is lines per
 * CPU-second of the least disturbed round (best of five); the median round and wall-clock rates
 * are printed too. Bounded: fixed line count, five rounds, and a 60 s time cap on the rounds.
 */
import { performance } from 'node:perf_hooks';
import { FORMATS, type AccessLogEntry } from '../lib/accesslog/format';
import { parseAccessLine } from '../lib/accesslog/parse';
import { renderAccessLine } from '../lib/accesslog/render';
import { prng } from '../lib/accesslog/test-support';

const LINES = Number(process.env.BENCH_LINES ?? 1_000_000);
const ROUNDS = 5;
const TIME_CAP_MS = 60_000;
const TARGET = 1_000_000;

// ---------------------------------------------------------------------------------------------
// Realistic ingress-gateway traffic

const rnd = prng(20260822);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
const hex = (n: number) => {
  let s = '';
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[Math.floor(rnd() * 16)];
  return s;
};
const ip = (a: string) => `${a}.${int(0, 255)}.${int(1, 254)}`;

const USER_AGENTS = [
  'curl/8.5.0',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  'Go-http-client/1.1',
  'python-requests/2.31.0',
  'kube-probe/1.30',
  'gatescope-traffic/0.1',
];
const ROUTES = [
  { host: 'web.example.com', paths: ['/v1', '/v2', '/', '/v1/index.html', '/v2/api/items?page=2&size=50'], cluster: () => `outbound|80|${pick(['v1', 'v2'])}|web-service.default.svc.cluster.local`, route: () => pick(['v1', 'v2', 'split']), port: 80 },
  { host: 'httpbin.example.com', paths: ['/status/200', '/status/418', '/delay/1', '/headers', '/get?show_env=1'], cluster: () => 'outbound|8000||httpbin.default.svc.cluster.local', route: () => 'httpbin.default.0', port: 8000 },
  { host: 'counter.example.com', paths: ['/', '/count', '/healthz'], cluster: () => 'outbound|80||counter.default.svc.cluster.local', route: () => 'counter.default.0', port: 80 },
] as const;

function realisticEntry(i: number): AccessLogEntry {
  const startTime = new Date(Date.UTC(2026, 7, 22, 10, 0, 0) + i * 3).toISOString();
  const clientIp = ip('203.0');
  const gatewayIp = '10.244.0.17';
  if (rnd() < 0.02) {
    // TCP (mysql on 3306) through the gateway.
    return {
      raw: '',
      startTime,
      responseCode: 0,
      bytesReceived: int(100, 5000),
      bytesSent: int(100, 2_000_000),
      duration: int(1, 60_000),
      upstreamHost: `${ip('10.244')}:3306`,
      upstreamCluster: 'outbound|3306||mysql.default.svc.cluster.local',
      upstreamLocalAddress: `${gatewayIp}:${int(30000, 60000)}`,
      downstreamLocalAddress: `${gatewayIp}:3306`,
      downstreamRemoteAddress: `${clientIp}:${int(1024, 65535)}`,
    };
  }
  const r = pick(ROUTES);
  const roll = rnd();
  let responseCode = pick([200, 200, 200, 200, 200, 201, 204, 301, 304, 400, 401, 403, 418]);
  let responseFlags: string | undefined;
  let details = 'via_upstream';
  let upstream = true;
  if (roll < 0.03) [responseCode, responseFlags, details, upstream] = [404, 'NR', 'route_not_found', false];
  else if (roll < 0.045) [responseCode, responseFlags, details, upstream] = [503, 'UH', 'no_healthy_upstream', false];
  else if (roll < 0.055) [responseCode, responseFlags, details] = [503, 'UF,URX', 'upstream_reset_before_response_started{connection_failure}'];
  else if (roll < 0.06) [responseCode, responseFlags, details] = [504, 'UT', 'upstream_response_timeout'];
  else if (roll < 0.065) [responseCode, responseFlags, details] = [0, 'DC', 'downstream_remote_disconnect'];
  const https = rnd() < 0.4;
  const entry: AccessLogEntry = {
    raw: '',
    startTime,
    method: pick(['GET', 'GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS']),
    path: pick(r.paths),
    protocol: pick(['HTTP/1.1', 'HTTP/1.1', 'HTTP/2']),
    responseCode,
    responseFlags,
    responseCodeDetails: details,
    bytesReceived: rnd() < 0.8 ? 0 : int(10, 20_000),
    bytesSent: int(0, 200_000),
    duration: int(0, 900),
    xForwardedFor: rnd() < 0.5 ? clientIp : `${clientIp}, ${ip('10.1')}`,
    userAgent: pick(USER_AGENTS),
    requestId: `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`,
    authority: rnd() < 0.9 ? r.host : `${r.host}:${https ? 443 : 80}`,
    downstreamLocalAddress: `${gatewayIp}:${https ? 8443 : 8080}`,
    downstreamRemoteAddress: `${clientIp}:${int(1024, 65535)}`,
    requestedServerName: https ? r.host : undefined,
  };
  if (upstream) {
    entry.upstreamServiceTime = Math.max(0, (entry.duration ?? 0) - int(0, 3));
    entry.upstreamHost = `${ip('10.244')}:${r.port}`;
    entry.upstreamCluster = r.cluster();
    entry.upstreamLocalAddress = `${gatewayIp}:${int(30000, 60000)}`;
    entry.routeName = r.route();
  }
  return entry;
}

// ---------------------------------------------------------------------------------------------
// Baseline: one regular expression for the whole line, then the same entry object.

const LINE_RE =
  /^\[([^\]]*)\] "(\S+) (.*?) (\S+)" (\S+) (\S+) (\S+) (\S+) "(.*?)" (\S+) (\S+) (\S+) (\S+) "(.*?)" "(.*?)" "(.*?)" "(.*?)" "(.*?)" (\S+) (\S+) (\S+) (\S+) (\S+) (.*)$/;
const s = (v: string | undefined) => (v === '-' ? undefined : v);
const n = (v: string | undefined) => (v === '-' || v === undefined ? undefined : Number(v));

function regexParse(line: string): AccessLogEntry | undefined {
  const m = LINE_RE.exec(line);
  if (!m) return undefined;
  return {
    raw: line,
    format: 'istio-current',
    logTimestamp: undefined,
    startTime: s(m[1]),
    method: s(m[2]),
    path: s(m[3]),
    protocol: s(m[4]),
    responseCode: n(m[5]),
    responseFlags: s(m[6]),
    responseCodeDetails: s(m[7]),
    connectionTerminationDetails: s(m[8]),
    upstreamTransportFailureReason: s(m[9]),
    bytesReceived: n(m[10]),
    bytesSent: n(m[11]),
    duration: n(m[12]),
    upstreamServiceTime: n(m[13]),
    xForwardedFor: s(m[14]),
    userAgent: s(m[15]),
    requestId: s(m[16]),
    authority: s(m[17]),
    upstreamHost: s(m[18]),
    upstreamCluster: s(m[19]),
    upstreamLocalAddress: s(m[20]),
    downstreamLocalAddress: s(m[21]),
    downstreamRemoteAddress: s(m[22]),
    requestedServerName: s(m[23]),
    routeName: s(m[24]),
    mixerStatus: undefined,
    extra: undefined,
    warnings: undefined,
  };
}

function ours(line: string): AccessLogEntry | undefined {
  const r = parseAccessLine(line);
  return r.ok ? r.entry : undefined;
}

// ---------------------------------------------------------------------------------------------

// Lines as a log follower holds them: a decoded chunk of the container log split on '\n'
// (flat strings), not the rope strings the renderer's concatenation leaves behind.
const t0 = performance.now();
const lines: string[] = [];
let bytes = 0;
const CHUNK = 10_000;
for (let i = 0; i < LINES; i += CHUNK) {
  const batch: string[] = [];
  for (let j = i; j < Math.min(LINES, i + CHUNK); j++) batch.push(renderAccessLine(realisticEntry(j), FORMATS.istioCurrent));
  const chunk = batch.join('\n');
  bytes += chunk.length + 1;
  for (const line of chunk.split('\n')) lines.push(line);
}
console.log(`generated ${LINES.toLocaleString('en-US')} lines (${(bytes / 1e6).toFixed(0)} MB, avg ${(bytes / LINES).toFixed(0)} B/line) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

// Both parsers must agree before they are timed.
for (let i = 0; i < Math.min(LINES, 20_000); i++) {
  const a = ours(lines[i]!);
  const b = regexParse(lines[i]!);
  if (!a || !b || JSON.stringify(a) !== JSON.stringify(b)) {
    console.error(`parsers disagree on line ${i}: ${lines[i]}\n ours:  ${JSON.stringify(a)}\n regex: ${JSON.stringify(b)}`);
    process.exit(1);
  }
}

/**
 * Wall time and CPU time of one pass. The machine is shared, so lines per CPU-second is the
 * per-core figure; CPU time also counts V8's GC helper threads, which makes it conservative.
 */
function time(parse: (line: string) => AccessLogEntry | undefined): { ms: number; cpuMs: number; ok: number; checksum: number } {
  let ok = 0;
  let checksum = 0;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < LINES; i++) {
    const e = parse(lines[i]!);
    if (e) {
      ok++;
      checksum += e.bytesSent ?? 0;
    }
  }
  const ms = performance.now() - start;
  const cpu = process.cpuUsage(cpu0);
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000, ok, checksum };
}

// Warm-up (JIT) on a slice, then interleaved rounds.
const warm = Math.min(LINES, 200_000);
for (let i = 0; i < warm; i++) {
  ours(lines[i]!);
  regexParse(lines[i]!);
}

const oursMs: number[] = [];
const regexMs: number[] = [];
const oursCpu: number[] = [];
const regexCpu: number[] = [];
const capAt = performance.now() + TIME_CAP_MS;
for (let r = 0; r < ROUNDS && performance.now() < capAt; r++) {
  const a = time(ours);
  const b = time(regexParse);
  if (a.ok !== LINES || b.ok !== LINES || a.checksum !== b.checksum) {
    console.error(`round ${r}: ours parsed ${a.ok}, regex ${b.ok} of ${LINES} (checksums ${a.checksum} / ${b.checksum})`);
    process.exit(1);
  }
  oursMs.push(a.ms);
  regexMs.push(b.ms);
  oursCpu.push(a.cpuMs);
  regexCpu.push(b.cpuMs);
  console.log(
    `round ${r + 1}: ours ${a.ms.toFixed(0)} ms wall / ${a.cpuMs.toFixed(0)} ms CPU, regex ${b.ms.toFixed(0)} ms wall / ${b.cpuMs.toFixed(0)} ms CPU`,
  );
}

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
const rate = (ms: number) => LINES / (ms / 1000);
const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
// Per core: lines per CPU-second in the best round; the median round and wall clock alongside.
const oursRate = rate(Math.min(...oursCpu));
const regexRate = rate(Math.min(...regexCpu));
const ratio = oursRate / regexRate;
const medianRatio = rate(median(oursCpu)) / rate(median(regexCpu));

console.log(`parseAccessLine:     ${fmt(oursRate)} lines/CPU-s best round; median ${fmt(rate(median(oursCpu)))} lines/CPU-s; wall median ${fmt(rate(median(oursMs)))} lines/s`);
console.log(`single-regex parser: ${fmt(regexRate)} lines/CPU-s best round; median ${fmt(rate(median(regexCpu)))} lines/CPU-s; wall median ${fmt(rate(median(regexMs)))} lines/s`);
console.log(`ratio (ours / regex): ${ratio.toFixed(2)}× best rounds, ${medianRatio.toFixed(2)}× median rounds`);
console.log(`target ${fmt(TARGET)} lines/s/core: ${oursRate >= TARGET ? 'met' : 'NOT met'}`);
console.log(JSON.stringify({ figure: 'accesslog.parse.linesPerSecond', value: Math.round(oursRate), target: TARGET, unit: 'lines/s/core', better: 'higher' }));
console.log(JSON.stringify({ figure: 'accesslog.parse.regexBaselineLinesPerSecond', value: Math.round(regexRate), unit: 'lines/s/core', better: 'higher' }));
console.log(JSON.stringify({ figure: 'accesslog.parse.speedupVsRegex', value: Math.round(ratio * 100) / 100, unit: '×', better: 'higher' }));
