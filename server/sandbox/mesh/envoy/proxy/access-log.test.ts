import { describe, expect, it } from 'vitest';
import { ISTIO_JSON_LOG_FORMAT, ISTIO_TEXT_LOG_FORMAT } from '../compile/mesh-config';
import { formatFlags, jsonFormatter, textFormatter, type AccessLogRecord } from './access-log';

const rec: AccessLogRecord = {
  startTime: new Date('2020-11-25T21:26:18.409Z'),
  requestHeaders: { ':method': 'GET', ':path': '/status/418', ':authority': 'httpbin:8000', 'user-agent': 'curl/7.73.0-DEV', 'x-request-id': '84961386-6d84-929d-98bd-c5aee93b5c88' },
  responseHeaders: { 'x-envoy-upstream-service-time': '4' },
  protocol: 'HTTP/1.1',
  responseCode: 418,
  responseFlags: [],
  responseCodeDetails: 'via_upstream',
  bytesReceived: 0,
  bytesSent: 135,
  durationMs: 4.2,
  upstreamHost: '10.44.1.27:80',
  upstreamCluster: 'outbound|8000||httpbin.foo.svc.cluster.local',
  upstreamLocalAddress: '10.44.1.23:37652',
  downstreamLocalAddress: '10.0.45.184:8000',
  downstreamRemoteAddress: '10.44.1.23:46520',
  routeName: 'default',
};

describe('access log formatting', () => {
  it('renders Istio’s default TEXT format like the istio.io sample line', () => {
    expect(textFormatter(ISTIO_TEXT_LOG_FORMAT).format(rec)).toBe(
      '[2020-11-25T21:26:18.409Z] "GET /status/418 HTTP/1.1" 418 - via_upstream - "-" 0 135 4 4 "-" "curl/7.73.0-DEV" "84961386-6d84-929d-98bd-c5aee93b5c88" "httpbin:8000" "10.44.1.27:80" outbound|8000||httpbin.foo.svc.cluster.local 10.44.1.23:37652 10.0.45.184:8000 10.44.1.23:46520 - default',
    );
  });

  it('renders JSON with typed values and null for missing data', () => {
    const o = JSON.parse(jsonFormatter(ISTIO_JSON_LOG_FORMAT).format(rec)) as Record<string, unknown>;
    expect(Object.keys(o)).toHaveLength(24);
    expect(o.response_code).toBe(418);
    expect(o.bytes_sent).toBe(135);
    expect(o.duration).toBe(4);
    expect(o.upstream_service_time).toBe('4');
    expect(o.x_forwarded_for).toBeNull();
    expect(o.response_flags).toBe('-');
    expect(o.upstream_cluster).toBe('outbound|8000||httpbin.foo.svc.cluster.local');
  });

  it('orders several response flags as Envoy does', () => {
    expect(formatFlags(['URX', 'UF'])).toBe('UF,URX');
    expect(formatFlags(['FI', 'DI'])).toBe('DI,FI');
  });
});
