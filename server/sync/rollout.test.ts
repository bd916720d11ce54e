import { describe, expect, it } from 'vitest';
import { RolloutTracker } from './rollout';
import { parseSyncz, TYPE_URLS, type ProxySync, type XdsType } from './syncz';

type TypeState = { sent?: string; acked?: string; sentTime?: string; lastError?: string };

function proxy(name: string, types: Partial<Record<XdsType, TypeState>>, proxyType = 'router'): ProxySync {
  const resources = Object.fromEntries(Object.entries(types).map(([t, s]) => [TYPE_URLS[t as XdsType], s]));
  return parseSyncz([{ proxy: `${name}.istio-system`, proxy_type: proxyType, resources }], 'istiod-1')[0]!;
}
const synced = (nonce: string, sentTime?: string): Partial<Record<XdsType, TypeState>> => ({
  CDS: { sent: `c${nonce}`, acked: `c${nonce}`, sentTime },
  LDS: { sent: `l${nonce}`, acked: `l${nonce}`, sentTime },
  RDS: { sent: `r${nonce}`, acked: `r${nonce}`, sentTime },
});

const T0 = Date.parse('2026-03-01T10:00:00Z');

describe('RolloutTracker', () => {
  it('a pod is acked once it ACKed a push newer than the apply (new nonce)', () => {
    const t = new RolloutTracker();
    const base = [proxy('gw-a', synced('1')), proxy('gw-b', synced('1')), proxy('web-v1', synced('1'), 'sidecar')];
    const r = t.begin(T0, base, T0);
    expect(r.pods.map((p) => [p.pod, p.state])).toEqual([
      ['gw-a', 'pending'],
      ['gw-b', 'pending'],
    ]);
    // gw-a got the push (RDS only, as istiod sends after a VirtualService change) but not acked yet.
    const pushed = { ...synced('1'), RDS: { sent: 'r2', acked: 'r1' } };
    t.update([proxy('gw-a', pushed), proxy('gw-b', synced('1'))], T0 + 100);
    expect(r.pods.map((p) => p.state)).toEqual(['pending', 'pending']);
    t.update([proxy('gw-a', { ...synced('1'), RDS: { sent: 'r2', acked: 'r2' } }), proxy('gw-b', synced('1'))], T0 + 200);
    expect(r.pods[0]).toMatchObject({ state: 'acked', ackedAt: T0 + 200 });
    expect(r.done).toBe(false);
    expect(t.active).toBe(1);
    t.update([proxy('gw-a', synced('1')), proxy('gw-b', synced('2'))], T0 + 300);
    expect(r.pods.map((p) => p.state)).toEqual(['acked', 'acked']);
    expect(r).toMatchObject({ done: true, doneAt: T0 + 300, timedOut: false, counts: { acked: 2, pending: 0, nack: 0, gone: 0 } });
    expect(t.active).toBe(0);
  });

  it('counts a push whose sentTime is after the apply even when the baseline already had it', () => {
    const t = new RolloutTracker();
    const after = new Date(T0 + 50).toISOString();
    const r = t.begin(T0, [proxy('gw-a', synced('2', after))], T0 + 400);
    expect(r.pods[0]!.state).toBe('acked');
    expect(r.done).toBe(true);
  });

  it('with sentTime, ignores a push made before the apply even if it came after the last poll', () => {
    const t = new RolloutTracker();
    const before = new Date(T0 - 300).toISOString();
    const stale = [proxy('gw-a', synced('1', new Date(T0 - 5000).toISOString()))];
    const r = t.begin(T0, stale, T0);
    t.update([proxy('gw-a', synced('2', before))], T0 + 100);
    expect(r.pods[0]!.state).toBe('pending');
    t.update([proxy('gw-a', synced('3', new Date(T0 + 120).toISOString()))], T0 + 200);
    expect(r.pods[0]!.state).toBe('acked');
    // A tolerance for an istiod clock running behind.
    const lenient = new RolloutTracker({ clockSkewMs: 500 });
    expect(lenient.begin(T0, [proxy('gw-a', synced('2', before))], T0 + 10).done).toBe(true);
  });

  it('a rejected push is a NACK with its error, and a restarted pod that then ACKs is acked', () => {
    const t = new RolloutTracker();
    const r = t.begin(T0, [proxy('gw-a', synced('1'))], T0);
    const nack = { ...synced('1'), LDS: { sent: 'l2', acked: 'l1', lastError: 'Error adding/updating listener(s) 0.0.0.0_8443: missing certificate' } };
    t.update([proxy('gw-a', nack)], T0 + 100);
    expect(r.pods[0]).toMatchObject({ state: 'nack', error: 'LDS: Error adding/updating listener(s) 0.0.0.0_8443: missing certificate' });
    expect(r.counts.nack).toBe(1);
    expect(r.done).toBe(false);
    t.update([proxy('gw-a', synced('3'))], T0 + 900);
    expect(r.pods[0]).toMatchObject({ state: 'acked' });
    expect(r.pods[0]!.error).toBeUndefined();
    expect(r.done).toBe(true);
  });

  it('a replaced pod is gone, its replacement joins, and an unfinished rollout times out', () => {
    const t = new RolloutTracker({ timeoutMs: 1000 });
    const r = t.begin(T0, [proxy('gw-old', synced('1'))], T0);
    t.update([proxy('gw-new', { CDS: { sent: 'c1' } })], T0 + 100);
    expect(r.pods.map((p) => [p.pod, p.state])).toEqual([
      ['gw-new', 'pending'],
      ['gw-old', 'gone'],
    ]);
    t.update([proxy('gw-new', { CDS: { sent: 'c1', acked: 'c1' } })], T0 + 200);
    expect(r.done).toBe(true);

    const late = t.begin(T0, [proxy('gw-x', synced('1'))], T0);
    t.update([proxy('gw-x', synced('1'))], T0 + 1500);
    expect(late).toMatchObject({ done: true, timedOut: true, counts: { pending: 1 } });
  });

  it('waits for the replacement of a restarted pod before finishing (or for the grace period)', () => {
    const t = new RolloutTracker({ replacementGraceMs: 1000 });
    const r = t.begin(T0, [proxy('gw-a', synced('1')), proxy('gw-b', synced('1'))], T0);
    // gw-b ACKs the push; gw-a is deleted and its replacement has not connected yet.
    t.update([proxy('gw-b', { ...synced('1'), RDS: { sent: 'r2', acked: 'r2' } })], T0 + 100);
    expect(r.pods.map((p) => [p.pod, p.state])).toEqual([
      ['gw-a', 'gone'],
      ['gw-b', 'acked'],
    ]);
    expect(r.done).toBe(false);
    t.update([proxy('gw-b', { ...synced('1'), RDS: { sent: 'r2', acked: 'r2' } }), proxy('gw-c', { CDS: { sent: 'c9', acked: 'c9' } })], T0 + 300);
    expect(r).toMatchObject({ done: true, counts: { acked: 2, gone: 1 } });

    // Scaled down for good: done once the grace period is over.
    const s = t.begin(T0, [proxy('gw-x', synced('1')), proxy('gw-y', synced('1'))], T0);
    t.update([proxy('gw-y', { ...synced('1'), RDS: { sent: 'r2', acked: 'r2' } })], T0 + 100);
    expect(s.done).toBe(false);
    t.update([proxy('gw-y', { ...synced('1'), RDS: { sent: 'r2', acked: 'r2' } })], T0 + 1200);
    expect(s).toMatchObject({ done: true, timedOut: false, counts: { acked: 1, gone: 1 } });
  });

  it('keeps a bounded number of finished rollouts', () => {
    const t = new RolloutTracker({ keep: 3 });
    for (let i = 0; i < 6; i++) t.begin(T0, [proxy('gw', synced('1', new Date(T0 + 10).toISOString()))], T0 + 20, `change ${i}`);
    expect(t.list().map((r) => r.label)).toEqual(['change 3', 'change 4', 'change 5']);
  });
});
