/**
 * Sandbox API server benchmark (`npx tsx bench/sandbox-api.bench.ts`):
 *  1. list 10,000 pods over HTTPS: time to first byte and to last byte (JSON and Table);
 *  2. 20 watchers on pods while the store takes 1,000 updates/s for 3 s: delivery lag p50/p99
 *     (each update stamps its send time into an annotation; watchers read it back);
 *  3. resident memory of the process holding 10,000 pods.
 * Prints readable lines and one `{"figure":…,"value":…,"unit":…}` JSON line per figure.
 */
import { request } from 'node:https';
import { performance } from 'node:perf_hooks';
import { startHarness, type Harness } from '../server/sandbox/api/test-support/harness';

const PODS = 10_000;
const WATCHERS = 20;
const RATE = 1_000; // updates per second
const SECONDS = 3;

function figure(name: string, value: number, unit: string, extra: Record<string, unknown> = {}): void {
  const v = Math.round(value * 100) / 100;
  console.log(`${name}: ${v} ${unit}`);
  console.log(JSON.stringify({ figure: name, value: v, unit, ...extra }));
}

function pod(i: number) {
  const name = `bench-${String(i).padStart(5, '0')}`;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: `ns-${i % 10}`,
      labels: { app: `app-${i % 50}`, 'pod-template-hash': '5c7d9f', version: i % 2 ? 'v1' : 'v2' },
      annotations: { 'sidecar.istio.io/inject': 'false' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `app-${i % 50}-5c7d9f`, uid: `00000000-0000-0000-0000-${String(i % 50).padStart(12, '0')}`, controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      nodeName: 'sandbox-node',
      containers: [
        {
          name: 'app',
          image: 'docker.io/library/httpd:2.4',
          ports: [{ containerPort: 8080, protocol: 'TCP', name: 'http' }],
          env: [{ name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } }],
          resources: { requests: { cpu: '10m', memory: '32Mi' } },
          readinessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 5 },
        },
      ],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
    },
    status: {
      phase: 'Running',
      podIP: `10.244.${Math.floor(i / 250)}.${i % 250}`,
      hostIP: '127.0.0.1',
      startTime: '2025-01-01T00:00:00Z',
      conditions: [
        { type: 'Ready', status: 'True', lastTransitionTime: '2025-01-01T00:00:00Z' },
        { type: 'ContainersReady', status: 'True', lastTransitionTime: '2025-01-01T00:00:00Z' },
      ],
      containerStatuses: [{ name: 'app', ready: true, restartCount: 0, image: 'docker.io/library/httpd:2.4', state: { running: { startedAt: '2025-01-01T00:00:00Z' } } }],
    },
  };
}

function timedGet(h: Harness, path: string, accept = 'application/json'): Promise<{ ttfb: number; total: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const u = new URL(path, h.url);
    const t0 = performance.now();
    let ttfb = 0;
    let bytes = 0;
    const req = request({ hostname: u.hostname, port: u.port, path: u.pathname + u.search, headers: { Authorization: `Bearer ${h.token}`, Accept: accept }, ca: h.caPem, agent: false }, (res) => {
      res.on('data', (c: Buffer) => {
        if (!ttfb) ttfb = performance.now() - t0;
        bytes += c.length;
      });
      res.on('end', () => resolve({ ttfb, total: performance.now() - t0, bytes }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

async function main(): Promise<void> {
  const h = await startHarness({ seed: false });
  const rssBefore = process.memoryUsage().rss;
  for (const ns of Array.from({ length: 10 }, (_, i) => `ns-${i}`)) {
    h.store.create('core/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns }, status: { phase: 'Active' } });
  }
  for (let i = 0; i < PODS; i++) h.store.create('core/pods', pod(i));
  (globalThis as { gc?: () => void }).gc?.();
  const rss = process.memoryUsage().rss;
  figure('sandbox-api rss with 10k pods', rss / 2 ** 20, 'MiB');
  figure('sandbox-api rss growth for 10k pods', (rss - rssBefore) / 2 ** 20, 'MiB');

  // 1. Lists (first run warms up; medians of 3).
  await timedGet(h, '/api/v1/pods');
  for (const [label, accept] of [
    ['json', 'application/json'],
    ['table', 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json'],
  ] as const) {
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await timedGet(h, '/api/v1/pods', accept));
    figure(`list 10k pods (${label}) time to first byte`, median(runs.map((r) => r.ttfb)), 'ms', { better: 'lower' });
    figure(`list 10k pods (${label}) time to last byte`, median(runs.map((r) => r.total)), 'ms', { better: 'lower' });
    figure(`list 10k pods (${label}) size`, runs[0]!.bytes / 2 ** 20, 'MiB');
  }

  // 2. Watch fan-out.
  const lags: number[] = [];
  let received = 0;
  const startRV = h.store.resourceVersion;
  const watchers = await Promise.all(
    Array.from({ length: WATCHERS }, () =>
      new Promise<() => void>((resolve, reject) => {
        const u = new URL(`/api/v1/pods?watch=true&resourceVersion=${startRV}`, h.url);
        const req = request({ hostname: u.hostname, port: u.port, path: u.pathname + u.search, headers: { Authorization: `Bearer ${h.token}` }, ca: h.caPem, agent: false }, (res) => {
          let buf = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            const now = performance.now();
            buf += chunk;
            let i: number;
            while ((i = buf.indexOf('\n')) >= 0) {
              const line = buf.slice(0, i);
              buf = buf.slice(i + 1);
              const m = /"bench\/sent-at":"([\d.]+)"/.exec(line);
              if (m) {
                lags.push(now - Number(m[1]));
                received++;
              }
            }
          });
          resolve(() => req.destroy());
        });
        req.on('error', reject);
        req.end();
      }),
    ),
  );
  const total = RATE * SECONDS;
  const tickMs = 10;
  const perTick = (RATE * tickMs) / 1000;
  let sent = 0;
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * RATE) + perTick);
      while (sent < due) {
        const i = sent % PODS;
        const cur = h.store.get('core/pods', `ns-${i % 10}`, `bench-${String(i).padStart(5, '0')}`)!;
        cur.metadata.annotations = { ...cur.metadata.annotations, 'bench/sent-at': String(performance.now()) };
        h.store.update('core/pods', cur);
        sent++;
      }
      if (sent >= total) {
        clearInterval(timer);
        resolve();
      }
    }, tickMs);
  });
  const sendSeconds = (performance.now() - t0) / 1000;
  const deadline = performance.now() + 10_000;
  while (received < total * WATCHERS && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  for (const stop of watchers) stop();
  figure('watch fan-out update rate achieved', sent / sendSeconds, 'updates/s');
  figure('watch fan-out events delivered', (received / (total * WATCHERS)) * 100, '%');
  figure(`watch delivery lag p50 (${WATCHERS} watchers, ${RATE}/s)`, median(lags), 'ms', { better: 'lower' });
  figure(`watch delivery lag p99 (${WATCHERS} watchers, ${RATE}/s)`, pct(lags, 99), 'ms', { better: 'lower' });
  await h.close();
}

await main();
