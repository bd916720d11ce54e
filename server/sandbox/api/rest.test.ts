import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './test-support/harness';
import { call } from './test-support/http';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const VS = '/apis/networking.istio.io/v1/namespaces/default/virtualservices';
const vs = (name: string, spec: object = { hosts: ['a.example.com'] }, meta: object = {}) => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name, namespace: 'default', ...meta },
  spec,
});
const waitFor = async (pred: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('list', () => {
  it('filters by label and field selectors, pages with limit/continue, and expires old continue tokens', async () => {
    for (let i = 0; i < 5; i++) {
      h.store.create('core/pods', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `p${i}`, namespace: 'default', labels: { app: 'paged', idx: String(i) } },
        spec: { nodeName: i % 2 ? 'node-a' : 'node-b', containers: [{ name: 'c', image: 'x' }] },
        status: { phase: i === 4 ? 'Pending' : 'Running' },
      });
    }
    const sel = await call(h, 'GET', '/api/v1/namespaces/default/pods?labelSelector=app%3Dpaged,idx%20in%20(1,2,3)');
    expect(sel.json.items.map((p: any) => p.metadata.name)).toEqual(['p1', 'p2', 'p3']);
    const node = await call(h, 'GET', '/api/v1/pods?fieldSelector=spec.nodeName%3Dnode-a');
    expect(node.json.items.map((p: any) => p.metadata.name)).toEqual(['p1', 'p3']);
    const phase = await call(h, 'GET', '/api/v1/pods?labelSelector=app%3Dpaged&fieldSelector=status.phase!%3DRunning');
    expect(phase.json.items.map((p: any) => p.metadata.name)).toEqual(['p4']);
    const byName = await call(h, 'GET', '/api/v1/pods?fieldSelector=metadata.name%3Dp2,metadata.namespace%3Ddefault');
    expect(byName.json.items).toHaveLength(1);

    const page1 = (await call(h, 'GET', '/api/v1/namespaces/default/pods?labelSelector=app%3Dpaged&limit=2')).json;
    expect(page1.items.map((p: any) => p.metadata.name)).toEqual(['p0', 'p1']);
    expect(page1.metadata.remainingItemCount).toBe(3);
    const page2 = (await call(h, 'GET', `/api/v1/namespaces/default/pods?labelSelector=app%3Dpaged&limit=2&continue=${encodeURIComponent(page1.metadata.continue)}`)).json;
    expect(page2.items.map((p: any) => p.metadata.name)).toEqual(['p2', 'p3']);
    expect(page2.metadata.resourceVersion).toBe(page1.metadata.resourceVersion);
    const page3 = (await call(h, 'GET', `/api/v1/namespaces/default/pods?labelSelector=app%3Dpaged&limit=2&continue=${encodeURIComponent(page2.metadata.continue)}`)).json;
    expect(page3.items.map((p: any) => p.metadata.name)).toEqual(['p4']);
    expect(page3.metadata.continue).toBeUndefined();

    h.store.update('core/pods', { ...h.store.get('core/pods', 'default', 'p0')!, metadata: { ...h.store.get('core/pods', 'default', 'p0')!.metadata, labels: { app: 'paged', idx: '0', x: 'y' } } });
    h.store.compact();
    const expired = await call(h, 'GET', `/api/v1/namespaces/default/pods?limit=2&continue=${encodeURIComponent(page1.metadata.continue)}`);
    expect(expired.status).toBe(410);
    expect(expired.json.reason).toBe('Expired');
  });
});

