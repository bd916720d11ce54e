import { describe, expect, it } from 'vitest';
import type { MeshSnapshot } from '../istio/snapshot';
import type { Gateway, HTTPRoute, VirtualService } from '../istio/types';
import { ingressBasicsTexts } from '../topology/test-support/ingress-basics';
import { scenarioSnapshot } from '../topology/fixtures/scenario';
import { simulateRequest } from './simulate';

const texts = ingressBasicsTexts();
const base = scenarioSnapshot(texts, { loadBalancerIP: '127.0.0.10' });
const fresh = (): MeshSnapshot => structuredClone(base);
const vsNamed = (s: MeshSnapshot, name: string) => s.virtualServices.find((v) => v.metadata.name === name)!;

describe('simulateRequest on the default scenario (ingress basics)', () => {
  it('GET web.example.com/v1 → default-gateway http server, web-service route v1, subset v1, rewritten to /', () => {
    const r = simulateRequest(base, { method: 'GET', host: 'web.example.com', path: '/v1' });
    expect(r.noMatch).toBeUndefined();
    expect(r.entry).toEqual({ service: 'istio-system/istio-ingressgateway', via: 'servicePort', servicePort: 80, nodePort: 30000, listenerPort: 8080 });
    expect(r.gatewayPod).toBe('istio-system/istio-ingressgateway-0');
    expect(r.gatewayServer).toMatchObject({ id: 'istio-system/default-gateway#0', gateway: 'istio-system/default-gateway', port: 80, protocol: 'HTTP', listenerPort: 8080 });
    expect(r.routeTable).toBe('http.8080');
    expect(r.virtualHost?.name).toBe('web.example.com:80');
    expect(r.virtualService).toBe('default/web-service');
    expect(r.route).toBe('v1');
    expect(r.destinations).toEqual([
      {
        host: 'web-service',
        fqdn: 'web-service.default.svc.cluster.local',
        port: 80,
        subset: 'v1',
        weight: 100,
        cluster: 'outbound|80|v1|web-service.default.svc.cluster.local',
        service: 'default/web-service',
        destinationRule: 'default/web-service',
        pods: [{ pod: 'default/httpd-v1-0', ip: '127.0.3.1', ready: true, port: 80 }],
      },
    ]);
    expect(r.rewrite).toMatchObject({ uri: '/', path: '/' });
    expect(r.rejected).toEqual([]);
  });

  it('GET web.example.com/v10 also takes route v1: a prefix is a string prefix, and /v1 → / makes /0', () => {
    const r = simulateRequest(base, { host: 'web.example.com', path: '/v10?x=1' });
    expect(r.route).toBe('v1');
    expect(r.destinations.map((d) => d.subset)).toEqual(['v1']);
    expect(r.rewrite?.path).toBe('/0?x=1');
  });

  it('GET web.example.com/anything → the 80/20 split, with the reasons v1 and v2 did not match', () => {
    const r = simulateRequest(base, { host: 'web.example.com', path: '/anything' }, { random01: 0.85 });
    expect(r.route).toBe('split');
    expect(r.destinations.map((d) => [d.subset, d.weight, d.pods.map((p) => p.pod)])).toEqual([
      ['v1', 80, ['default/httpd-v1-0']],
      ['v2', 20, ['default/httpd-v2-0']],
    ]);
    expect(r.picked).toBe(1);
    expect(r.rejected.map((x) => [x.virtualService, x.route, x.reason])).toEqual([
      ['default/web-service', 'v1', 'uri prefix /v1 does not match /anything'],
      ['default/web-service', 'v2', 'uri prefix /v2 does not match /anything'],
    ]);
    expect(simulateRequest(base, { host: 'web.example.com', path: '/anything' }, { random01: 0.5 }).picked).toBe(0);
  });

  it('GET httpbin.example.com/status/418 → httpbin-gateway and the httpbin VirtualService', () => {
    const r = simulateRequest(base, { host: 'httpbin.example.com', path: '/status/418' });
    expect(r.gatewayServer?.id).toBe('default/httpbin-gateway#0');
    expect(r.virtualService).toBe('default/httpbin');
    expect(r.route).toBe('http[0]');
    expect(r.routeRef?.match).toBe(0);
    expect(r.destinations).toMatchObject([{ fqdn: 'httpbin.default.svc.cluster.local', port: 8000, weight: 100, pods: [{ pod: 'default/httpbin-0', port: 8080, ready: true }] }]);
  });

  it('GET other.example.com/ → the catch-all counter VirtualService (gateway named by FQDN)', () => {
    const r = simulateRequest(base, { host: 'other.example.com:80', path: '/' });
    expect(r.virtualHost?.domain).toBe('*');
    expect(r.virtualService).toBe('default/counter');
    expect(r.route).toBe('counter');
    expect(r.destinations).toMatchObject([{ cluster: 'outbound|80||counter.default.svc.cluster.local', pods: [{ pod: 'default/counter-0', port: 8080 }] }]);
  });

  it('TCP on port 3306 → the mysql tcp route', () => {
    const r = simulateRequest(base, { host: 'db.example.com', port: 3306, protocol: 'TCP' });
    expect(r.entry?.listenerPort).toBe(3306);
    expect(r.gatewayServer?.id).toBe('istio-system/default-gateway#2');
    expect(r.virtualService).toBe('default/mysql');
    expect(r.route).toBe('tcp[0]');
    expect(r.destinations).toMatchObject([{ cluster: 'outbound|3306||mysql.default.svc.cluster.local', weight: 100, pods: [{ pod: 'default/mysql-0', port: 3306 }] }]);
  });

  it('reaches the same listener through the NodePort and through the pod port', () => {
    expect(simulateRequest(base, { host: 'web.example.com', port: 30000, path: '/v2' })).toMatchObject({
      entry: { via: 'nodePort', nodePort: 30000, servicePort: 80, listenerPort: 8080 },
      route: 'v2',
    });
    expect(simulateRequest(base, { host: 'web.example.com', port: 8080, path: '/v2' })).toMatchObject({ entry: { via: 'containerPort', listenerPort: 8080 }, route: 'v2' });
  });

  it('HTTPS on 443: the https server has its own route table, so httpbin.example.com falls to counter', () => {
    const web = simulateRequest(base, { host: 'web.example.com', protocol: 'HTTPS', path: '/v2' });
    expect(web.gatewayServer?.id).toBe('istio-system/default-gateway#1');
    expect(web.routeTable).toBe('https.443.https.default-gateway.istio-system');
    expect(web.route).toBe('v2');
    const httpbin = simulateRequest(base, { host: 'httpbin.example.com', protocol: 'HTTPS', path: '/status/418' });
    expect(httpbin.virtualService).toBe('default/counter');
  });

  it('no match → 404 NR, with a reason per match block', () => {
    const r = simulateRequest(base, { host: 'httpbin.example.com', path: '/' });
    expect(r.noMatch?.envoyResponse).toBe('404 NR');
    expect(r.noMatch?.reason).toContain('none of the 2 route(s) of virtual host httpbin.example.com:80');
    expect(r.rejected).toEqual([
      expect.objectContaining({
        virtualService: 'default/httpbin',
        route: 'http[0]',
        reason: 'match[0]: uri prefix /status does not match /; match[1]: uri prefix /delay does not match /',
      }),
    ]);
  });

  it('a port the gateway Service does not have → connection refused', () => {
    const r = simulateRequest(base, { host: 'web.example.com', port: 9999 });
    expect(r.noMatch?.envoyResponse).toBe('connection refused');
    expect(r.noMatch?.reason).toContain('port 9999 is neither a port nor a NodePort of the gateway Service (15021, 80/30000, 443/30443, 3306/30306)');
  });
});

