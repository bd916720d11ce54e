import { describe, expect, it } from 'vitest';
import type { InformerEventType, KubeObjectLike } from '../kube/informer';
import { HistoryRecorder, type HistorySource } from './recorder';

type Handler = (type: InformerEventType, obj: KubeObjectLike, old?: KubeObjectLike) => void;

function fakeSource() {
  const handlers = new Map<string, Handler[]>();
  const states = new Map<string, { synced: boolean }>();
  const informers = new Map<string, { on(fn: Handler): () => void; state: { synced: boolean } }>();
  for (const p of ['gateways', 'virtualservices', 'destinationrules', 'pods']) {
    const state = { synced: false };
    states.set(p, state);
    informers.set(p, {
      state,
      on(fn) {
        handlers.set(p, [...(handlers.get(p) ?? []), fn]);
        return () => handlers.set(p, (handlers.get(p) ?? []).filter((h) => h !== fn));
      },
    });
  }
  const emit = (plural: string, type: InformerEventType, obj: KubeObjectLike) => (handlers.get(plural) ?? []).forEach((h) => h(type, obj));
  return { source: informers as unknown as HistorySource['informers'], emit, states, handlers };
}

const vs = (rv: string, weights: [number, number], manager: string, time: string): KubeObjectLike => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'web', namespace: 'default', uid: 'u1', resourceVersion: rv, generation: Number(rv), managedFields: [{ manager, operation: 'Update', time }] },
  spec: { http: [{ name: 'split', route: [{ destination: { host: 'web', subset: 'v1' }, weight: weights[0] }, { destination: { host: 'web', subset: 'v2' }, weight: weights[1] }] }] },
});

describe('HistoryRecorder', () => {
  it('records listed, updated and deleted versions with the field manager and the diff', () => {
    const f = fakeSource();
    let t = 0;
    const h = new HistoryRecorder({ informers: f.source }, { now: () => new Date(Date.UTC(2026, 11, 5, 7, 0, t++)) });
    f.emit('virtualservices', 'ADDED', vs('1', [80, 20], 'kubectl-client-side-apply', '2026-12-05T06:00:00Z'));
    f.states.get('virtualservices')!.synced = true;
    f.emit('virtualservices', 'ADDED', vs('1', [80, 20], 'kubectl-client-side-apply', '2026-12-05T06:00:00Z')); // relist: same version
    f.emit('virtualservices', 'MODIFIED', vs('2', [50, 50], 'kubectl-patch', '2026-12-05T07:00:00Z'));
    f.emit('pods', 'ADDED', { metadata: { name: 'p', namespace: 'default', resourceVersion: '3' } }); // not recorded
    f.emit('virtualservices', 'DELETED', vs('2', [50, 50], 'kubectl-patch', '2026-12-05T07:00:00Z'));
    const { entries } = h.list();
    expect(entries.map((e) => [e.seq, e.event, e.resourceVersion, e.fieldManager ?? null, e.changes.length])).toEqual([
      [1, 'listed', '1', 'kubectl-client-side-apply', 0],
      [2, 'updated', '2', 'kubectl-patch', 2],
      [3, 'deleted', '2', null, 0],
    ]);
    expect(entries[1]).toMatchObject({ plural: 'virtualservices', kind: 'VirtualService', namespace: 'default', name: 'web', changedAt: '2026-12-05T07:00:00Z', observedAt: '2026-12-05T07:00:01.000Z', generation: 2 });
    expect(entries[1]!.changes.map((c) => c.display)).toEqual(['spec.http[0].route[0].weight', 'spec.http[0].route[1].weight']);
    expect(entries[1]).not.toHaveProperty('object');
    expect(h.get(1)?.object.metadata).not.toHaveProperty('managedFields');
    expect(h.get(1)?.object['spec']).toMatchObject({ http: [{ route: [{ weight: 80 }, { weight: 20 }] }] });
    // Created again after the delete: a new object, no diff against the deleted one.
    f.emit('virtualservices', 'ADDED', { ...vs('5', [80, 20], 'kubectl-create', '2026-12-05T08:00:00Z'), metadata: { ...vs('5', [80, 20], 'x', 't').metadata, uid: 'u2' } });
    expect(h.list().entries.at(-1)).toMatchObject({ event: 'created', changes: [] });
    h.stop();
    expect([...f.handlers.values()].flat()).toHaveLength(0);
  });

  it('is bounded per object and overall, oldest first', () => {
    const f = fakeSource();
    f.states.get('virtualservices')!.synced = true;
    const h = new HistoryRecorder({ informers: f.source }, { perObject: 3, total: 5 });
    for (let i = 1; i <= 6; i++) f.emit('virtualservices', 'MODIFIED', vs(String(i), [i, 100 - i], 'm', `t${i}`));
    expect(h.list().entries.map((e) => e.resourceVersion)).toEqual(['4', '5', '6']);
    for (let i = 1; i <= 4; i++) f.emit('gateways', 'ADDED', { kind: 'Gateway', metadata: { name: `g${i}`, namespace: 'x', resourceVersion: String(10 + i) } });
    const l = h.list();
    expect(l.entries).toHaveLength(5);
    expect(l.entries.map((e) => e.name)).toEqual(['web', 'g1', 'g2', 'g3', 'g4']);
    expect(l.evicted).toBe(5);
    expect(l.limits).toEqual({ perObject: 3, total: 5 });
  });

  it('announces new versions to the topic, coalesced', async () => {
    const f = fakeSource();
    const h = new HistoryRecorder({ informers: f.source }, { publishMs: 5 });
    let calls = 0;
    const done = new Promise<void>((resolve) => h.onChange(() => (++calls, resolve())));
    f.emit('destinationrules', 'ADDED', { kind: 'DestinationRule', metadata: { name: 'd', namespace: 'x', resourceVersion: '1' } });
    f.emit('destinationrules', 'MODIFIED', { kind: 'DestinationRule', metadata: { name: 'd', namespace: 'x', resourceVersion: '2' } });
    await done;
    expect(calls).toBe(1);
    h.stop();
  });
});