describe('writes', () => {
  it('creates with generateName, requires an existing namespace, and answers 409 on a stale update', async () => {
    const created = await call(h, 'POST', '/api/v1/namespaces/default/configmaps', { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'cfg-' }, data: { a: '1' } } });
    expect(created.status).toBe(201);
    expect(created.json.metadata.name).toMatch(/^cfg-[a-z0-9]{5}$/);
    expect(created.json.metadata.managedFields[0]).toMatchObject({ manager: 'gatescope-test', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:a': {} } } });
    const missing = await call(h, 'POST', '/api/v1/namespaces/nowhere/configmaps', { body: { metadata: { name: 'x' } } });
    expect(missing.status).toBe(404);
    expect(missing.json.message).toBe('namespaces "nowhere" not found');
    const name = created.json.metadata.name;
    const first = await call(h, 'PUT', `/api/v1/namespaces/default/configmaps/${name}`, { body: { ...created.json, data: { a: '2' } } });
    expect(first.status).toBe(200);
    const stale = await call(h, 'PUT', `/api/v1/namespaces/default/configmaps/${name}`, { body: { ...created.json, data: { a: '3' } } });
    expect(stale.status).toBe(409);
    expect(stale.json).toMatchObject({ reason: 'Conflict', details: { name, kind: 'configmaps' } });
    expect(stale.json.message).toBe(`Operation cannot be fulfilled on configmaps "${name}": the object has been modified; please apply your changes to the latest version and try again`);
    const dup = await call(h, 'POST', '/api/v1/namespaces/default/configmaps', { body: { metadata: { name } } });
    expect(dup.status).toBe(409);
    expect(dup.json.reason).toBe('AlreadyExists');
  });

  it('dryRun=All validates and answers without storing or bumping the resourceVersion', async () => {
    const rv = h.store.resourceVersion;
    const r = await call(h, 'POST', `${VS}?dryRun=All`, { body: vs('dry') });
    expect(r.status).toBe(201);
    expect(r.json.metadata.name).toBe('dry');
    const bad = await call(h, 'POST', `${VS}?dryRun=All`, { body: vs('dry', { hosts: 'x' }) });
    expect(bad.status).toBe(422);
    const del = await call(h, 'DELETE', `${VS}/httpbin?dryRun=All`);
    expect(del.status).toBe(200);
    const patch = await call(h, 'PATCH', `${VS}/httpbin?dryRun=All`, { body: { spec: { hosts: ['z'] } }, headers: { 'Content-Type': 'application/merge-patch+json' } });
    expect(patch.json.spec.hosts).toEqual(['z']);
    expect(h.store.resourceVersion).toBe(rv);
    expect(h.store.get('networking.istio.io/virtualservices', 'default', 'dry')).toBeUndefined();
    expect(h.store.get('networking.istio.io/virtualservices', 'default', 'httpbin')!['spec']).toMatchObject({ hosts: ['httpbin.example.com'] });
  });

  it('handles fieldValidation Strict, Warn and Ignore, including duplicate fields', async () => {
    const strict = await call(h, 'POST', `${VS}?fieldValidation=Strict`, { body: vs('fv', { hosts: ['a'], foo: 1 }) });
    expect(strict.status).toBe(400);
    expect(strict.json.message).toBe('VirtualService in version "v1" cannot be handled as a VirtualService: strict decoding error: unknown field "spec.foo"');
    const dupText = '{"apiVersion":"networking.istio.io/v1","kind":"VirtualService","metadata":{"name":"fv"},"spec":{"hosts":["a"],"hosts":["b"]}}';
    const dup = await call(h, 'POST', `${VS}?fieldValidation=Strict`, { body: dupText });
    expect(dup.json.message).toContain('duplicate field "spec.hosts"');
    const warn = await call(h, 'POST', `${VS}?fieldValidation=Warn`, { body: vs('fv-warn', { hosts: ['a'], foo: 1 }) });
    expect(warn.status).toBe(201);
    expect(warn.headers['warning']).toBe('299 - "unknown field \\"spec.foo\\""');
    expect(warn.json.spec.foo).toBeUndefined();
    const ignore = await call(h, 'POST', `${VS}?fieldValidation=Ignore`, { body: vs('fv-ignore', { hosts: ['a'], foo: 1 }) });
    expect(ignore.status).toBe(201);
    expect(ignore.headers['warning']).toBeUndefined();
    expect(ignore.json.spec.foo).toBeUndefined();
    const builtin = await call(h, 'POST', '/api/v1/namespaces/default/services?fieldValidation=Strict', {
      body: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'strict-svc' }, spec: { ports: [{ port: 80, nodeport: 30001 }] } },
    });
    expect(builtin.json.message).toBe('Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "spec.ports[0].nodeport"');
    const wrongType = await call(h, 'POST', '/api/v1/namespaces/default/services', { body: { metadata: { name: 'typed' }, spec: { ports: [{ port: 'eighty' }] } } });
    expect(wrongType.status).toBe(400);
    expect(wrongType.json.message).toBe('Service in version "v1" cannot be handled as a Service: json: cannot unmarshal string into Go struct field ServicePort.spec.ports.port of type int32');
  });

  it('validates Istio objects against the CRD schema of the URL version (422 with causes)', async () => {
    const r = await call(h, 'POST', '/apis/networking.istio.io/v1beta1/namespaces/default/virtualservices', {
      body: { ...vs('invalid', { hosts: ['a'], http: [{ route: [{ destination: { host: 'x' }, weight: 'heavy' }] }] }), apiVersion: 'networking.istio.io/v1beta1' },
    });
    expect(r.status).toBe(422);
    expect(r.json).toMatchObject({ reason: 'Invalid', details: { name: 'invalid', group: 'networking.istio.io', kind: 'VirtualService' } });
    expect(r.json.details.causes[0].field).toBe('spec.http[0].route[0].weight');
    expect(r.json.message).toMatch(/^VirtualService\.networking\.istio\.io "invalid" is invalid: \[?spec\.http\[0\]\.route\[0\]\.weight: Invalid value: /);
    const cel = await call(h, 'POST', VS, { body: vs('cel', { hosts: ['a'], http: [{ timeout: '0.5ms', route: [{ destination: { host: 'x' } }] }] }) });
    expect(cel.status).toBe(422);
    expect(cel.json.details.causes).toEqual([expect.objectContaining({ field: 'spec.http[0].timeout', message: expect.stringContaining('must be a valid duration greater than 1ms') })]);
    const badName = await call(h, 'POST', VS, { body: vs('Bad_Name') });
    expect(badName.status).toBe(422);
    expect(badName.json.details.causes[0]).toMatchObject({ field: 'metadata.name', reason: 'FieldValueInvalid' });
    const noRv = await call(h, 'PUT', `${VS}/httpbin`, { body: vs('httpbin') });
    expect(noRv.status).toBe(422);
    expect(noRv.json.message).toContain('metadata.resourceVersion: Invalid value: 0x0: must be specified for an update');
  });

  it('checks Service ports and Deployment selectors', async () => {
    const svc = await call(h, 'POST', '/api/v1/namespaces/default/services', {
      body: { metadata: { name: 'ports' }, spec: { ports: [{ name: 'a', port: 0 }, { port: 81, protocol: 'QUIC' }] } },
    });
    expect(svc.status).toBe(422);
    expect(svc.json.details.causes.map((c: any) => c.field)).toEqual(['spec.ports[0].port', 'spec.ports[0].targetPort', 'spec.ports[1].name', 'spec.ports[1].protocol']);
    const dep = await call(h, 'POST', '/apis/apps/v1/namespaces/default/deployments', {
      body: { metadata: { name: 'mismatch' }, spec: { selector: { matchLabels: { app: 'a' } }, template: { metadata: { labels: { app: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } },
    });
    expect(dep.status).toBe(422);
    expect(dep.json.message).toBe('Deployment.apps "mismatch" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"b"}: `selector` does not match template `labels`');
  });

  it('keeps status out of main-resource writes and spec out of status writes', async () => {
    const path = '/apis/networking.istio.io/v1/namespaces/default/destinationrules/httpbin';
    const cur = (await call(h, 'GET', path)).json;
    const main = await call(h, 'PUT', path, { body: { ...cur, spec: { ...cur.spec, host: 'httpbin.default' }, status: { observedGeneration: 5 } } });
    expect(main.status).toBe(200);
    expect(main.json.spec.host).toBe('httpbin.default');
    expect(main.json.status).toBeUndefined();
    expect(main.json.metadata.generation).toBe(2);
    const st = await call(h, 'PUT', `${path}/status`, { body: { ...main.json, spec: { host: 'ignored' }, status: { observedGeneration: 2 } } });
    expect(st.status).toBe(200);
    expect(st.json.spec.host).toBe('httpbin.default');
    expect(st.json.status).toEqual({ observedGeneration: 2 });
    expect(st.json.metadata.managedFields.find((m: any) => m.subresource === 'status')).toBeDefined();
    const patched = await call(h, 'PATCH', `${path}/status`, { body: [{ op: 'replace', path: '/status/observedGeneration', value: 3 }], headers: { 'Content-Type': 'application/json-patch+json' } });
    expect(patched.json.status.observedGeneration).toBe(3);
  });

  it('applies JSON patch with test operations (422 on failure, 409 on a stale resourceVersion)', async () => {
    const path = `${VS}/httpbin`;
    const cur = (await call(h, 'GET', path)).json;
    const headers = { 'Content-Type': 'application/json-patch+json' };
    const failed = await call(h, 'PATCH', path, { headers, body: [{ op: 'test', path: '/spec/hosts/0', value: 'other' }, { op: 'replace', path: '/spec/hosts/0', value: 'x' }] });
    expect(failed.status).toBe(422);
    expect(failed.json.details.causes[0].message).toBe('testing value /spec/hosts/0 failed: test failed');
    const stale = await call(h, 'PATCH', path, { headers, body: [{ op: 'replace', path: '/metadata/resourceVersion', value: '1' }, { op: 'replace', path: '/spec/hosts/0', value: 'x' }] });
    expect(stale.status).toBe(409);
    const ok = await call(h, 'PATCH', path, { headers, body: [{ op: 'test', path: '/metadata/resourceVersion', value: cur.metadata.resourceVersion }, { op: 'add', path: '/spec/hosts/-', value: 'y.example.com' }] });
    expect(ok.status).toBe(200);
    expect(ok.json.spec.hosts).toEqual(['httpbin.example.com', 'y.example.com']);
  });

  it('merges strategic patches of built-in kinds by key and honours directives', async () => {
    const path = '/apis/apps/v1/namespaces/default/deployments/httpbin';
    const headers = { 'Content-Type': 'application/strategic-merge-patch+json' };
    await call(h, 'PATCH', path, { headers, body: { spec: { template: { spec: { containers: [{ name: 'sidecar', image: 'envoy' }, { name: 'httpbin', env: [{ name: 'A', value: '1' }] }] } } } } });
    const r = await call(h, 'PATCH', path, {
      headers,
      body: { spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }, { name: 'httpbin', env: [{ name: 'B', value: '2' }] }] } } } },
    });
    expect(r.status).toBe(200);
    const cs = r.json.spec.template.spec.containers;
    expect(cs.map((c: any) => c.name)).toEqual(['httpbin']);
    expect(cs[0].env).toEqual([{ name: 'A', value: '1' }, { name: 'B', value: '2' }]);
    expect(cs[0].image).toBe('docker.io/kennethreitz/httpbin');
  });

  it('scales through the scale subresource', async () => {
    const path = '/apis/apps/v1/namespaces/default/deployments/httpbin/scale';
    const s = (await call(h, 'GET', path)).json;
    expect(s).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 1 }, status: { selector: 'app=httpbin' } });
    const r = await call(h, 'PATCH', path, { body: { spec: { replicas: 3 } }, headers: { 'Content-Type': 'application/merge-patch+json' } });
    expect(r.json.spec.replicas).toBe(3);
    expect((h.store.get('apps/deployments', 'default', 'httpbin')!['spec'] as any).replicas).toBe(3);
    const put = await call(h, 'PUT', path, { body: { ...r.json, spec: { replicas: 2 } } });
    expect(put.json.spec.replicas).toBe(2);
  });
});