describe('route order and match conditions', () => {
  const addRoute = (s: MeshSnapshot, route: HTTPRoute, at = 0) => vsNamed(s, 'web-service').spec!.http!.splice(at, 0, route);

  it('a header match above a prefix route wins, and the prefix route wins without the header', () => {
    const s = fresh();
    addRoute(s, {
      name: 'canary',
      match: [{ uri: { prefix: '/v1' }, headers: { 'x-canary': { exact: 'true' } } }],
      route: [{ destination: { host: 'web-service', subset: 'v2' } }],
    });
    const withHeader = simulateRequest(s, { host: 'web.example.com', path: '/v1/a', headers: { 'X-Canary': 'true' } });
    expect(withHeader.route).toBe('canary');
    expect(withHeader.destinations[0]?.subset).toBe('v2');
    const without = simulateRequest(s, { host: 'web.example.com', path: '/v1/a' });
    expect(without.route).toBe('v1');
    expect(without.rejected.map((x) => x.reason)).toEqual(["header x-canary: expected exact 'true', request has none"]);
    const wrong = simulateRequest(s, { host: 'web.example.com', path: '/status/418', headers: { 'x-canary': 'false' } });
    expect(wrong.rejected[0]?.reason).toBe("uri prefix /v1 does not match /status/418; header x-canary: expected exact 'true', request has 'false'");
  });

  it('evaluates exact and regex uris (RE2, whole path), method, queryParams, authority, withoutHeaders and ignoreUriCase', () => {
    const s = fresh();
    addRoute(s, { name: 'exact', match: [{ uri: { exact: '/exact' } }], route: [{ destination: { host: 'web-service', subset: 'v2' } }] });
    addRoute(s, { name: 'regex', match: [{ uri: { regex: '/items/[0-9]+' } }], route: [{ destination: { host: 'web-service', subset: 'v2' } }] });
    addRoute(s, { name: 'post', match: [{ method: { exact: 'POST' } }], route: [{ destination: { host: 'web-service', subset: 'v2' } }] });
    addRoute(s, { name: 'query', match: [{ queryParams: { version: { exact: 'v2' } } }], route: [{ destination: { host: 'web-service', subset: 'v2' } }] });
    addRoute(s, { name: 'authority', match: [{ authority: { prefix: 'web.example.com:8' } }], route: [{ destination: { host: 'web-service', subset: 'v2' } }] });
    addRoute(s, { name: 'nodebug', match: [{ uri: { prefix: '/dbg' }, withoutHeaders: { 'x-debug': { exact: 'on' } } }], route: [{ destination: { host: 'web-service', subset: 'v2' } }] });
    addRoute(s, { name: 'icase', match: [{ uri: { prefix: '/CaSe' }, ignoreUriCase: true }], route: [{ destination: { host: 'web-service', subset: 'v2' } }] });
    const route = (path: string, extra: object = {}) => simulateRequest(s, { host: 'web.example.com', path, ...extra }).route;
    expect(route('/exact')).toBe('exact');
    expect(route('/exact/')).toBe('split');
    expect(route('/items/42')).toBe('regex');
    expect(route('/items/42/x')).toBe('split'); // a regex must match the whole path
    expect(route('/x', { method: 'POST' })).toBe('post');
    expect(route('/x?version=v2&version=v1')).toBe('query');
    expect(route('/x?version=v1&version=v2')).toBe('split'); // Envoy matches the first value
    expect(route('/x', { host: 'web.example.com:8080', port: 80 })).toBe('authority');
    expect(route('/dbg')).toBe('nodebug');
    expect(route('/dbg', { headers: { 'x-debug': 'on' } })).toBe('split');
    expect(route('/case/x')).toBe('icase');
    const r = simulateRequest(s, { host: 'web.example.com', path: '/items/4x', method: 'GET' });
    const reasons = Object.fromEntries(r.rejected.map((x) => [x.route, x.reason]));
    expect(reasons).toMatchObject({
      exact: 'uri exact /exact does not match /items/4x',
      regex: 'uri regex /items/[0-9]+ does not match /items/4x (the whole path must match)',
      post: "method: expected exact 'POST', request is GET",
      query: "query parameter version: expected exact 'v2', request has none",
      authority: "authority: expected prefix 'web.example.com:8', request has 'web.example.com'",
    });
    const dbg = simulateRequest(s, { host: 'web.example.com', path: '/dbg', headers: { 'x-debug': 'on' } });
    expect(dbg.rejected.find((x) => x.route === 'nodebug')?.reason).toBe("withoutHeaders x-debug: request has 'on', which matches exact 'on'");
  });

  it('routes of several VirtualServices on one host are concatenated in creation order, catch-alls last', () => {
    const s = fresh();
    vsNamed(s, 'counter').metadata.creationTimestamp = '2026-01-01T00:00:00Z';
    const extra: VirtualService = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'counter-extra', namespace: 'default', creationTimestamp: '2026-02-01T00:00:00Z' },
      spec: {
        hosts: ['*'],
        gateways: ['istio-system/default-gateway'],
        http: [{ name: 'extra', match: [{ uri: { prefix: '/extra' } }], route: [{ destination: { host: 'httpbin', port: { number: 8000 } } }] }],
      },
    };
    s.virtualServices.push(extra);
    const r = simulateRequest(s, { host: 'other.example.com', path: '/extra/1' });
    expect(r.virtualHost?.virtualServices).toEqual(['default/counter', 'default/counter-extra']);
    // counter's prefix-/ route is a catch-all: Istio moves it behind counter-extra's route.
    expect(r.virtualService).toBe('default/counter-extra');
    const other = simulateRequest(s, { host: 'other.example.com', path: '/elsewhere' });
    expect(other.virtualService).toBe('default/counter');
    expect(other.rejected).toMatchObject([{ virtualService: 'default/counter-extra', route: 'extra', reason: 'uri prefix /extra does not match /elsewhere' }]);
  });

  it('drops routes after a catch-all in the same VirtualService, and says so', () => {
    const s = fresh();
    addRoute(s, { name: 'everything', route: [{ destination: { host: 'web-service', subset: 'v2' } }] });
    const r = simulateRequest(s, { host: 'web.example.com', path: '/v1' });
    expect(r.route).toBe('everything');
    const s2 = fresh();
    addRoute(s2, { name: 'late', match: [{ uri: { prefix: '/late' } }], route: [{ destination: { host: 'web-service' } }] }, 3);
    const r2 = simulateRequest(s2, { host: 'web.example.com', path: '/late' });
    expect(r2.route).toBe('split');
  });

  it('sourceLabels, sourceNamespace, gateways and port of a match are decided by istiod for the gateway pod', () => {
    const s = fresh();
    addRoute(s, { name: 'from-frontend', match: [{ sourceLabels: { app: 'frontend' } }], route: [{ destination: { host: 'web-service', subset: 'v2' } }] });
    addRoute(s, { name: 'mesh-only', match: [{ gateways: ['mesh'], uri: { prefix: '/' } }], route: [{ destination: { host: 'web-service', subset: 'v2' } }] });
    addRoute(s, { name: 'port-8080', match: [{ port: 8080 }], route: [{ destination: { host: 'web-service', subset: 'v2' } }] });
    addRoute(s, { name: 'on-this-gateway', match: [{ gateways: ['istio-system/default-gateway'], uri: { prefix: '/gw' } }], route: [{ destination: { host: 'web-service', subset: 'v2' } }] });
    addRoute(s, { name: 'from-gateway-pod', match: [{ sourceLabels: { istio: 'ingressgateway' }, uri: { prefix: '/src' } }], route: [{ destination: { host: 'web-service', subset: 'v2' } }] });
    expect(simulateRequest(s, { host: 'web.example.com', path: '/gw' }).route).toBe('on-this-gateway');
    expect(simulateRequest(s, { host: 'web.example.com', path: '/src' }).route).toBe('from-gateway-pod');
    const r = simulateRequest(s, { host: 'web.example.com', path: '/v2' });
    expect(r.route).toBe('v2');
    const reasons = Object.fromEntries(r.rejected.map((x) => [x.route, x.reason]));
    expect(reasons['from-frontend']).toBe(
      'sourceLabels app=frontend are not labels of the gateway pod istio-system/istio-ingressgateway-0: at a gateway Istio compares sourceLabels with the gateway\'s own labels, not the client\'s, so Istio does not generate it',
    );
    expect(reasons['mesh-only']).toContain('its match is limited to gateways mesh, which do not include istio-system/default-gateway');
    expect(reasons['port-8080']).toBe('port 8080 is not the port 80 of this Gateway server, so Istio does not generate it here');
  });

  it('reports a subset missing from the DestinationRule as 503 NC and a subset without pods as 503 UH', () => {
    const s = fresh();
    addRoute(s, { name: 'v3', match: [{ uri: { prefix: '/v3' } }], route: [{ destination: { host: 'web-service', subset: 'v3' } }] });
    const r = simulateRequest(s, { host: 'web.example.com', path: '/v3' });
    expect(r.destinations[0]).toMatchObject({
      envoyResponse: '503 NC',
      problem: 'subset v3 is not defined in DestinationRule default/web-service (it defines v1, v2)',
    });
    s.destinationRules[0]!.spec!.subsets!.push({ name: 'v3', labels: { version: 'v3' } });
    expect(simulateRequest(s, { host: 'web.example.com', path: '/v3' }).destinations[0]).toMatchObject({
      envoyResponse: '503 UH',
      problem: 'subset v3 selects no pods of Service default/web-service',
    });
  });

  it('answers redirects, direct responses and reports faults', () => {
    const s = fresh();
    addRoute(s, { name: 'moved', match: [{ uri: { prefix: '/old' } }], redirect: { uri: '/new', redirectCode: 302 } });
    addRoute(s, { name: 'teapot', match: [{ uri: { exact: '/tea' } }], directResponse: { status: 418, body: { string: 'short and stout' } } });
    addRoute(s, {
      name: 'flaky',
      match: [{ uri: { prefix: '/flaky' } }],
      fault: { abort: { httpStatus: 503, percentage: { value: 50 } }, delay: { fixedDelay: '5s', percentage: { value: 10 } } },
      route: [{ destination: { host: 'web-service', subset: 'v1' } }],
    });
    expect(simulateRequest(s, { host: 'web.example.com', path: '/old/x?q=1' }).redirect).toEqual({ code: 302, location: 'http://web.example.com/new?q=1' });
    expect(simulateRequest(s, { host: 'web.example.com', path: '/tea' }).directResponse).toEqual({ status: 418, body: 'short and stout' });
    expect(simulateRequest(s, { host: 'web.example.com', path: '/flaky' }).fault?.description).toBe('delays 5s for 10% of requests; aborts 50% of requests with HTTP 503');
  });

  it('httpsRedirect on a plain-text server answers 301 to https', () => {
    const s = fresh();
    const gw = s.gateways.find((g) => g.metadata.name === 'httpbin-gateway')!;
    gw.spec!.servers![0]!.tls = { httpsRedirect: true };
    const r = simulateRequest(s, { host: 'httpbin.example.com', path: '/status/200' });
    expect(r.redirect).toEqual({ code: 301, location: 'https://httpbin.example.com/status/200' });
  });
});

