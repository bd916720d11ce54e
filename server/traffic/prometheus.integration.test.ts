/**
 * Traffic history against Debian's real Prometheus (`apt-get install prometheus`): one sandbox,
 * Prometheus scraping its gateway pods' `:15090/stats/prometheus` every second (a static config of
 * the pods' addresses, as the pod annotations `prometheus.io/port: 15090` would give on a
 * cluster), bounded traffic to web.example.com (80/20 v1/v2), then TrafficHistoryService and the
 * route handler read the observed split, the rate and the latency from Prometheus's HTTP API.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePortOffset, startSandbox, type RunningSandbox } from '../sandbox/start';
import { until } from '../sandbox/test-support/kubectl';
import { ClusterCache } from '../kube/cache';
import { setRuntime, type Runtime } from '../runtime';
import { PrometheusClient, PrometheusError } from './prometheus';
import { TrafficHistoryService } from './history';
import * as historyRoute from '../../app/api/traffic/history/route';
import type { TrafficHistory } from '../../lib/traffic/history';

function prometheusBinary(): string | undefined {
  if (process.env['PROMETHEUS']) return process.env['PROMETHEUS'];
  if (existsSync('/usr/bin/prometheus')) return '/usr/bin/prometheus';
  try {
    return execFileSync('sh', ['-c', 'command -v prometheus'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}
const PROMETHEUS = prometheusBinary();
if (!PROMETHEUS) console.warn('prometheus.integration.test.ts: skipped, no prometheus binary (apt-get install prometheus, or set PROMETHEUS=/path)');

const WEB = 'web-service.default.svc.cluster.local';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen({ port: 0, host: '127.0.0.1' }, () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function get(port: number, path: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers: { host }, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

describe.skipIf(!PROMETHEUS)('traffic history from a real Prometheus scraping the sandbox gateways', () => {
  let sb: RunningSandbox;
  let cache: ClusterCache;
  let prom: ChildProcess | undefined;
  let promLog = '';
  let dir: string;
  let promUrl: string;
  let history: TrafficHistoryService;
  let client: PrometheusClient;
  let sent = 0;
  let ok = 0;

  /** `n` requests to web.example.com, `parallel` at a time; counts the answered ones. */
  const send = async (n: number, parallel = 8) => {
    let next = 0;
    const lb = 80 + sb.portOffset;
    await Promise.all(
      Array.from({ length: parallel }, async () => {
        while (next < n) {
          next++;
          sent++;
          const status = await get(lb, `/?probe=${sent}`, 'web.example.com').catch(() => 0);
          if (status === 200) ok++;
        }
      }),
    );
  };
  const instant = async (q: string) => (await client.query(q)).series.map((s) => ({ metric: s.metric, value: s.points[0]?.[1] ?? NaN }));

  beforeAll(async () => {
    sb = await startSandbox({ apiPort: 0, traffic: 0, portOffset: await findFreePortOffset() });
    const kc = new KubeConfig();
    kc.loadFromFile(sb.kubeconfigPath);
    cache = new ClusterCache(kc, { coalesceMs: 10 });
    cache.start();
    await cache.waitForSync();
    // The gateway pods' Prometheus port: podIP:15090, as Prometheus reaches it on a cluster.
    type PodLike = { metadata: { name: string; namespace?: string; labels?: Record<string, string> }; status?: { podIP?: string; phase?: string } };
    const pods = await until(() => {
      const gw = cache.list<PodLike>('pods').filter((p) => p.metadata.namespace === 'istio-system' && p.metadata.labels?.['istio'] === 'ingressgateway');
      return gw.length > 0 && gw.every((p) => p.status?.podIP && p.status.phase === 'Running') ? gw : undefined;
    }, 'gateway pods running with an IP');
    const targets = pods.map((p) => {
      const a = sb.kubelet.resolvePodPort(p.status!.podIP!, 15090);
      return `${a.host}:${a.port}`;
    });

    dir = mkdtempSync(join(tmpdir(), 'gatescope-prom-'));
    writeFileSync(
      join(dir, 'prometheus.yml'),
      [
        'global:',
        '  scrape_interval: 1s',
        '  scrape_timeout: 1s',
        '  evaluation_interval: 1s',
        'scrape_configs:',
        '- job_name: envoy-stats',
        '  metrics_path: /stats/prometheus',
        '  static_configs:',
        `  - targets: [${targets.map((t) => `'${t}'`).join(', ')}]`,
        '',
      ].join('\n'),
    );
    const port = await freePort();
    promUrl = `http://127.0.0.1:${port}`;
    prom = spawn(
      PROMETHEUS!,
      [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn', '--storage.tsdb.retention.time=1h'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    prom.stdout!.on('data', (b: Buffer) => (promLog = (promLog + b.toString()).slice(-4000)));
    prom.stderr!.on('data', (b: Buffer) => (promLog = (promLog + b.toString()).slice(-4000)));
    client = new PrometheusClient(promUrl, { timeoutMs: 5000 });
    await until(
      async () => {
        if (prom!.exitCode !== null) throw new Error(`prometheus exited with ${prom!.exitCode}: ${promLog}`);
        return (await fetch(`${promUrl}/-/ready`).then((r) => r.ok, () => false)) || undefined;
      },
      'prometheus ready',
      20_000,
    );
    // Every gateway target scraped at least once.
    await until(async () => (await instant('up{job="envoy-stats"} == 1')).length === targets.length || undefined, 'gateway targets up', 15_000);

    history = new TrafficHistoryService(promUrl, cache, { scrapeIntervalSeconds: 1, timeoutMs: 5000 });
  });

  afterAll(async () => {
    setRuntime(undefined);
    if (prom && prom.exitCode === null) {
      const exited = new Promise<void>((resolve) => prom!.once('exit', () => resolve()));
      prom.kill('SIGTERM');
      const timer = setTimeout(() => prom?.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    cache?.stop();
    await sb?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reads the observed 80/20 split, the rate and the latency of web-service from Prometheus', async () => {
    // Warm up until both versions' series exist in Prometheus: a counter's first scrape is
    // its baseline for rate(), so what it counted before is not in the history.
    await until(
      async () => {
        await send(10);
        const s = await instant(`sum by (destination_version) (istio_requests_total{destination_service="${WEB}"})`);
        return s.length >= 2 || undefined;
      },
      'v1 and v2 series in Prometheus',
      20_000,
    );
    await send(300);
    expect(ok).toBe(sent);
    // Wait until Prometheus scraped every request.
    await until(async () => (await instant(`sum(istio_requests_total{destination_service="${WEB}",reporter="source"})`))[0]?.value === sent || undefined, `all ${sent} requests scraped`, 15_000);
    // One more scrape after the last increase, so the last rate() window sees it settled.
    await until(async () => (await instant(`sum(increase(istio_requests_total{destination_service="${WEB}"}[3s]))`))[0]?.value === 0 || undefined, 'counters settled', 15_000);

    const h = await history.history('default/web-service', '1h', { step: 2 });
    expect(h.configured).toBe(true);
    expect(h.queries.requests).toContain('source_workload="istio-ingressgateway"');
    expect(h.queries.requests).toContain('reporter="source"');
    const v1 = h.destinations.find((d) => d.version === 'v1');
    const v2 = h.destinations.find((d) => d.version === 'v2');
    expect(v1?.subset).toBe('v1');
    expect(v2?.subset).toBe('v2');
    expect(v1!.share!).toBeGreaterThan(70);
    expect(v1!.share!).toBeLessThan(90);
    expect(v2!.share!).toBeGreaterThan(10);
    expect(v2!.share!).toBeLessThan(30);
    expect(h.summary.rps).toBeGreaterThan(0);
    expect(Math.max(...h.total.map((v) => v ?? 0))).toBeGreaterThan(1);
    expect(h.summary.errorPct ?? 0).toBe(0);
    expect(h.p95.some((v) => v !== null && v > 0)).toBe(true);
    // The series sit on the requested grid.
    expect(h.times.length).toBe(3600 / 2 + 1);
    expect(h.rates.every((r) => r.length === h.times.length)).toBe(true);
  });

  it('answers through GET /api/traffic/history, and says why when Prometheus fails', async () => {
    setRuntime({ services: { cache, trafficHistory: history } } as unknown as Runtime);
    const res = await historyRoute.GET(new Request('http://console/api/traffic/history?vs=default/web-service&range=6h'));
    expect(res.status).toBe(200);
    const body = (await res.json()) as TrafficHistory;
    expect(body.range).toBe('6h');
    expect(body.step).toBe(60);
    expect(body.destinations.map((d) => d.label)).toEqual(expect.arrayContaining(['v1', 'v2']));

    const missing = await historyRoute.GET(new Request('http://console/api/traffic/history?vs=default/nope&range=1h'));
    expect(missing.status).toBe(404);

    // Prometheus's own error text on a bad query (HTTP 400, errorType bad_data).
    const bad = await client.queryRange('sum(', 0, 10, 1).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(PrometheusError);
    expect((bad as PrometheusError).status).toBe(400);
    expect((bad as PrometheusError).message).toMatch(/^Prometheus answered HTTP 400: bad_data: .*parse error/);

    // A path that is not the API (wrong --prometheus-url).
    const wrong = await new PrometheusClient(`${promUrl}/graph`, { timeoutMs: 2000 }).query('up').catch((e: unknown) => e);
    expect((wrong as PrometheusError).message).toMatch(/without the Prometheus API's JSON|HTTP 404/);
  });
});
