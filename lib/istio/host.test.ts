import { describe, expect, it } from 'vitest';
import {
  hostMatches,
  hostsIntersection,
  hostSubsetOf,
  parseServerHost,
  parseServiceFQDN,
  resolveShortname,
  selectServerNameChain,
  selectVirtualHostDomain,
  serverHostsForNamespace,
  sniHostsForServer,
  sortHostsMostSpecificFirst,
  splitAuthority,
} from './host';

describe('Istio host names (pkg/config/host)', () => {
  it.each([
    ['*', 'web.example.com', true],
    ['*.example.com', 'web.example.com', true],
    ['*.example.com', 'a.b.example.com', true],
    ['*.example.com', 'example.com', false],
    ['*.example.com', '*.b.example.com', true],
    ['*.a.com', '*.b.com', false],
    ['web.example.com', 'web.example.com', true],
    ['web.example.com', 'api.example.com', false],
  ])('Matches(%s, %s) = %s, both ways', (a, b, want) => {
    expect(hostMatches(a, b)).toBe(want);
    expect(hostMatches(b, a)).toBe(want);
  });

  it.each([
    ['web.example.com', '*', true],
    ['web.example.com', '*.example.com', true],
    ['*.example.com', '*', true],
    ['*', '*.example.com', false],
    ['*.example.com', 'web.example.com', false],
    ['*.b.example.com', '*.example.com', true],
    ['a.com', 'a.com', true],
  ])('SubsetOf(%s, %s) = %s', (a, b, want) => {
    expect(hostSubsetOf(a, b)).toBe(want);
  });

  it('intersects hosts as Istio picks virtual-host names: the narrower name of each overlapping pair', () => {
    expect(hostsIntersection(['*'], ['web.example.com'])).toEqual(['web.example.com']);
    expect(hostsIntersection(['web.example.com'], ['*'])).toEqual(['web.example.com']);
    expect(hostsIntersection(['*.example.com'], ['a.example.com', 'b.example.com', 'other.org'])).toEqual(['a.example.com', 'b.example.com']);
    expect(hostsIntersection(['a.example.com', 'b.example.com'], ['*.example.com'])).toEqual(['a.example.com', 'b.example.com']);
    expect(hostsIntersection(['*'], ['*'])).toEqual(['*']);
    expect(hostsIntersection(['*.example.com'], ['*'])).toEqual(['*.example.com']);
    expect(hostsIntersection(['a.com'], ['b.com'])).toEqual([]);
  });

  it('sorts most specific first: exact names, longer first, then wildcards', () => {
    expect(sortHostsMostSpecificFirst(['*', 'a.com', '*.example.com', 'web.example.com'])).toEqual(['web.example.com', 'a.com', '*.example.com', '*']);
  });
});

describe('Gateway server hosts', () => {
  it('splits ns/host, ./host, */host and bare hosts', () => {
    expect(parseServerHost('prod/web.example.com', 'istio-system')).toEqual({ namespace: 'prod', host: 'web.example.com', raw: 'prod/web.example.com' });
    expect(parseServerHost('./web.example.com', 'istio-system').namespace).toBe('istio-system');
    expect(parseServerHost('*/web.example.com', 'istio-system').namespace).toBe('*');
    expect(parseServerHost('web.example.com', 'istio-system').namespace).toBe('*');
  });

  it('admits VirtualServices by namespace', () => {
    const hosts = ['default/a.example.com', 'b.example.com', 'other/c.example.com', '*/d.example.com', './e.example.com'];
    expect(serverHostsForNamespace(hosts, 'istio-system', 'default')).toEqual(['a.example.com', 'b.example.com', 'd.example.com']);
    expect(serverHostsForNamespace(hosts, 'istio-system', 'istio-system')).toEqual(['b.example.com', 'd.example.com', 'e.example.com']);
  });

  it('derives SNI names without the namespace part', () => {
    expect(sniHostsForServer(['ns/b.com', 'a.com', 'b.com'])).toEqual(['a.com', 'b.com']);
  });
});

describe('short names and FQDNs', () => {
  it('resolves a short name in a namespace, and keeps names with a dot, *, and IPs', () => {
    expect(resolveShortname('web-service', 'default')).toBe('web-service.default.svc.cluster.local');
    expect(resolveShortname('web-service.default', 'default')).toBe('web-service.default');
    expect(resolveShortname('web-service.default.svc.cluster.local', 'other')).toBe('web-service.default.svc.cluster.local');
    expect(resolveShortname('*', 'default')).toBe('*');
    expect(resolveShortname('10.0.0.1', 'default')).toBe('10.0.0.1');
    expect(resolveShortname('reviews', 'prod', 'corp.local')).toBe('reviews.prod.svc.corp.local');
  });

  it('parses a Service FQDN', () => {
    expect(parseServiceFQDN('mysql.default.svc.cluster.local')).toEqual({ name: 'mysql', namespace: 'default' });
    expect(parseServiceFQDN('web.example.com')).toBeUndefined();
    expect(parseServiceFQDN('a.b.c.svc.cluster.local')).toBeUndefined();
  });
});

describe('Envoy name selection', () => {
  it('splits an authority', () => {
    expect(splitAuthority('Web.Example.com:8080')).toEqual({ host: 'web.example.com', port: 8080 });
    expect(splitAuthority('web.example.com')).toEqual({ host: 'web.example.com' });
    expect(splitAuthority('[::1]:80')).toEqual({ host: '[::1]', port: 80 });
  });

  it('picks the virtual host: exact, longest suffix wildcard, prefix wildcard, then *', () => {
    const domains = ['*', '*.example.com', '*.api.example.com', 'web.example.com', 'web.*'];
    expect(selectVirtualHostDomain(domains, 'web.example.com')).toBe('web.example.com');
    expect(selectVirtualHostDomain(domains, 'v1.api.example.com')).toBe('*.api.example.com');
    expect(selectVirtualHostDomain(domains, 'x.example.com')).toBe('*.example.com');
    expect(selectVirtualHostDomain(domains, 'web.example.org')).toBe('web.*');
    expect(selectVirtualHostDomain(domains, 'other.org')).toBe('*');
    expect(selectVirtualHostDomain(['httpbin.example.com'], 'other.org')).toBeUndefined();
    expect(selectVirtualHostDomain(['*.example.com'], 'example.com')).toBeUndefined();
  });

  it('picks the filter chain by SNI: exact, most specific wildcard, then the catch-all', () => {
    const chains = [['*'], ['*.example.com'], ['a.b.example.com'], ['*.b.example.com']];
    expect(selectServerNameChain(chains, 'a.b.example.com')).toBe(2);
    expect(selectServerNameChain(chains, 'c.b.example.com')).toBe(3);
    expect(selectServerNameChain(chains, 'c.example.com')).toBe(1);
    expect(selectServerNameChain(chains, 'other.org')).toBe(0);
    expect(selectServerNameChain(chains, undefined)).toBe(0);
    expect(selectServerNameChain([['a.com']], 'b.com')).toBeUndefined();
  });
});
