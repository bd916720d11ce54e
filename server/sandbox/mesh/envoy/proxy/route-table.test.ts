import { describe, expect, it } from 'vitest';
import type { RouteConfiguration } from '../types';
import { compileRouteConfig, matchRoute, selectVirtualHost, type MatchRequest } from './route-table';

const rc = compileRouteConfig({
  name: 'http.8080',
  ignore_port_in_host_matching: true,
  virtual_hosts: [
    { name: 'any', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'any' }, name: 'any' }] },
    { name: 'suffix-short', domains: ['*.com'], routes: [] },
    { name: 'suffix-long', domains: ['*.example.com'], routes: [] },
    { name: 'prefix', domains: ['api.*'], routes: [] },
    {
      name: 'exact',
      domains: ['www.example.com'],
      routes: [
        { name: 'hdr', match: { prefix: '/', headers: [{ name: 'x-user', string_match: { exact: 'jason' } }] }, route: { cluster: 'a' } },
        { name: 'absent', match: { prefix: '/absent', headers: [{ name: 'x-debug', present_match: true, invert_match: true }] }, route: { cluster: 'b' } },
        { name: 'regex', match: { safe_regex: { regex: '/v[0-9]+/items' } }, route: { cluster: 'c' } },
        { name: 'exact-ci', match: { path: '/Exact', case_sensitive: false }, route: { cluster: 'd' } },
        { name: 'query', match: { prefix: '/q', query_parameters: [{ name: 'debug', string_match: { exact: '1' } }] }, route: { cluster: 'e' } },
        { name: 'method', match: { prefix: '/m', headers: [{ name: ':method', string_match: { exact: 'POST' } }] }, route: { cluster: 'f' } },
      ],
    },
  ],
} as RouteConfiguration);

const req = (authority: string, path = '/', headers: Record<string, string> = {}, method = 'GET'): MatchRequest => ({ authority, path, method, scheme: 'http', headers });

describe('Envoy virtual host selection', () => {
  it('prefers exact, then the longest suffix wildcard, then prefix wildcards, then *', () => {
    expect(selectVirtualHost(rc, 'WWW.example.com:8080')!.vhost.name).toBe('exact');
    expect(selectVirtualHost(rc, 'a.example.com')!.vhost.name).toBe('suffix-long');
    expect(selectVirtualHost(rc, 'a.other.com')!.vhost.name).toBe('suffix-short');
    expect(selectVirtualHost(rc, 'api.internal')!.vhost.name).toBe('prefix');
    expect(selectVirtualHost(rc, 'localhost')!.vhost.name).toBe('any');
  });
});

describe('Envoy route matching', () => {
  const vh = selectVirtualHost(rc, 'www.example.com')!;
  const name = (r: MatchRequest) => matchRoute(vh, r)?.route.name;
  it('takes the first route whose path, headers and query parameters match', () => {
    expect(name(req('www.example.com', '/x', { 'x-user': 'jason' }))).toBe('hdr');
    expect(name(req('www.example.com', '/absent'))).toBe('absent');
    expect(name(req('www.example.com', '/absent', { 'x-debug': '1' }))).toBeUndefined();
    expect(name(req('www.example.com', '/v12/items?x=1'))).toBe('regex');
    expect(name(req('www.example.com', '/v12/items/more'))).toBeUndefined(); // RE2 full match
    expect(name(req('www.example.com', '/eXaCt'))).toBe('exact-ci');
    expect(name(req('www.example.com', '/q?debug=1'))).toBe('query');
    expect(name(req('www.example.com', '/q?debug=2'))).toBeUndefined();
    expect(name(req('www.example.com', '/m', {}, 'POST'))).toBe('method');
  });

  it('rejects a regex RE2 cannot compile', () => {
    expect(() => compileRouteConfig({ name: 'bad', virtual_hosts: [{ name: 'v', domains: ['*'], routes: [{ match: { safe_regex: { regex: '(?=x)' } }, route: { cluster: 'x' } }] }] })).toThrow(/Invalid regex/);
  });
});
