import { describe, expect, it } from 'vitest';
import { FORMATS, compileFormat, type AccessLogEntry } from './format';
import { parseAccessLine, startTimeMillis, timestampPrefixEnd, type AccessLogParseResult } from './parse';

function ok(r: AccessLogParseResult): AccessLogEntry {
  if (!r.ok) throw new Error(`expected a parse, got: ${r.reason}`);
  return r.entry;
}

describe('JSON lines', () => {
  const json =
    '{"start_time":"2024-05-01T10:00:00.000Z","route_name":"web","method":"GET","path":"/v1","protocol":"HTTP/1.1","response_code":503,"response_flags":"UH","response_code_details":"no_healthy_upstream","connection_termination_details":null,"bytes_received":0,"bytes_sent":19,"duration":0,"upstream_service_time":null,"x_forwarded_for":null,"user_agent":"curl/8.0","request_id":"abc","authority":"web.example.com","upstream_host":null,"upstream_cluster":"outbound|80|v2|web-service.default.svc.cluster.local","upstream_local_address":null,"downstream_local_address":"10.0.0.9:8080","downstream_remote_address":"10.0.0.1:5000","requested_server_name":null,"upstream_transport_failure_reason":null}';

  it('are detected by the leading { and read by key', () => {
    const e = ok(parseAccessLine(json));
    expect(e).toMatchObject({
      format: 'istio-json',
      startTime: '2024-05-01T10:00:00.000Z',
      routeName: 'web',
      responseCode: 503,
      responseFlags: 'UH',
      responseCodeDetails: 'no_healthy_upstream',
      bytesSent: 19,
      duration: 0,
      upstreamCluster: 'outbound|80|v2|web-service.default.svc.cluster.local',
    });
    expect(e.upstreamHost).toBeUndefined();
    expect(e.connectionTerminationDetails).toBeUndefined();
    expect(e.extra).toBeUndefined();
  });

  it('accept any key order, a kubectl prefix, string numbers, "-" and unknown keys', () => {
    const line = '2024-05-01T10:00:01.123456789Z {"upstream_service_time":"4","response_code":"200","response_flags":"-","duration":5,"grpc_status":"OK","x_custom":{"a":1}}';
    const e = ok(parseAccessLine(line));
    expect(e.logTimestamp).toBe('2024-05-01T10:00:01.123456789Z');
    expect(e.upstreamServiceTime).toBe(4);
    expect(e.responseCode).toBe(200);
    expect(e.responseFlags).toBeUndefined();
    expect(e.duration).toBe(5);
    expect(e.extra).toEqual({ grpcStatus: 'OK', xCustom: '{"a":1}' });
  });

  it('are read even when a TEXT format was given (the proxy’s encoding changed)', () => {
    expect(ok(parseAccessLine(json, FORMATS.istioCurrent)).format).toBe('istio-json');
  });

  it('reject broken JSON and wrongly typed values', () => {
    const cut = parseAccessLine(json.slice(0, 80));
    expect(cut.ok).toBe(false);
    if (!cut.ok) expect(cut.reason).toMatch(/^invalid JSON access-log line/);
    const bad = parseAccessLine('{"response_code":"teapot"}');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.reason).toMatch(/response_code: expected a non-negative integer, got "teapot"/);
  });

  it('read custom JSON formats, including mixed strings and nested objects', () => {
    const f = compileFormat({ took: '%DURATION%ms', req: { code: '%RESPONSE_CODE%', host: '%REQ(:AUTHORITY)%' }, tries: '%UPSTREAM_REQUEST_ATTEMPT_COUNT%' });
    const e = ok(parseAccessLine('{"took":"12ms","req":{"code":404,"host":"a.example"},"tries":2}', f));
    expect(e).toMatchObject({ format: 'custom-json', duration: 12, responseCode: 404, authority: 'a.example', extra: { upstreamRequestAttemptCount: 2 } });
  });
});

describe('custom TEXT formats', () => {
  it('parse by their own operators; unknown operators go to extra', () => {
    const f = compileFormat('%START_TIME% %REQ(:METHOD)% %REQ(:PATH)% code=%RESPONSE_CODE% tries=%UPSTREAM_REQUEST_ATTEMPT_COUNT% trace="%REQ(X-B3-TRACEID)%" %FOO%');
    const e = ok(parseAccessLine('2024-05-01T10:00:00.000Z PUT /x code=201 tries=1 trace="a b" whatever else', f));
    expect(e).toMatchObject({
      format: 'custom',
      startTime: '2024-05-01T10:00:00.000Z',
      method: 'PUT',
      path: '/x',
      responseCode: 201,
      extra: { upstreamRequestAttemptCount: 1, xB3Traceid: 'a b', foo: 'whatever else' },
    });
    // A format that starts with an RFC3339 time is not mistaken for a kubectl prefix.
    expect(e.logTimestamp).toBeUndefined();
  });

  it('report a mismatch against the given format', () => {
    const f = compileFormat('%RESPONSE_CODE% %DURATION%');
    const r = parseAccessLine('200 fast', f);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toBe('does not match the custom access-log format: duration: expected a number at column 5, found "fast"');
  });
});

describe('helpers', () => {
  it('timestampPrefixEnd recognises RFC3339 and RFC3339Nano prefixes only', () => {
    expect(timestampPrefixEnd('2025-01-30T12:10:13.682034460Z [x]')).toBe(30);
    expect(timestampPrefixEnd('2021-02-01T21:34:35+00:00 [x]')).toBe(25);
    expect(timestampPrefixEnd('2021-02-01T21:34:35Z x')).toBe(20);
    expect(timestampPrefixEnd('2021-02-01T21:34:35.Z x')).toBe(-1);
    expect(timestampPrefixEnd('2021-02-01 21:34:35Z x')).toBe(-1);
    expect(timestampPrefixEnd('[2021-02-01T21:34:35Z] x')).toBe(-1);
    expect(timestampPrefixEnd('2021-02-01T21:34:35Z')).toBe(-1);
  });

  it('startTimeMillis', () => {
    expect(startTimeMillis({ startTime: '2020-11-25T21:26:18.409Z' })).toBe(Date.UTC(2020, 10, 25, 21, 26, 18, 409));
    expect(startTimeMillis({ startTime: '1527590590.528' })).toBeUndefined();
    expect(startTimeMillis({})).toBeUndefined();
  });
});
