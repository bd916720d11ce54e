import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordFromLine } from './from-line';
import { filterError, filterFromParams, filterFromQuery, filterToQuery, isEmptyFilter, matchesFilter, parseFilterExpression } from './filter';
import { enableAccessLogMesh, meshAccessLog, accessLogFormat } from './mesh-access-log';
import { Ring } from './ring';
import { statusClass } from './record';

const FIXTURES = join(import.meta.dirname, '../accesslog/fixtures');
const fixture = (f: string) => readFileSync(join(FIXTURES, f), 'utf8').split('\n').filter(Boolean);

/** Real lines: istio.io samples (418 from httpbin, egress 301 and a TCP line), Kiali's waypoint log with kubectl timestamps. */
const lines = [...fixture('istio-text-1.9plus.istio-io.samples.txt'), ...fixture('istio-text-1.9plus.istio-io.gateway.samples.txt')];
const records = lines.map((l, i) => recordFromLine(i + 1, 'istio-system/gw-a', 'istio-proxy', undefined, l));

describe('recordFromLine', () => {
  it('parses real access-log lines, recognizes proxy log lines, keeps a corrupted line with its reason', () => {
    expect(records.every((r) => r.kind === 'access')).toBe(true);
    expect(records[0]!.entry).toMatchObject({ method: 'GET', path: '/status/418', responseCode: 418, authority: 'httpbin:8000' });
    expect((records[0]!.entry as { raw?: string }).raw).toBeUndefined();
    const proxy = recordFromLine(1, 'ns/p', undefined, undefined, '2026-12-05T06:00:00.000000Z\tinfo\tEnvoy proxy is ready');
    expect(proxy.kind).toBe('proxy');
    expect(recordFromLine(1, 'ns/p', undefined, undefined, '[2026-12-05 06:00:00.123][15][warning][config] gRPC config stream closed').kind).toBe('proxy');
    expect(recordFromLine(1, 'ns/p', undefined, undefined, '{"not": "an access log"}').kind).toBe('invalid');
    const bad = recordFromLine(2, 'ns/p', undefined, '2026-12-05T06:00:00.000000000Z', lines[0]!.slice(0, 60));
    expect(bad.kind).toBe('invalid');
    expect(bad.error).toMatch(/not an Istio access-log line/);
    expect(bad.raw).toBe(lines[0]!.slice(0, 60));
    const [ts, ...rest] = fixture('kiali-waypoint.kubectl-timestamps.log')[0]!.split(' ');
    const waypoint = recordFromLine(3, 'bookinfo/waypoint', undefined, ts, rest.join(' '));
    expect(waypoint).toMatchObject({ kind: 'access', ts: '2025-01-30T12:10:13.682034460Z', entry: { authority: 'details:9080', responseCode: 200 } });
  });
});

