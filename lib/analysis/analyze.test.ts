import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { analyze } from './analyze';
import { allMessageTypes, documentationUrl, sprintf } from './messages';
import { pemCertificates } from './support/x509';
import { secretData } from './support/secrets';
import type { Finding, KubeObject } from './types';

const scenarioDir = fileURLToPath(new URL('../istio/fixtures/scenario-ingress-basics/', import.meta.url));

function loadYaml(file: string): KubeObject[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((d) => d.toJS() as unknown)
    .filter((d): d is KubeObject => !!d && typeof d === 'object' && typeof (d as KubeObject).kind === 'string');
}

const scenario = readdirSync(scenarioDir)
  .sort()
  .flatMap((f) => loadYaml(scenarioDir + f));

/** One pod per Deployment, as the sandbox's controllers create them. */
const pods: KubeObject[] = scenario
  .filter((o) => o.kind === 'Deployment')
  .map((d) => {
    const t = (d.spec as { template: { metadata: { labels: Record<string, string> }; spec: unknown } }).template;
    return { apiVersion: 'v1', kind: 'Pod', metadata: { name: `${d.metadata.name}-0`, namespace: d.metadata.namespace!, labels: t.metadata.labels }, spec: t.spec };
  });

const certSecret = scenario.find((o) => o.kind === 'Secret')!;
const brief = (fs: Finding[]) => fs.map((f) => `${f.code} ${f.origin} ${f.path ?? ''}`);

const vs = (name: string, spec: Record<string, unknown>, ns = 'default'): KubeObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name, namespace: ns },
  spec,
});
const gateway = (name: string, servers: unknown[], ns = 'istio-system'): KubeObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'Gateway',
  metadata: { name, namespace: ns },
  spec: { selector: { istio: 'ingressgateway' }, servers },
});

describe('the ingress-basics scenario', () => {
  it('is clean while its certificate is valid', () => {
    expect(analyze([...scenario, ...pods], { now: Date.parse('2026-12-01T00:00:00Z') })).toEqual([]);
  });

  it('warns 30 days before the mounted certificate expires, and reports it expired after', () => {
    const soon = analyze([...scenario, ...pods], { now: Date.parse('2036-11-01T00:00:00Z') });
    expect(soon).toEqual([
      expect.objectContaining({
        code: 'GSC0005',
        level: 'Warning',
        origin: 'Gateway istio-system/default-gateway',
        path: 'spec.servers[1].tls.serverCertificate',
        message: 'The certificate in Secret istio-system/istio-ingressgateway-certs (key tls.crt) expires on 2036-11-19T18:44:02.000Z, in 18 days.',
      }),
    ]);
    const late = analyze([...scenario, ...pods], { now: Date.parse('2037-01-01T00:00:00Z') });
    expect(brief(late)).toEqual(['IST0161 Gateway istio-system/default-gateway spec.servers[1].tls.serverCertificate']);
  });

  it('reports the missing optional certificate Secret of the legacy file mount', () => {
    const withoutSecret = [...scenario, ...pods].filter((o) => o !== certSecret);
    const f = analyze(withoutSecret, { now: Date.parse('2026-12-01T00:00:00Z') });
    expect(brief(f)).toEqual(['GSC0006 Gateway istio-system/default-gateway spec.servers[1].tls.serverCertificate']);
    expect(f[0]!.message).toMatch(/^Secret istio-system\/istio-ingressgateway-certs, which holds the certificate for \/etc\/istio\/ingressgateway-certs\/tls.crt, does not exist: the volume is optional/);
  });

  it('without pods, Istio analyzers cannot find the gateway workload', () => {
    const f = analyze(scenario, { analyzers: ['gateway.IngressGatewayPortAnalyzer'] });
    expect(brief(f)).toEqual(['IST0101 Gateway istio-system/default-gateway spec.selector', 'IST0101 Gateway default/httpbin-gateway spec.selector']);
  });
});

