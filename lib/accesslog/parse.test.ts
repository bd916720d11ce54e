import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FORMATS, compileFormat, type AccessLogEntry } from './format';
import { parseAccessLine, parseUpstreamCluster, startTimeMillis, type AccessLogParseResult } from './parse';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const lines = (file: string) => readFileSync(fixtures + file, 'utf8').split('\n').filter((l) => l.length > 0);

function ok(r: AccessLogParseResult): AccessLogEntry {
  if (!r.ok) throw new Error(`expected a parse, got: ${r.reason}`);
  return r.entry;
}

interface FieldExamples {
  fieldExamples: { rows: [string, string, string][] };
}
const formatsJson = JSON.parse(readFileSync(`${fixtures}formats.json`, 'utf8')) as FieldExamples;
interface SamplesIndex {
  files: { file: string; lines: number; expectations?: Record<string, unknown> | string }[];
}
const index = JSON.parse(readFileSync(`${fixtures}samples.index.json`, 'utf8')) as SamplesIndex;

describe('fixtures', () => {
  it('every sample file of samples.index.json is here, with its line count', () => {
    for (const f of index.files) expect(lines(f.file), f.file).toHaveLength(f.lines);
  });
});

describe('istio.io sample lines (sleep → httpbin), field by field', () => {
  const [outbound, inbound] = lines('istio-text-1.9plus.istio-io.samples.txt') as [string, string];

  it('parses the outbound line completely', () => {
    expect(parseAccessLine(outbound)).toEqual({
      ok: true,
      entry: {
        raw: outbound,
        format: 'istio-current',
        startTime: '2020-11-25T21:26:18.409Z',
        method: 'GET',
        path: '/status/418',
        protocol: 'HTTP/1.1',
        responseCode: 418,
        responseFlags: undefined,
        responseCodeDetails: 'via_upstream',
        connectionTerminationDetails: undefined,
        upstreamTransportFailureReason: undefined,
        bytesReceived: 0,
        bytesSent: 135,
        duration: 4,
        upstreamServiceTime: 4,
        xForwardedFor: undefined,
        userAgent: 'curl/7.73.0-DEV',
        requestId: '84961386-6d84-929d-98bd-c5aee93b5c88',
        authority: 'httpbin:8000',
        upstreamHost: '10.44.1.27:80',
        upstreamCluster: 'outbound|8000||httpbin.foo.svc.cluster.local',
        upstreamLocalAddress: '10.44.1.23:37652',
        downstreamLocalAddress: '10.0.45.184:8000',
        downstreamRemoteAddress: '10.44.1.23:46520',
        requestedServerName: undefined,
        routeName: 'default',
      },
    });
  });

  // Each row of the istio.io table is itself a tiny format ("[%START_TIME%]", "\"%REQ(:METHOD)% …\"")
  // with the printed value for each line: every field of the full parse must agree with it.
  const rows = formatsJson.fieldExamples.rows;
  it.each([
    ['outbound', 1],
    ['inbound', 2],
  ] as const)('agrees with every row of the istio.io field table (%s line)', (_name, col) => {
    const entry = ok(parseAccessLine(col === 1 ? outbound : inbound));
    expect(rows).toHaveLength(22);
    let checked = 0;
    for (const row of rows) {
      const mini = compileFormat(row[0]);
      const printed = row[col];
      const part = ok(parseAccessLine(printed, mini));
      for (const op of mini.ops) {
        expect(entry[op.field as keyof AccessLogEntry], `${row[0]} → ${op.field}`).toEqual(part[op.field as keyof AccessLogEntry]);
        checked++;
      }
    }
    expect(checked).toBe(24);
  });

  it('reads the inbound line’s distinctive fields', () => {
    const e = ok(parseAccessLine(inbound));
    expect(e.duration).toBe(3);
    expect(e.upstreamServiceTime).toBe(1);
    expect(e.upstreamHost).toBe('127.0.0.1:80');
    expect(e.upstreamCluster).toBe('inbound|8000||');
    expect(e.requestedServerName).toBe('outbound_.8000_._.httpbin.foo.svc.cluster.local');
    expect(parseUpstreamCluster(e.upstreamCluster)).toEqual({ direction: 'inbound', port: 8000 });
    expect(parseUpstreamCluster(e.requestedServerName)).toEqual({
      direction: 'outbound',
      port: 8000,
      service: 'httpbin.foo.svc.cluster.local',
      name: 'httpbin',
      namespace: 'foo',
    });
  });
});

