/**
 * Golden tests: istioctl's own test outputs (fixtures/*.istioctl-proxy-config-*.txt|json, from
 * istio/istio istioctl/pkg/writer/envoy/configdump/testdata and istioctl/pkg/proxyconfig/testdata)
 * must come out byte for byte from the config dumps they were made from.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseConfigDump } from './config-dump';
import {
  ProxyConfigError,
  describeRouteDomains,
  renderBootstrapSummary,
  renderClusterSummary,
  renderEndpointSummary,
  renderFullSummary,
  renderListenerSummary,
  renderRouteSummary,
  renderSecretSummary,
} from './proxy-config';

const dir = fileURLToPath(new URL('./fixtures/', import.meta.url));
const read = (f: string): string => readFileSync(dir + f, 'utf8');
const dump = (f: string) => parseConfigDump(read(f));

/** The tests in istio/istio ran before the default certificate expired (2023-05-16) and after the root was issued. */
const NOW_2024 = Date.UTC(2024, 0, 1);

describe('istioctl proxy-config routes', () => {
  it('matches istio-gateway-http-route-prefix/output.txt byte for byte', () => {
    const out = renderRouteSummary(dump('ingressgateway-httpbin-routes.config_dump.json'));
    expect(out).toBe(read('ingressgateway-httpbin-routes.istioctl-proxy-config-routes.txt'));
  });

  it('matches empty-gateway/output.txt byte for byte', () => {
    const out = renderRouteSummary(dump('gateway-empty-routes.config_dump.json'));
    expect(out).toBe(read('gateway-empty-routes.istioctl-proxy-config-routes.txt'));
  });

  it('renders the bookinfo ingress gateway routes with their VirtualService', () => {
    const out = renderRouteSummary(dump('ingressgateway-bookinfo-http.config_dump.json'));
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^NAME {5,}VHOST NAME {5,}DOMAINS {5,}MATCH {5,}VIRTUAL SERVICE$/);
    expect(out).toContain('/productpage');
    expect(out).toContain('bookinfo.default');
  });

  it('prints NAME / VIRTUAL HOSTS when not verbose, and filters by name', () => {
    const d = dump('ingressgateway-httpbin-routes.config_dump.json');
    expect(renderRouteSummary(d, { verbose: false })).toBe('NAME          VIRTUAL HOSTS\nhttp.8080     1\n              1\n              1\n');
    expect(renderRouteSummary(d, { name: 'http.8080', verbose: false })).toBe('NAME          VIRTUAL HOSTS\nhttp.8080     1\n');
  });

  it('describes domains as istioctl does (route_test.go TestDescribeRouteDomains)', () => {
    expect(describeRouteDomains([])).toBe('');
    expect(describeRouteDomains(['example.com'])).toBe('example.com');
    expect(describeRouteDomains(['example.com', 'example.com:8080'])).toBe('example.com');
    expect(describeRouteDomains(['example.com', 'example.com:8080', '1.2.3.4', '1.2.3.4:8080'])).toBe('example.com, 1.2.3.4');
    expect(describeRouteDomains(['example.com', 'example.com:8080', '[fd00:10:96::7fc7]', '[fd00:10:96::7fc7]:8080'])).toBe('example.com, [fd00:10:96::7fc7]');
    expect(
      describeRouteDomains(['example.com', 'example.com:8080', 'www.example.com', 'www.example.com:8080', '[fd00:10:96::7fc7]', '[fd00:10:96::7fc7]:8080']),
    ).toBe('example.com, www.example.com + 1 more...');
    // unexpandDomains drops `x.svc.cluster.local` and `x.svc` when `x` is listed too.
    expect(describeRouteDomains(['web.default', 'web.default.svc.cluster.local', 'web.default.svc', 'web.default:80'])).toBe('web.default');
    expect(describeRouteDomains(['web', 'web.default.svc.cluster.local', 'web.default.svc'])).toBe('web, web.default.svc.cluster.local + 1 more...');
  });

  it('fails like istioctl when there is nothing to show', () => {
    expect(() => renderRouteSummary(dump('sidecar-endpoints.config_dump.json'))).toThrow(
      'config dump has no configuration type type.googleapis.com/envoy.admin.v3.RoutesConfigDump',
    );
    expect(() => renderRouteSummary(parseConfigDump({ configs: [{ '@type': 'type.googleapis.com/envoy.admin.v3.RoutesConfigDump' }] }))).toThrow('no routes found');
  });
});

describe('istioctl proxy-config endpoints', () => {
  it('matches endpoint/emptyfilter_output.txt byte for byte', () => {
    const out = renderEndpointSummary(dump('sidecar-endpoints.config_dump.json'));
    expect(out).toBe(read('sidecar-endpoints.istioctl-proxy-config-endpoints.txt'));
  });

  it('filters by port, cluster and status', () => {
    const d = dump('sidecar-endpoints.config_dump.json');
    const byPort = renderEndpointSummary(d, { port: 8080 }).trimEnd().split('\n');
    expect(byPort.slice(1).map((l) => l.split(/\s{5,}/)[0])).toEqual(['10.244.0.176:8080', '10.244.0.189:8080']);
    const byCluster = renderEndpointSummary(d, { cluster: 'OUTBOUND|53||kube-dns.kube-system.svc.cluster.local' }).trimEnd().split('\n');
    expect(byCluster).toHaveLength(3);
    expect(renderEndpointSummary(d, { status: 'unhealthy' })).toBe('NAME     STATUS     LOCALITY     CLUSTER\n');
  });
});