describe('certificates referenced by credentialName(s)', () => {
  const secret = (name: string): KubeObject => ({ ...certSecret, metadata: { name, namespace: 'istio-system' } });
  const gw = gateway('tls', [
    { port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['a.example.com'], tls: { mode: 'SIMPLE', credentialName: 'a-cert' } },
    { port: { number: 443, name: 'https-b', protocol: 'HTTPS' }, hosts: ['b.example.com'], tls: { mode: 'SIMPLE', credentialNames: ['b-cert', 'missing-cert'] } },
  ]);
  const objects = [...scenario, ...pods, secret('a-cert'), secret('b-cert'), gw];

  it('warns before expiry and reports missing credentialNames', () => {
    const f = analyze(objects, { now: Date.parse('2036-11-10T00:00:00Z'), analyzers: ['gatescope.CertificateAnalyzer'] });
    expect(brief(f.filter((x) => x.origin === 'Gateway istio-system/tls'))).toEqual([
      'GSC0005 Gateway istio-system/tls spec.servers[0].tls.credentialName',
      'GSC0005 Gateway istio-system/tls spec.servers[1].tls.credentialNames[0]',
      'GSC0006 Gateway istio-system/tls spec.servers[1].tls.credentialNames[1]',
    ]);
  });

  it('lets the SecretAnalyzer report an expired credentialName (IST0161)', () => {
    const f = analyze(objects, { now: Date.parse('2037-01-01T00:00:00Z'), analyzers: ['gateway.SecretAnalyzer'] });
    expect(brief(f)).toEqual(['IST0161 Gateway istio-system/tls spec.servers[0].tls.credentialName']);
    expect(f[0]!.message).toBe(
      'The credential referenced by the Gateway tls in namespace istio-system is invalid, which can cause the traffic not to work as expected.',
    );
  });

  it('honours certificateExpiryDays', () => {
    const f = analyze(objects, { now: Date.parse('2036-11-10T00:00:00Z'), certificateExpiryDays: 5, analyzers: ['GSC0005'] });
    expect(f).toEqual([]);
  });

  it('reads notBefore, notAfter and the subject CN from PEM', () => {
    expect(pemCertificates(secretData(certSecret)['tls.crt']!)).toEqual([
      { notBefore: new Date('2026-11-22T18:44:02Z'), notAfter: new Date('2036-11-19T18:44:02Z'), commonName: '*.example.com' },
    ]);
    expect(pemCertificates('not a pem')).toEqual([]);
  });
});

describe('VirtualService references', () => {
  const base = [...scenario, ...pods];

  it('reports a missing gateway, hosts not in the gateway, missing subsets and ports', () => {
    const bad = vs('bad', {
      hosts: ['web.example.com', 'api.other.org'],
      gateways: ['default/httpbin-gateway', 'nope'],
      http: [
        { match: [{ uri: { prefix: '/v3' } }], route: [{ destination: { host: 'web-service', subset: 'v3' } }] },
        { route: [{ destination: { host: 'httpbin', port: { number: 9999 } } }] },
      ],
    });
    const f = analyze([...base, bad], {});
    expect(brief(f)).toEqual([
      'IST0101 VirtualService default/bad spec.http[0].route[0].destination.subset',
      'IST0132 VirtualService default/bad spec.hosts',
      'IST0101 VirtualService default/bad spec.gateways[1]',
      'IST0132 VirtualService default/bad spec.hosts',
      'IST0101 VirtualService default/bad spec.http[1].route[0].destination.port.number',
    ]);
    expect(f.map((x) => x.message)).toEqual([
      'Referenced host+subset in destinationrule not found: "web-service+v3"',
      'one or more host [web.example.com api.other.org] defined in VirtualService default/bad not found in Gateway default/httpbin-gateway.',
      'Referenced gateway not found: "nope"',
      'one or more host [web.example.com api.other.org] defined in VirtualService default/bad not found in Gateway default/nope.',
      'Referenced host:port not found: "httpbin:9999"',
    ]);
    expect(f[0]).toMatchObject({ level: 'Error', analyzer: 'virtualservice.DestinationRuleAnalyzer', documentationUrl: 'https://istio.io/latest/docs/reference/config/analysis/ist0101/' });
  });

  it('resolves gateway references as istiod does (short, ns/name, ./name, legacy FQDN)', () => {
    for (const ref of ['default-gateway.istio-system.svc.cluster.local', 'istio-system/default-gateway']) {
      expect(analyze([...base, vs('ok', { hosts: ['x.example.com'], gateways: [ref], http: [{ route: [{ destination: { host: 'counter' } }] }] })], {})).toEqual([]);
    }
    expect(analyze([...base, vs('ok', { hosts: ['x.example.com'], gateways: ['./counter-gw'], http: [{ route: [{ destination: { host: 'counter' } }] }] })], {}))
      .toEqual([expect.objectContaining({ code: 'IST0101', message: 'Referenced gateway not found: "./counter-gw"' }), expect.objectContaining({ code: 'IST0132' })]);
  });

  it('selects analyzers by code', () => {
    const bad = vs('bad', { hosts: ['a'], gateways: ['nope'], http: [{ route: [{ destination: { host: 'nope' } }] }] });
    expect(analyze([bad], { analyzers: ['IST0132'] }).map((f) => f.code)).toEqual(['IST0132']);
  });
});