describe('istio.io egress gateway lines (1.9+ format)', () => {
  const [http, tcp] = lines('istio-text-1.9plus.istio-io.gateway.samples.txt') as [string, string];

  it('HTTP line with a route name', () => {
    const e = ok(parseAccessLine(http));
    expect(e).toMatchObject({
      format: 'istio-current',
      startTime: '2024-01-09T15:35:47.283Z',
      method: 'GET',
      path: '/politics',
      protocol: 'HTTP/1.1',
      responseCode: 301,
      responseCodeDetails: 'via_upstream',
      bytesReceived: 0,
      bytesSent: 0,
      duration: 2,
      upstreamServiceTime: 2,
      xForwardedFor: '172.30.239.55',
      userAgent: 'curl/7.87.0-DEV',
      requestId: '6c01d65f-a157-97cd-8782-320a40026901',
      authority: 'edition.cnn.com',
      upstreamHost: '151.101.195.5:80',
      upstreamCluster: 'outbound|80||edition.cnn.com',
      upstreamLocalAddress: '172.30.239.16:55636',
      downstreamLocalAddress: '172.30.239.16:80',
      downstreamRemoteAddress: '172.30.239.55:59224',
      routeName: 'default.forward-cnn-from-egress-gateway.0',
    });
    expect(e.requestedServerName).toBeUndefined();
    expect(parseUpstreamCluster(e.upstreamCluster)).toEqual({ direction: 'outbound', port: 80, service: 'edition.cnn.com' });
  });

  it('TCP / TLS-passthrough line: "- - -", response code 0, SNI', () => {
    const e = ok(parseAccessLine(tcp));
    expect(e.method).toBeUndefined();
    expect(e.path).toBeUndefined();
    expect(e.protocol).toBeUndefined();
    expect(e.responseCode).toBe(0);
    expect(e.responseFlags).toBeUndefined();
    expect(e.responseCodeDetails).toBeUndefined();
    expect(e.bytesReceived).toBe(839);
    expect(e.bytesSent).toBe(2504306);
    expect(e.duration).toBe(231);
    expect(e.upstreamServiceTime).toBeUndefined();
    expect(e.userAgent).toBeUndefined();
    expect(e.upstreamHost).toBe('151.101.195.5:443');
    expect(e.upstreamCluster).toBe('outbound|443||edition.cnn.com');
    expect(e.requestedServerName).toBe('edition.cnn.com');
    expect(e.routeName).toBeUndefined();
  });
});