describe('istioctl proxy-config clusters', () => {
  it('prints the bookinfo subset cluster with its DestinationRule', () => {
    const out = renderClusterSummary(dump('ingressgateway-bookinfo-http.config_dump.json'));
    const [header, row] = out.trimEnd().split('\n');
    expect(header).toMatch(/^SERVICE FQDN {5,}PORT {5,}SUBSET {5,}DIRECTION {5,}TYPE {5,}DESTINATION RULE$/);
    expect(row?.split(/\s{5,}/)).toEqual(['productpage.default.svc.cluster.local', '9080', 'v1', 'outbound', 'EDS', 'productpage.default']);
  });

  it('filters by fqdn, port, subset and direction', () => {
    const d = dump('waypoint-full.config_dump.json');
    expect(renderClusterSummary(d, { port: 8000 }).trimEnd().split('\n')).toHaveLength(2);
    expect(renderClusterSummary(d, { fqdn: 'nothing' })).toBe('SERVICE FQDN     PORT     SUBSET     DIRECTION     TYPE     DESTINATION RULE\n');
  });
});

describe('istioctl proxy-config listeners', () => {
  it('summarizes the waypoint listeners (verbose and not)', () => {
    const d = dump('waypoint-full.config_dump.json');
    expect(renderListenerSummary(d)).toBe(
      [
        'ADDRESSES PORT  MATCH DESTINATION',
        '          0     ALL   Cluster: inbound-vip|8100|http|httpbin.default.svc.cluster.local',
        '          0     ALL   Cluster: inbound-vip|8000|http|httpbin.default.svc.cluster.local',
        '          0     ALL   Cluster: encap',
        '          0     ALL   Cluster: encap',
        '0.0.0.0   15021 ALL   Inline Route: /healthz/ready*',
        '',
      ].join('\n'),
    );
    expect(renderListenerSummary(d, { verbose: false })).toBe('ADDRESSES PORT  TYPE\n          0     HTTP+TCP\n0.0.0.0   15021 HTTP\n');
    expect(renderListenerSummary(d, { port: 15021, verbose: false })).toBe('ADDRESSES PORT  TYPE\n0.0.0.0   15021 HTTP\n');
  });

  it('reports a dump without listeners as istioctl does', () => {
    expect(() => renderListenerSummary(dump('ingressgateway-bookinfo-http.config_dump.json'))).toThrow(ProxyConfigError);
    expect(() => renderListenerSummary(dump('ingressgateway-bookinfo-http.config_dump.json'))).toThrow('no listeners found');
  });
});

describe('istioctl proxy-config secret and bootstrap', () => {
  it('reads the certificates of the waypoint dump', () => {
    const out = renderSecretSummary(dump('waypoint-full.config_dump.json'), { now: NOW_2024 });
    expect(out).toBe(
      [
        'RESOURCE NAME     TYPE           STATUS     VALID CERT     SERIAL NUMBER                        NOT AFTER                NOT BEFORE',
        'default           Cert Chain     ACTIVE     false          6fbee254c22900615cb1f74e3d2f1713     2023-05-16T01:32:52Z     2023-05-15T01:30:52Z',
        'ROOTCA            CA             ACTIVE     true           0193a543fe2b0d9cd4847675394dfc54     2033-05-02T03:41:33Z     2023-05-05T03:41:33Z',
        '',
      ].join('\n'),
    );
    // Validity follows `now`.
    expect(renderSecretSummary(dump('waypoint-full.config_dump.json'), { now: Date.UTC(2023, 4, 15, 12) })).toMatch(/default {11}Cert Chain {5}ACTIVE {5}true/);
  });

  it('prints the version lines', () => {
    expect(renderBootstrapSummary(dump('waypoint-full.config_dump.json'))).toBe(
      'Istio Version:       1.21.0-1226\nIstio Proxy Version: ee85c5f28702f00621aed895915fca565796b9e4\nEnvoy Version:       0.0.0\n',
    );
  });
});

describe('istioctl proxy-config all', () => {
  it('matches proxyconfig/testdata/config_dump_summary.txt byte for byte', () => {
    const out = renderFullSummary(dump('waypoint-full.config_dump.json'), { now: NOW_2024 });
    expect(out).toBe(read('waypoint-full.istioctl-proxy-config-all.txt'));
  });

  it('puts section headers first with --with-headers', () => {
    const out = renderFullSummary(dump('waypoint-full.config_dump.json'), { now: NOW_2024, withHeaders: true });
    expect(out.startsWith('------ BOOTSTRAP INFO ------\n\nIstio Version:')).toBe(true);
    expect(out).toContain('\n------ ENDPOINTS INFO ------\n\nNAME');
  });

  it('stops at the first missing section and keeps what it printed', () => {
    try {
      renderFullSummary(dump('ingressgateway-bookinfo-http.config_dump.json'), { now: NOW_2024 });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ProxyConfigError);
      expect((e as ProxyConfigError).message).toContain('BootstrapConfigDump');
      expect((e as ProxyConfigError).partialOutput).toBe('');
    }
  });
});