describe('matchesFilter', () => {
  it('filters by status class and code, method, authority/path, flags, upstream, pod and kind', () => {
    const pick = (f: Parameters<typeof matchesFilter>[1]) => records.filter((r) => matchesFilter(r, f)).map((r) => r.entry?.responseCode);
    expect(pick({ status: ['4xx'] })).toEqual([418, 418]);
    expect(pick({ status: ['301'] })).toEqual([301]);
    expect(pick({ status: ['0'] })).toEqual([0]);
    expect(pick({ q: 'edition.cnn' })).toEqual([301, 0]); // the TCP line names it as SNI (free text searches the raw line too)
    expect(pick({ path: '/politics' })).toEqual([301]);
    expect(pick({ upstream: 'httpbin.foo' })).toEqual([418]);
    expect(pick({ flags: ['-'] })).toHaveLength(4);
    expect(pick({ flags: ['NR'] })).toEqual([]);
    expect(pick({ methods: ['POST'] })).toEqual([]);
    expect(pick({ pods: ['gw-a'] })).toHaveLength(4);
    expect(pick({ pods: ['istio-system/gw-b'] })).toHaveLength(0);
    expect(pick({ kinds: ['invalid'] })).toEqual([]);
    expect(statusClass(records[0]!)).toBe('4xx');
  });

  it('finds a corrupted line by its text, and keeps it out of filters on parsed fields', () => {
    const cut = recordFromLine(9, 'istio-system/gw-a', 'istio-proxy', undefined, lines[0]!.slice(0, 60));
    expect(cut.kind).toBe('invalid');
    const word = lines[0]!.slice(0, 60).match(/\/[a-z]+/)![0].slice(1);
    expect(matchesFilter(cut, { q: word })).toBe(true);
    expect(matchesFilter(cut, { q: 'not-in-this-line' })).toBe(false);
    expect(matchesFilter(cut, { q: word, status: ['4xx'] })).toBe(false);
    expect(matchesFilter(cut, { q: word, kinds: ['access'] })).toBe(false);
  });

  it('filters by the route, subset, Service and VirtualService that served a line (the overview edges link here)', () => {
    const served = { ...records[0]!, routeId: 'route:default/web-service:http[2]', serviceId: 'service:web-service.default.svc.cluster.local', subsetId: 'subset:web-service.default.svc.cluster.local:v1' };
    expect(matchesFilter(served, { routeId: 'route:default/web-service:http[2]', subsetId: 'subset:web-service.default.svc.cluster.local:v1' })).toBe(true);
    expect(matchesFilter(served, { routeId: 'route:default/web-service:http[2]', subsetId: 'subset:web-service.default.svc.cluster.local:v2' })).toBe(false);
    expect(matchesFilter(served, { virtualService: 'default/web-service' })).toBe(true);
    expect(matchesFilter(served, { virtualService: 'default/web' })).toBe(false);
    expect(matchesFilter(records[0]!, { virtualService: 'default/web-service' })).toBe(false);
    expect(filterFromParams({ virtualService: 'default/web-service' })).toEqual({ virtualService: 'default/web-service' });
  });

  it('searches the path with an RE2 regex, and names an invalid one instead of matching', () => {
    const pick = (pathRegex: string) => records.filter((r) => matchesFilter(r, { pathRegex })).map((r) => r.entry?.path);
    expect(pick('^/status/4[0-9]{2}$')).toEqual(['/status/418', '/status/418']);
    expect(pick('politics')).toEqual(['/politics']); // unanchored: found anywhere in the path
    expect(pick('^/POLITICS')).toEqual([]); // paths are case-sensitive…
    expect(pick('(?i)^/POLITICS')).toEqual(['/politics']); // …unless the regex says otherwise
    expect(filterError({ pathRegex: '^/status/[0-9]+$' })).toBeUndefined();
    // RE2 refuses what Envoy refuses: an unclosed group, a backreference.
    expect(filterError({ pathRegex: '/api/(v1' })).toMatch(/invalid path regex '\/api\/\(v1'/);
    expect(filterError({ pathRegex: '(a)\\1' })).toMatch(/invalid path regex/);
    expect(pick('/api/(v1')).toEqual([]);
    // A pattern that backtracks exponentially in JavaScript's engine is linear in RE2.
    const evil = { ...records[0]!, entry: { ...records[0]!.entry!, path: `/${'a'.repeat(5_000)}!` } };
    expect(matchesFilter(evil, { pathRegex: '^/(a+)+$' })).toBe(false);
    expect(parseFilterExpression('path~=^/status/4 status=4xx')).toEqual({ pathRegex: '^/status/4', status: ['4xx'] });
    expect(() => parseFilterExpression('path~=[')).toThrow(/invalid path regex/);
    expect(filterFromParams({ pathRegex: '^/a,b' })).toEqual({ pathRegex: '^/a,b' });
  });

  it('round-trips through the Logs page URL, with the edge links’ keys', () => {
    const f = { routeId: 'route:default/web-service:http[2]', subsetId: 'subset:web-service.default.svc.cluster.local:v1', status: ['4xx', '503'], pathRegex: '^/api/v[0-9]+/', q: 'web', kinds: ['access' as const] };
    const query = filterToQuery(f);
    expect(query).toContain('route=route%3Adefault%2Fweb-service%3Ahttp%5B2%5D');
    expect(query).toContain('status=4xx%2C503');
    expect(query).not.toContain('kinds');
    const { kinds: _kinds, ...rest } = f;
    expect(filterFromQuery(new URLSearchParams(query))).toEqual(rest);
    expect(filterFromQuery(new URLSearchParams('pod=istio-system/gw-a&bogus=1'))).toEqual({ pods: ['istio-system/gw-a'] });
    expect(filterToQuery({})).toBe('');
  });

  it('reads untrusted params and the CLI expression', () => {
    expect(filterFromParams({ status: '4xx,5xx', methods: ['get'], q: 'x'.repeat(900), bogus: 1, kinds: ['access', 'evil'] })).toEqual({ status: ['4xx', '5xx'], methods: ['GET'], q: 'x'.repeat(500), kinds: ['access'] });
    expect(parseFilterExpression('status=404 method=GET web.example.com flags=NR')).toEqual({ status: ['404'], methods: ['GET'], flags: ['NR'], q: 'web.example.com' });
    expect(() => parseFilterExpression('colour=red')).toThrow(/unknown filter key "colour"/);
    expect(isEmptyFilter({})).toBe(true);
    expect(isEmptyFilter({ status: [] })).toBe(true);
  });
});

describe('mesh access-log settings', () => {
  it('reads accessLogFile / encoding / format from the istio ConfigMap and proposes the exact change', () => {
    const cm = (mesh: string) => ({ metadata: { name: 'istio', namespace: 'istio-system' }, data: { mesh } });
    expect(meshAccessLog(undefined)).toEqual({ enabled: false, source: 'missing' });
    expect(meshAccessLog(cm('accessLogFile: /dev/stdout\ntrustDomain: cluster.local'))).toEqual({ enabled: true, source: 'configmap', file: '/dev/stdout' });
    expect(meshAccessLog(cm('accessLogFile: ""\n'))).toMatchObject({ enabled: false });
    expect(meshAccessLog(cm('a: [\n'))).toMatchObject({ enabled: false, error: expect.stringMatching(/not valid YAML/) });
    const json = meshAccessLog(cm('accessLogFile: /dev/stdout\naccessLogEncoding: JSON'));
    expect(accessLogFormat(json)?.kind).toBe('json');
    expect(accessLogFormat(meshAccessLog(cm('accessLogFile: /dev/stdout')))).toBeUndefined();
    const change = enableAccessLogMesh('defaultConfig:\n  discoveryAddress: istiod.istio-system.svc:15012\ntrustDomain: cluster.local');
    expect(change.after).toBe('defaultConfig:\n  discoveryAddress: istiod.istio-system.svc:15012\ntrustDomain: cluster.local\naccessLogFile: /dev/stdout');
  });
});

describe('Ring', () => {
  it('keeps the newest items in order', () => {
    const r = new Ring<number>(3);
    for (let i = 1; i <= 5; i++) r.push(i);
    expect(r.last()).toEqual([3, 4, 5]);
    expect(r.last(2)).toEqual([4, 5]);
    expect(r.evicted).toBe(2);
  });
});
