import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressBlock, httpGet, startHarness, startHttpBackend, type Backend, type Harness } from '../test-support/harness';

const ip = addressBlock(23);
type Obj = Record<string, unknown>;
const fixture = (name: string) => JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8')) as { configs: Obj[] };
const keys = (o: unknown) => Object.keys(o as Obj).sort();
const byType = (d: { configs: Obj[] }, t: string) => d.configs.find((c) => c['@type'] === `type.googleapis.com/envoy.admin.v3.${t}`) as Obj;

describe('Envoy admin API of the gateway proxy', () => {
  let h: Harness;
  let v1: Backend;

  beforeAll(async () => {
    h = await startHarness(ip);
    v1 = await startHttpBackend(ip(11), 80, 'V1');
    expect(h.push('2026-11-22T23:40:01Z/17')).toEqual({ ok: true });
    await h.proxy.settled();
    expect((await httpGet(h.gatewayIP, 8080, '/v1', 'web.example.com')).status).toBe(200);
  });

  afterAll(async () => {
    await h?.close();
    await v1?.close();
  });

  const admin = async (path: string, init?: RequestInit) => {
    const r = await fetch(h.adminUrl(path), init);
    return { status: r.status, text: await r.text(), type: r.headers.get('content-type') ?? '' };
  };

  it('dumps the config in the key structure of real dumps, in Envoy order', async () => {
    const r = await admin('/config_dump');
    expect(r.status).toBe(200);
    expect(r.type).toContain('application/json');
    const dump = JSON.parse(r.text) as { configs: Obj[] };
    const real = fixture('waypoint-full.config_dump.json');
    const types = (d: { configs: Obj[] }) => d.configs.map((c) => c['@type']);
    expect(types(dump)).toEqual(types(real).filter((t) => !String(t).endsWith('EndpointsConfigDump')));

    const boot = byType(dump, 'BootstrapConfigDump') as { bootstrap: { node: { id: string; metadata: Obj } } };
    expect(boot.bootstrap.node.id).toBe(`router~${ip(2)}~${h.gatewayPod.metadata.name}.istio-system~istio-system.svc.cluster.local`);
    expect(keys(boot)).toEqual(keys(byType(real, 'BootstrapConfigDump')));

    const clusters = byType(dump, 'ClustersConfigDump') as { version_info: string; dynamic_active_clusters: Obj[]; static_clusters: Obj[] };
    expect(keys(clusters)).toEqual(keys(byType(real, 'ClustersConfigDump')));
    expect(clusters.version_info).toBe('2026-11-22T23:40:01Z/17');
    const subset = clusters.dynamic_active_clusters.find((c) => (c.cluster as Obj).name === 'outbound|80|v1|web-service.default.svc.cluster.local')!;
    expect(keys(subset)).toEqual(['cluster', 'last_updated', 'version_info']);
    const realSubset = (byType(fixture('ingressgateway-bookinfo-http.config_dump.json'), 'ClustersConfigDump').dynamic_active_clusters as Obj[])[0]!.cluster as Obj;
    for (const k of keys(realSubset)) expect(keys(subset.cluster)).toContain(k);
    expect(keys((subset.cluster as { metadata: { filter_metadata: { istio: Obj } } }).metadata.filter_metadata.istio)).toEqual(keys((realSubset as { metadata: { filter_metadata: { istio: Obj } } }).metadata.filter_metadata.istio));

    const listeners = byType(dump, 'ListenersConfigDump') as { dynamic_listeners: Array<{ name: string; active_state: Obj }> };
    expect(listeners.dynamic_listeners.map((l) => l.name)).toEqual(['0.0.0.0_3306', '0.0.0.0_8080', '0.0.0.0_8443']);
    expect(keys(listeners.dynamic_listeners[0]!.active_state)).toEqual(['last_updated', 'listener', 'version_info']);

    const routes = byType(dump, 'RoutesConfigDump') as { dynamic_route_configs: Array<{ route_config: Obj }> };
    const realRoutes = byType(fixture('ingressgateway-httpbin-routes.config_dump.json'), 'RoutesConfigDump') as { dynamic_route_configs: Array<{ route_config: { virtual_hosts: Array<{ routes: Obj[] }> } }> };
    expect(keys(routes)).toEqual(keys(realRoutes));
    const http = routes.dynamic_route_configs.find((c) => c.route_config.name === 'http.8080')!;
    expect(keys(http)).toEqual(keys(realRoutes.dynamic_route_configs[0]));
    expect(keys(http.route_config)).toEqual(keys(realRoutes.dynamic_route_configs[0]!.route_config));
    const realRoute = realRoutes.dynamic_route_configs[0]!.route_config.virtual_hosts[0]!.routes[0]!;
    const httpbinRoute = (http.route_config as { virtual_hosts: Array<{ name: string; routes: Obj[] }> }).virtual_hosts.find((v) => v.name === 'httpbin.example.com:80')!.routes[0]!;
    expect(keys(httpbinRoute)).toEqual(keys(realRoute));
    expect(keys(httpbinRoute.route)).toEqual(keys(realRoute.route));

    const secrets = byType(dump, 'SecretsConfigDump') as { dynamic_active_secrets: Array<{ name: string; secret: { tls_certificate: { private_key: { inline_bytes: string } } } }> };
    expect(secrets.dynamic_active_secrets[0]!.name).toBe('file-cert:/etc/istio/ingressgateway-certs/tls.crt~/etc/istio/ingressgateway-certs/tls.key');
    expect(secrets.dynamic_active_secrets[0]!.secret.tls_certificate.private_key.inline_bytes).toBe('W3JlZGFjdGVkXQ==');
    expect(r.text).not.toContain('PRIVATE KEY');
  });

  it('adds endpoints with ?include_eds, in Envoy’s rendering', async () => {
    const dump = JSON.parse((await admin('/config_dump?include_eds')).text) as { configs: Obj[] };
    const eds = byType(dump, 'EndpointsConfigDump') as { dynamic_endpoint_configs: Array<{ endpoint_config: { cluster_name: string; endpoints: Array<{ lb_endpoints: Obj[] }> } }> };
    const v1c = eds.dynamic_endpoint_configs.find((e) => e.endpoint_config.cluster_name === 'outbound|80|v1|web-service.default.svc.cluster.local')!;
    const realEds = byType(fixture('waypoint-full.config_dump.json'), 'EndpointsConfigDump') as { dynamic_endpoint_configs: Array<{ endpoint_config: { endpoints: Array<{ lb_endpoints: Obj[] }> } }> };
    expect(keys(v1c.endpoint_config)).toEqual(keys(realEds.dynamic_endpoint_configs[0]!.endpoint_config));
    expect(keys(v1c.endpoint_config.endpoints[0]!.lb_endpoints[0])).toEqual(keys(realEds.dynamic_endpoint_configs[0]!.endpoint_config.endpoints[0]!.lb_endpoints[0]));
  });

  it('honours ?resource= and ?mask= as Envoy does', async () => {
    const r = JSON.parse((await admin('/config_dump?resource=dynamic_active_clusters&mask=cluster.name')).text) as { configs: Obj[] };
    expect(r.configs[0]).toEqual({ '@type': 'type.googleapis.com/envoy.admin.v3.ClustersConfigDump.DynamicCluster', cluster: { '@type': 'type.googleapis.com/envoy.config.cluster.v3.Cluster', name: 'BlackHoleCluster' } });
    const m = JSON.parse((await admin('/config_dump?mask=dynamic_route_configs')).text) as { configs: Obj[] };
    expect(m.configs.map((c) => c['@type'])).toEqual(['type.googleapis.com/envoy.admin.v3.RoutesConfigDump']);
    expect(keys(m.configs[0])).toEqual(['@type', 'dynamic_route_configs']);
    const nr = JSON.parse((await admin('/config_dump?resource=dynamic_route_configs&name_regex=http\\..*')).text) as { configs: Array<{ route_config: { name: string } }> };
    expect(nr.configs.map((c) => c.route_config.name)).toEqual(['http.8080']);
    expect(await admin('/config_dump?resource=nope')).toMatchObject({ status: 404, text: 'nope not found in config dump' });
    expect((await admin('/config_dump?mask=nope')).status).toBe(400);
    expect((await admin('/config_dump?resource=version_info')).status).toBe(400);
  });

  it('prints /clusters and /listeners in text and JSON', async () => {
    const text = (await admin('/clusters')).text;
    expect(text).toContain(`outbound|80|v1|web-service.default.svc.cluster.local::${ip(11)}:80::health_flags::healthy`);
    expect(text).toMatch(new RegExp(`outbound\\|80\\|v1\\|web-service\\.default\\.svc\\.cluster\\.local::${ip(11).replace(/\./g, '\\.')}:80::rq_success::[1-9]`));
    expect(text).toContain('outbound|80|v1|web-service.default.svc.cluster.local::added_via_api::true');
    const json = JSON.parse((await admin('/clusters?format=json')).text) as { cluster_statuses: Array<{ name: string; host_statuses?: Array<{ address: Obj; health_status: Obj }> }> };
    const v1c = json.cluster_statuses.find((c) => c.name === 'outbound|80|v1|web-service.default.svc.cluster.local')!;
    expect(v1c.host_statuses![0]!.address).toEqual({ socket_address: { address: ip(11), port_value: 80 } });
    expect(v1c.host_statuses![0]!.health_status).toEqual({ eds_health_status: 'HEALTHY' });
    expect((await admin('/listeners')).text).toContain('0.0.0.0_8080::0.0.0.0:8080\n');
    const lj = JSON.parse((await admin('/listeners?format=json')).text) as { listener_statuses: Array<{ name: string }> };
    expect(lj.listener_statuses.map((l) => l.name)).toContain('0.0.0.0_8443');
  });

  it('reports stats, Istio metrics on :15090 and readiness on :15021', async () => {
    const stats = (await admin('/stats')).text;
    expect(stats).toMatch(/^listener_manager\.lds\.update_success: 1$/m);
    expect(stats).toMatch(/^cluster\.outbound\|80\|v1\|web-service\.default\.svc\.cluster\.local\.upstream_rq_200: 1$/m);
    expect(JSON.parse((await admin('/stats?format=json&filter=lds')).text).stats.length).toBeGreaterThan(0);
    const prom = (await httpGet(h.gatewayIP, 15090, '/stats/prometheus', 'x')).body;
    expect(prom).toContain('# TYPE istio_requests_total counter');
    expect(prom).toMatch(/istio_requests_total\{response_code="200",reporter="source",source_workload="istio-ingressgateway",source_workload_namespace="istio-system",.*destination_workload="httpd-v1",.*destination_version="v1",destination_service="web-service\.default\.svc\.cluster\.local",destination_service_name="web-service",destination_service_namespace="default",.*request_protocol="http",response_flags="-".*\} 1/);
    expect(prom).toContain('# TYPE istio_request_duration_milliseconds histogram');
    for (const le of ['0.5', '1', '5', '10', '25', '50', '100', '250', '500', '1000', '2500', '5000', '10000', '30000', '60000', '300000', '600000', '1800000', '3600000', '+Inf']) {
      expect(prom).toContain(`le="${le}"`);
    }
    expect(prom).toMatch(/envoy_cluster_upstream_rq_total\{cluster_name="outbound\|80\|v1\|web-service\.default\.svc\.cluster\.local"\} 1/);
    expect((await admin('/stats/prometheus')).text).toContain('istio_requests_total');
    expect((await httpGet(h.gatewayIP, 15021, '/healthz/ready', 'x')).status).toBe(200);
  });

  it('answers /server_info, /ready and /certs', async () => {
    const info = JSON.parse((await admin('/server_info')).text) as { state: string; version: string; node: { id: string }; command_line_options: Obj };
    expect(info.state).toBe('LIVE');
    expect(info.version).toMatch(/^[0-9a-f]{40}\/1\.26\.1\/Clean\/RELEASE\/BoringSSL$/);
    expect(info.node.id).toMatch(/^router~/);
    expect(info.command_line_options.concurrency).toBe(2);
    expect(await admin('/ready')).toMatchObject({ status: 200, text: 'LIVE\n' });
    const certs = JSON.parse((await admin('/certs')).text) as { certificates: Array<{ cert_chain: Array<{ path: string; subject_alt_names: Obj[] }> }> };
    expect(certs.certificates[0]!.cert_chain[0]!.path).toBe('/etc/istio/ingressgateway-certs/tls.crt');
  });

  it('lists loggers on GET /logging, changes them only on POST, and refuses other mutations without POST', async () => {
    const before = (await admin('/logging')).text;
    expect(before).toContain('active loggers:\n');
    expect(before).toContain('  router: warning\n');
    expect(await admin('/logging?level=debug')).toMatchObject({ status: 405, text: 'Method GET not allowed, POST required.' });
    expect((await admin('/logging')).text).toBe(before);
    expect((await admin('/logging?router=debug', { method: 'POST' })).text).toContain('  router: debug\n');
    expect((await admin('/logging?nope=debug', { method: 'POST' })).status).toBe(404);
    for (const p of ['/quitquitquit', '/drain_listeners', '/healthcheck/fail', '/reset_counters']) {
      expect(await admin(p)).toMatchObject({ status: 405, text: 'Method GET not allowed, POST required.' });
    }
    expect((await httpGet(h.gatewayIP, 8080, '/v1', 'web.example.com')).status).toBe(200);
    expect((await admin('/nope')).status).toBe(404);
    const seen = h.proxy.adminRequests.map((r) => `${r.method} ${r.path}`);
    expect(seen).toContain('GET /quitquitquit');
    expect(seen).toContain('POST /logging?router=debug');
  });
});
