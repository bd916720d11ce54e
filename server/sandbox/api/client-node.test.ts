import { ApiException, CoreV1Api, CustomObjectsApi, KubeConfig, makeInformer, PatchStrategy, setHeaderOptions, Watch, type V1ConfigMap } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './test-support/harness';

let h: Harness;
let kc: KubeConfig;
let core: CoreV1Api;
let custom: CustomObjectsApi;

beforeAll(async () => {
  h = await startHarness({ bookmarkIntervalMs: 100 });
  kc = new KubeConfig();
  kc.loadFromFile(h.kubeconfigPath);
  core = kc.makeApiClient(CoreV1Api);
  custom = kc.makeApiClient(CustomObjectsApi);
});
afterAll(async () => {
  await h?.close();
});

const ISTIO = { group: 'networking.istio.io', version: 'v1', namespace: 'default', plural: 'virtualservices' };

async function apiError(p: Promise<unknown>): Promise<ApiException<string>> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiException) return e as ApiException<string>;
    throw e;
  }
  throw new Error('expected an ApiException');
}

interface Collected {
  events: Array<{ phase: string; obj: any }>;
  done: Promise<unknown>;
  abort: AbortController;
  next(pred: (e: { phase: string; obj: any }) => boolean, ms?: number): Promise<{ phase: string; obj: any }>;
}

