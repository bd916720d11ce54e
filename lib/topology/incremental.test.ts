import { describe, expect, it } from 'vitest';
import { meshSnapshotFromPlurals } from '../istio/snapshot';
import type { KubeObject } from '../kube/object';
import { buildTopology } from './build';
import { IncrementalTopology } from './incremental';
import { syntheticObjects, type SyntheticSize } from './synthetic';
import { toTopologyView } from './view';
import { prng as rng } from '../accesslog/test-support';

/* eslint-disable @typescript-eslint/no-explicit-any -- the edits below reach into specs freely */

const PLURAL: Record<string, string> = { Gateway: 'gateways', VirtualService: 'virtualservices', DestinationRule: 'destinationrules', Service: 'services', Pod: 'pods' };

/** A cluster cache as the informers keep it: per kind, objects by key in arrival order; an edit replaces the object in place. */
class FakeCache {
  readonly kinds = new Map<string, Map<string, KubeObject>>();

  constructor(objects: KubeObject[]) {
    for (const o of objects) this.put(o);
  }

  put(o: KubeObject): void {
    const plural = PLURAL[o.kind!]!;
    let m = this.kinds.get(plural);
    if (!m) this.kinds.set(plural, (m = new Map()));
    m.set(`${o.metadata.namespace ?? ''}/${o.metadata.name}`, o);
  }

  remove(o: KubeObject): void {
    this.kinds.get(PLURAL[o.kind!]!)!.delete(`${o.metadata.namespace ?? ''}/${o.metadata.name}`);
  }

  list(plural: string): any[] {
    return [...(this.kinds.get(plural)?.values() ?? [])];
  }

  snapshot(): Record<string, KubeObject[]> {
    return Object.fromEntries([...this.kinds].map(([p, m]) => [p, [...m.values()]]));
  }
}

type Edit = (c: FakeCache, r: () => number) => string | undefined;
const pick = <T>(xs: readonly T[], r: () => number): T | undefined => (xs.length ? xs[Math.floor(r() * xs.length)] : undefined);

const EDITS: Record<string, Edit> = {
  podReadyFlip: (c, r) => {
    const p = pick(c.list('pods'), r);
    if (!p) return;
    const ready = p.status?.conditions?.find((x: any) => x.type === 'Ready')?.status === 'True';
    c.put({ ...p, status: { ...p.status, conditions: [{ type: 'Ready', status: ready ? 'False' : 'True' }] } });
    return `${p.metadata.name} ready=${!ready}`;
  },
  podAdd: (c, r) => {
    const svc = pick(c.list('services').filter((s) => s.spec?.selector?.app), r);
    if (!svc) return;
    const name = `extra-${Math.floor(r() * 1e9)}`;
    c.put({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: svc.metadata.namespace, labels: { ...svc.spec.selector, version: r() < 0.5 ? 'v1' : 'v2' } },
      spec: { containers: [{ name: 'app', ports: [{ containerPort: 8080 }] }] },
      status: { phase: 'Running', podIP: '127.9.0.1', conditions: [{ type: 'Ready', status: r() < 0.8 ? 'True' : 'False' }] },
    } as unknown as KubeObject);
    return `add pod ${name}`;
  },
  podDelete: (c, r) => {
    const p = pick(c.list('pods'), r);
    if (!p) return;
    c.remove(p);
    return `delete pod ${p.metadata.name}`;
  },
  vsWeightEdit: (c, r) => {
    const vs = pick(c.list('virtualservices'), r);
    const i = vs?.spec?.http?.findIndex((h: any) => (h.route?.length ?? 0) > 1);
    if (!vs || i === undefined || i < 0) return;
    const w = Math.floor(r() * 101);
    const http = vs.spec.http.map((h: any, k: number) => (k === i ? { ...h, route: [{ ...h.route[0], weight: w }, { ...h.route[1], weight: 100 - w }, ...h.route.slice(2)] } : h));
    c.put({ ...vs, spec: { ...vs.spec, http } });
    return `${vs.metadata.name} weights ${w}/${100 - w}`;
  },
  vsDelete: (c, r) => {
    const vs = pick(c.list('virtualservices'), r);
    if (!vs) return;
    c.remove(vs);
    return `delete vs ${vs.metadata.name}`;
  },
  gatewayHostEdit: (c, r) => {
    const gw = pick(c.list('gateways'), r);
    if (!gw) return;
    const host = r() < 0.5 ? '*' : `*.other${Math.floor(r() * 3)}.example.com`;
    const servers = gw.spec.servers.map((s: any, k: number) => (k === 0 ? { ...s, hosts: [host] } : s));
    c.put({ ...gw, spec: { ...gw.spec, servers } });
    return `${gw.metadata.name} hosts ${host}`;
  },
  serviceSelectorEdit: (c, r) => {
    const svc = pick(c.list('services').filter((s) => s.metadata.namespace !== 'istio-system'), r);
    const other = pick(c.list('services').filter((s) => s.spec?.selector?.app), r);
    if (!svc || !other) return;
    c.put({ ...svc, spec: { ...svc.spec, selector: { ...other.spec.selector } } });
    return `${svc.metadata.name} selector ${JSON.stringify(other.spec.selector)}`;
  },
  subsetDelete: (c, r) => {
    const dr = pick(c.list('destinationrules').filter((d) => (d.spec?.subsets?.length ?? 0) > 0), r);
    if (!dr) return;
    const i = Math.floor(r() * dr.spec.subsets.length);
    c.put({ ...dr, spec: { ...dr.spec, subsets: dr.spec.subsets.filter((_: unknown, k: number) => k !== i) } });
    return `${dr.metadata.name} drop subset ${dr.spec.subsets[i].name}`;
  },
};

