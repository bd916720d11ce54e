/**
 * The drift service against the sandbox's gateway proxies (their real `/config_dump` through
 * pods/portforward): every gateway pod matches the resources at start; with the reject-config
 * fault on one pod, a new VirtualService route reaches the other pod only, and the drift check
 * names the route the faulty pod lacks; restarting that pod (through the console's action)
 * brings a replacement that matches again.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../sandbox/test-support/kubectl';
import { REJECT_CONFIG_ANNOTATION } from '../sandbox/mesh/envoy/index';
import { ClusterCache } from '../kube/cache';
import { restartGatewayPod, rolloutRestartGateway, RESTARTED_AT_ANNOTATION } from '../sync/gateway-actions';
import { EnvoyAdmin } from './admin';
import { DriftService, type DriftSnapshot } from './drift';
import { startMeshSandbox, type MeshSandbox } from './test-support/mesh-sandbox';

const allMatch = (s: DriftSnapshot | undefined) =>
  !!s && s.pods.length === 2 && s.pods.every((p) => p.drift?.summary === 'Listeners Match / Routes Match / Clusters Match');

describe('DriftService against the sandbox gateways', () => {
  let mesh: MeshSandbox;
  let kc: KubeConfig;
  let cache: ClusterCache;
  let admin: EnvoyAdmin;
  let drift: DriftService;

  beforeAll(async () => {
    mesh = await startMeshSandbox();
    kc = new KubeConfig();
    kc.loadFromFile(mesh.sb.kubeconfigPath);
    cache = new ClusterCache(kc, { coalesceMs: 10 });
    cache.start();
    await cache.waitForSync();
    admin = new EnvoyAdmin(kc);
    drift = new DriftService(admin, cache);
    drift.start();
  });
  afterAll(async () => {
    drift?.stop();
    admin?.close();
    cache?.stop();
    await mesh?.close();
  });

  it('every gateway pod holds what the resources ask for, endpoints included', async () => {
    const s = await until(async () => {
      const snap = await drift.refresh();
      return allMatch(snap) ? snap : undefined;
    }, 'both gateways matching', 20_000);
    for (const p of s.pods) {
      expect(p.drift!.differences).toEqual([]);
      expect(p.drift!.endpointsChecked).toBe(true);
      expect(p.drift!.routes.expected).toBeGreaterThanOrEqual(4);
      expect(p.drift!.servers.map((x) => x.id)).toContain('istio-system/default-gateway#0');
      expect(p.configVersion).toMatch(/\//);
    }
  });

  it('names the route a gateway that rejects pushes lacks; restarting the pod repairs it', async () => {
    const pods = (await drift.refresh()).pods.map((p) => p.pod).sort();
    const [bad, good] = pods as [string, string];
    mesh.sb.store.mutate('core/pods', 'istio-system', bad, (p) => {
      p.metadata.annotations = { ...(p.metadata.annotations ?? {}), [REJECT_CONFIG_ANNOTATION]: 'true' };
    });
    mesh.sb.store.mutate('networking.istio.io/virtualservices', 'default', 'web-service', (vs) => {
      const http = (vs['spec'] as { http: unknown[] }).http;
      http.splice(0, 0, { name: 'canary', match: [{ uri: { prefix: '/canary' } }], route: [{ destination: { host: 'web-service', subset: 'v2' } }] });
    });
    const s = await until(async () => {
      const snap = await drift.refresh();
      const b = snap.pods.find((p) => p.pod === bad)?.drift;
      const g = snap.pods.find((p) => p.pod === good)?.drift;
      return b && g && g.differences.length === 0 && b.differences.length > 0 ? snap : undefined;
    }, 'drift on the faulty pod only', 10_000);
    const b = s.pods.find((p) => p.pod === bad)!.drift!;
    expect(b.summary).toBe("Listeners Match / Routes Don't Match / Clusters Match");
    expect(b.differences.map((d) => d.message)).toEqual([
      `route canary of VirtualService default/web-service is missing from route configuration http.8080 on ${bad}`,
      `route canary of VirtualService default/web-service is missing from route configuration https.443.https.default-gateway.istio-system on ${bad}`,
    ]);
    expect(b.routeResults.find((r) => r.route === 'canary')).toMatchObject({ state: 'missing', routeConfig: 'http.8080', domain: 'web.example.com' });

    // "restart pod", as the console's action does it: the replacement gets a full push.
    const r = await restartGatewayPod(kc, cache, 'istio-system', bad);
    expect(r.message).toMatch(/deleted/);
    await until(async () => {
      const snap = await drift.refresh();
      return allMatch(snap) && !snap.pods.some((p) => p.pod === bad) ? snap : undefined;
    }, 'two matching gateways again', 20_000);
  });

  it('rollout restart patches the pod template like kubectl rollout restart', async () => {
    const pod = (await drift.refresh()).pods[0]!.pod;
    const r = await rolloutRestartGateway(kc, cache, 'istio-system', pod, new Date('2026-12-05T07:00:00.123Z'));
    expect(r).toMatchObject({ action: 'rollout-restart', name: 'istio-ingressgateway', restartedAt: '2026-12-05T07:00:00Z' });
    const d = await until(() => {
      const dep = cache.get<{ metadata: { name: string }; spec: { template: { metadata: { annotations?: Record<string, string> } } } }>('deployments', 'istio-system', 'istio-ingressgateway');
      return dep?.spec.template.metadata.annotations?.[RESTARTED_AT_ANNOTATION] ? dep : undefined;
    }, 'the annotation in the cache', 5000);
    expect(d.spec.template.metadata.annotations![RESTARTED_AT_ANNOTATION]).toBe('2026-12-05T07:00:00Z');
    await expect(restartGatewayPod(kc, cache, 'default', 'httpbin-0')).rejects.toThrow(/not a gateway pod/);
  });
});
