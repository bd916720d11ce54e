/**
 * IstiodSync against the sandbox's istiod stand-in and gateway proxies (issue 8's acceptance):
 * all gateways SYNCED at start; after a VirtualService change each gateway acknowledges the new
 * push within 2 s; with the reject-config fault one gateway NACKs (STALE/NACK in the table, nack
 * in the rollout); deleting that pod ("restart pod") brings a replacement that is SYNCED.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../sandbox/test-support/kubectl';
import { REJECT_CONFIG_ANNOTATION } from '../sandbox/mesh/envoy/index';
import { startMeshSandbox, type MeshSandbox } from '../envoy/test-support/mesh-sandbox';
import { ClusterCache } from '../kube/cache';
import { IstiodSync } from './istiod';
import type { ProxySync } from './syncz';

const isSynced = (p: ProxySync) => Object.values(p.types).every((s) => s!.state === 'SYNCED' || s!.state === 'NOT SENT') && p.types.CDS?.state === 'SYNCED' && p.types.LDS?.state === 'SYNCED';

describe('IstiodSync against the sandbox istiod stand-in', () => {
  let mesh: MeshSandbox;
  let kc: KubeConfig;
  let cache: ClusterCache;
  let sync: IstiodSync;
  const gatewayRows = (s = sync.current()) => (s?.proxies ?? []).filter((p) => p.proxyType === 'router');
  const setWeights = (v1: number) =>
    mesh.sb.store.mutate('networking.istio.io/virtualservices', 'default', 'web-service', (vs) => {
      const split = (vs['spec'] as { http: Array<{ name?: string; route: Array<{ weight?: number }> }> }).http.find((h) => h.name === 'split')!;
      split.route[0]!.weight = v1;
      split.route[1]!.weight = 100 - v1;
    });

  beforeAll(async () => {
    mesh = await startMeshSandbox();
    kc = new KubeConfig();
    kc.loadFromFile(mesh.sb.kubeconfigPath);
    cache = new ClusterCache(kc, { coalesceMs: 10 });
    cache.start();
    await cache.waitForSync();
    sync = new IstiodSync(kc, cache);
    sync.start();
  });
  afterAll(async () => {
    sync?.stop();
    cache?.stop();
    await mesh?.close();
  });

  it('shows every gateway pod SYNCED at start, with the stand-in istiod named', async () => {
    const snap = await until(async () => {
      const s = await sync.refresh();
      const rows = gatewayRows(s);
      return rows.length === 2 && rows.every(isSynced) ? s : undefined;
    }, 'both gateways synced', 20_000);
    expect(snap.istiods).toHaveLength(1);
    expect(snap.istiods[0]).toMatchObject({ ok: true, namespace: 'istio-system' });
    expect(snap.istiods[0]!.pod).toMatch(/^istiod-/);
    for (const row of gatewayRows(snap)) {
      expect(row).toMatchObject({ namespace: 'istio-system', istiod: snap.istiods[0]!.pod, istioVersion: '1.26.1' });
      expect(row.pod).toMatch(/^istio-ingressgateway-/);
      expect(row.types.RDS?.state).toBe('SYNCED');
    }
  });

  it('after a VirtualService change, every gateway acknowledges the new push within 2 s', async () => {
    const appliedAt = Date.now();
    setWeights(70);
    const r = sync.trackRollout(appliedAt, 'VirtualService default/web-service');
    const done = await until(() => (sync.rollout(r.id)!.done ? sync.rollout(r.id) : undefined), 'the rollout', 5000);
    expect(done!.timedOut).toBe(false);
    expect(done!.counts).toMatchObject({ acked: 2, nack: 0, pending: 0 });
    expect(done!.doneAt! - appliedAt).toBeLessThan(2000);
  });

  it('with the reject-config fault one gateway NACKs; restarting (deleting) that pod brings it back to SYNCED', async () => {
    const [bad, good] = gatewayRows().map((p) => p.pod) as [string, string];
    mesh.sb.store.mutate('core/pods', 'istio-system', bad, (p) => {
      p.metadata.annotations = { ...(p.metadata.annotations ?? {}), [REJECT_CONFIG_ANNOTATION]: 'true' };
    });
    const appliedAt = Date.now();
    setWeights(60);
    const r = sync.trackRollout(appliedAt, 'VirtualService default/web-service');
    await until(() => {
      const cur = sync.rollout(r.id)!;
      const byPod = Object.fromEntries(cur.pods.map((p) => [p.pod, p.state]));
      return byPod[bad] === 'nack' && byPod[good] === 'acked';
    }, 'nack on the faulty pod, ack on the other', 5000);
    const pod = sync.rollout(r.id)!.pods.find((p) => p.pod === bad)!;
    expect(pod.error).toMatch(/^LDS: .*rejected by the sandbox fault switch/);
    const row = gatewayRows().find((p) => p.pod === bad)!;
    expect(row.types.LDS!.state).toBe('NACK');
    expect(Object.values(row.types).some((s) => s!.state === 'STALE')).toBe(true);
    expect(sync.rollout(r.id)!.done).toBe(false);

    // "Restart pod": the Deployment replaces it; the replacement joins the rollout and ACKs.
    mesh.sb.store.delete('core/pods', 'istio-system', bad);
    const done = await until(() => (sync.rollout(r.id)!.done ? sync.rollout(r.id) : undefined), 'the rollout to finish with the replacement', 20_000);
    expect(done!.timedOut).toBe(false);
    expect(done!.pods.find((p) => p.pod === bad)!.state).toBe('gone');
    expect(done!.counts.acked).toBe(2);
    await until(() => gatewayRows().length === 2 && gatewayRows().every(isSynced) && !gatewayRows().some((p) => p.pod === bad), 'two synced gateways again', 10_000);
  });
});