describe('Mixer-era lines (1.3–1.8)', () => {
  const [l1, l2] = lines('istio-text-1.3-to-1.8.istio-io.egressgateway.samples.txt') as [string, string];

  it('are recognised by auto-detection as the 1.3–1.8 variant', () => {
    const e = ok(parseAccessLine(l1));
    expect(e).toMatchObject({
      format: 'istio-1.3-to-1.8',
      startTime: '2019-09-03T20:57:49.103Z',
      method: 'GET',
      path: '/politics',
      protocol: 'HTTP/2',
      responseCode: 301,
      bytesReceived: 0,
      bytesSent: 0,
      duration: 90,
      upstreamServiceTime: 89,
      xForwardedFor: '10.244.2.10',
      userAgent: 'curl/7.64.0',
      requestId: 'ea379962-9b5c-4431-ab66-f01994f5a5a5',
      authority: 'edition.cnn.com',
      upstreamHost: '151.101.65.67:80',
      upstreamCluster: 'outbound|80||edition.cnn.com',
      downstreamLocalAddress: '10.244.1.5:80',
      downstreamRemoteAddress: '10.244.2.10:50482',
      requestedServerName: 'edition.cnn.com',
    });
    expect(e.mixerStatus).toBeUndefined();
    expect(e.upstreamTransportFailureReason).toBeUndefined();
    expect(e.upstreamLocalAddress).toBeUndefined();
    expect(e.routeName).toBeUndefined();
    expect(e.responseCodeDetails).toBeUndefined();

    const e2 = ok(parseAccessLine(l2));
    expect(e2).toMatchObject({
      format: 'istio-1.3-to-1.8',
      responseCode: 200,
      bytesSent: 1295938,
      duration: 529,
      upstreamHost: '151.101.129.67:443',
      upstreamCluster: 'outbound|443||edition.cnn.com',
      upstreamLocalAddress: '10.244.0.170:54280',
      downstreamLocalAddress: '10.244.0.170:8080',
      downstreamRemoteAddress: '10.244.0.171:35628',
    });
    expect(e2.requestedServerName).toBeUndefined();
  });

  it('do not match the current format when it is asked for explicitly', () => {
    const r = parseAccessLine(l1, FORMATS.istioCurrent);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/does not match the istio-current access-log format: responseCodeDetails: unexpected "\\"" at column 57/);
  });
});

describe('kubectl --timestamps (Kiali waypoint log)', () => {
  const all = lines('kiali-waypoint.kubectl-timestamps.log');

  it('parses all 16 lines and splits off the RFC3339Nano prefix', () => {
    expect(all).toHaveLength(16);
    for (const line of all) {
      const e = ok(parseAccessLine(line));
      expect(e.logTimestamp).toBe('2025-01-30T12:10:13.682034460Z');
      expect(e.raw).toBe(line.slice('2025-01-30T12:10:13.682034460Z '.length));
      expect(e.format).toBe('istio-current');
      expect(e.method).toBe('GET');
      expect(e.responseCode).toBe(200);
      expect(e.responseCodeDetails).toBe('via_upstream');
      expect(e.userAgent).toBe('Go-http-client/1.1');
      expect(e.routeName).toBe('default');
      const c = parseUpstreamCluster(e.upstreamCluster)!;
      expect(c.direction).toBe('inbound-vip');
      expect(c.subset).toBe('http');
      expect(c.namespace).toBe('bookinfo');
    }
  });

  it('first and last lines, every field', () => {
    expect(ok(parseAccessLine(all[0]!))).toEqual({
      raw: all[0]!.slice(31),
      format: 'istio-current',
      logTimestamp: '2025-01-30T12:10:13.682034460Z',
      startTime: '2025-01-30T12:10:13.279Z',
      method: 'GET',
      path: '/details/0',
      protocol: 'HTTP/1.1',
      responseCode: 200,
      responseCodeDetails: 'via_upstream',
      bytesReceived: 0,
      bytesSent: 178,
      duration: 0,
      upstreamServiceTime: 0,
      userAgent: 'Go-http-client/1.1',
      requestId: 'e7d5b6ce-5f7f-9731-8471-ca5bcd650a72',
      authority: 'details:9080',
      upstreamHost: 'envoy://connect_originate/10.244.0.32:9080',
      upstreamCluster: 'inbound-vip|9080|http|details.bookinfo.svc.cluster.local',
      upstreamLocalAddress: 'envoy://internal_client_address/',
      downstreamLocalAddress: '10.96.185.196:9080',
      downstreamRemoteAddress: '10.244.0.37:52134',
      routeName: 'default',
    });
    expect(ok(parseAccessLine(all[15]!))).toMatchObject({
      startTime: '2025-01-30T10:53:19.275Z',
      path: '/productpage',
      bytesSent: 15072,
      duration: 21,
      upstreamServiceTime: 20,
      authority: 'bookinfo-gateway-istio.bookinfo',
      upstreamHost: '10.244.0.39:80',
      upstreamCluster: 'inbound-vip|80|http|bookinfo-gateway-istio.bookinfo.svc.cluster.local',
      upstreamLocalAddress: '10.244.0.44:58916',
    });
    expect(parseUpstreamCluster(ok(parseAccessLine(all[15]!)).upstreamCluster)).toEqual({
      direction: 'inbound-vip',
      port: 80,
      subset: 'http',
      service: 'bookinfo-gateway-istio.bookinfo.svc.cluster.local',
      name: 'bookinfo-gateway-istio',
      namespace: 'bookinfo',
    });
  });
});

