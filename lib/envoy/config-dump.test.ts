/**
 * The normalized config_dump model on real dumps (fixtures/, from istio/istio test data), and the
 * questions the later drift check asks of it (./config-query).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseClusterName, parseConfigDump, routeDestinations, type EnvoyConfigDump } from './config-dump';
import { endpointsOf, findCluster, findListener, findRouteConfig, hasDestinations, healthyEndpoints, routesFromIstioConfig, selectVirtualHost, virtualHostsWithDomain } from './config-query';

const dir = fileURLToPath(new URL('./fixtures/', import.meta.url));
const dump = (f: string) => parseConfigDump(readFileSync(dir + f, 'utf8'));

describe('parseClusterName', () => {
  it('splits Istio subset keys', () => {
    expect(parseClusterName('outbound|80|v1|web-service.default.svc.cluster.local')).toEqual({
      direction: 'outbound',
      port: 80,
      subset: 'v1',
      host: 'web-service.default.svc.cluster.local',
      service: 'web-service',
      namespace: 'default',
    });
    expect(parseClusterName('outbound|9080||productpage.default.svc.cluster.local')).toMatchObject({ subset: '', port: 9080, service: 'productpage' });
    expect(parseClusterName('inbound-vip|8000|http|httpbin.default.svc.cluster.local')).toMatchObject({ direction: 'inbound-vip', subset: 'http' });
    expect(parseClusterName('outbound_.8000_._.httpbin.default.svc.cluster.local')).toMatchObject({ direction: 'outbound', port: 8000, subset: '', host: 'httpbin.default.svc.cluster.local' });
    expect(parseClusterName('inbound|8080||')).toEqual({ direction: 'inbound', port: 8080, subset: '', host: '' });
    expect(parseClusterName('outbound|443||api.example.com')).toEqual({ direction: 'outbound', port: 443, subset: '', host: 'api.example.com' });
  });

  it('returns undefined for other names', () => {
    for (const n of ['agent', 'PassthroughCluster', 'BlackHoleCluster', 'xds-grpc', 'a|b|c', 'a|b|c|d|e']) expect(parseClusterName(n)).toBeUndefined();
  });
});

describe('parseConfigDump', () => {
  it('reads every section of a complete dump', () => {
    const m = dump('waypoint-full.config_dump.json');
    expect(m.sections).toEqual(['bootstrap', 'clusters', 'endpoints', 'listeners', 'scopedRoutes', 'routes', 'secrets']);
    expect(m.unknownTypes).toEqual([]);
    expect(m.bootstrap).toMatchObject({ proxyType: 'waypoint', podName: 'httpbin-istio-waypoint-58f646c5ff-dbfkz', namespace: 'default', istioVersion: '1.21.0-1226' });
    expect(m.clusters.map((c) => [c.name, c.source, c.type])).toEqual([
      ['inbound-vip|8000|http|httpbin.default.svc.cluster.local', 'dynamic', 'EDS'],
      ['agent', 'static', 'STATIC'],
      ['prometheus_stats', 'static', 'STATIC'],
    ]);
    expect(m.clusters[1]!.inlineEndpoints?.map((e) => e.address)).toEqual(['127.0.0.1:15020']);
    expect(m.listeners.map((l) => [l.name, l.source, l.address, l.port, l.filterChains.length])).toEqual([
      ['main_internal', 'dynamic', '', 0, 4],
      ['', 'static', '0.0.0.0', 15021, 1],
    ]);
    expect(m.listeners[0]!.internal).toBe(true);
    expect(m.routeConfigs.map((r) => [r.name, r.source])).toEqual([['inbound-vip|8000|http|httpbin.default.svc.cluster.local', 'static']]);
    expect(m.secrets.map((s) => [s.name, s.state, s.kind])).toEqual([
      ['default', 'ACTIVE', 'tls_certificate'],
      ['ROOTCA', 'ACTIVE', 'validation_context'],
    ]);
    expect(m.secrets[0]!.certificateChainPem).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(m.endpoints.map((e) => [e.clusterName, e.source, e.endpoints.map((x) => x.address)])).toEqual([
      ['inbound-vip|8100|http|httpbin.default.svc.cluster.local', 'dynamic', ['envoy://connect_originate/192.168.195.248:800']],
      ['prometheus_stats', 'static', ['127.0.0.1:15000']],
    ]);
  });

  it('tolerates missing sections, unknown types and garbage', () => {
    const m = dump('ingressgateway-bookinfo-https-routes.config_dump.json');
    expect(m.sections).toEqual(['routes']);
    expect(m.listeners).toEqual([]);
    expect(m.clusters).toEqual([]);
    expect(m.bootstrap).toBeUndefined();

    const odd = parseConfigDump({
      configs: [
        { '@type': 'type.googleapis.com/envoy.admin.v3.FutureConfigDump', things: [] },
        { no_type: true },
        42,
        { '@type': 'type.googleapis.com/envoy.admin.v3.ClustersConfigDump', dynamic_active_clusters: [null, 'x', { cluster: 'nope' }, { cluster: { name: 'c1' } }] },
        { '@type': 'type.googleapis.com/envoy.admin.v3.ListenersConfigDump', dynamic_listeners: 'not a list' },
      ],
    });
    expect(odd.unknownTypes).toEqual(['type.googleapis.com/envoy.admin.v3.FutureConfigDump']);
    expect(odd.clusters.map((c) => c.name)).toEqual(['c1']);
    expect(odd.listeners).toEqual([]);
    expect(odd.warnings.length).toBeGreaterThan(0);
    expect(parseConfigDump(null).sections).toEqual([]);
    expect(parseConfigDump('{}').clusters).toEqual([]);
  });

  it('accepts lowerCamelCase field names (protobuf JSON mapping) and keeps Struct keys', () => {
    const m = parseConfigDump({
      configs: [
        {
          '@type': 'type.googleapis.com/envoy.admin.v3.BootstrapConfigDump',
          bootstrap: {
            node: {
              id: 'router~10.0.0.5~istio-ingressgateway-abc.istio-system~istio-system.svc.cluster.local',
              metadata: { ISTIO_VERSION: '1.26.1', ISTIO_PROXY_SHA: 'istio-proxy:0123abcd', clusterId: 'kept-as-is' },
              userAgentBuildVersion: { version: { majorNumber: 1, minorNumber: 34, patch: 2 }, metadata: { 'build.type': 'RELEASE', 'revision.status': 'Clean', 'ssl.version': 'BoringSSL' } },
            },
          },
        },
        {
          '@type': 'type.googleapis.com/envoy.admin.v3.ClustersConfigDump',
          dynamicActiveClusters: [{ cluster: { name: 'outbound|80||web.default.svc.cluster.local', edsClusterConfig: { serviceName: 'x' }, metadata: { filterMetadata: { istio: { someKey: 1 } } } } }],
        },
      ],
    });
    expect(m.bootstrap).toMatchObject({ proxyType: 'router', podName: 'istio-ingressgateway-abc', istioVersion: '1.26.1', istioProxySha: '0123abcd', envoyVersion: '1.34.2/Clean/RELEASE/BoringSSL' });
    expect(m.bootstrap!.nodeMetadata['clusterId']).toBe('kept-as-is');
    expect(m.clusters[0]).toMatchObject({ edsServiceName: 'x', name: 'outbound|80||web.default.svc.cluster.local' });
    expect(m.clusters[0]!.raw.metadata?.filter_metadata?.['istio']).toEqual({ someKey: 1 });
  });

  it('reads an ingress gateway: route config http.8080, its VirtualService and the DestinationRule of a subset cluster', () => {
    const m = dump('ingressgateway-bookinfo-http.config_dump.json');
    const rc = findRouteConfig(m, 'http.8080')!;
    expect(rc.virtualHosts.map((v) => [v.name, v.domains])).toEqual([['*:80', ['*']]]);
    const routes = routesFromIstioConfig(m, { kind: 'virtual-service', namespace: 'default', name: 'bookinfo' });
    expect(routes.map((r) => [r.route.match.kind, r.route.match.value])).toEqual([
      ['path', '/productpage'],
      ['prefix', '/static'],
      ['path', '/login'],
      ['path', '/logout'],
      ['prefix', '/api/v1/products'],
    ]);
    expect(routes[0]!.route.istioConfig).toEqual({
      path: '/apis/networking.istio.io/v1alpha3/namespaces/default/virtual-service/bookinfo',
      group: 'networking.istio.io',
      version: 'v1alpha3',
      namespace: 'default',
      kind: 'virtual-service',
      name: 'bookinfo',
    });
    expect(routeDestinations(routes[0]!.route)).toEqual([{ name: 'outbound|9080||productpage.default.svc.cluster.local', weight: 100 }]);
    const cluster = findCluster(m, 'outbound|9080|v1|productpage.default.svc.cluster.local')!;
    expect(cluster.destinationRule).toMatchObject({ kind: 'destination-rule', namespace: 'default', name: 'productpage' });
    expect(cluster.parsed).toMatchObject({ subset: 'v1', service: 'productpage' });
    expect(cluster.services).toEqual([{ host: 'productpage.default.svc.cluster.local', namespace: 'default', name: 'productpage' }]);
    // No EndpointsConfigDump in this dump: endpoints unknown, not "none".
    expect(endpointsOf(m, cluster.name)).toBeUndefined();
  });

  it('reads endpoints with health, locality and workload', () => {
    const m = dump('sidecar-endpoints.config_dump.json');
    const reviews = endpointsOf(m, 'outbound|9080||reviews.default.svc.cluster.local')!;
    expect(reviews.map((e) => [e.address, e.health, e.healthy, e.workload?.canonicalRevision])).toEqual([
      ['10.244.0.192:9080', 'HEALTHY', true, 'v3'],
      ['10.244.0.193:9080', 'HEALTHY', true, 'v2'],
      ['10.244.0.195:9080', 'HEALTHY', true, 'v1'],
    ]);
    expect(healthyEndpoints(m, 'outbound|80||istio-ingressgateway.istio-system.svc.cluster.local').map((e) => e.port)).toEqual([8080]);
    expect(m.endpoints.find((e) => e.clusterName === 'zipkin')?.endpoints).toEqual([]);
  });

  it('reads listeners with inline routes, TCP proxies and internal addresses', () => {
    const m = dump('waypoint-clusters-listeners-routes.config_dump.json');
    const terminate = findListener(m, 'connect_terminate')!;
    expect([terminate.address, terminate.port, terminate.addressKind]).toEqual(['0.0.0.0', 15008, 'socket']);
    const main = findListener(m, 'main_internal')!;
    expect(main.filterChains[0]!.http?.routeConfig?.virtualHosts[0]?.domains).toEqual(['*']);
    expect(findListener(m, 'connect_terminate', 'draining')).toBeUndefined();
  });
});

/**
 * What Istio generates for scenario 06 (web-service v1/v2 behind the ingress gateway): hand-written
 * here in Envoy's shape, because no real gateway dump with weighted routes exists in the fixtures.
 */