describe('shadowed and unreachable routes (IST0130, IST0131)', () => {
  it('reports rules after a catch-all, duplicate matches and covered prefixes', () => {
    const v = vs('routes', {
      hosts: ['web.example.com'],
      http: [
        { name: 'api', match: [{ uri: { prefix: '/api' } }], route: [{ destination: { host: 'web-service' } }] },
        { name: 'api-v1', match: [{ uri: { prefix: '/api/v1' } }], route: [{ destination: { host: 'web-service' } }] },
        { match: [{ name: 'again', uri: { prefix: '/api' } }], route: [{ destination: { host: 'web-service' } }] },
        { route: [{ destination: { host: 'web-service' } }] },
        { match: [{ uri: { exact: '/late' } }], route: [{ destination: { host: 'web-service' } }] },
      ],
      tcp: [{ match: [{ port: 3306 }], route: [{ destination: { host: 'mysql' } }] }, { match: [{ port: 3306 }], route: [{ destination: { host: 'mysql' } }] }],
    });
    const f = analyze([v], { analyzers: ['gatescope.UnreachableRouteAnalyzer'] });
    expect(f.map((x) => [x.code, x.path, x.message])).toEqual([
      ['IST0131', 'spec.http[2].match[0]', 'VirtualService rule #2 match "again" is not used (duplicate/overlapping match in rule "api").'],
      ['IST0130', 'spec.http[2]', 'VirtualService rule #2 not used (all matches used by prior rules).'],
      ['IST0130', 'spec.http[4]', 'VirtualService rule #4 not used (route without matches defined before).'],
      ['IST0131', 'spec.http[1].match[0]', 'VirtualService rule "api-v1" match #0 of prefix /api/v1 is not used (duplicate/overlapping match in rule #0 of prefix /api on "api").'],
      ['IST0131', 'spec.tcp[1].match[0]', 'VirtualService rule #1 match #0 is not used (duplicate/overlapping match in rule #0).'],
      ['IST0130', 'spec.tcp[1]', 'VirtualService rule #1 not used (all matches used by prior rules).'],
    ]);
  });

  it('keeps prefixes that differ in method or headers', () => {
    const v = vs('ok', {
      hosts: ['web.example.com'],
      http: [
        { match: [{ uri: { prefix: '/api' }, method: { exact: 'POST' } }], route: [{ destination: { host: 'a' } }] },
        { match: [{ uri: { prefix: '/api/v1' } }], route: [{ destination: { host: 'a' } }] },
        { match: [{ uri: { prefix: '/b' }, headers: { x: { exact: '1' } } }], route: [{ destination: { host: 'a' } }] },
        { match: [{ uri: { prefix: '/b/c' } }], route: [{ destination: { host: 'a' } }] },
      ],
    });
    expect(analyze([v], { analyzers: ['IST0130', 'IST0131'] })).toEqual([]);
  });
});

