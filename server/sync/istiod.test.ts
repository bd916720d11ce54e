/**
 * IstiodSync against a sandbox whose istiod pods run a test image: `/debug/syncz` on the pod
 * loopback :15014 (401 to anyone not on loopback, as istiod without a token), answering what the
 * test sets. The sandbox's own istiod stand-in is exercised in istiod-data-plane.test.ts.
 */
import { createServer } from 'node:http';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerImpl, ImageResolver } from '../sandbox/kubelet/container';
import { findFreePortOffset, startSandbox, type RunningSandbox } from '../sandbox/start';
import { until } from '../sandbox/test-support/kubectl';
import { ClusterCache } from '../kube/cache';
import type { Hub, TopicProvider, TopicSink } from '../stream/hub';
import * as syncRoute from '../../app/api/sync/route';
import { setRuntime } from '../runtime';
import { IstiodSync, type SyncSnapshot } from './istiod';
import { TYPE_URLS } from './syncz';

/** What each istiod pod answers (by pod name); a number answers that HTTP status. */
let answer: (istiodPod: string) => unknown = () => [];
const requests: Array<{ pod: string; url: string; from: string }> = [];

const fakeIstiod: ContainerImpl = {
  async start(ctx) {
    const pod = ctx.pod.metadata.name;
    const server = createServer((req, res) => {
      const from = req.socket.remoteAddress ?? '';
      requests.push({ pod, url: req.url ?? '', from });
      req.resume();
      if (!['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(from)) {
        res.statusCode = 401;
        return res.end('authentication required');
      }
      if (req.url !== '/debug/syncz') {
        res.statusCode = 404;
        return res.end('404 page not found\n');
      }
      const a = answer(pod);
      if (typeof a === 'number') {
        res.statusCode = a;
        return res.end('internal error');
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(a));
    });
    await ctx.listen(server, 15014, 'loopback');
    return {
      stop: async () => {
        server.closeAllConnections();
        await new Promise<void>((r) => server.close(() => r()));
      },
    };
  },
};
const resolver: ImageResolver = (c) => (c.image.includes('istio/pilot') ? fakeIstiod : undefined);

/** One syncz entry: every listed type sent with nonce `<type><n>`, acked with `acked` (default: same). */
function entry(proxy: string, n: string, opts: { acked?: Record<string, string>; errors?: Record<string, string>; sentTime?: string; type?: string } = {}) {
  const resources: Record<string, unknown> = {};
  for (const t of ['CDS', 'LDS', 'EDS', 'RDS'] as const) {
    const sent = `${t}${n}`;
    resources[TYPE_URLS[t]] = { sent, acked: opts.acked?.[t] ?? sent, sentTime: opts.sentTime ?? '2026-01-01T00:00:00Z', ...(opts.errors?.[t] ? { lastError: opts.errors[t] } : {}) };
  }
  return { cluster_id: 'Kubernetes', proxy, proxy_type: opts.type ?? 'router', istio_version: '1.26.1', resources };
}

/** A hub stand-in: records the provider registered for `sync`. */
function fakeHub() {
  const providers = new Map<string, TopicProvider>();
  return { hub: { register: (t: string, p: TopicProvider) => providers.set(t, p) } as unknown as Hub, providers };
}
function sink() {
  const snaps: Array<{ version: number; data: SyncSnapshot }> = [];
  const s: TopicSink = { snapshot: (version, data) => snaps.push({ version, data: data as SyncSnapshot }), event: () => {}, error: () => {} };
  return { s, snaps };
}

describe('IstiodSync: /debug/syncz of every istiod through pods/portforward', () => {
  let sb: RunningSandbox;
  let kc: KubeConfig;
  let gateways: string[];
  const services: Array<{ stop(): void }> = [];
  const track = <T extends { stop(): void }>(x: T) => (services.push(x), x);
  const istiodPods = () =>
    sb.store
      .list('core/pods', 'istio-system')
      .items.filter((p) => p.metadata.name.startsWith('istiod-') && (p['status'] as { phase?: string } | undefined)?.phase === 'Running')
      .map((p) => p.metadata.name)
      .sort();

  beforeAll(async () => {
    sb = await startSandbox({ apiPort: 0, traffic: 0, portOffset: await findFreePortOffset(), dataPlane: false, imageResolver: resolver });
    kc = new KubeConfig();
    kc.loadFromFile(sb.kubeconfigPath);
    await until(() => istiodPods().length === 1, 'istiod running');
    gateways = await until(() => {
      const names = sb.store
        .list('core/pods', 'istio-system')
        .items.filter((p) => p.metadata.name.startsWith('istio-ingressgateway-'))
        .map((p) => p.metadata.name)
        .sort();
      return names.length === 2 ? names : undefined;
    }, 'two gateway pods');
  });
  afterEach(() => {
    for (const s of services.splice(0)) s.stop();
    answer = () => [];
  });
  afterAll(async () => {
    await sb?.close();
  });

  it('fetches syncz from the istiod pod (found by label) over the pod loopback, and parses it', async () => {
    answer = () => [entry(`${gateways[0]}.istio-system`, '1'), entry(`${gateways[1]}.istio-system`, '1', { acked: { RDS: 'RDS0' } }), entry('web-v1-abc.default', '1', { type: 'sidecar' })];
    const sync = track(new IstiodSync(kc));
    const snap = await sync.refresh();
    const [istiod] = istiodPods();
    expect(snap.error).toBeUndefined();
    expect(snap.istiods).toEqual([{ pod: istiod, namespace: 'istio-system', ok: true, proxies: 3 }]);
    expect(snap.proxies.map((p) => [p.pod, p.types.RDS!.state])).toEqual([
      [gateways[0], 'SYNCED'],
      [gateways[1], 'STALE'],
      ['web-v1-abc', 'SYNCED'],
    ]);
    expect(requests.at(-1)).toMatchObject({ pod: istiod, url: '/debug/syncz', from: '127.0.0.1' });
    expect(snap.version).toBe(1);
    // Same content: same version, fresher fetchedAt.
    const again = await sync.refresh();
    expect(again.version).toBe(1);
    expect(again.fetchedAt).toBeGreaterThanOrEqual(snap.fetchedAt);
  });

  it('GET /api/sync answers the runtime service\'s snapshot, 503 without it', async () => {
    answer = () => [entry(`${gateways[0]}.istio-system`, '7')];
    const sync = track(new IstiodSync(kc));
    const runtime = { mode: 'sandbox' as const, kubeConfig: kc, context: sb.contextName, server: sb.apiUrl, startedAt: new Date(), services: {} as Record<string, unknown> };
    setRuntime(runtime);
    try {
      expect((await syncRoute.GET(new Request('http://127.0.0.1/api/sync'))).status).toBe(503);
      runtime.services.sync = sync;
      const res = await syncRoute.GET(new Request('http://127.0.0.1/api/sync'));
      expect(res.status).toBe(200);
      const body = (await res.json()) as SyncSnapshot;
      expect(body.proxies.map((p) => [p.pod, p.types.CDS!.sent])).toEqual([[gateways[0], 'CDS7']]);
    } finally {
      setRuntime(undefined);
    }
  });

  it('reports in words an istiod that fails, and when there is no istiod at all', async () => {
    answer = () => 500;
    const sync = track(new IstiodSync(kc));
    const snap = await sync.refresh();
    expect(snap.istiods[0]).toMatchObject({ ok: false, error: `istiod istio-system/${istiodPods()[0]} answered /debug/syncz with HTTP 500: internal error` });
    const none = track(new IstiodSync(kc, undefined, { labelSelector: 'app=no-such-istiod' }));
    expect((await none.refresh()).error).toBe('no running istiod pod in istio-system (app=no-such-istiod)');
    const wrongPort = track(new IstiodSync(kc, undefined, { port: 15010 }));
    expect((await wrongPort.refresh()).istiods[0]!.error).toBe(`cannot reach istio-system/${istiodPods()[0]} port 15010: connection refused`);
  });

  it('publishes snapshots on the hub topic while subscribed, with growing versions, and stops polling after', async () => {
    let n = 1;
    answer = () => [entry(`${gateways[0]}.istio-system`, String(n))];
    const { hub, providers } = fakeHub();
    const sync = track(new IstiodSync(kc, undefined, { intervalMs: 100 }));
    sync.start(hub);
    const { s, snaps } = sink();
    const stop = providers.get('sync')!.subscribe(undefined, s, 'sync');
    await until(() => snaps.length >= 1, 'first snapshot');
    expect(snaps[0]!.data.proxies[0]!.types.CDS!.sent).toBe('CDS1');
    n = 2;
    await until(() => snaps.at(-1)!.data.proxies[0]?.types.CDS!.sent === 'CDS2', 'the changed nonce to be published', 5000);
    const versions = snaps.map((x) => x.version);
    expect([...versions].sort((a, b) => a - b)).toEqual(versions);
    expect(new Set(versions).size).toBe(versions.length);
    stop();
    await until(() => !sync.polling, 'polling to stop without subscribers', 5000);
  });

  it('merges two istiod replicas: one row per proxy, the one pushed last wins', async () => {
    const dep = sb.store.get('apps/deployments', 'istio-system', 'istiod')!;
    sb.store.update('apps/deployments', { ...dep, spec: { ...(dep['spec'] as object), replicas: 2 } });
    const pods = await until(() => (istiodPods().length === 2 ? istiodPods() : undefined), 'two istiod pods');
    const [a, b] = pods as [string, string];
    answer = (pod) =>
      pod === a
        ? [entry(`${gateways[0]}.istio-system`, '1', { sentTime: '2026-01-01T00:00:01Z' }), entry(`${gateways[1]}.istio-system`, '5', { sentTime: '2026-01-01T00:00:09Z' })]
        : [entry(`${gateways[0]}.istio-system`, '2', { sentTime: '2026-01-01T00:00:02Z' })];
    const sync = track(new IstiodSync(kc));
    const snap = await sync.refresh();
    expect(snap.istiods.map((i) => [i.pod, i.ok, i.proxies])).toEqual([
      [a, true, 2],
      [b, true, 1],
    ]);
    expect(snap.proxies.map((p) => [p.pod, p.istiod, p.types.CDS!.sent])).toEqual([
      [gateways[0], b, 'CDS2'],
      [gateways[1], a, 'CDS5'],
    ]);
    sb.store.update('apps/deployments', { ...sb.store.get('apps/deployments', 'istio-system', 'istiod')!, spec: { ...(dep['spec'] as object), replicas: 1 } });
    await until(() => istiodPods().length === 1, 'back to one istiod');
  });

  it('tracks a rollout: pending, then NACK on one pod, acked on the other; done once both acked', async () => {
    const state = { n: '1', acked0: '1', acked1: '1', err1: '', sentTime: new Date(Date.now() - 60_000).toISOString() };
    answer = () => [
      entry(`${gateways[0]}.istio-system`, state.n, { acked: { RDS: `RDS${state.acked0}` }, sentTime: state.sentTime }),
      entry(`${gateways[1]}.istio-system`, state.n, { acked: { RDS: `RDS${state.acked1}` }, errors: state.err1 ? { RDS: state.err1 } : {}, sentTime: state.sentTime }),
    ];
    const sync = track(new IstiodSync(kc, undefined, { intervalMs: 50 }));
    await sync.refresh();
    const r = sync.trackRollout(Date.now(), 'VirtualService default/web');
    expect(r.pods.map((p) => p.state)).toEqual(['pending', 'pending']);
    state.n = '2';
    state.sentTime = new Date().toISOString();
    state.acked0 = '2';
    state.err1 = 'route web: no cluster outbound|80|v3|web.default.svc.cluster.local';
    await until(() => {
      const cur = sync.rollout(r.id)!;
      return cur.pods[0]!.state === 'acked' && cur.pods[1]!.state === 'nack';
    }, 'acked + nack', 5000);
    expect(sync.current()!.rollouts[0]!.pods[1]!.error).toBe('RDS: route web: no cluster outbound|80|v3|web.default.svc.cluster.local');
    expect(sync.rollout(r.id)!.done).toBe(false);
    state.err1 = '';
    state.acked1 = '2';
    await until(() => sync.rollout(r.id)!.done, 'rollout done', 5000);
    expect(sync.rollout(r.id)).toMatchObject({ label: 'VirtualService default/web', timedOut: false, counts: { acked: 2, nack: 0, pending: 0 } });
    await until(() => !sync.polling, 'polling to stop once the rollout is done', 5000);
  });

  it('polls right after a VirtualService change seen in the cache (and finds istiod in the cache)', async () => {
    answer = () => [entry(`${gateways[0]}.istio-system`, '1')];
    const cache = track(new ClusterCache(kc, { coalesceMs: 10 }));
    cache.start();
    await cache.waitForSync();
    const { hub, providers } = fakeHub();
    // A long interval: only the change can explain a quick poll.
    const sync = track(new IstiodSync(kc, cache, { intervalMs: 60_000, burstIntervalMs: 50, burstMs: 1000 }));
    sync.start(hub);
    const { s, snaps } = sink();
    providers.get('sync')!.subscribe(undefined, s, 'sync');
    await until(() => snaps.length === 1, 'first snapshot');
    const listsBefore = sb.server.auditLog.filter((e) => e.path.startsWith('/api/v1/namespaces/istio-system/pods?')).length;
    const polled = requests.length;
    const t0 = Date.now();
    sb.store.create('networking.istio.io/virtualservices', {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'burst-test', namespace: 'default' },
      spec: { hosts: ['burst.example.com'], gateways: ['istio-system/default-gateway'], http: [{ route: [{ destination: { host: 'web-service' } }] }] },
    });
    await until(() => requests.length > polled + 2, 'polls after the change', 10_000);
    expect(Date.now() - t0).toBeLessThan(10_000);
    // istiod pods came from the cache, not from list calls.
    expect(sb.server.auditLog.filter((e) => e.path.startsWith('/api/v1/namespaces/istio-system/pods?')).length).toBe(listsBefore);
  });
});
