import { describe, expect, it } from 'vitest';
import type { StoredObject } from '../../../api/store';
import { gatewayMountedFiles, loadScenarioObjects, podsFor } from '../test-support/scenario';
import type { Cluster, HttpConnectionManager, Listener, Route, RouteConfiguration, TcpProxy } from '../types';
import { compileGatewayConfig, snapshotSource } from './index';

const IPS = { 'istio-ingressgateway': ['127.9.0.2', '127.9.0.3'], 'httpd-v1': ['127.9.1.1'], 'httpd-v2': ['127.9.1.2'], counter: ['127.9.1.3'], httpbin: ['127.9.1.4'], mysql: ['127.9.1.5'] };

function compile(mutate?: (objs: StoredObject[]) => void, extra: StoredObject[] = []) {
  const objects = loadScenarioObjects();
  mutate?.(objects);
  const pods = podsFor(objects, { ips: IPS });
  const all = [...objects, ...pods, ...extra];
  const gw = pods.find((p) => p.metadata.labels?.istio === 'ingressgateway')!;
  return compileGatewayConfig({ store: snapshotSource(all), proxyPod: gw, mountedFiles: gatewayMountedFiles(objects) });
}

const rc = (r: ReturnType<typeof compile>, name: string) => (r.routes as RouteConfiguration[]).find((x) => x.name === name)!;
const vhost = (r: ReturnType<typeof compile>, route: string, name: string) => rc(r, route).virtual_hosts!.find((v) => v.name === name)!;
const hcmOf = (l: Listener, i = 0) => l.filter_chains[i]!.filters.at(-1)!.typed_config as HttpConnectionManager;

function vs(name: string, spec: Record<string, unknown>, ns = 'default'): StoredObject {
  return { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name, namespace: ns, creationTimestamp: '2026-02-01T00:00:00Z' }, spec } as StoredObject;
}