describe('server-side apply', () => {
  const apply = (name: string, spec: object, manager: string, extra = '') =>
    call(h, 'PATCH', `${VS}/${name}?fieldManager=${manager}${extra}`, { body: JSON.stringify(vs(name, spec)), headers: { 'Content-Type': 'application/apply-patch+yaml' } });

  it('creates, records Apply ownership, reports conflicts and takes them over with force', async () => {
    const created = await apply('ssa', { hosts: ['a.example.com'], gateways: ['gw'] }, 'alice');
    expect(created.status).toBe(201);
    expect(created.json.metadata.managedFields).toEqual([
      { manager: 'alice', operation: 'Apply', apiVersion: 'networking.istio.io/v1', time: expect.any(String), fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:gateways': {}, 'f:hosts': {} } } },
    ]);
    const same = await apply('ssa', { hosts: ['a.example.com'] }, 'bob');
    expect(same.status).toBe(200);
    const conflict = await apply('ssa', { hosts: ['b.example.com'] }, 'bob');
    expect(conflict.status).toBe(409);
    expect(conflict.json.message).toBe('Apply failed with 1 conflict: conflict with "alice": .spec.hosts');
    expect(conflict.json.details.causes).toEqual([{ reason: 'FieldManagerConflict', message: 'conflict with "alice"', field: '.spec.hosts' }]);
    const forced = await apply('ssa', { hosts: ['b.example.com'] }, 'bob', '&force=true');
    expect(forced.status).toBe(200);
    expect(forced.json.spec.hosts).toEqual(['b.example.com']);
    const managers = forced.json.metadata.managedFields.map((m: any) => [m.manager, Object.keys(m.fieldsV1['f:spec'] ?? {})]);
    expect(managers).toEqual([['alice', ['f:gateways']], ['bob', ['f:hosts']]]);
    // alice drops gateways from her config: nobody else owns it, so it is removed.
    const pruned = await apply('ssa', { hosts: ['b.example.com'] }, 'alice', '&force=true');
    expect(pruned.json.spec.gateways).toBeUndefined();
    const noManager = await call(h, 'PATCH', `${VS}/ssa`, { body: JSON.stringify(vs('ssa')), headers: { 'Content-Type': 'application/apply-patch+yaml' } });
    expect(noManager.status).toBe(422);
    expect(noManager.json.message).toContain('fieldManager: Required value');
  });

  it('leaves the object alone when the same configuration is applied again', async () => {
    const first = await apply('noop', { hosts: ['n.example.com'] }, 'alice');
    const again = await apply('noop', { hosts: ['n.example.com'] }, 'alice');
    expect(again.status).toBe(200);
    expect(again.json.metadata.resourceVersion).toBe(first.json.metadata.resourceVersion);
    expect(again.json.metadata.managedFields).toEqual(first.json.metadata.managedFields);
  });

  it('reports update-manager conflicts with their apiVersion', async () => {
    await call(h, 'PATCH', `${VS}/ssa?fieldManager=editor`, { body: { spec: { hosts: ['c.example.com'] } }, headers: { 'Content-Type': 'application/merge-patch+json' } });
    const r = await apply('ssa', { hosts: ['d.example.com'] }, 'alice');
    expect(r.status).toBe(409);
    expect(r.json.message).toMatch(/conflicts? with "editor" using networking\.istio\.io\/v1/);
  });
});

describe('delete and garbage collection', () => {
  const rs = (name: string, ownerUid: string) => ({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: 'default', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'gc', uid: ownerUid, controller: true, blockOwnerDeletion: true }] },
    spec: { replicas: 1, selector: { matchLabels: { app: 'gc' } }, template: { metadata: { labels: { app: 'gc' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } },
  });
  const pod = (name: string, ownerUid: string) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'gc-rs', uid: ownerUid, controller: true, blockOwnerDeletion: true }] },
    spec: { containers: [{ name: 'c', image: 'i' }] },
  });
  const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'gc', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'gc' } }, template: { metadata: { labels: { app: 'gc' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } };

  const build = () => {
    const d = h.store.create('apps/deployments', deployment);
    const r = h.store.create('apps/replicasets', rs('gc-rs', d.metadata.uid!));
    h.store.create('core/pods', pod('gc-pod', r.metadata.uid!));
  };
  const gone = () => !h.store.get('apps/deployments', 'default', 'gc') && !h.store.get('apps/replicasets', 'default', 'gc-rs') && !h.store.get('core/pods', 'default', 'gc-pod');

  it('deletes dependents in the background', async () => {
    build();
    const r = await call(h, 'DELETE', '/apis/apps/v1/namespaces/default/deployments/gc', { body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' } });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ kind: 'Status', status: 'Success', details: { name: 'gc', group: 'apps', kind: 'deployments' } });
    await waitFor(gone);
  });

  it('deletes dependents first in the foreground', async () => {
    build();
    const r = await call(h, 'DELETE', '/apis/apps/v1/namespaces/default/deployments/gc?propagationPolicy=Foreground');
    expect(r.status).toBe(200);
    expect(r.json.metadata.deletionTimestamp).toBeDefined();
    expect(r.json.metadata.finalizers).toContain('foregroundDeletion');
    await waitFor(gone);
  });

  it('orphans dependents on request, and returns deleted pods as objects', async () => {
    build();
    await call(h, 'DELETE', '/apis/apps/v1/namespaces/default/deployments/gc?propagationPolicy=Orphan');
    await waitFor(() => !h.store.get('apps/deployments', 'default', 'gc'));
    const rsLeft = h.store.get('apps/replicasets', 'default', 'gc-rs')!;
    expect(rsLeft.metadata.ownerReferences).toBeUndefined();
    const p = await call(h, 'DELETE', '/api/v1/namespaces/default/pods/gc-pod');
    expect(p.json.kind).toBe('Pod');
    await waitFor(() => !h.store.get('core/pods', 'default', 'gc-pod'));
    h.store.delete('apps/replicasets', 'default', 'gc-rs');
  });
});
