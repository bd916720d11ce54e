/**
 * The NACK path end to end, down to what the /sync page renders: the sandbox's reject-config
 * fault makes one gateway pod reject a push; IstiodSync and DriftService (the services behind the
 * `sync` and `drift` topics) report it, and the page's table shows NACK with Envoy's error and
 * the route the pod lacks; "restart pod" (the console's action) brings back a matching, SYNCED pod.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProxyStatusTable, proxyRows } from '../../components/sync/proxy-status-table';
import { RolloutsPanel } from '../../components/sync/rollouts-panel';
import type { DriftSnapshot as UiDrift, SyncSnapshot as UiSync } from '../../components/sync/types';
import { REJECT_CONFIG_ANNOTATION } from '../sandbox/mesh/envoy/index';
import { until } from '../sandbox/test-support/kubectl';
import { EnvoyAdmin } from '../envoy/admin';
import { DriftService } from '../envoy/drift';
import { startMeshSandbox, type MeshSandbox } from '../envoy/test-support/mesh-sandbox';
import { ClusterCache } from '../kube/cache';
import { restartGatewayPod } from './gateway-actions';
import { IstiodSync } from './istiod';

describe('a gateway pod rejecting a push, as the /sync page shows it', () => {
  let mesh: MeshSandbox;
  let kc: KubeConfig;
  let cache: ClusterCache;
  let sync: IstiodSync;
  let admin: EnvoyAdmin;
  let drift: DriftService;

  const page = async () => {
    const s = (await sync.refresh()) as unknown as UiSync;
    const d = (await drift.refresh()) as unknown as UiDrift;
    const rows = proxyRows(s.proxies, d.pods);
    const html = renderToStaticMarkup(
      createElement('div', null, createElement(ProxyStatusTable, { rows, onSelect: () => {}, onRestart: () => {} }), createElement(RolloutsPanel, { rollouts: s.rollouts })),
    );
    return { s, d, rows, html };
  };

  beforeAll(async () => {
    mesh = await startMeshSandbox();
    kc = new KubeConfig();
    kc.loadFromFile(mesh.sb.kubeconfigPath);
    cache = new ClusterCache(kc, { coalesceMs: 10 });
    cache.start();
    await cache.waitForSync();
    sync = new IstiodSync(kc, cache);
    sync.start();
    admin = new EnvoyAdmin(kc);
    drift = new DriftService(admin, cache);
    drift.start(undefined, (fn) => sync.onSnapshot(() => fn()));
  });
  afterAll(async () => {
    drift?.stop();
    sync?.stop();
    admin?.close();
    cache?.stop();
    await mesh?.close();
  });

  it('shows NACK with its error and the missing route, then recovers after a restart', async () => {
    const start = await until(async () => {
      const p = await page();
      const gw = p.rows.filter((r) => r.sync?.proxyType === 'router');
      return gw.length === 2 && gw.every((r) => r.sync!.types.LDS?.state === 'SYNCED' && r.drift?.drift?.differences.length === 0) ? p : undefined;
    }, 'two synced, matching gateways', 20_000);
    expect(start.html).not.toContain('data-state="NACK"');
    const [bad, good] = start.rows.filter((r) => r.sync?.proxyType === 'router').map((r) => r.pod) as [string, string];

    mesh.sb.store.mutate('core/pods', 'istio-system', bad, (p) => {
      p.metadata.annotations = { ...(p.metadata.annotations ?? {}), [REJECT_CONFIG_ANNOTATION]: 'true' };
    });
    const appliedAt = Date.now();
    mesh.sb.store.mutate('networking.istio.io/virtualservices', 'default', 'web-service', (vs) => {
      (vs['spec'] as { http: unknown[] }).http.unshift({ name: 'canary', match: [{ uri: { prefix: '/canary' } }], route: [{ destination: { host: 'web-service', subset: 'v2' } }] });
    });
    sync.trackRollout(appliedAt, 'VirtualService default/web-service');
    const nack = await until(async () => {
      const p = await page();
      return p.html.includes('LDS rejected:') && p.html.includes(`route canary of VirtualService default/web-service is missing from route configuration http.8080 on ${bad}`) ? p : undefined;
    }, 'NACK and drift in the table', 10_000);
    expect(nack.html).toMatch(/LDS rejected: [^<]*rejected by the sandbox fault switch/);
    expect(nack.html).toContain(`${bad} NACK`);
    expect(nack.html).toMatch(new RegExp(`${good} ACK \\+\\d+ ms`));
    expect(nack.rows.find((r) => r.pod === good)!.drift!.drift!.differences).toEqual([]);

    await restartGatewayPod(kc, cache, 'istio-system', bad);
    const back = await until(async () => {
      const p = await page();
      const gw = p.rows.filter((r) => r.sync?.proxyType === 'router');
      return gw.length === 2 && !gw.some((r) => r.pod === bad) && gw.every((r) => r.sync!.types.LDS?.state === 'SYNCED' && r.drift?.drift?.summary === 'Listeners Match / Routes Match / Clusters Match') ? p : undefined;
    }, 'a synced replacement', 20_000);
    expect(back.html).not.toContain('LDS rejected:');
    expect(back.html).not.toContain('data-testid="drift-differences"');
  });
});
