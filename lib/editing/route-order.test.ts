import { describe, expect, it } from 'vitest';
import { diff } from './diff';
import { moveRoute } from './route-order';

const vs = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'web-service', namespace: 'default', resourceVersion: '7' },
  spec: {
    hosts: ['web.example.com'],
    http: [
      { name: 'v1', match: [{ uri: { prefix: '/v1' } }], route: [{ destination: { host: 'web-service', subset: 'v1' } }] },
      { name: 'v2', match: [{ uri: { prefix: '/v2' } }], route: [{ destination: { host: 'web-service', subset: 'v2' } }] },
      { name: 'split', route: [{ destination: { host: 'web-service', subset: 'v1' }, weight: 80 }] },
    ],
    futureField: { kept: true },
  },
};

describe('moveRoute', () => {
  it('moves one route and keeps the rest of the object', () => {
    const out = moveRoute(vs, 'http', 2, 0);
    expect(out.spec.http.map((r) => r.name)).toEqual(['split', 'v1', 'v2']);
    expect(out.spec.futureField).toEqual({ kept: true });
    expect(out.metadata).toEqual(vs.metadata);
    expect(vs.spec.http.map((r) => r.name)).toEqual(['v1', 'v2', 'split']);
  });

  it('is a reorder in the structural diff', () => {
    const changes = diff(vs, moveRoute(vs, 'http', 0, 1));
    expect(changes.map((c) => c.op)).toContain('reorder');
  });

  it('refuses indices out of range', () => {
    expect(() => moveRoute(vs, 'http', 0, 3)).toThrow(RangeError);
    expect(() => moveRoute(vs, 'tcp', 0, 0)).toThrow(RangeError);
  });
});