describe('gateway servers, hosts and TLS', () => {
  it('a server host ns/host only admits VirtualServices of that namespace', () => {
    const s = fresh();
    const gw = s.gateways.find((g) => g.metadata.name === 'httpbin-gateway')!;
    gw.spec!.servers![0]!.hosts = ['other/httpbin.example.com'];
    const r = simulateRequest(s, { host: 'httpbin.example.com', path: '/status/418' });
    // httpbin (namespace default) cannot bind; the host falls to counter's '*'.
    expect(r.virtualService).toBe('default/counter');
    gw.spec!.servers![0]!.hosts = ['./httpbin.example.com'];
    expect(simulateRequest(s, { host: 'httpbin.example.com', path: '/status/418' }).virtualService).toBe('default/httpbin');
  });

  it('exportTo "." hides a VirtualService from a gateway pod in another namespace', () => {
    const s = fresh();
    vsNamed(s, 'httpbin').spec!.exportTo = ['.'];
    expect(simulateRequest(s, { host: 'httpbin.example.com', path: '/status/418' }).virtualService).toBe('default/counter');
  });

  it('a TCP server on a port that already has an HTTP server is skipped, with a note', () => {
    const s = fresh();
    const extra: Gateway = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: 'zz-tcp', namespace: 'istio-system' },
      spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'tcp', protocol: 'TCP' }, hosts: ['*'] }] },
    };
    s.gateways.push(extra);
    const r = simulateRequest(s, { host: 'web.example.com', path: '/v1' });
    expect(r.route).toBe('v1');
    expect(r.notes.join('\n')).toContain('istio-system/zz-tcp#0: pod port 8080 already has the HTTP server 0 of Gateway istio-system/default-gateway');
  });

  it('TLS passthrough routes by SNI to the tls route whose sniHosts match', () => {
    const s = fresh();
    s.services[0]!.spec!.ports!.push({ name: 'tls', port: 15443, targetPort: 15443, nodePort: 31443 });
    s.gateways.push({
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: 'passthrough', namespace: 'istio-system' },
      spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 15443, name: 'tls', protocol: 'TLS' }, hosts: ['*.secure.example.com'], tls: { mode: 'PASSTHROUGH' } }] },
    });
    s.virtualServices.push({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'secure', namespace: 'default' },
      spec: {
        hosts: ['*.secure.example.com'],
        gateways: ['istio-system/passthrough'],
        tls: [
          { match: [{ sniHosts: ['a.secure.example.com'] }], route: [{ destination: { host: 'httpbin', port: { number: 8000 } } }] },
          { match: [{ sniHosts: ['*.secure.example.com'] }], route: [{ destination: { host: 'counter' } }] },
        ],
      },
    });
    const a = simulateRequest(s, { host: 'a.secure.example.com', port: 15443, protocol: 'TLS' });
    expect(a).toMatchObject({ virtualService: 'default/secure', route: 'tls[0]', destinations: [{ fqdn: 'httpbin.default.svc.cluster.local', port: 8000 }] });
    const b = simulateRequest(s, { host: 'b.secure.example.com', port: 15443, protocol: 'TLS' });
    expect(b.route).toBe('tls[1]');
    const none = simulateRequest(s, { host: 'x.example.org', port: 15443, protocol: 'TLS' });
    expect(none.noMatch?.envoyResponse).toBe('connection closed (NR)');
  });

  it('follows delegation: the delegate\'s routes with the root\'s match merged in', () => {
    const s = fresh();
    vsNamed(s, 'httpbin').spec!.http = [{ name: 'api', match: [{ uri: { prefix: '/status' } }], delegate: { name: 'httpbin-routes' } }];
    s.virtualServices.push({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'httpbin-routes', namespace: 'default' },
      spec: {
        http: [
          { name: 'teapot', match: [{ uri: { prefix: '/status/418' } }], route: [{ destination: { host: 'httpbin', port: { number: 8000 } } }] },
          { name: 'other', match: [{ uri: { prefix: '/delay' } }], route: [{ destination: { host: 'counter' } }] },
          { name: 'rest', route: [{ destination: { host: 'counter' } }] },
        ],
      },
    });
    const r = simulateRequest(s, { host: 'httpbin.example.com', path: '/status/418' });
    expect(r.virtualService).toBe('default/httpbin');
    expect(r.route).toBe('api-teapot → default/httpbin-routes http[0]');
    const rest = simulateRequest(s, { host: 'httpbin.example.com', path: '/status/200' });
    expect(rest.route).toBe('api-rest → default/httpbin-routes http[2]');
    expect(rest.rejected.map((x) => x.reason)).toEqual([
      'uri prefix /status/418 does not match /status/200',
      'http[1] of delegate default/httpbin-routes conflicts with the match of http[0] and is dropped',
    ]);
  });

  it('a TCP route whose port does not match is rejected with the reason', () => {
    const s = fresh();
    vsNamed(s, 'mysql').spec!.tcp![0]!.match![0]!.port = 3307;
    const r = simulateRequest(s, { host: 'db', port: 3306, protocol: 'TCP' });
    expect(r.noMatch?.envoyResponse).toBe('connection closed (NR)');
    expect(r.rejected).toMatchObject([{ virtualService: 'default/mysql', route: 'tcp[0]', reason: 'port 3307 is not the port 3306 of this Gateway server' }]);
  });
});