const WEB_SERVICE_DUMP: EnvoyConfigDump = {
  configs: [
    {
      '@type': 'type.googleapis.com/envoy.admin.v3.ListenersConfigDump',
      dynamic_listeners: [
        {
          name: '0.0.0.0_8080',
          active_state: {
            listener: {
              '@type': 'type.googleapis.com/envoy.config.listener.v3.Listener',
              name: '0.0.0.0_8080',
              address: { socket_address: { address: '0.0.0.0', port_value: 8080 } },
              filter_chains: [
                {
                  filters: [
                    {
                      name: 'envoy.filters.network.http_connection_manager',
                      typed_config: {
                        '@type': 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
                        stat_prefix: 'outbound_0.0.0.0_8080',
                        rds: { config_source: { ads: {} }, route_config_name: 'http.8080' },
                        http_filters: [{ name: 'envoy.filters.http.router' }],
                      },
                    },
                  ],
                },
              ],
            },
          },
        },
      ],
    },
    {
      '@type': 'type.googleapis.com/envoy.admin.v3.RoutesConfigDump',
      dynamic_route_configs: [
        {
          version_info: '2025-06-12T09:43:55Z/19',
          route_config: {
            '@type': 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
            name: 'http.8080',
            virtual_hosts: [
              {
                name: 'web.example.com:80',
                domains: ['web.example.com', 'web.example.com:*'],
                routes: [
                  {
                    name: 'v1',
                    match: { prefix: '/v1', case_sensitive: true, headers: [{ name: 'x-canary', string_match: { exact: 'yes' } }] },
                    route: { cluster: 'outbound|80|v1|web-service.default.svc.cluster.local', prefix_rewrite: '/' },
                    metadata: { filter_metadata: { istio: { config: '/apis/networking.istio.io/v1/namespaces/default/virtual-service/web-service' } } },
                  },
                  {
                    name: 'split',
                    match: { prefix: '/', case_sensitive: true },
                    route: {
                      weighted_clusters: {
                        clusters: [
                          { name: 'outbound|80|v1|web-service.default.svc.cluster.local', weight: 80 },
                          { name: 'outbound|80|v2|web-service.default.svc.cluster.local', weight: 20 },
                        ],
                      },
                    },
                    metadata: { filter_metadata: { istio: { config: '/apis/networking.istio.io/v1/namespaces/default/virtual-service/web-service' } } },
                  },
                ],
              },
              { name: 'blackhole:80', domains: ['*'], routes: [{ match: { prefix: '/' }, direct_response: { status: 404 } }] },
            ],
          },
        },
      ],
    },
    {
      '@type': 'type.googleapis.com/envoy.admin.v3.ClustersConfigDump',
      dynamic_active_clusters: [
        { cluster: { '@type': 'type.googleapis.com/envoy.config.cluster.v3.Cluster', name: 'outbound|80|v2|web-service.default.svc.cluster.local', type: 'EDS', eds_cluster_config: { service_name: 'outbound|80|v2|web-service.default.svc.cluster.local' } } },
      ],
    },
    {
      '@type': 'type.googleapis.com/envoy.admin.v3.EndpointsConfigDump',
      dynamic_endpoint_configs: [
        {
          endpoint_config: {
            '@type': 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
            cluster_name: 'outbound|80|v2|web-service.default.svc.cluster.local',
            endpoints: [
              {
                locality: {},
                lb_endpoints: [
                  { endpoint: { address: { socket_address: { address: '10.0.0.7', port_value: 80 } } }, health_status: 'HEALTHY' },
                  { endpoint: { address: { socket_address: { address: '10.0.0.8', port_value: 80 } } }, health_status: 'UNHEALTHY' },
                ],
              },
            ],
          },
        },
      ],
    },
  ],
};

