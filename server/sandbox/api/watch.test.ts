import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './test-support/harness';
import { call, watch } from './test-support/http';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ bookmarkIntervalMs: 100 });
});
afterAll(async () => {
  await h?.close();
});

const cm = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', labels }, data: { v: '1' } });

describe('watch', () => {
  it('replays existing objects as ADDED for resourceVersion unset and "0", then streams live events', async () => {
    const w = await watch(h, '/apis/networking.istio.io/v1/namespaces/default/virtualservices?watch=true');
    expect(w.status).toBe(200);
    expect(w.headers['content-type']).toBe('application/json');
    expect(w.headers['transfer-encoding']).toBe('chunked');
    const first = await w.next();
    expect(first).toMatchObject({ type: 'ADDED', object: { kind: 'VirtualService', metadata: { name: 'httpbin' } } });
    const w0 = await watch(h, '/apis/networking.istio.io/v1beta1/virtualservices?watch=1&resourceVersion=0');
    expect((await w0.next()).object.apiVersion).toBe('networking.istio.io/v1beta1');
    await call(h, 'PATCH', '/apis/networking.istio.io/v1/namespaces/default/virtualservices/httpbin', { body: { spec: { hosts: ['w.example.com'] } }, headers: { 'Content-Type': 'application/merge-patch+json' } });
    const mod = await w.next((e) => e.type === 'MODIFIED');
    expect(mod.object.spec.hosts).toEqual(['w.example.com']);
    expect((await w0.next((e) => e.type === 'MODIFIED')).object.apiVersion).toBe('networking.istio.io/v1beta1');
    w.close();
    w0.close();
  });

  it('starts at an exact resourceVersion without synthetic events', async () => {
    const rv = h.store.resourceVersion;
    h.store.create('core/configmaps', cm('exact-1'));
    h.store.create('core/configmaps', cm('exact-2'));
    const w = await watch(h, `/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${rv}`);
    const e1 = await w.next();
    expect(e1).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'exact-1' } } });
    await w.next((e) => e.object.metadata.name === 'exact-2');
    expect(w.events.map((e) => e.object.metadata.name)).toEqual(['exact-1', 'exact-2']);
    w.close();
  });

  it('answers a too-old resourceVersion with 200 and one ERROR event carrying 410 Expired, then closes', async () => {
    const rv = h.store.resourceVersion;
    h.store.create('core/configmaps', cm('old-1'));
    h.store.compact();
    const w = await watch(h, `/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${rv}`);
    expect(w.status).toBe(200);
    await w.ended;
    expect(w.events).toHaveLength(1);
    expect(w.events[0].type).toBe('ERROR');
    expect(w.events[0].object).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Expired', code: 410 });
    expect(w.events[0].object.message).toMatch(/^too old resource version: \d+ \(\d+\)$/);
  });

  it('sends periodic bookmarks and one before timeoutSeconds ends the stream', async () => {
    const w = await watch(h, '/api/v1/namespaces/default/configmaps?watch=true&allowWatchBookmarks=true&timeoutSeconds=1');
    const b = await w.next((e) => e.type === 'BOOKMARK');
    expect(b.object).toEqual({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: String(h.store.resourceVersion), creationTimestamp: null } });
    const started = Date.now();
    await w.ended;
    expect(Date.now() - started).toBeLessThan(2000);
    expect(w.events[w.events.length - 1].type).toBe('BOOKMARK');
  });

  it('turns label changes into ADDED/DELETED for selective watches', async () => {
    const w = await watch(h, `/api/v1/namespaces/default/configmaps?watch=true&labelSelector=team%3Da&resourceVersion=${h.store.resourceVersion}`);
    const o = h.store.create('core/configmaps', cm('sel', { team: 'b' }));
    h.store.update('core/configmaps', { ...o, metadata: { ...o.metadata, labels: { team: 'a' } } });
    expect((await w.next()).type).toBe('ADDED');
    const cur = h.store.get('core/configmaps', 'default', 'sel')!;
    h.store.update('core/configmaps', { ...cur, metadata: { ...cur.metadata, labels: { team: 'c' } } });
    expect((await w.next((e) => e.type === 'DELETED')).object.metadata.labels).toEqual({ team: 'c' });
    w.close();
  });

  it('streams Tables when asked', async () => {
    const accept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';
    const w = await watch(h, `/api/v1/namespaces/default/pods?watch=true&resourceVersion=${h.store.resourceVersion}`, { Accept: accept });
    h.store.create('core/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'tbl', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'i' }] } });
    const e = await w.next();
    expect(e.type).toBe('ADDED');
    expect(e.object.kind).toBe('Table');
    expect(e.object.rows[0].cells.slice(0, 3)).toEqual(['tbl', '0/1', 'Pending']);
    w.close();
  });

  it('serializes each event once for many watchers', async () => {
    const ws = await Promise.all(Array.from({ length: 5 }, () => watch(h, `/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${h.store.resourceVersion}`)));
    const spy = JSON.stringify;
    let calls = 0;
    JSON.stringify = ((...a: Parameters<typeof spy>) => {
      calls++;
      return spy(...a);
    }) as typeof JSON.stringify;
    try {
      h.store.create('core/configmaps', cm('fanout'));
    } finally {
      JSON.stringify = spy;
    }
    await Promise.all(ws.map((w) => w.next()));
    expect(calls).toBe(1);
    for (const w of ws) w.close();
  });

  it('closes watches on shutdown', async () => {
    const h2 = await startHarness({ seed: false });
    const w = await watch(h2, '/api/v1/pods?watch=true');
    expect(h2.server.openWatches()).toBe(1);
    await h2.close();
    await w.ended;
  });
});
