import { describe, expect, it } from 'vitest';
import { serverSideApply, trackUpdate } from './field-manager';
import { compare, fieldSetOf, fromFieldsV1, pathString, toFieldsV1 } from './managed-fields';
import { service } from './schemas/core';
import { deployment } from './schemas/workloads';

const dep = (image: string, extra: object = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'd', namespace: 'default', labels: { app: 'd' } },
  spec: { replicas: 1, template: { spec: { containers: [{ name: 'web', image, ...extra }] } } },
});
const scope = { schema: deployment, apiVersion: 'apps/v1', statusSubresource: true, now: '2025-01-01T00:00:00Z' };

describe('field sets', () => {
  it('encodes keyed list items with k: and the item itself with "."', () => {
    const set = fieldSetOf(dep('a'), deployment);
    const f = toFieldsV1(set);
    expect(f).toEqual({
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': {
        'f:replicas': {},
        'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:image': {}, 'f:name': {} } } } },
      },
    });
    expect(fromFieldsV1(f)).toEqual(set);
  });

  it('prints paths as structured-merge-diff does', () => {
    const [p] = [...fieldSetOf(dep('a'), deployment)].filter((x) => x.endsWith('f:image'));
    expect(pathString(p!)).toBe('.spec.template.spec.containers[name="web"].image');
  });

  it('compares by leaf', () => {
    const c = compare(dep('a'), dep('b', { args: ['x'] }), deployment);
    expect([...c.modified].map(pathString)).toEqual(['.spec.template.spec.containers[name="web"].image']);
    expect([...c.added].map(pathString)).toEqual(['.spec.template.spec.containers[name="web"].args']);
  });
});

describe('field manager', () => {
  it('transfers ownership of changed fields on update', () => {
    const created: any = dep('a');
    trackUpdate(undefined, created, 'creator', scope);
    const next: any = structuredClone(created);
    next.spec.replicas = 3;
    trackUpdate(created, next, 'scaler', scope);
    const byManager = Object.fromEntries(next.metadata.managedFields.map((m: any) => [m.manager, m.fieldsV1]));
    expect(byManager['scaler']).toEqual({ 'f:spec': { 'f:replicas': {} } });
    expect(byManager['creator']['f:spec']['f:replicas']).toBeUndefined();
  });

  it('server-side apply merges keyed lists, and reports conflicts with update managers', () => {
    const live: any = dep('a');
    trackUpdate(undefined, live, 'kubectl-create', scope);
    const applied = serverSideApply(live, { ...dep('a'), spec: { template: { spec: { containers: [{ name: 'side', image: 's' }] } } } }, 'mgr', false, scope) as any;
    expect(applied.spec.template.spec.containers.map((c: any) => c.name)).toEqual(['web', 'side']);
    expect(() => serverSideApply(applied, dep('b'), 'mgr', false, scope)).toThrow('Apply failed with 1 conflict: conflict with "kubectl-create" using apps/v1: .spec.template.spec.containers[name="web"].image');
  });
});

describe('list keys with defaults', () => {
  it('matches a port applied without protocol to the stored one with the default protocol', () => {
    const svcScope = { ...scope, schema: service, apiVersion: 'v1' };
    const config = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ name: 'http', port: 80 }] } };
    const first = serverSideApply(undefined, config, 'kubectl', false, svcScope) as any;
    expect(first.metadata.managedFields[0].fieldsV1['f:spec']['f:ports']).toHaveProperty(['k:{"port":80,"protocol":"TCP"}']);
    first.spec.ports[0].protocol = 'TCP'; // defaulted by the server
    const again = serverSideApply(first, config, 'kubectl', false, svcScope) as any;
    expect(again.spec.ports).toEqual([{ name: 'http', port: 80, protocol: 'TCP' }]);
    const dropped = serverSideApply(again, { ...config, spec: { ports: [{ name: 'https', port: 443 }] } }, 'kubectl', false, svcScope) as any;
    expect(dropped.spec.ports).toEqual([{ name: 'https', port: 443 }]);
  });
});
