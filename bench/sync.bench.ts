/**
 * Sync latency (`npx tsx bench/sync.bench.ts`): time from an apply of a weight change to the hub
 * publishing a `sync` snapshot in which every gateway pod has acknowledged it ("synced on all
 * gateway pods" as the /sync page shows it), minus the sandbox istiod's push debounce (100 ms):
 * what the console adds (polling /debug/syncz through port-forwards, merging, publishing).
 * 20 applies against a sandbox (2 gateway pods), one at a time; each waits at most 5 s.
 * Prints readable lines and one `{"figure":…}` JSON line per figure; target ≤ 300 ms p99.
 */
import { performance } from 'node:perf_hooks';
import { KubeConfig } from '@kubernetes/client-node';
import { startMeshSandbox } from '../server/envoy/test-support/mesh-sandbox';
import { ClusterCache } from '../server/kube/cache';
import type { Hub, TopicProvider } from '../server/stream/hub';
import { IstiodSync, type SyncSnapshot } from '../server/sync/istiod';

const RUNS = 20;
const PUSH_DEBOUNCE_MS = 100;
const WAIT_MS = 5000;

function figure(name: string, value: number, unit: string, extra: Record<string, unknown> = {}): void {
  const v = Math.round(value * 10) / 10;
  console.log(`${name}: ${v} ${unit}`);
  console.log(JSON.stringify({ figure: name, value: v, unit, ...extra }));
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;

const mesh = await startMeshSandbox();
const kc = new KubeConfig();
kc.loadFromFile(mesh.sb.kubeconfigPath);
const cache = new ClusterCache(kc, { coalesceMs: 10 });
cache.start();
await cache.waitForSync();
const sync = new IstiodSync(kc, cache);
let provider: TopicProvider | undefined;
sync.start({ register: (_t: string, p: TopicProvider) => (provider = p) } as unknown as Hub);
// One subscriber, as an open /sync page: the hub's snapshots are what the browser receives.
let onPublish: ((s: SyncSnapshot, at: number) => void) | undefined;
const stop = provider!.subscribe(undefined, { snapshot: (_v, d) => onPublish?.(d as SyncSnapshot, performance.now()), event: () => {}, error: () => {} }, 'sync');

const waitFor = <T>(fn: (s: SyncSnapshot, at: number) => T | undefined): Promise<T> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out')), WAIT_MS);
    onPublish = (s, at) => {
      const v = fn(s, at);
      if (v !== undefined) {
        clearTimeout(timer);
        onPublish = undefined;
        resolve(v);
      }
    };
  });

try {
  await waitFor((s) => (s.proxies.filter((p) => p.proxyType === 'router' && p.types.LDS?.state === 'SYNCED').length === 2 ? true : undefined)).catch(() => sync.refresh());
  const added: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const v1 = 50 + ((i * 7) % 45);
    const t0 = performance.now();
    const appliedAt = Date.now();
    const rolloutId = sync.trackRollout(appliedAt, 'bench').id;
    const done = waitFor((s, at) => (s.rollouts.find((r) => r.id === rolloutId)?.done ? at : undefined));
    mesh.sb.store.mutate('networking.istio.io/virtualservices', 'default', 'web-service', (vs) => {
      const split = (vs['spec'] as { http: Array<{ name?: string; route: Array<{ weight?: number }> }> }).http.find((h) => h.name === 'split')!;
      split.route[0]!.weight = v1;
      split.route[1]!.weight = 100 - v1;
    });
    const t1 = await done;
    added.push(t1 - t0 - PUSH_DEBOUNCE_MS);
  }
  console.log(`runs: ${added.map((x) => Math.round(x)).join(' ')} ms`);
  figure('sync: apply → all gateways ACKed on the hub, minus istiod debounce, p50', pct(added, 50), 'ms');
  figure('sync: apply → all gateways ACKed on the hub, minus istiod debounce, p99', pct(added, 99), 'ms', { target: 300, better: 'lower' });
} finally {
  stop();
  sync.stop();
  cache.stop();
  await mesh.close();
}
