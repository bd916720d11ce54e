import { describe, expect, it } from 'vitest';
import type { KubeObject } from '@/components/resources/kinds';
import { validateDraft } from './validation';

const cluster: KubeObject[] = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } },
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'istio-system' } },
  { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'gw-1', namespace: 'istio-system', labels: { istio: 'ingressgateway' } } },
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default' },
    spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80 }] },
  },
  {
    apiVersion: 'networking.istio.io/v1',
    kind: 'Gateway',
    metadata: { name: 'gw', namespace: 'istio-system' },
    spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] },
  },
];

function vs(spec: Record<string, unknown>, name = 'web'): KubeObject {
  return { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name, namespace: 'default' }, spec };
}

const ok = { hosts: ['web.example.com'], gateways: ['istio-system/gw'], http: [{ route: [{ destination: { host: 'web' } }] }] };

describe('validation of a draft as the user types', () => {
  it('finds nothing wrong with a good VirtualService', () => {
    expect(validateDraft(vs(ok), { cluster, creating: true, now: 0 })).toEqual([]);
  });

  it('puts an invalid RE2 regex on its field (GSC0003, blocking)', () => {
    const issues = validateDraft(vs({ ...ok, http: [{ match: [{ uri: { regex: '(?=x)' } }], route: [{ destination: { host: 'web' } }] }] }), { cluster, creating: true, now: 0 });
    expect(issues).toContainEqual(expect.objectContaining({ code: 'GSC0003', path: 'spec.http[0].match[0].uri.regex', blocking: true }));
  });

  it('makes weights adding up to 90 blocking (GSC0001 on the route list)', () => {
    const http = [{ route: [{ destination: { host: 'web' }, weight: 70 }, { destination: { host: 'web' }, weight: 20 }] }];
    const issues = validateDraft(vs({ ...ok, http }), { cluster, creating: true, now: 0 });
    expect(issues).toContainEqual(expect.objectContaining({ code: 'GSC0001', path: 'spec.http[0].route', level: 'Warning', blocking: true }));
  });

  it('reports an unknown Gateway on that gateway (IST0101)', () => {
    const issues = validateDraft(vs({ ...ok, gateways: ['istio-system/gw', 'nope'] }), { cluster, creating: true, now: 0 });
    expect(issues).toContainEqual(expect.objectContaining({ code: 'IST0101', path: 'spec.gateways[1]', blocking: true }));
  });

  it('reports schema errors with the API server field path', () => {
    const issues = validateDraft(vs({ ...ok, http: [{ route: [{ destination: { host: 'web' }, weight: 'ten' }] }] }), { cluster, creating: true, now: 0 });
    expect(issues).toContainEqual(expect.objectContaining({ source: 'schema', path: 'spec.http[0].route[0].weight' }));
  });

  it('checks the name, the namespace, and that a new name is free', () => {
    const bad = { ...vs(ok, 'Web_1'), metadata: { name: 'Web_1', namespace: 'nowhere' } };
    const paths = validateDraft(bad, { cluster, creating: true, now: 0 }).map((i) => i.path);
    expect(paths).toContain('metadata.name');
    expect(paths).toContain('metadata.namespace');
    const taken = validateDraft(vs(ok, 'web'), { cluster: [...cluster, vs(ok, 'web')], creating: true, now: 0 });
    expect(taken).toContainEqual(expect.objectContaining({ path: 'metadata.name', code: 'FieldValueDuplicate' }));
    expect(validateDraft(vs(ok, 'web'), { cluster: [...cluster, vs(ok, 'web')], creating: false, now: 0 })).toEqual([]);
  });
});
