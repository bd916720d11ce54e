import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store, type StoredObject } from '../../api/store';
import { loadScenarioObjects, podsFor } from '../envoy/test-support/scenario';
import { resourceOf } from '../envoy/test-support/harness';
import type { XdsAck, XdsProxy, XdsPush, XdsType } from '../xds';
import { statusWord } from './syncz';
import { IstiodXdsServer } from './xds-server';

class FakeProxy implements XdsProxy {
  readonly proxyType = 'router' as const;
  readonly watchedTypes: XdsType[] = ['CDS', 'EDS', 'LDS', 'RDS', 'SDS'];
  readonly pushes: XdsPush[] = [];
  reject?: { type: XdsType; error: string };
  constructor(readonly pod: StoredObject) {}
  get id() {
    return `${this.pod.metadata.name}.${this.pod.metadata.namespace}`;
  }
  push(p: XdsPush): XdsAck {
    this.pushes.push(p);
    return this.reject ? { ok: false, ...this.reject } : { ok: true };
  }
}

async function until(cond: () => boolean, what: string, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const NONCE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\/\d+[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('IstiodXdsServer', () => {
  let store: Store;
  let xds: IstiodXdsServer;
  let gw: StoredObject[];
  const logs: string[] = [];

  beforeEach(() => {
    store = new Store();
    const objects = loadScenarioObjects();
    const pods = podsFor(objects, { ips: { 'istio-ingressgateway': ['127.1.0.2', '127.1.0.3'], 'httpd-v1': ['127.1.0.11'], 'httpd-v2': ['127.1.0.12'], counter: ['127.1.0.13'], httpbin: ['127.1.0.14'], mysql: ['127.1.0.15'] } });
    for (const o of [...objects, ...pods]) store.create(resourceOf(o), o);
    gw = store.list('core/pods', 'istio-system').items;
    xds = new IstiodXdsServer({ store, debounceMs: 30 });
    logs.length = 0;
  });
  afterEach(() => xds.close());

  it('pushes nothing until an istiod runs, then a full push to every connected proxy', async () => {
    const a = new FakeProxy(gw[0]!);
    xds.connect(a);
    await new Promise((r) => setImmediate(r));
    expect(a.pushes).toHaveLength(0);
    expect(xds.syncState()[0]!.watched.get('CDS')).toEqual({});
    xds.attach({ log: (l) => logs.push(l) });
    await until(() => a.pushes.length === 1, 'the initial push');
    const p = a.pushes[0]!;
    expect(p.version).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\/1$/);
    for (const t of ['CDS', 'EDS', 'LDS', 'RDS', 'SDS', 'ECDS'] as XdsType[]) {
      expect(p.nonces[t]).toMatch(NONCE);
      expect(p.nonces[t]!.startsWith(p.version)).toBe(true);
    }
    expect(new Set(Object.values(p.nonces)).size).toBe(6);
    expect((p.resources.listeners as Array<{ name: string }>).map((l) => l.name)).toContain('0.0.0.0_8080');
    const st = xds.syncState()[0]!;
    expect(st.proxy).toBe(a.id);
    // The scenario's HTTPS server uses mounted files (no SDS from istiod): CDS, EDS, LDS, RDS only.
    expect([...st.watched.keys()].sort()).toEqual(['CDS', 'EDS', 'LDS', 'RDS']);
    for (const [t, w] of st.watched) {
      expect(statusWord(w)).toBe('SYNCED');
      expect(w.sent).toBe(p.nonces[t]);
    }
    expect(logs.some((l) => /\tinfo\tads\tADS: new connection for node:/.test(l))).toBe(true);
  });

  it('debounces a burst of changes into one push with a new version, and ignores pod status churn', async () => {
    const a = new FakeProxy(gw[0]!);
    xds.connect(a);
    xds.attach({ log: (l) => logs.push(l) });
    await until(() => a.pushes.length === 1, 'the initial push');
    for (let i = 0; i < 5; i++) {
      store.mutate('networking.istio.io/virtualservices', 'default', 'web-service', (vs) => {
        (vs['spec'] as { http: Array<{ timeout?: string }> }).http[0]!.timeout = `${i + 1}s`;
      });
    }
    await until(() => a.pushes.length === 2, 'the debounced push');
    xds.flush(); // nothing left waiting in the debounce
    expect(a.pushes).toHaveLength(2);
    expect(a.pushes[1]!.version).toMatch(/\/2$/);
    expect(a.pushes[1]!.reason).toContain('VirtualService:default/web-service');
    expect(logs.some((l) => l.includes('Push debounce stable[2] 5 for config VirtualService:default/web-service'))).toBe(true);
    // Status-only pod writes (the kubelet's) are not config changes.
    store.mutate('core/pods', 'default', store.list('core/pods', 'default').items[0]!.metadata.name, (p) => {
      (p['status'] as Record<string, unknown>)['startTime'] = '2026-01-01T00:00:09Z';
    });
    xds.flush();
    expect(a.pushes).toHaveLength(2);
    expect(xds.metrics.get('pilot_xds_pushes', { type: 'cds' })).toBe(2);
  });

  it('records a NACK as lastError on its type, leaves the others STALE, and clears it on the next ACK', async () => {
    const a = new FakeProxy(gw[0]!);
    const b = new FakeProxy(gw[1]!);
    xds.connect(a);
    xds.connect(b);
    xds.attach({ log: (l) => logs.push(l) });
    await until(() => a.pushes.length === 1 && b.pushes.length === 1, 'initial pushes');
    const before = xds.syncState().find((s) => s.proxy === a.id)!.watched.get('RDS')!;
    a.reject = { type: 'LDS', error: 'Error adding/updating listener(s) 0.0.0.0_8443: rejected' };
    store.mutate('networking.istio.io/virtualservices', 'default', 'web-service', (vs) => {
      (vs['spec'] as { http: Array<{ timeout?: string }> }).http[0]!.timeout = '3s';
    });
    await until(() => a.pushes.length === 2 && b.pushes.length === 2, 'the push');
    const sa = xds.syncState().find((s) => s.proxy === a.id)!;
    expect(statusWord(sa.watched.get('LDS'))).toBe('ERROR');
    expect(sa.watched.get('LDS')!.lastError).toContain('0.0.0.0_8443');
    expect(statusWord(sa.watched.get('RDS'))).toBe('STALE');
    expect(sa.watched.get('RDS')!.acked).toBe(before.acked);
    expect(sa.watched.get('RDS')!.sent).toBe(a.pushes[1]!.nonces.RDS);
    const sb = xds.syncState().find((s) => s.proxy === b.id)!;
    expect([...sb.watched.values()].every((w) => statusWord(w) === 'SYNCED')).toBe(true);
    expect(xds.metrics.get('pilot_total_xds_rejects', { type: 'lds' })).toBe(1);
    expect(logs.some((l) => l.includes('\twarn\tads\tADS:LDS: ACK ERROR'))).toBe(true);

    a.reject = undefined;
    store.mutate('networking.istio.io/virtualservices', 'default', 'web-service', (vs) => {
      (vs['spec'] as { http: Array<{ timeout?: string }> }).http[0]!.timeout = '4s';
    });
    await until(() => a.pushes.length === 3, 'the next push');
    const again = xds.syncState().find((s) => s.proxy === a.id)!;
    expect([...again.watched.values()].every((w) => statusWord(w) === 'SYNCED' && !w.lastError)).toBe(true);
  });

  it('stops pushing when istiod stops, and a new istiod reconnects every proxy with a full push', async () => {
    const a = new FakeProxy(gw[0]!);
    xds.connect(a);
    const first = xds.attach({ log: () => {} });
    await until(() => a.pushes.length === 1, 'the initial push');
    const conId = xds.syncState()[0]!.conId;
    first.detach();
    store.mutate('networking.istio.io/virtualservices', 'default', 'web-service', (vs) => {
      (vs['spec'] as { http: Array<{ timeout?: string }> }).http[0]!.timeout = '5s';
    });
    xds.flush(); // the debounced change fires now, with no istiod to push it
    expect(a.pushes).toHaveLength(1);
    xds.attach({ log: () => {} });
    await until(() => a.pushes.length === 2, 'the push of the new istiod');
    expect(xds.syncState()[0]!.conId).not.toBe(conId);
    expect((a.pushes[1]!.resources.routes as Array<{ virtual_hosts: Array<{ routes: Array<{ route?: { timeout?: string } }> }> }>).some((r) => JSON.stringify(r).includes('"timeout":"5s"'))).toBe(true);
  });

  it('forgets a proxy that disconnects', async () => {
    const a = new FakeProxy(gw[0]!);
    const conn = xds.connect(a);
    xds.attach({ log: () => {} });
    await until(() => a.pushes.length === 1, 'the initial push');
    conn.disconnect();
    expect(xds.syncState()).toHaveLength(0);
    expect(xds.metrics.get('pilot_xds', { version: '1.26.1' })).toBe(0);
  });
});
