/**
 * DriftService without a cluster: a fake cache (the ingress-basics scenario) and a fake admin
 * client. Dumps are fetched with bounded concurrency, runs are coalesced, a failing pod is
 * reported with its error, the `drift` topic sends the latest snapshot and only changed content
 * bumps the version; and trackWrite starts a rollout only for real writes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseScenario, synthesizePods } from '../../lib/topology/fixtures/scenario';
import type { ClusterCache } from '../kube/cache';
import { setRuntime, type Runtime } from '../runtime';
import type { Hub, TopicProvider } from '../stream/hub';
import { trackWrite } from '../sync/track-apply';
import type { AdminRequest, AdminResponse } from './admin';
import { DriftService } from './drift';

const dir = join(import.meta.dirname, '../../lib/topology/fixtures/scenario-ingress-basics');
const objects = parseScenario(readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().map((f) => readFileSync(join(dir, f), 'utf8')));
const pods = synthesizePods(objects);

function fakeCache(): ClusterCache & { fire(): void } {
  const listeners = new Set<() => void>();
  const byPlural: Record<string, unknown[]> = { pods };
  for (const o of objects) {
    const plural = `${o.kind!.toLowerCase()}s`.replace(/ys$/, 'ies');
    (byPlural[plural] ??= []).push(o);
  }
  return {
    snapshot: () => byPlural,
    onChange: (fn: () => void) => {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    fire: () => listeners.forEach((fn) => fn()),
  } as unknown as ClusterCache & { fire(): void };
}

function fakeAdmin(delayMs: number, fail?: string) {
  const calls: AdminRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  return {
    calls,
    get maxInFlight() {
      return maxInFlight;
    },
    async request(req: AdminRequest): Promise<AdminResponse> {
      calls.push(req);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, delayMs));
      inFlight--;
      if (req.pod === fail) throw new Error('pod not reachable');
      return { status: 200, contentType: 'application/json', body: Buffer.from('{"configs":[]}'), upstream: { method: 'GET', path: '/config_dump', query: {} } };
    },
  };
}

describe('DriftService', () => {
  it('fetches each gateway pod once per run, at most `concurrency` at a time, and coalesces runs', async () => {
    const admin = fakeAdmin(20);
    const svc = new DriftService(admin, fakeCache(), { concurrency: 1 });
    const [a, b, c] = [svc.refresh(), svc.refresh(), svc.refresh()];
    const snaps = await Promise.all([a, b, c]);
    // The first run plus one coalesced run for the two asked for during it.
    expect(admin.calls).toHaveLength(4);
    expect(admin.maxInFlight).toBe(1);
    expect(admin.calls[0]).toMatchObject({ method: 'GET', path: '/config_dump', query: { include_eds: 'true' }, namespace: 'istio-system' });
    const last = snaps[2]!;
    expect(last.pods.map((p) => p.pod)).toEqual(['istio-ingressgateway-0', 'istio-ingressgateway-1']);
    // The fake dumps have no sections: nothing can be checked.
    expect(last.pods[0]!.drift!.summary).toBe('Listeners Not Checked / Routes Not Checked / Clusters Not Checked');
    svc.stop();
  });

  it('reports a pod whose dump cannot be read, and keeps the version while nothing changes', async () => {
    const admin = fakeAdmin(1, 'istio-ingressgateway-1');
    const svc = new DriftService(admin, fakeCache());
    const s1 = await svc.refresh();
    expect(s1.pods[1]).toMatchObject({ pod: 'istio-ingressgateway-1', error: 'pod not reachable' });
    expect(s1.pods[1]!.drift).toBeUndefined();
    const s2 = await svc.refresh();
    expect(s2.version).toBe(s1.version);
    svc.stop();
  });

  it('publishes the drift topic to subscribers and refreshes after a cache change', async () => {
    const admin = fakeAdmin(1);
    const cache = fakeCache();
    let provider: TopicProvider | undefined;
    const hub = { register: (_t: string, p: TopicProvider) => (provider = p) } as unknown as Hub;
    const svc = new DriftService(admin, cache, { debounceMs: 5 });
    svc.start(hub);
    const got: number[] = [];
    const stop = provider!.subscribe(undefined, { snapshot: (v) => got.push(v), event: () => {}, error: () => {} }, 'drift');
    const until = async (cond: () => boolean) => {
      for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
      expect(cond()).toBe(true);
    };
    await until(() => got.length === 1);
    const before = admin.calls.length;
    cache.fire();
    await until(() => admin.calls.length >= before + 2);
    stop();
    svc.stop();
  });
});

describe('trackWrite', () => {
  afterEach(() => setRuntime(undefined));

  it('starts a rollout for an applied or deleted object, never for a dry-run or a failure', () => {
    const tracked: Array<[number, string | undefined]> = [];
    const sync = { trackRollout: (at: number, label?: string) => (tracked.push([at, label]), { id: `rollout-${tracked.length}` }) };
    setRuntime({ services: { sync } } as unknown as Runtime);
    expect(trackWrite({ status: 'applied' }, 1000, 'VirtualService default/web')).toBe('rollout-1');
    expect(trackWrite({ status: 'deleted', dryRun: false }, 2000, 'Gateway a/b (deleted)')).toBe('rollout-2');
    expect(trackWrite({ status: 'applied', dryRun: true }, 3000, 'x')).toBeUndefined();
    expect(trackWrite({ status: 'failed' }, 4000, 'x')).toBeUndefined();
    expect(trackWrite({ status: 'rebased' }, 5000, 'x')).toBeUndefined();
    expect(tracked).toEqual([
      [1000, 'VirtualService default/web'],
      [2000, 'Gateway a/b (deleted)'],
    ]);
  });

  it('does nothing without the sync service', () => {
    expect(trackWrite({ status: 'applied' }, 1, 'x')).toBeUndefined();
  });
});
