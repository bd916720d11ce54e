import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { historyQueries, labelMatcher, onGrid, parsePromResponse, promString, rateWindowSeconds, scopeSelector } from './prometheus';

const fixture = (name: string) => JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8')) as unknown;
const WEB = 'web-service.default.svc.cluster.local';
const GATEWAY = [{ namespace: 'istio-system', name: 'istio-ingressgateway' }];

describe('PromQL for a gateway and its destinations', () => {
  it('selects the gateway as source reporter and the destination Services', () => {
    expect(scopeSelector({ services: [WEB], gatewayWorkloads: GATEWAY })).toBe(
      `reporter="source",source_workload="istio-ingressgateway",source_workload_namespace="istio-system",destination_service="${WEB}"`,
    );
  });

  it('several values become an anchored regex with dots escaped (PromQL string escapes doubled)', () => {
    expect(labelMatcher('destination_service', [WEB, 'httpbin.default.svc.cluster.local', WEB])).toBe(
      'destination_service=~"web-service\\\\.default\\\\.svc\\\\.cluster\\\\.local|httpbin\\\\.default\\\\.svc\\\\.cluster\\\\.local"',
    );
    expect(promString('a"b\\c')).toBe('"a\\"b\\\\c"');
  });

  it('without gateway pods, any source (still reporter="source")', () => {
    expect(scopeSelector({ services: [WEB], gatewayWorkloads: [] })).toBe(`reporter="source",destination_service="${WEB}"`);
  });

  it('rate window: the step, and at least four scrape intervals', () => {
    expect(rateWindowSeconds(15)).toBe(60);
    expect(rateWindowSeconds(300)).toBe(300);
    expect(rateWindowSeconds(2, 1)).toBe(4);
  });

  it('requests and errors by destination_service/version, quantiles over duration buckets', () => {
    const q = historyQueries({ services: [WEB], gatewayWorkloads: GATEWAY }, 60);
    const sel = scopeSelector({ services: [WEB], gatewayWorkloads: GATEWAY });
    expect(q.requests).toBe(`sum by (destination_service, destination_version) (rate(istio_requests_total{${sel}}[60s]))`);
    expect(q.errors).toBe(`sum by (destination_service, destination_version) (rate(istio_requests_total{${sel},response_code=~"5.."}[60s]))`);
    expect(q.p95).toBe(`histogram_quantile(0.95, sum by (le) (rate(istio_request_duration_milliseconds_bucket{${sel}}[60s])))`);
    expect(q.p50).toContain('histogram_quantile(0.5,');
    expect(q.p99).toContain('histogram_quantile(0.99,');
  });
});

describe('Prometheus HTTP API answers', () => {
  it('reads a query_range matrix (values are strings)', () => {
    const r = parsePromResponse(fixture('query-range-requests.json'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.resultType).toBe('matrix');
    expect(r.series.map((s) => s.metric.destination_version)).toEqual(['v1', 'v2']);
    expect(r.series[0]!.points[0]).toEqual([1796461156, 91.170143878575]);
    expect(r.series[0]!.points).toHaveLength(7);
  });

  it('keeps NaN (histogram_quantile over no request) and reads an empty matrix', () => {
    const p50 = parsePromResponse(fixture('query-range-p50.json'));
    expect(p50.ok && Number.isNaN(p50.series[0]!.points[1]![1])).toBe(true);
    const errors = parsePromResponse(fixture('query-range-errors.json'));
    expect(errors).toEqual({ ok: true, resultType: 'matrix', series: [], warnings: [] });
  });

  it("an error answer carries Prometheus's errorType and text", () => {
    expect(parsePromResponse(fixture('query-range-bad-data.json'))).toEqual({ ok: false, errorType: 'bad_data', error: '1:5: parse error: unclosed left parenthesis' });
  });

  it('vector, scalar, warnings and ±Inf', () => {
    const v = parsePromResponse({ status: 'success', warnings: ['PromQL info: metric might not be a counter'], data: { resultType: 'vector', result: [{ metric: { job: 'x' }, value: [10.5, '+Inf'] }] } });
    expect(v).toEqual({ ok: true, resultType: 'vector', series: [{ metric: { job: 'x' }, points: [[10.5, Infinity]] }], warnings: ['PromQL info: metric might not be a counter'] });
    const s = parsePromResponse({ status: 'success', data: { resultType: 'scalar', result: [10, '-Inf'] } });
    expect(s.ok && s.series[0]!.points).toEqual([[10, -Infinity]]);
  });

  it('anything else is a bad_response naming what is wrong', () => {
    expect(parsePromResponse('<html>')).toMatchObject({ ok: false, errorType: 'bad_response', error: 'the answer is not a JSON object' });
    expect(parsePromResponse({ status: 'success' })).toMatchObject({ ok: false, error: 'the answer has no data.resultType' });
    expect(parsePromResponse({ status: 'success', data: { resultType: 'matrix', result: {} } })).toMatchObject({ ok: false, error: 'data.result of a matrix is not a list' });
    expect(parsePromResponse({ status: 'weird' })).toMatchObject({ ok: false, error: 'unexpected status "weird"' });
  });

  it('puts points on the grid, null for gaps and NaN', () => {
    expect(onGrid([[100, 1], [110, NaN], [130, 3], [140, 9]], 100, 130, 10)).toEqual([1, null, null, 3]);
    expect(onGrid([], 0, 0, 15)).toEqual([null]);
  });
});