describe('Kiali interleaved line (merged streams)', () => {
  const [line] = lines('kiali-proxy-log.interleaved.sample.txt') as [string];
  const spec = index.files.find((f) => f.file === 'kiali-proxy-log.interleaved.sample.txt')!.expectations as Record<string, string | number>;

  it('meets Kiali’s expectations and reports the repair', () => {
    const e = ok(parseAccessLine(line));
    expect(spec.message).toMatch(/without the leading '2021-02-01T21:34:35\+00:00 ' prefix/);
    expect(e.raw).toBe(line.slice('2021-02-01T21:34:35+00:00 '.length));
    expect(e.logTimestamp).toBe('2021-02-01T21:34:35+00:00');
    expect(e.method).toBe(spec.method);
    expect(String(e.responseCode)).toBe(spec.statusCode);
    expect(e.startTime).toBe(spec.accessLogTimestamp);
    const ms = startTimeMillis(e)!;
    expect(ms).toBe(spec.timestampUnixMillis);
    expect(new Date(ms).toISOString().replace('T', ' ').replace('Z', '')).toBe(spec.entryTimestamp);
    // The interleaved "2021-02-01T21:34:38.761055140Z " is taken out of UPSTREAM_HOST.
    expect(e.upstreamHost).toBe('127.0.0.1:8000');
    expect(e.upstreamCluster).toBe('inbound|8000||');
    expect(e.requestedServerName).toBe('outbound_.8000_._.hotels.travel-agency.svc.cluster.local');
    expect(e.warnings).toHaveLength(1);
    expect(e.warnings![0]).toMatch(/interleaved log timestamp "2021-02-01T21:34:38.761055140Z"/);
  });
});

describe('lines that are not Istio lines', () => {
  it('Envoy’s plain default format is reported as not Istio, and parses with its own format', () => {
    const [line] = lines('envoy-default-format.envoy-docs.sample.txt') as [string];
    const r = parseAccessLine(line);
    expect(r).toMatchObject({ ok: false, raw: line });
    if (!r.ok) expect(r.reason).toMatch(/^not an Istio access-log line \(tried istio-current, istio-1\.9-to-1\.22, istio-1\.3-to-1\.8\)/);
    expect(ok(parseAccessLine(line, FORMATS.envoyDefault))).toEqual({
      raw: line,
      format: 'envoy-default',
      startTime: '2016-04-15T20:17:00.310Z',
      method: 'POST',
      path: '/api/v1/locations',
      protocol: 'HTTP/2',
      responseCode: 204,
      bytesReceived: 154,
      bytesSent: 0,
      duration: 226,
      upstreamServiceTime: 100,
      xForwardedFor: '10.0.35.28',
      userAgent: 'nsq2http',
      requestId: 'cc21d9b0-cf5c-432b-8c7e-98aeb7988cd2',
      authority: 'locations',
      upstreamHost: 'tcp://10.0.2.1:80',
    });
  });

  it('pre-1.3 lines match no Istio default (as samples.index.json allows) and say where they diverge', () => {
    const [l1, l2] = lines('istio-text-pre-1.3.samples.txt') as [string, string];
    const r1 = parseAccessLine(l1);
    const r2 = parseAccessLine(l2);
    expect(r1).toMatchObject({ ok: false, raw: l1 });
    expect(r2).toMatchObject({ ok: false, raw: l2 });
    if (!r1.ok) expect(r1.reason).toMatch(/connectionTerminationDetails "1879689" at column 51/);
    if (!r2.ok) expect(r2.reason).toMatch(/^not an Istio access-log line .*column \d+/);
  });
});