describe("gatescope's own checks", () => {
  it('GSC0001/GSC0002: route weights', () => {
    const v = vs('w', {
      hosts: ['web.example.com'],
      http: [
        { route: [{ destination: { host: 'web-service', subset: 'v1' }, weight: 60 }, { destination: { host: 'web-service', subset: 'v2' }, weight: 30 }] },
        { name: 'zero', route: [{ destination: { host: 'a' } }, { destination: { host: 'b' } }] },
        { route: [{ destination: { host: 'a' }, weight: 80 }, { destination: { host: 'b' }, weight: 20 }] },
        { route: [{ destination: { host: 'a' }, weight: 50 }] },
      ],
    });
    const f = analyze([v], { analyzers: ['gatescope.RouteWeightsAnalyzer'] });
    expect(f.map((x) => [x.code, x.level, x.path, x.message])).toEqual([
      ['GSC0001', 'Warning', 'spec.http[0].route', 'The destination weights of route http[0] add up to 90, not 100: traffic is split web-service subset v1 66.7%, web-service subset v2 33.3%.'],
      ['GSC0002', 'Error', 'spec.http[1].route', 'Route http[1] "zero" has 2 destinations and a total weight of 0: istiod rejects this (total destination weight = 0).'],
    ]);
  });

  it('GSC0003: regexes that are not RE2', () => {
    const v = vs('re', {
      hosts: ['web.example.com'],
      http: [{ match: [{ uri: { regex: '/api/(?!internal).*' }, headers: { 'x-id': { regex: '[0-9]+' } } }], route: [{ destination: { host: 'a' } }] }],
    });
    const f = analyze([v], { analyzers: ['GSC0003'] });
    expect(f.map((x) => [x.path, x.message])).toEqual([
      ['spec.http[0].match[0].uri.regex', 'Invalid RE2 regular expression "/api/(?!internal).*": error parsing regexp: invalid or unsupported Perl syntax: `(?!`'],
    ]);
  });

  it('GSC0004: an Ingress competing with a Gateway', () => {
    const ingress = (cls?: string): KubeObject => ({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'web', namespace: 'default' },
      spec: { ...(cls ? { ingressClassName: cls } : {}), rules: [{ host: 'httpbin.example.com', http: { paths: [] } }, { host: 'other.org' }] },
    });
    const f = analyze([...scenario, ingress('istio')], { analyzers: ['GSC0004'] });
    // default-gateway exposes `*`, so it competes for every host.
    expect(f.map((x) => [x.origin, x.path])).toEqual([
      ['Ingress default/web', 'spec.rules[0].host'],
      ['Ingress default/web', 'spec.rules[1].host'],
    ]);
    expect(f[0]!.message).toMatch(/^Ingress host "httpbin.example.com" is also exposed by Gateway istio-system\/default-gateway,default\/httpbin-gateway: istiod serves this Ingress/);
    expect(analyze([...scenario, ingress('nginx')], { analyzers: ['GSC0004'] })[0]!.message).toMatch(/another ingress controller \(class nginx\)/);
  });

  it('GSC0007: TLS disabled towards STRICT mTLS workloads', () => {
    const pa = (ns: string, mode: string): KubeObject => ({ apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default', namespace: ns }, spec: { mtls: { mode } } });
    const dr: KubeObject = { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'plain', namespace: 'default' }, spec: { host: 'web-service', trafficPolicy: { tls: { mode: 'DISABLE' } } } };
    expect(brief(analyze([dr, pa('istio-system', 'STRICT')], { analyzers: ['GSC0007'] }))).toEqual(['GSC0007 DestinationRule default/plain spec.trafficPolicy.tls.mode']);
    // A namespace-wide PERMISSIVE policy overrides the mesh-wide STRICT one.
    expect(analyze([dr, pa('istio-system', 'STRICT'), pa('default', 'PERMISSIVE')], { analyzers: ['GSC0007'] })).toEqual([]);
  });

  it('GSC0008: exportTo to a namespace that does not exist', () => {
    const v = vs('x', { hosts: ['a'], exportTo: ['.', 'nowhere', 'default'], http: [{ route: [{ destination: { host: 'a' } }] }] });
    const ns = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    expect(brief(analyze([v, ns('default')], { analyzers: ['GSC0008'] }))).toEqual(['GSC0008 VirtualService default/x spec.exportTo[1]']);
    expect(analyze([v], { analyzers: ['GSC0008'] })).toEqual([]); // namespaces unknown: skipped
  });
});

describe('messages', () => {
  it('formats Go verbs as istioctl does', () => {
    expect(sprintf('Referenced %s not found: %q', ['gateway', 'a"b'])).toBe('Referenced gateway not found: "a\\"b"');
    expect(sprintf('hosts %v ports %v (%d)', [['a', 'b'], [80, 443], 3])).toBe('hosts [a b] ports [80 443] (3)');
    expect(sprintf('100%% %s', [])).toBe('100% %!s(MISSING)');
  });

  it('has every Istio code and the gatescope codes, each with a documentation URL', () => {
    const codes = allMessageTypes().map((m) => m.code);
    expect(codes).toContain('IST0162');
    expect(codes.filter((c) => c.startsWith('GSC'))).toEqual(['GSC0001', 'GSC0002', 'GSC0003', 'GSC0004', 'GSC0005', 'GSC0006', 'GSC0007', 'GSC0008']);
    for (const c of codes) expect(documentationUrl(c)).toMatch(/^https:\/\//);
  });
});