async function collect(path: string, query: Record<string, string | boolean | number>): Promise<Collected> {
  const events: Array<{ phase: string; obj: any }> = [];
  let doneResolve!: (e: unknown) => void;
  const done = new Promise((r) => (doneResolve = r));
  const abort = await new Watch(kc).watch(path, query, (phase, obj) => events.push({ phase, obj }), (err) => doneResolve(err));
  return {
    events,
    done,
    abort,
    async next(pred, ms = 10_000) {
      const end = Date.now() + ms;
      for (;;) {
        const e = events.find(pred);
        if (e) return e;
        if (Date.now() > end) throw new Error(`no matching event; got ${JSON.stringify(events.map((x) => x.phase))}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
  };
}

describe('@kubernetes/client-node 1.4', () => {
  it('lists, gets, creates, replaces, patches and deletes', async () => {
    const pods = await core.listPodForAllNamespaces();
    expect(pods.items.map((p) => p.metadata?.name)).toContain('httpbin-5c7d9f-abcde');
    const svc = await core.readNamespacedService({ name: 'httpbin', namespace: 'default' });
    expect(svc.spec?.ports?.[0]?.port).toBe(8000);

    const cm = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'cn' }, data: { a: '1' } } });
    expect(cm.metadata?.resourceVersion).toBeDefined();
    cm.data = { a: '2' };
    const replaced = await core.replaceNamespacedConfigMap({ name: 'cn', namespace: 'default', body: cm });
    expect(replaced.data).toEqual({ a: '2' });
    const patched = await core.patchNamespacedConfigMap({ name: 'cn', namespace: 'default', body: { data: { b: '3' } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    expect(patched.data).toEqual({ a: '2', b: '3' });

    const vs = await custom.createNamespacedCustomObject({ ...ISTIO, body: { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'cn-vs' }, spec: { hosts: ['cn.example.com'] } } });
    expect(vs.metadata.uid).toBeDefined();
    const jp = await custom.patchNamespacedCustomObject({ ...ISTIO, name: 'cn-vs', body: [{ op: 'add', path: '/spec/gateways', value: ['gw'] }] });
    expect(jp.spec.gateways).toEqual(['gw']);
    const got = await custom.getNamespacedCustomObject({ ...ISTIO, name: 'cn-vs' });
    expect(got.spec).toEqual({ hosts: ['cn.example.com'], gateways: ['gw'] });
    const list = await custom.listNamespacedCustomObject({ ...ISTIO });
    expect(list.items.map((i: any) => i.metadata.name)).toEqual(['cn-vs', 'httpbin']);
    await custom.deleteNamespacedCustomObject({ ...ISTIO, name: 'cn-vs' });
    const gone = await apiError(custom.getNamespacedCustomObject({ ...ISTIO, name: 'cn-vs' }));
    expect(gone.code).toBe(404);
    await core.deleteNamespacedConfigMap({ name: 'cn', namespace: 'default' });
  });

  it('gets 409 Conflict on a stale update', async () => {
    const cm = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'stale' }, data: { a: '1' } } });
    await core.replaceNamespacedConfigMap({ name: 'stale', namespace: 'default', body: { ...cm, data: { a: '2' } } });
    const err = await apiError(core.replaceNamespacedConfigMap({ name: 'stale', namespace: 'default', body: { ...cm, data: { a: '3' } } }));
    expect(err.code).toBe(409);
    expect(JSON.parse(err.body).reason).toBe('Conflict');
  });

  it('dryRun=All changes nothing and emits no watch event', async () => {
    const rv = String(h.store.resourceVersion);
    const w = await collect('/api/v1/namespaces/default/configmaps', { resourceVersion: rv });
    const dry = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'dry-cm' }, data: { a: '1' } }, dryRun: 'All' });
    expect(dry.metadata?.name).toBe('dry-cm');
    await core.patchNamespacedConfigMap({ name: 'stale', namespace: 'default', body: { data: { z: '1' } }, dryRun: 'All' }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    await core.deleteNamespacedConfigMap({ name: 'stale', namespace: 'default', dryRun: 'All' });
    expect(String(h.store.resourceVersion)).toBe(rv);
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'marker' } } });
    const first = await w.next(() => true);
    expect(first).toMatchObject({ phase: 'ADDED', obj: { metadata: { name: 'marker' } } });
    expect(w.events).toHaveLength(1);
    await expect(core.readNamespacedConfigMap({ name: 'dry-cm', namespace: 'default' })).rejects.toThrow();
    expect((await core.readNamespacedConfigMap({ name: 'stale', namespace: 'default' })).data).toEqual({ a: '2' });
    w.abort.abort();
  });

  it('an informer sees add, update and delete in order', async () => {
    const informer = makeInformer<V1ConfigMap>(kc, '/api/v1/namespaces/default/configmaps', () => core.listNamespacedConfigMap({ namespace: 'default', labelSelector: 'informer=yes' }), 'informer=yes');
    const seen: string[] = [];
    informer.on('add', (o) => seen.push(`add:${o.metadata?.name}:${o.data?.['v'] ?? ''}`));
    informer.on('update', (o) => seen.push(`update:${o.metadata?.name}:${o.data?.['v'] ?? ''}`));
    informer.on('delete', (o) => seen.push(`delete:${o.metadata?.name}`));
    await informer.start();
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'inf', labels: { informer: 'yes' } }, data: { v: '1' } } });
    await core.patchNamespacedConfigMap({ name: 'inf', namespace: 'default', body: { data: { v: '2' } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    await core.deleteNamespacedConfigMap({ name: 'inf', namespace: 'default' });
    const end = Date.now() + 10_000;
    while (seen.length < 3 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    await informer.stop();
    expect(seen).toEqual(['add:inf:1', 'update:inf:2', 'delete:inf']);
  });

  it('a watch from an expired resourceVersion gets the 410 ERROR event', async () => {
    const rv = String(h.store.resourceVersion);
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'expire-me' } } });
    h.store.compact();
    const w = await collect('/api/v1/namespaces/default/configmaps', { resourceVersion: rv });
    const err = await w.next((e) => e.phase === 'ERROR');
    expect(err.obj).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
    await w.done;
  });

  it('receives bookmarks', async () => {
    const w = await collect('/apis/networking.istio.io/v1/namespaces/default/virtualservices', { allowWatchBookmarks: true, resourceVersion: String(h.store.resourceVersion) });
    const b = await w.next((e) => e.phase === 'BOOKMARK');
    expect(b.obj.metadata.resourceVersion).toBe(String(h.store.resourceVersion));
    expect(b.obj.kind).toBe('VirtualService');
    w.abort.abort();
  });
});
