import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../kube/object';
import { newVirtualServiceFor, withNewRoute } from './new-route';

const vs = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'web-service', namespace: 'default', resourceVersion: '7' },
  spec: { hosts: ['web.example.com'], gateways: ['istio-system/default-gateway'], http: [{ name: 'split', route: [{ destination: { host: 'web-service' } }] }] },
} as unknown as KubeObject;

describe('drawn routes', () => {
  it('puts the new route first (a route after a catch-all never matches), named and matched so it can be edited, and keeps the rest', () => {
    const out = withNewRoute(vs, { fqdn: 'web-service.default.svc.cluster.local', port: 80, subset: 'v2' }) as unknown as { spec: { http: Array<Record<string, unknown>> } };
    expect(out.spec.http[0]).toEqual({ name: 'to-web-service-v2', match: [{ uri: { prefix: '/to-web-service-v2' } }], route: [{ destination: { host: 'web-service.default.svc.cluster.local', port: { number: 80 }, subset: 'v2' } }] });
    expect(out.spec.http[1]).toMatchObject({ name: 'split' });
    expect((vs as unknown as { spec: { http: unknown[] } }).spec.http).toHaveLength(1);
    const again = withNewRoute(out as unknown as KubeObject, { fqdn: 'web-service.default.svc.cluster.local', subset: 'v2' }) as unknown as { spec: { http: Array<{ name: string }> } };
    expect(again.spec.http[0]!.name).toBe('to-web-service-v2-2');
  });

  it('a new VirtualService from a Gateway server takes its concrete hosts, or a placeholder for *', () => {
    const a = newVirtualServiceFor('default/httpbin-gateway', ['httpbin.example.com'], { fqdn: 'httpbin.default.svc.cluster.local', port: 8000 }) as unknown as { metadata: { name: string; namespace: string }; spec: { hosts: string[]; gateways: string[] } };
    expect(a.metadata).toEqual({ name: 'httpbin-ingress', namespace: 'default' });
    expect(a.spec).toMatchObject({ hosts: ['httpbin.example.com'], gateways: ['default/httpbin-gateway'] });
    const b = newVirtualServiceFor('istio-system/default-gateway', ['*'], { fqdn: 'counter.default.svc.cluster.local' }) as unknown as { spec: { hosts: string[] } };
    expect(b.spec.hosts).toEqual(['new.example.com']);
  });
});
