import { describe, expect, it } from 'vitest';
import { checkAdminCall, type AdminCall } from './allow-list';

const refused = (call: AdminCall) => {
  const d = checkAdminCall(call);
  if (d.ok) throw new Error(`expected a refusal for ${call.method} ${call.path}${call.query ? ` ${JSON.stringify(call.query)}` : ''}`);
  return d.reason;
};
const allowed = (call: AdminCall) => {
  const d = checkAdminCall(call);
  if (!d.ok) throw new Error(`expected ${call.method} ${call.path} to be allowed: ${d.reason}`);
  return d;
};

describe('Envoy admin allow-list', () => {
  it('allows the read-only GETs, with their query keys, and caps them', () => {
    expect(allowed({ method: 'GET', path: '/config_dump' })).toMatchObject({ method: 'GET', path: '/config_dump', query: {}, maxBytes: 32 * 1024 * 1024, mutating: false });
    expect(allowed({ method: 'GET', path: '/config_dump', query: 'resource=dynamic_active_clusters&include_eds' }).query).toEqual({ resource: 'dynamic_active_clusters', include_eds: '' });
    expect(allowed({ method: 'GET', path: '/config_dump', query: { mask: 'cluster.name,cluster.type', name_regex: '^outbound\\|80\\|.*' } }).query).toEqual({
      mask: 'cluster.name,cluster.type',
      name_regex: '^outbound\\|80\\|.*',
    });
    for (const path of ['/server_info', '/ready', '/certs', '/memory', '/runtime', '/stats/prometheus']) expect(allowed({ method: 'GET', path }).path).toBe(path);
    expect(allowed({ method: 'get', path: '/clusters', query: '?format=json' }).query).toEqual({ format: 'json' });
    expect(allowed({ method: 'GET', path: '/listeners', query: { format: 'json' } }).query).toEqual({ format: 'json' });
    expect(allowed({ method: 'GET', path: '/stats', query: new URLSearchParams({ format: 'prometheus', filter: 'http\\..*' }) }).query).toEqual({ format: 'prometheus', filter: 'http\\..*' });
  });

  it('reads log levels with a parameterless POST (how istioctl reads them; Envoy refuses GET /logging)', () => {
    expect(allowed({ method: 'GET', path: '/logging' })).toMatchObject({ method: 'POST', path: '/logging', query: {}, mutating: false });
  });

  it('allows POST /logging with exactly one level change, marked as mutating', () => {
    expect(allowed({ method: 'POST', path: '/logging', query: 'level=debug' })).toMatchObject({ method: 'POST', query: { level: 'debug' }, mutating: true });
    expect(allowed({ method: 'POST', path: '/logging', query: { router: 'trace' } })).toMatchObject({ query: { router: 'trace' }, mutating: true });
    expect(refused({ method: 'POST', path: '/logging' })).toMatch(/exactly one query key/);
    expect(refused({ method: 'POST', path: '/logging', query: 'level=debug&router=trace' })).toMatch(/exactly one query key/);
    expect(refused({ method: 'POST', path: '/logging', query: 'level=loud' })).toMatch(/"loud" is not a log level/);
    expect(refused({ method: 'POST', path: '/logging', query: 'paths=router:debug' })).toMatch(/paths= is not allowed|not a log level/);
    expect(refused({ method: 'POST', path: '/logging', query: 'Router=debug' })).toMatch(/not a logger name/);
  });

  it('refuses every call of the reliability notes test 9, with the reason', () => {
    const cases: Array<[AdminCall, RegExp]> = [
      [{ method: 'POST', path: '/quitquitquit' }, /POST \/quitquitquit is not allowed: it shuts the proxy down/],
      [{ method: 'GET', path: '/quitquitquit' }, /\/quitquitquit is not allowed: it shuts the proxy down/],
      [{ method: 'POST', path: '/runtime_modify', query: 'x=1' }, /changes runtime values/],
      [{ method: 'GET', path: '/runtime_modify', query: 'x=1' }, /changes runtime values/],
      [{ method: 'GET', path: '/logging', query: 'level=trace' }, /GET \/logging with a query would change log levels/],
      [{ method: 'POST', path: '/healthcheck/fail' }, /drains the gateway/],
      [{ method: 'GET', path: '/healthcheck/fail' }, /drains the gateway/],
      [{ method: 'POST', path: '/drain_listeners' }, /stops the listeners/],
      [{ method: 'POST', path: '/drain_listeners', query: 'inboundonly&graceful' }, /stops the listeners/],
      [{ method: 'GET', path: '/heap_dump' }, /heavy/],
      [{ method: 'GET', path: '/stats', query: 'format=active-html' }, /format="active-html" is not allowed for \/stats: must be json or prometheus/],
      [{ method: 'GET', path: '/stats', query: 'format=html' }, /must be json or prometheus/],
      [{ method: 'GET', path: '/config_dump/../quitquitquit' }, /contains a '\.' or '\.\.' segment/],
      [{ method: 'GET', path: '/%2fquitquitquit' }, /percent-encoded/],
      [{ method: 'GET', path: '/%2Fquitquitquit' }, /percent-encoded/],
      [{ method: 'GET', path: '/config_dump%2f..%2fquitquitquit' }, /percent-encoded/],
      [{ method: 'GET', path: '/%2e%2e/quitquitquit' }, /percent-encoded/],
      [{ method: 'GET', path: '//quitquitquit' }, /empty segment/],
      [{ method: 'GET', path: '/config_dump//' }, /empty segment/],
      [{ method: 'GET', path: '/./config_dump' }, /segment/],
      [{ method: 'GET', path: '/..' }, /segment/],
      [{ method: 'GET', path: '/config_dump/' }, /not an Envoy admin path the console reads/],
      [{ method: 'GET', path: '/CONFIG_DUMP' }, /not an Envoy admin path/],
      [{ method: 'GET', path: 'config_dump' }, /must start with '\/'/],
      [{ method: 'GET', path: '/config_dump?resource=x' }, /contains '\?' or '#'/],
      [{ method: 'GET', path: '/config_dump\r\nHost: evil' }, /control characters/],
      [{ method: 'GET', path: '\\quitquitquit' }, /backslash/],
      [{ method: 'GET', path: '/config_dump', query: 'resource=dynamic_active_clusters&evil=1' }, /the query key "evil" is not allowed for \/config_dump \(allowed: resource, mask, include_eds, name_regex\)/],
      [{ method: 'GET', path: '/server_info', query: 'x=1' }, /it takes no query/],
      [{ method: 'GET', path: '/config_dump', query: 'resource=a&resource=b' }, /repeated/],
      [{ method: 'GET', path: '/config_dump', query: 'resource=../../etc' }, /resource name/],
      [{ method: 'GET', path: '/config_dump', query: 'include_eds=maybe' }, /must be empty or true/],
      [{ method: 'GET', path: '/stats', query: { filter: 'x'.repeat(300) } }, /1 to 256 printable/],
      [{ method: 'GET', path: '/stats', query: 'filter=a%0Db' }, /printable/],
      [{ method: 'GET', path: '/clusters', query: 'format=yaml' }, /json or text/],
      [{ method: 'PUT', path: '/config_dump' }, /method "PUT" is not allowed/],
      [{ method: 'DELETE', path: '/config_dump' }, /not allowed/],
      [{ method: 'HEAD', path: '/ready' }, /not allowed/],
      [{ method: 'POST', path: '/config_dump' }, /the only POST the console makes is \/logging/],
      [{ method: 'POST', path: '/reset_counters' }, /resets statistics/],
      [{ method: 'GET', path: '/' }, /home page/],
      [{ method: 'GET', path: '/hystrix_event_stream' }, /streams/],
      [{ method: 'GET', path: '/tap' }, /taps/],
      [{ method: 'GET', path: '' }, /required/],
      [{ method: 'GET', path: '/' + 'a'.repeat(200) }, /too long/],
    ];
    for (const [call, reason] of cases) expect(refused(call), `${call.method} ${call.path} ${JSON.stringify(call.query ?? '')}`).toMatch(reason);
  });
});
