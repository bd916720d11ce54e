/**
 * Reliability notes §5 test 9 against the sandbox's Envoy-shaped gateway proxies: every attack is
 * refused before a port-forward opens and the proxy records no admin request at all; the allowed
 * reads answer what Envoy answers.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../sandbox/test-support/kubectl';
import { EnvoyAdmin } from './admin';
import { answerAdminRoute } from './admin-route';
import { startMeshSandbox, type MeshSandbox } from './test-support/mesh-sandbox';

describe('Envoy admin allow-list against the sandbox gateway proxies', () => {
  let mesh: MeshSandbox;
  let kc: KubeConfig;
  let admin: EnvoyAdmin;
  let gw: string;
  const portForwards = () => mesh.sb.server.auditLog.filter((e) => e.path.includes('/portforward')).length;
  const call = (method: string, adminPath: string) => {
    const headers: Record<string, string> = method === 'POST' ? { 'x-gatescope-csrf': '1', origin: 'http://127.0.0.1:3000' } : {};
    const req = new Request(`http://127.0.0.1:3000/api/proxies/istio-system/${gw}/admin${adminPath}`, { method, headers });
    return answerAdminRoute(req, { namespace: 'istio-system', pod: gw, path: adminPath.split('?')[0]!.split('/').filter(Boolean) }, admin);
  };

  beforeAll(async () => {
    mesh = await startMeshSandbox();
    kc = new KubeConfig();
    kc.loadFromFile(mesh.sb.kubeconfigPath);
    admin = new EnvoyAdmin(kc);
    gw = await until(() => [...mesh.proxies.keys()].sort()[0], 'a gateway proxy');
    // LIVE once the first push from the istiod stand-in was accepted.
    await until(async () => (await call('GET', '/ready')).status === 200, 'the gateway to be LIVE', 20_000);
  });
  afterAll(async () => {
    admin?.close();
    await mesh?.close();
  });

  it('refuses every attack of test 9 before any port-forward; the proxy sees no admin request and stays LIVE', async () => {
    const proxy = mesh.proxies.get(gw)!;
    const adminRequests = proxy.admin.requests.length;
    const pf = portForwards();
    const attacks: Array<[string, string]> = [
      ['POST', '/quitquitquit'],
      ['GET', '/quitquitquit'],
      ['POST', '/runtime_modify?x=1'],
      ['GET', '/logging?level=trace'],
      ['POST', '/healthcheck/fail'],
      ['POST', '/drain_listeners'],
      ['GET', '/heap_dump'],
      ['GET', '/stats?format=active-html'],
      ['GET', '/config_dump/../quitquitquit'],
      ['GET', '/%2fquitquitquit'],
      ['GET', '//quitquitquit'],
      ['GET', '/config_dump?resource=dynamic_active_clusters&extra=1'],
    ];
    for (const [method, path] of attacks) expect((await call(method, path)).status, `${method} ${path}`).toBe(403);
    expect(portForwards()).toBe(pf);
    expect(proxy.admin.requests.length).toBe(adminRequests);
    const ready = await call('GET', '/ready');
    expect(ready.status).toBe(200);
    expect(await ready.text()).toBe('LIVE\n');
    expect(proxy.admin.requests.filter((r) => r.method === 'POST')).toEqual([]);
  });

  it('serves the allowed reads from the real admin API', async () => {
    const dump = await call('GET', '/config_dump');
    expect(dump.status).toBe(200);
    const json = (await dump.json()) as { configs: Array<{ '@type': string }> };
    expect(json.configs.map((c) => c['@type'])).toContain('type.googleapis.com/envoy.admin.v3.ClustersConfigDump');
    const clusters = await call('GET', '/config_dump?resource=dynamic_active_clusters');
    expect(clusters.status).toBe(200);
    for (const path of ['/clusters?format=json', '/listeners?format=json', '/server_info', '/certs', '/stats?format=json', '/stats/prometheus', '/memory', '/runtime']) {
      const res = await call('GET', path);
      expect(res.status, path).toBe(200);
    }
    const levels = await call('GET', '/logging');
    expect(levels.status).toBe(200);
    expect(await levels.text()).toMatch(/^active loggers:\n {2}admin: warning\n/);
    const change = await call('POST', '/logging?router=debug');
    expect(change.status).toBe(200);
    expect(await change.text()).toContain('  router: debug\n');
    expect(mesh.proxies.get(gw)!.admin.logLevels.get('router')).toBe('debug');
  });
});