/** The view built from scratch, on copies (no memo keyed by object or array can hit). */
function fromScratch(c: FakeCache) {
  return toTopologyView(buildTopology(meshSnapshotFromPlurals(structuredClone(c.snapshot()))));
}

function run(size: SyntheticSize, seed: number, steps: number): void {
  const r = rng(seed);
  const cache = new FakeCache(syntheticObjects(size));
  const inc = new IncrementalTopology();
  const names = Object.keys(EDITS);
  const log: string[] = [];
  expect(inc.view(cache.snapshot())).toStrictEqual(fromScratch(cache));
  for (let i = 0; i < steps; i++) {
    const name = pick(names, r)!;
    const what = EDITS[name]!(cache, r);
    log.push(`${i}: ${name} ${what ?? '(nothing)'}`);
    const got = inc.view(cache.snapshot());
    const want = fromScratch(cache);
    // Deep equality, then the same JSON (key order included): what the browser receives.
    expect(got, log.join('\n')).toStrictEqual(want);
    expect(JSON.stringify(got), log.join('\n')).toBe(JSON.stringify(want));
  }
}

describe('IncrementalTopology', () => {
  it.each([1, 2, 3])('gives the same view as a full rebuild after each random edit (small cluster, seed %i)', (seed) => {
    run({ gateways: 3, virtualServices: 8, services: 6, pods: 30, gatewayPods: 2 }, seed, 40);
  });

  it('gives the same view as a full rebuild after each random edit (medium cluster)', () => {
    run({ gateways: 6, virtualServices: 40, services: 50, pods: 250 }, 7, 20);
  });

  it('hands out the same node objects for what a readiness flip does not touch, and changes the flipped pod', () => {
    const cache = new FakeCache(syntheticObjects({ gateways: 2, virtualServices: 4, services: 4, pods: 16 }));
    const inc = new IncrementalTopology();
    const before = inc.view(cache.snapshot());
    const pod = cache.list('pods').find((p) => p.metadata.name.startsWith('svc-'))!;
    cache.put({ ...pod, status: { ...pod.status, conditions: [{ type: 'Ready', status: 'False' }] } });
    const after = inc.view(cache.snapshot());
    expect(after).toStrictEqual(fromScratch(cache));
    const id = `pod:${pod.metadata.namespace}/${pod.metadata.name}`;
    expect(after.nodes.find((n) => n.id === id)).toMatchObject({ health: 'error', detail: expect.stringContaining('not ready') });
    const byId = new Map(before.nodes.map((n) => [n.id, n]));
    const kept = after.nodes.filter((n) => byId.get(n.id) === n).length;
    expect(kept).toBeGreaterThan(after.nodes.length / 2);
    expect(after.nodes.map((n) => [n.x, n.y])).toEqual(before.nodes.map((n) => [n.x, n.y]));
  });
});
