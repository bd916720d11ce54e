import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scenarioSnapshot } from '../topology/fixtures/scenario';
import type { VirtualService } from '../istio/types';
import { historyGrid, historyTarget, isHistoryRange, shapeHistory, workloadOf, type HistoryAnswers } from './history';
import { historyQueries, parsePromResponse, type PromSeries } from './prometheus';

const dir = join(import.meta.dirname, '../topology/fixtures/scenario-ingress-basics');
const snap = scenarioSnapshot(readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().map((f) => readFileSync(join(dir, f), 'utf8')));
const vs = (name: string) => snap.virtualServices.find((v) => v.metadata.name === name)!;
const WEB = 'web-service.default.svc.cluster.local';
const series = (name: string): PromSeries[] => {
  const r = parsePromResponse(JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', `query-range-${name}.json`), 'utf8')));
  if (!r.ok) throw new Error(r.error);
  return r.series;
};

describe('which metrics belong to a VirtualService', () => {
  it('web-service: its Service, the ingress gateway workload, subsets by version label', () => {
    const t = historyTarget(vs('web-service'), snap);
    expect(t).toEqual({
      virtualService: 'default/web-service',
      services: [WEB],
      gatewayWorkloads: [{ namespace: 'istio-system', name: 'istio-ingressgateway' }],
      destinations: [
        { service: WEB, subset: 'v1' },
        { service: WEB, subset: 'v2' },
      ],
      subsetByVersion: { [WEB]: { v1: 'v1', v2: 'v2' } },
    });
  });

  it('a VirtualService bound to the mesh only has no gateway workload', () => {
    const mesh: VirtualService = { metadata: { name: 'm', namespace: 'default' }, spec: { hosts: ['x'], http: [{ route: [{ destination: { host: 'httpbin' } }] }] } };
    const t = historyTarget(mesh, snap);
    expect(t.gatewayWorkloads).toEqual([]);
    expect(t.services).toEqual(['httpbin.default.svc.cluster.local']);
  });

  it('workload names as Istio reports them', () => {
    const pod = (meta: Record<string, unknown>) => ({ metadata: { name: 'p', namespace: 'ns', ...meta } });
    expect(workloadOf(pod({ name: 'gw-7d4f9c-x2x9z', labels: { 'pod-template-hash': '7d4f9c' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'gw-7d4f9c', uid: 'u', controller: true }] }))).toEqual({ namespace: 'ns', name: 'gw' });
    expect(workloadOf(pod({ ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'istio-ingressgateway-5c8d7f6b9', uid: 'u' }] })).name).toBe('istio-ingressgateway');
    expect(workloadOf(pod({ ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 'u' }] })).name).toBe('db');
    expect(workloadOf(pod({ name: 'bare' })).name).toBe('bare');
  });
});

describe('ranges', () => {
  it('grid ends on a step boundary; steps over 11,000 points are refused', () => {
    expect(historyGrid('1h', 1000.7)).toEqual({ range: '1h', start: 990 - 3600, end: 990, step: 15 });
    expect(historyGrid('24h', 1_000_000).step).toBe(300);
    expect(historyGrid('6h', 1_000_000, 30).step).toBe(30);
    expect(() => historyGrid('24h', 1_000_000, 5)).toThrow(/more than 11000 points over 24h: use 8s or more/);
    expect(() => historyGrid('1h', 1_000_000, 0)).toThrow(RangeError);
    expect(isHistoryRange('6h')).toBe(true);
    expect(isHistoryRange('toString')).toBe(false);
  });
});

describe('shaping the answers', () => {
  const target = historyTarget(vs('web-service'), snap);
  const grid = { range: '1h' as const, start: 1796461144, end: 1796461168, step: 2 };
  const queries = historyQueries(target, 4);

  it("real Prometheus answers: the observed split, rates and quantiles on the grid", () => {
    const answers: HistoryAnswers = { requests: series('requests'), errors: series('errors'), p50: series('p50'), p95: [], p99: series('p99') };
    const h = shapeHistory(target, grid, 4, queries, answers);
    expect(h.times).toHaveLength(13);
    expect(h.destinations.map((d) => [d.label, d.subset, d.version])).toEqual([
      ['v1', 'v1', 'v1'],
      ['v2', 'v2', 'v2'],
    ]);
    expect(h.destinations[0]!.share).toBeCloseTo((91.170143878575 / (91.170143878575 + 24.690658617661818)) * 100, 6);
    expect(h.destinations[0]!.errorPct).toBe(0);
    // Before the first sample: no data (null); the burst at 1796461156 (index 6); then 0 req/s.
    expect(h.total.slice(0, 6)).toEqual([null, null, null, null, null, null]);
    expect(h.total[6]).toBeCloseTo(115.86, 2);
    expect(h.total.slice(7)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(h.rates[1]!.slice(5, 8)).toEqual([null, 24.690658617661818, 0]);
    expect(h.errorPct[6]).toBe(0);
    expect(h.errorPct[7]).toBeNull();
    expect(h.p50[6]).toBeCloseTo(9.379, 3);
    expect(h.p50[7]).toBeNull();
    expect(h.p95.every((v) => v === null)).toBe(true);
    expect(h.summary.rps).toBeCloseTo(115.86 / 7, 2);
  });

  it('errors per version, versions the VirtualService does not name, several Services', () => {
    const t = { ...target, services: [WEB, 'other.default.svc.cluster.local'] };
    const m = (svc: string, version: string, values: Array<[number, string]>) => ({ metric: { destination_service: svc, destination_version: version }, values });
    const body = (result: unknown[]) => ({ status: 'success', data: { resultType: 'matrix', result } });
    const s = (b: unknown) => (parsePromResponse(b) as { series: PromSeries[] }).series;
    const answers: HistoryAnswers = {
      requests: s(body([m(WEB, 'v3', [[1796461144, '1']]), m(WEB, 'v1', [[1796461144, '4'], [1796461146, '2']]), m('other.default.svc.cluster.local', 'unknown', [[1796461146, '2']])])),
      errors: s(body([m(WEB, 'v1', [[1796461144, '1']])])),
      p50: [],
      p95: [],
      p99: [],
    };
    const h = shapeHistory(t, grid, 4, queries, answers);
    expect(h.destinations.map((d) => d.label)).toEqual(['web-service.default / v1', 'web-service.default / v2', 'other.default', 'web-service.default / v3']);
    expect(h.destinations.map((d) => d.share)).toEqual([(6 / 9) * 100, 0, (2 / 9) * 100, (1 / 9) * 100]);
    expect(h.destinations[0]!.errorPct).toBeCloseTo((1 / 6) * 100, 6);
    expect(h.errorPct.slice(0, 2)).toEqual([20, 0]);
    expect(h.rates[1]!.slice(0, 3)).toEqual([0, 0, null]);
    expect(h.summary.errorPct).toBeCloseTo((1 / 9) * 100, 6);
  });
});