describe('compileGatewayConfig on the ingress-basics scenario', () => {
  const r = compile();

  it('builds one listener per target port, named as istiod names them', () => {
    expect(r.diagnostics.filter((d) => d.level === 'error')).toEqual([]);
    expect((r.listeners as Listener[]).map((l) => l.name)).toEqual(['0.0.0.0_8080', '0.0.0.0_8443', '0.0.0.0_3306']);
    const http = (r.listeners as Listener[])[0]!;
    expect(http.address.socket_address).toEqual({ address: '0.0.0.0', port_value: 8080 });
    expect(hcmOf(http).rds?.route_config_name).toBe('http.8080');
    expect(hcmOf(http).stat_prefix).toBe('outbound_0.0.0.0_8080');
  });

  it('gives HTTPS servers their own RDS name, a TLS chain with the file certificate over SDS and a TLS inspector', () => {
    const https = (r.listeners as Listener[])[1]!;
    expect(hcmOf(https).rds?.route_config_name).toBe('https.443.https.default-gateway.istio-system');
    expect(https.listener_filters?.[0]?.name).toBe('envoy.filters.listener.tls_inspector');
    const ctx = https.filter_chains[0]!.transport_socket!.typed_config.common_tls_context!;
    expect(ctx.alpn_protocols).toEqual(['h2', 'http/1.1']);
    expect(ctx.tls_certificate_sds_secret_configs![0]!.name).toBe('file-cert:/etc/istio/ingressgateway-certs/tls.crt~/etc/istio/ingressgateway-certs/tls.key');
    expect(https.filter_chains[0]!.filter_chain_match).toBeUndefined(); // hosts "*"
  });

  it('routes TCP 3306 with tcp_proxy to the mysql cluster', () => {
    const tcp = (r.listeners as Listener[])[2]!;
    const tp = tcp.filter_chains[0]!.filters.at(-1)!.typed_config as TcpProxy;
    expect(tp.cluster).toBe('outbound|3306||mysql.default.svc.cluster.local');
    expect(tp.stat_prefix).toBe('outbound|3306||mysql.default.svc.cluster.local');
  });

  it('builds vhosts host:port with the host as domain, sorted, and the routes of the bound VirtualServices', () => {
    const http = rc(r, 'http.8080');
    expect(http.virtual_hosts!.map((v) => v.name)).toEqual(['*:80', 'httpbin.example.com:80', 'web.example.com:80']);
    expect(vhost(r, 'http.8080', 'web.example.com:80').domains).toEqual(['web.example.com']);
    expect(http.ignore_port_in_host_matching).toBe(true);
    expect(rc(r, 'https.443.https.default-gateway.istio-system').virtual_hosts!.map((v) => v.name)).toEqual(['*:443', 'web.example.com:443']);
    const web = vhost(r, 'http.8080', 'web.example.com:80').routes!;
    expect(web.map((x) => x.name)).toEqual(['v1', 'v2', 'split']);
    expect(web[0]!.match).toEqual({ prefix: '/v1', case_sensitive: true });
    expect(web[0]!.route!.cluster).toBe('outbound|80|v1|web-service.default.svc.cluster.local');
    expect(web[0]!.route!.prefix_rewrite).toBe('/');
    expect(web[0]!.metadata!.filter_metadata!.istio!.config).toBe('/apis/networking.istio.io/v1/namespaces/default/virtual-service/web-service');
    expect(web[0]!.decorator!.operation).toBe('web-service.default.svc.cluster.local:80/v1*');
    expect(web[2]!.match).toEqual({ prefix: '/' });
    expect(web[2]!.route!.weighted_clusters!.clusters).toEqual([
      { name: 'outbound|80|v1|web-service.default.svc.cluster.local', weight: 80 },
      { name: 'outbound|80|v2|web-service.default.svc.cluster.local', weight: 20 },
    ]);
    expect(web[2]!.route!.retry_policy).toMatchObject({ retry_on: 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes', num_retries: 2, host_selection_retry_max_attempts: '5' });
    expect(web[2]!.route!.timeout).toBe('0s');
  });

  it('builds clusters for every service port and DestinationRule subset, with Istio metadata', () => {
    const names = (r.clusters as Cluster[]).map((c) => c.name);
    expect(names).toContain('outbound|80|v1|web-service.default.svc.cluster.local');
    expect(names).toContain('outbound|80|v2|web-service.default.svc.cluster.local');
    expect(names).toContain('outbound|80||web-service.default.svc.cluster.local');
    expect(names).toContain('outbound|8000||httpbin.default.svc.cluster.local');
    expect(names).toContain('BlackHoleCluster');
    const v1 = (r.clusters as Cluster[]).find((c) => c.name === 'outbound|80|v1|web-service.default.svc.cluster.local')!;
    expect(v1.type).toBe('EDS');
    expect(v1.eds_cluster_config!.service_name).toBe(v1.name);
    expect(v1.lb_policy).toBe('LEAST_REQUEST');
    expect(v1.metadata!.filter_metadata!.istio).toEqual({
      default_original_port: 80,
      services: [{ host: 'web-service.default.svc.cluster.local', name: 'web-service', namespace: 'default' }],
      config: '/apis/networking.istio.io/v1/namespaces/default/destination-rule/web-service',
      subset: 'v1',
    });
  });

  it('builds endpoints from ready pods matching the selector and the subset labels', () => {
    const cla = (n: string) => r.endpoints.find((e) => (e as { cluster_name: string }).cluster_name === n) as { endpoints: Array<{ lb_endpoints: Array<{ endpoint: { address: { socket_address: { address: string } } }; health_status: string }> }> };
    const ips = (n: string) => cla(n).endpoints.flatMap((l) => l.lb_endpoints.map((e) => e.endpoint.address.socket_address.address));
    expect(ips('outbound|80|v1|web-service.default.svc.cluster.local')).toEqual(['127.9.1.1']);
    expect(ips('outbound|80|v2|web-service.default.svc.cluster.local')).toEqual(['127.9.1.2']);
    expect(ips('outbound|80||web-service.default.svc.cluster.local').sort()).toEqual(['127.9.1.1', '127.9.1.2']);
    expect(cla('outbound|80|v1|web-service.default.svc.cluster.local').endpoints[0]!.lb_endpoints[0]!.health_status).toBe('HEALTHY');
  });

  it('leaves a pod that is not Ready out of the endpoints', () => {
    const objects = loadScenarioObjects();
    const pods = podsFor(objects, { ips: IPS });
    const v1 = pods.find((p) => p.metadata.labels?.version === 'v1' && p.metadata.labels?.app === 'httpd')!;
    (v1 as unknown as { status: { conditions: Array<{ type: string; status: string }> } }).status.conditions = [{ type: 'Ready', status: 'False' }];
    const gw = pods.find((p) => p.metadata.labels?.istio === 'ingressgateway')!;
    const out = compileGatewayConfig({ store: snapshotSource([...objects, ...pods]), proxyPod: gw });
    const cla = out.endpoints.find((e) => (e as { cluster_name: string }).cluster_name === 'outbound|80|v1|web-service.default.svc.cluster.local') as { endpoints: unknown[] };
    expect(cla.endpoints).toEqual([]);
  });
});

describe('compileGatewayConfig: Istio semantics', () => {
  it('merges VirtualServices for the same host on the same gateway, catch-all routes last', () => {
    const r = compile(undefined, [
      vs('web-extra', { hosts: ['web.example.com'], gateways: ['istio-system/default-gateway'], http: [{ name: 'extra', match: [{ uri: { exact: '/extra' } }], route: [{ destination: { host: 'counter' } }] }] }),
    ]);
    const routes = vhost(r, 'http.8080', 'web.example.com:80').routes!;
    expect(routes.map((x) => x.name)).toEqual(['v1', 'v2', 'extra', 'split']);
    expect(routes[2]!.metadata!.filter_metadata!.istio!.config).toBe('/apis/networking.istio.io/v1/namespaces/default/virtual-service/web-extra');
  });

  it('translates matches, headers, rewrites, faults, mirrors, retries and redirects', () => {
    const r = compile(undefined, [
      vs('rich', {
        hosts: ['rich.example.com'],
        gateways: ['istio-system/default-gateway'],
        http: [
          {
            name: 'hdr',
            match: [{ uri: { regex: '/api/v[0-9]+/.*' }, headers: { 'x-user': { exact: 'jason' } }, queryParams: { debug: { exact: '1' } }, ignoreUriCase: true }],
            rewrite: { authority: 'internal.example.com' },
            headers: { request: { set: { 'x-a': '1' }, remove: ['x-b'] }, response: { add: { 'x-c': '3' } } },
            fault: { abort: { httpStatus: 503, percentage: { value: 30 } }, delay: { fixedDelay: '1.5s', percentage: { value: 10 } } },
            mirror: { host: 'counter' },
            mirrorPercentage: { value: 25 },
            retries: { attempts: 3, retryOn: '5xx,503', perTryTimeout: '2s' },
            timeout: '10s',
            route: [{ destination: { host: 'counter' } }],
          },
          { name: 'moved', match: [{ uri: { prefix: '/old' } }], redirect: { uri: '/new', redirectCode: 302 } },
        ],
      }),
    ]);
    const [hdr, moved] = vhost(r, 'http.8080', 'rich.example.com:80').routes as [Route, Route];
    expect(hdr.match).toEqual({
      case_sensitive: false,
      headers: [{ name: 'x-user', string_match: { exact: 'jason' } }],
      query_parameters: [{ name: 'debug', string_match: { exact: '1' } }],
      safe_regex: { regex: '/api/v[0-9]+/.*' },
    });
    expect(hdr.route!.host_rewrite_literal).toBe('internal.example.com');
    expect(hdr.route!.timeout).toBe('10s');
    expect(hdr.route!.retry_policy).toMatchObject({ retry_on: '5xx,retriable-status-codes', num_retries: 3, per_try_timeout: '2s', retriable_status_codes: [503] });
    expect(hdr.route!.request_mirror_policies).toEqual([{ cluster: 'outbound|80||counter.default.svc.cluster.local', runtime_fraction: { default_value: { numerator: 250000, denominator: 'MILLION' } }, trace_sampled: false }]);
    expect(hdr.request_headers_to_add).toEqual([{ header: { key: 'x-a', value: '1' }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' }]);
    expect(hdr.request_headers_to_remove).toEqual(['x-b']);
    expect(hdr.response_headers_to_add).toEqual([{ header: { key: 'x-c', value: '3' } }]);
    expect(hdr.typed_per_filter_config!['envoy.filters.http.fault']).toEqual({
      '@type': 'type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault',
      delay: { fixed_delay: '1.500s', percentage: { numerator: 100000, denominator: 'MILLION' } },
      abort: { http_status: 503, percentage: { numerator: 300000, denominator: 'MILLION' } },
    });
    expect(moved.redirect).toEqual({ path_redirect: '/new', response_code: 'FOUND' });
  });

  it('turns httpsRedirect into require_tls on the vhosts of the server', () => {
    const r = compile((objs) => {
      const gw = objs.find((o) => o.kind === 'Gateway' && o.metadata.name === 'default-gateway') as { spec: { servers: Array<{ tls?: Record<string, unknown>; port: { protocol: string } }> } } & StoredObject;
      gw.spec.servers.find((s) => s.port.protocol === 'HTTP')!.tls = { httpsRedirect: true };
    });
    expect(vhost(r, 'http.8080', 'web.example.com:80').require_tls).toBe('ALL');
    expect(vhost(r, 'http.8080', 'httpbin.example.com:80').require_tls).toBeUndefined();
  });

  it('serves credentialName as SDS kubernetes://name from the gateway namespace, and reports a missing Secret', () => {
    const cred: StoredObject = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: 'cred-gw', namespace: 'default', creationTimestamp: '2026-02-01T00:00:00Z' },
      spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 443, name: 'https-cred', protocol: 'HTTPS' }, hosts: ['secure.example.com'], tls: { mode: 'SIMPLE', credentialName: 'secure-cred' } }] },
    } as StoredObject;
    const missing = compile(undefined, [cred]);
    expect(missing.diagnostics.some((d) => d.level === 'error' && d.message.includes('kubernetes://secure-cred'))).toBe(true);
    const https = (missing.listeners as Listener[]).find((l) => l.name === '0.0.0.0_8443')!;
    const chain = https.filter_chains.find((c) => c.filter_chain_match?.server_names?.includes('secure.example.com'))!;
    expect(chain.transport_socket!.typed_config.common_tls_context!.tls_certificate_sds_secret_configs![0]!.name).toBe('kubernetes://secure-cred');
    expect(hcmOf(https, https.filter_chains.indexOf(chain)).rds?.route_config_name).toBe('https.443.https-cred.cred-gw.default');

    const certs = loadScenarioObjects().find((o) => o.metadata.name === 'istio-ingressgateway-certs')!;
    const secret = { ...structuredClone(certs), metadata: { name: 'secure-cred', namespace: 'istio-system' } } as StoredObject;
    const ok = compile(undefined, [cred, secret]);
    expect(ok.diagnostics.filter((d) => d.level === 'error')).toEqual([]);
    expect(ok.secrets.map((s) => (s as { name: string }).name)).toEqual(['kubernetes://secure-cred']);
  });

  it('builds PASSTHROUGH chains by SNI from tls routes', () => {
    const gw: StoredObject = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: 'pt', namespace: 'default', creationTimestamp: '2026-02-01T00:00:00Z' },
      spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 443, name: 'tls-pt', protocol: 'TLS' }, hosts: ['pt.example.com'], tls: { mode: 'PASSTHROUGH' } }] },
    } as StoredObject;
    const r = compile(undefined, [gw, vs('pt', { hosts: ['pt.example.com'], gateways: ['pt'], tls: [{ match: [{ sniHosts: ['pt.example.com'], port: 443 }], route: [{ destination: { host: 'httpbin', port: { number: 8000 } } }] }] })]);
    const https = (r.listeners as Listener[]).find((l) => l.name === '0.0.0.0_8443')!;
    const chain = https.filter_chains.find((c) => c.filter_chain_match?.server_names?.includes('pt.example.com'))!;
    expect(chain.transport_socket).toBeUndefined();
    expect((chain.filters.at(-1)!.typed_config as TcpProxy).cluster).toBe('outbound|8000||httpbin.default.svc.cluster.local');
  });

  it('adds the access log of the mesh config to HCMs and tcp_proxy', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio', namespace: 'istio-system' }, data: { mesh: 'accessLogFile: /dev/stdout\naccessLogEncoding: JSON\n' } } as unknown as StoredObject;
    const r = compile(undefined, [cm]);
    const al = hcmOf((r.listeners as Listener[])[0]!).access_log!;
    expect(al[0]!.typed_config.path).toBe('/dev/stdout');
    expect(al[0]!.typed_config.log_format!.json_format!.upstream_cluster).toBe('%UPSTREAM_CLUSTER_RAW%');
    expect(compile().listeners.every((l) => !hcmOf(l as Listener).access_log)).toBe(true);
  });

  it('omits a TCP listener with no VirtualService and skips privileged ports without a Service port', () => {
    const r = compile((objs) => {
      const i = objs.findIndex((o) => o.kind === 'VirtualService' && o.metadata.name === 'mysql');
      objs.splice(i, 1);
    });
    expect((r.listeners as Listener[]).map((l) => l.name)).toEqual(['0.0.0.0_8080', '0.0.0.0_8443']);
    expect(r.diagnostics.some((d) => d.message.includes('must have more than 0 chains'))).toBe(true);
  });
});
