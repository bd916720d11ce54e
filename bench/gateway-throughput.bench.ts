/**
 * Gateway proxy throughput (`npx tsx bench/gateway-throughput.bench.ts`): requests per second
 * through one sandbox gateway pod (in-process, real sockets: client → proxy on its pod IP →
 * backend pod), with access logging off and then on (mesh config accessLogFile: /dev/stdout,
 * Istio's default TEXT format), keep-alive clients, 5 s per run (bounded in time and count).
 * Prints readable lines and one `{"figure":…,"value":…,"unit":…}` JSON line per figure.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { StoredObject } from '../server/sandbox/api/store';
import { addressBlock, startHarness, startHttpBackend } from '../server/sandbox/mesh/envoy/test-support/harness';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONCURRENCY = 16;
const MAX_REQUESTS = 500_000;

function figure(name: string, value: number, unit: string, extra: Record<string, unknown> = {}): void {
  const v = Math.round(value * 100) / 100;
  console.log(`${name}: ${v} ${unit}`);
  console.log(JSON.stringify({ figure: name, value: v, unit, ...extra }));
}

async function run(ip: string, label: string, seconds = SECONDS): Promise<{ rps: number; p50: number; p99: number; errors: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const lat: number[] = [];
  let errors = 0;
  let sent = 0;
  const end = performance.now() + seconds * 1000;
  const one = () =>
    new Promise<void>((resolve) => {
      const t0 = performance.now();
      const req = request({ host: ip, port: 8080, path: '/v1', headers: { host: 'web.example.com', 'user-agent': 'gatescope-bench' }, agent }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode !== 200) errors++;
          lat.push(performance.now() - t0);
          resolve();
        });
      });
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end();
    });
  const worker = async () => {
    while (performance.now() < end && sent < MAX_REQUESTS) {
      sent++;
      await one();
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const secs = (performance.now() - t0) / 1000;
  agent.destroy();
  lat.sort((a, b) => a - b);
  const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] ?? 0;
  console.log(`${label}: ${lat.length} requests in ${secs.toFixed(2)} s, ${errors} errors`);
  return { rps: lat.length / secs, p50: q(0.5), p99: q(0.99), errors };
}

const ip = addressBlock(Math.floor(Math.random() * 100));
const h = await startHarness(ip);
const backend = await startHttpBackend(ip(11), 80, 'V1');

function setAccessLog(on: boolean): void {
  const mesh = on ? 'accessLogFile: /dev/stdout\n' : 'accessLogFile: ""\n';
  const cur = h.store.get('core/configmaps', 'istio-system', 'istio');
  if (cur) {
    (cur as unknown as { data: { mesh: string } }).data = { mesh };
    h.store.update('core/configmaps', cur);
  } else {
    h.store.create('core/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio', namespace: 'istio-system' }, data: { mesh } } as unknown as StoredObject);
  }
  if (!h.push().ok) throw new Error('push rejected');
}

try {
  if (!h.push().ok) throw new Error('push rejected');
  await h.proxy.settled();
  await run(h.gatewayIP, 'warm-up', 2);
  // Alternate the two modes (half the time each, twice) so JIT warm-up and noise from other
  // processes on the machine do not favour one of them.
  const results: Record<'off' | 'on', Array<Awaited<ReturnType<typeof run>>>> = { off: [], on: [] };
  let lines = 0;
  for (const round of [1, 2]) {
    for (const mode of ['off', 'on'] as const) {
      setAccessLog(mode === 'on');
      const before = h.logs.length;
      results[mode].push(await run(h.gatewayIP, `access log ${mode} (${round}/2)`, SECONDS / 2));
      if (mode === 'on') lines += h.logs.length - before;
    }
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const off = { rps: mean(results.off.map((r) => r.rps)), p99: Math.max(...results.off.map((r) => r.p99)) };
  const on = { rps: mean(results.on.map((r) => r.rps)), p99: Math.max(...results.on.map((r) => r.p99)) };
  figure('gateway throughput, access log off', off.rps, 'req/s', { better: 'higher' });
  figure('gateway latency p99, access log off', off.p99, 'ms', { better: 'lower' });
  figure('gateway throughput, access log on', on.rps, 'req/s', { better: 'higher' });
  figure('gateway latency p99, access log on', on.p99, 'ms', { better: 'lower' });
  figure('access log lines per second', lines / SECONDS, 'lines/s', { better: 'higher' });
  figure('access log overhead', off.rps > 0 ? (1 - on.rps / off.rps) * 100 : 0, '%', { better: 'lower' });
} finally {
  await h.close();
  await backend.close();
}