describe('drift questions', () => {
  const m = parseConfigDump(WEB_SERVICE_DUMP);

  it('finds the listener and the route configuration it loads', () => {
    const l = findListener(m, '0.0.0.0_8080')!;
    expect(l.filterChains[0]!.http?.rds).toBe('http.8080');
    expect(findListener(m, '0.0.0.0_8443')).toBeUndefined();
  });

  it('finds the virtual host by domain, literally and as Envoy selects it', () => {
    const rc = findRouteConfig(m, 'http.8080')!;
    expect(virtualHostsWithDomain(rc, 'web.example.com').map((v) => v.name)).toEqual(['web.example.com:80']);
    expect(virtualHostsWithDomain(rc, 'WEB.example.com:*').map((v) => v.name)).toEqual(['web.example.com:80']);
    expect(selectVirtualHost(rc, 'web.example.com:30000')?.name).toBe('web.example.com:80');
    expect(selectVirtualHost(rc, 'other.example.com')?.name).toBe('blackhole:80');
  });

  it('compares matches, headers and weighted clusters', () => {
    const routes = routesFromIstioConfig(m, { kind: 'virtual-service', namespace: 'default', name: 'web-service' });
    expect(routes.map((r) => r.route.name)).toEqual(['v1', 'split']);
    const v1 = routes[0]!.route;
    expect(v1.match).toEqual({
      kind: 'prefix',
      value: '/v1',
      caseSensitive: true,
      headers: [{ name: 'x-canary', kind: 'exact', value: 'yes', invert: false }],
      queryParameters: [],
    });
    expect(v1.action).toMatchObject({ kind: 'route', prefixRewrite: '/' });
    const split = routes[1]!.route;
    expect(
      hasDestinations(split, [
        { name: 'outbound|80|v2|web-service.default.svc.cluster.local', weight: 20 },
        { name: 'outbound|80|v1|web-service.default.svc.cluster.local', weight: 80 },
      ]),
    ).toBe(true);
    expect(hasDestinations(split, [{ name: 'outbound|80|v1|web-service.default.svc.cluster.local', weight: 100 }])).toBe(false);
    expect(findRouteConfig(m, 'http.8080')!.virtualHosts[1]!.routes[0]!.action).toEqual({ kind: 'direct_response', status: 404, body: undefined });
  });

  it('answers whether a subset cluster exists and has healthy endpoints', () => {
    expect(findCluster(m, 'outbound|80|v2|web-service.default.svc.cluster.local')).toBeDefined();
    expect(findCluster(m, 'outbound|80|v3|web-service.default.svc.cluster.local')).toBeUndefined();
    expect(healthyEndpoints(m, 'outbound|80|v2|web-service.default.svc.cluster.local').map((e) => e.address)).toEqual(['10.0.0.7:80']);
  });
});
