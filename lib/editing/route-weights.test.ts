import { describe, expect, it } from 'vitest';
import { diff } from './diff';
import { describeWeightChanges, readRouteWeights, routeWeightsTarget, shortLabels, weightChanges, withRouteWeights } from './route-weights';

const vs = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'web-service', namespace: 'default', resourceVersion: '41' },
  spec: {
    hosts: ['web.example.com'],
    gateways: ['istio-system/main-gateway'],
    http: [
      { name: 'v1', match: [{ uri: { prefix: '/v1' } }], route: [{ destination: { host: 'web-service', subset: 'v1' } }] },
      { name: 'v2', match: [{ uri: { prefix: '/v2' } }], route: [{ destination: { host: 'web-service', subset: 'v2' } }] },
      {
        route: [
          { destination: { host: 'web-service', subset: 'v1', port: { number: 80 } }, weight: 80, headers: { request: { set: { x: '1' } } } },
          { destination: { host: 'web-service', subset: 'v2' }, weight: 20 },
        ],
      },
    ],
    tcp: [{ route: [{ destination: { host: 'db.data.svc.cluster.local' }, weight: 90 }, { destination: { host: 'db-canary.data.svc.cluster.local' }, weight: 10 }] }],
  },
};

describe('routeWeightsTarget', () => {
  it('reads the VirtualService and the destination list of a route id', () => {
    expect(routeWeightsTarget('route:default/web-service:http[2]')).toEqual({ namespace: 'default', name: 'web-service', path: ['spec', 'http', 2, 'route'] });
    expect(routeWeightsTarget('route:data/db:tcp[0]')).toEqual({ namespace: 'data', name: 'db', path: ['spec', 'tcp', 0, 'route'] });
    expect(routeWeightsTarget('route:default/edge:tls[3]')?.path).toEqual(['spec', 'tls', 3, 'route']);
  });

  it('sends a delegated route to the delegate VirtualService that holds its weights', () => {
    expect(routeWeightsTarget('route:default/root:http[0]>team/reviews[1]')).toEqual({ namespace: 'team', name: 'reviews', path: ['spec', 'http', 1, 'route'] });
  });

  it('refuses what is not a route id', () => {
    expect(routeWeightsTarget('virtualService:default/web-service')).toBeUndefined();
    expect(routeWeightsTarget('route:default/web-service:grpc[0]')).toBeUndefined();
    expect(routeWeightsTarget('route:default/web-service:http[x]')).toBeUndefined();
  });
});

describe('readRouteWeights', () => {
  it('reads destinations, weights and labels of a split', () => {
    const r = readRouteWeights(vs, { path: ['spec', 'http', 2, 'route'] })!;
    expect(r.weights).toEqual([80, 20]);
    expect(r.labels).toEqual(['web-service v1', 'web-service v2']);
    expect(r.short).toEqual(['v1', 'v2']);
  });

  it('labels destinations on different hosts by host, short within the namespace', () => {
    const r = readRouteWeights({ ...vs, metadata: { ...vs.metadata, namespace: 'data' } }, { path: ['spec', 'tcp', 0, 'route'] })!;
    expect(r.short).toEqual(['db', 'db-canary']);
    expect(shortLabels([{ destination: { host: 'a', subset: 'v1' } }, { destination: { host: 'a', subset: 'v1' } }])).toEqual(['a v1', 'a v1']);
  });

  it('is undefined where there is no split', () => {
    expect(readRouteWeights(vs, { path: ['spec', 'http', 0, 'route'] })).toBeUndefined();
    expect(readRouteWeights(vs, { path: ['spec', 'http', 9, 'route'] })).toBeUndefined();
  });
});

describe('withRouteWeights', () => {
  const target = { path: ['spec', 'http', 2, 'route'] as const };

  it('changes only the weights of that route, keeping resourceVersion and every other field', () => {
    const draft = withRouteWeights(vs, target, [50, 50])!;
    expect(diff(vs, draft).map((c) => [c.display, c.before, c.after])).toEqual([
      ['spec.http[2].route[0].weight', 80, 50],
      ['spec.http[2].route[1].weight', 20, 50],
    ]);
    expect(draft.metadata.resourceVersion).toBe('41');
    expect(draft.spec.http[0]).toBe(vs.spec.http[0]);
    expect(draft.spec.tcp).toBe(vs.spec.tcp);
    expect((vs.spec.http[2]!.route[0] as { weight?: number }).weight).toBe(80);
  });

  it('writes nothing for a weight that does not move', () => {
    const draft = withRouteWeights(vs, target, [80, 20]);
    expect(diff(vs, draft)).toEqual([]);
    expect(diff(vs, withRouteWeights(vs, target, [70, 20])).map((c) => c.display)).toEqual(['spec.http[2].route[0].weight']);
  });

  it('adds the weight a destination lacked', () => {
    const o = { spec: { http: [{ route: [{ destination: { host: 'a' } }, { destination: { host: 'b' } }] }] } };
    expect(withRouteWeights(o, { path: ['spec', 'http', 0, 'route'] }, [30, 70])!.spec.http[0]!.route).toEqual([
      { destination: { host: 'a' }, weight: 30 },
      { destination: { host: 'b' }, weight: 70 },
    ]);
  });

  it('is undefined when the route no longer has that many destinations', () => {
    expect(withRouteWeights(vs, target, [34, 33, 33])).toBeUndefined();
    expect(withRouteWeights(vs, { path: ['spec', 'http', 0, 'route'] }, [50, 50])).toBeUndefined();
  });
});

describe('the preview of a change', () => {
  it('names only the destinations that move', () => {
    expect(describeWeightChanges(weightChanges(['v1', 'v2'], [80, 20], [50, 50]))).toBe('v1 80 → 50, v2 20 → 50');
    expect(weightChanges(['a', 'b', 'c'], [50, 30, 20], [50, 20, 30])).toEqual([
      { label: 'b', from: 30, to: 20 },
      { label: 'c', from: 20, to: 30 },
    ]);
    expect(weightChanges(['v1', 'v2'], [80, 20], [80, 20])).toEqual([]);
  });
});
