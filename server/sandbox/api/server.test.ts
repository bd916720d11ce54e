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

const STATUS_KEYS = ['apiVersion', 'code', 'kind', 'message', 'metadata', 'reason', 'status'];

function expectStatus(r: { status: number; json: any; headers: any }, code: number, reason: string): void {
  expect(r.status).toBe(code);
  expect(r.headers['content-type']).toMatch(/^application\/json/);
  expect(r.json.kind).toBe('Status');
  expect(r.json.apiVersion).toBe('v1');
  expect(r.json.metadata).toEqual({});
  expect(r.json.status).toBe('Failure');
  expect(r.json.code).toBe(code);
  expect(r.json.reason).toBe(reason);
  for (const k of STATUS_KEYS) expect(r.json).toHaveProperty(k);
}

describe('authentication', () => {
  it('answers 401 Status without a token or with a wrong one', async () => {
    expectStatus(await call(h, 'GET', '/api/v1/pods', { token: null }), 401, 'Unauthorized');
    const wrong = await call(h, 'GET', '/api/v1/pods', { token: 'nope' });
    expectStatus(wrong, 401, 'Unauthorized');
    expect(wrong.json.message).toBe('Unauthorized');
    expect(h.server.auditLog.some((e) => e.code === 401 && e.user === undefined)).toBe(true);
  });

  it('serves health checks to anonymous callers', async () => {
    for (const p of ['/healthz', '/readyz', '/livez']) {
      const r = await call(h, 'GET', p, { token: null });
      expect(r.status).toBe(200);
      expect(r.text).toBe('ok');
    }
  });

  it('records method, path, user and code in the audit log', async () => {
    await call(h, 'GET', '/api/v1/namespaces/default/pods?limit=1');
    const e = h.server.auditLog.findLast((x) => x.path === '/api/v1/namespaces/default/pods?limit=1');
    expect(e).toMatchObject({ method: 'GET', user: 'sandbox-admin', code: 200, verb: 'list', resource: 'pods', namespace: 'default' });
  });
});

describe('discovery', () => {
  it('serves /version, /api, /api/v1 with subresources', async () => {
    expect((await call(h, 'GET', '/version')).json).toMatchObject({ major: '1', minor: '32' });
    expect((await call(h, 'GET', '/api')).json).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const v1 = (await call(h, 'GET', '/api/v1')).json;
    expect(v1.kind).toBe('APIResourceList');
    const names = v1.resources.map((r: any) => r.name);
    expect(names).toEqual(expect.arrayContaining(['pods', 'pods/log', 'pods/portforward', 'pods/proxy', 'services/proxy', 'namespaces', 'nodes', 'endpoints', 'configmaps', 'secrets', 'serviceaccounts', 'events']));
    expect(v1.resources.find((r: any) => r.name === 'pods')).toMatchObject({ singularName: 'pod', namespaced: true, kind: 'Pod', shortNames: ['po'], categories: ['all'] });
  });

  it('lists the Istio group with v1 preferred and the CRD names', async () => {
    const apis = (await call(h, 'GET', '/apis')).json;
    const istio = apis.groups.find((g: any) => g.name === 'networking.istio.io');
    expect(istio.preferredVersion).toEqual({ groupVersion: 'networking.istio.io/v1', version: 'v1' });
    expect(istio.versions.map((v: any) => v.version)).toEqual(['v1', 'v1beta1', 'v1alpha3']);
    for (const v of ['v1', 'v1beta1', 'v1alpha3']) {
      const list = (await call(h, 'GET', `/apis/networking.istio.io/${v}`)).json;
      const vs = list.resources.find((r: any) => r.name === 'virtualservices');
      expect(vs).toMatchObject({ kind: 'VirtualService', shortNames: ['vs'], categories: expect.arrayContaining(['istio-io', 'networking-istio-io']) });
      expect(list.resources.map((r: any) => r.name)).toEqual(expect.arrayContaining(['gateways', 'destinationrules', 'virtualservices/status']));
    }
    const apps = (await call(h, 'GET', '/apis/apps/v1')).json;
    expect(apps.resources.find((r: any) => r.name === 'deployments/scale')).toMatchObject({ group: 'autoscaling', version: 'v1', kind: 'Scale' });
  });

  it('answers aggregated-discovery and protobuf-first Accept lists with JSON, 406 when nothing is servable', async () => {
    const agg = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
    const r = await call(h, 'GET', '/apis', { headers: { Accept: agg } });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.json.kind).toBe('APIGroupList');
    const pb = await call(h, 'GET', '/api/v1/namespaces/default/pods', { headers: { Accept: 'application/vnd.kubernetes.protobuf, application/json' } });
    expect(pb.status).toBe(200);
    expect(pb.json.kind).toBe('PodList');
    expectStatus(await call(h, 'GET', '/api/v1/namespaces/default/pods', { headers: { Accept: 'application/vnd.kubernetes.protobuf' } }), 406, 'NotAcceptable');
  });

  it('serves OpenAPI v3 with the fieldValidation parameter on PATCH, and 404 for v2', async () => {
    const idx = (await call(h, 'GET', '/openapi/v3')).json;
    expect(Object.keys(idx.paths)).toEqual(expect.arrayContaining(['api/v1', 'apis/apps/v1', 'apis/networking.istio.io/v1', 'apis/networking.istio.io/v1beta1', 'apis/networking.istio.io/v1alpha3']));
    const core = (await call(h, 'GET', idx.paths['api/v1'].serverRelativeURL)).json;
    const nsPatch = core.paths['/api/v1/namespaces/{name}'].patch;
    expect(nsPatch['x-kubernetes-group-version-kind']).toEqual({ group: '', version: 'v1', kind: 'Namespace' });
    expect(nsPatch.parameters.map((p: any) => p.name)).toContain('fieldValidation');
    const istio = (await call(h, 'GET', idx.paths['apis/networking.istio.io/v1'].serverRelativeURL)).json;
    const vs = istio.components.schemas['io.istio.networking.v1.VirtualService'];
    expect(vs['x-kubernetes-group-version-kind']).toEqual([{ group: 'networking.istio.io', kind: 'VirtualService', version: 'v1' }]);
    expect(vs.properties.spec.properties.http.type).toBe('array');
    const crPatch = istio.paths['/apis/networking.istio.io/v1/namespaces/{namespace}/virtualservices/{name}'].patch;
    expect(Object.keys(crPatch.requestBody.content)).not.toContain('application/strategic-merge-patch+json');
    expectStatus(await call(h, 'GET', '/openapi/v2'), 404, 'NotFound');
  });
});

describe('tables', () => {
  const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

  it('prints pods with kubectl columns and wide columns at priority 1', async () => {
    const t = (await call(h, 'GET', '/api/v1/namespaces/default/pods', { headers: { Accept: TABLE } })).json;
    expect(t).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1' });
    expect(t.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(t.columnDefinitions.map((c: any) => [c.name, c.priority])).toEqual([
      ['Name', 0], ['Ready', 0], ['Status', 0], ['Restarts', 0], ['Age', 0], ['IP', 1], ['Node', 1], ['Nominated Node', 1], ['Readiness Gates', 1],
    ]);
    expect(t.rows[0].cells.slice(0, 4)).toEqual(['httpbin-5c7d9f-abcde', '1/1', 'Running', '0']);
    expect(t.rows[0].cells.slice(5)).toEqual(['10.244.0.12', 'sandbox-node', '<none>', '<none>']);
    expect(t.rows[0].object).toMatchObject({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name: 'httpbin-5c7d9f-abcde' } });
  });

  it('prints custom resources with the CRD printer columns, and full objects with includeObject=Object', async () => {
    const t = (await call(h, 'GET', '/apis/networking.istio.io/v1beta1/virtualservices?includeObject=Object', { headers: { Accept: TABLE } })).json;
    expect(t.columnDefinitions.map((c: any) => c.name)).toEqual(['Name', 'Gateways', 'Hosts', 'Age']);
    expect(t.columnDefinitions[3].type).toBe('date');
    expect(t.rows[0].cells.slice(0, 3)).toEqual(['httpbin', '["istio-system/default-gateway"]', '["httpbin.example.com"]']);
    expect(t.rows[0].cells[3]).toMatch(/^\d+s$/);
    expect(t.rows[0].object.apiVersion).toBe('networking.istio.io/v1beta1');
    const gw = (await call(h, 'GET', '/apis/networking.istio.io/v1/gateways', { headers: { Accept: TABLE } })).json;
    expect(gw.columnDefinitions.map((c: any) => c.name)).toEqual(['Name', 'Age']);
    const svc = (await call(h, 'GET', '/api/v1/services', { headers: { Accept: TABLE } })).json;
    expect(svc.columnDefinitions.map((c: any) => c.name)).toEqual(['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', 'Selector']);
    expect(svc.rows[0].cells).toEqual(['httpbin', 'ClusterIP', '10.96.0.20', '<none>', '8000/TCP', expect.any(String), 'app=httpbin']);
  });
});

describe('bad requests', () => {
  const vsPath = '/apis/networking.istio.io/v1/namespaces/default/virtualservices';
  const vs = (name: string, extra: object = {}) => ({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name, namespace: 'default' }, spec: { hosts: ['a.example.com'] }, ...extra });

  it('answers every malformed request with a Status and keeps serving', async () => {
    const malformed = await call(h, 'POST', vsPath, { body: '{"apiVersion": ' });
    expectStatus(malformed, 400, 'BadRequest');
    expect(malformed.json.message).toMatch(/json parse error/);
    const wrongKind = await call(h, 'POST', vsPath, { body: { ...vs('k1'), kind: 'Gateway' } });
    expectStatus(wrongKind, 400, 'BadRequest');
    const wrongVersion = await call(h, 'POST', vsPath, { body: { ...vs('k2'), apiVersion: 'apps/v1' } });
    expectStatus(wrongVersion, 400, 'BadRequest');
    expect(wrongVersion.json.message).toBe('the API version in the data (apps/v1) does not match the expected API version (networking.istio.io/v1)');
    const wrongNs = await call(h, 'POST', vsPath, { body: vs('k3', { metadata: { name: 'k3', namespace: 'other' } }) });
    expectStatus(wrongNs, 400, 'BadRequest');
    expect(wrongNs.json.message).toBe('the namespace of the provided object does not match the namespace sent on the request');
    const wrongName = await call(h, 'PUT', `${vsPath}/httpbin`, { body: vs('other', { metadata: { name: 'other', namespace: 'default', resourceVersion: '1' } }) });
    expectStatus(wrongName, 400, 'BadRequest');
    expect(wrongName.json.message).toBe('the name of the object (other) does not match the name on the URL (httpbin)');
    expectStatus(await call(h, 'GET', '/api/v1/namespaces/default/widgets'), 404, 'NotFound');
    expectStatus(await call(h, 'GET', '/apis/nope.example.com/v1/things'), 404, 'NotFound');
    const big = await call(h, 'POST', vsPath, { body: JSON.stringify({ ...vs('big'), pad: 'x'.repeat(4 * 1024 * 1024) }) });
    expectStatus(big, 413, 'RequestEntityTooLarge');
    const dry = await call(h, 'POST', `${vsPath}?dryRun=Sometimes`, { body: vs('dry') });
    expectStatus(dry, 422, 'Invalid');
    expect(dry.json.message).toContain('dryRun: Unsupported value: "Sometimes": supported values: "All"');
    expectStatus(await call(h, 'POST', vsPath, { body: '[1,2]' }), 400, 'BadRequest');
    expectStatus(await call(h, 'POST', vsPath, { body: 'a: b', headers: { 'Content-Type': 'text/csv' } }), 415, 'UnsupportedMediaType');
    expectStatus(await call(h, 'PATCH', `${vsPath}/httpbin`, { body: '{}', headers: { 'Content-Type': 'application/strategic-merge-patch+json' } }), 415, 'UnsupportedMediaType');
    expectStatus(await call(h, 'PATCH', `${vsPath}/httpbin`, { body: '{not json', headers: { 'Content-Type': 'application/merge-patch+json' } }), 400, 'BadRequest');
    expectStatus(await call(h, 'GET', '/api/v1/pods?fieldSelector=spec.bogus%3Dx'), 400, 'BadRequest');
    expectStatus(await call(h, 'GET', '/api/v1/pods?labelSelector=%3D%3D%3D'), 400, 'BadRequest');
    expectStatus(await call(h, 'GET', '/api/v1/pods?continue=garbage'), 400, 'BadRequest');
    // Still serving.
    const ok = await call(h, 'GET', `${vsPath}/httpbin`);
    expect(ok.status).toBe(200);
    expect(ok.json.metadata.name).toBe('httpbin');
    expect(h.store.get('networking.istio.io/virtualservices', 'default', 'big')).toBeUndefined();
  });

  it('survives a barrage of odd requests, each answered with a Status or a success', async () => {
    const deep = '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"deep"},"data":' + '['.repeat(20_000) + ']'.repeat(20_000) + '}';
    const odd: Array<[string, string, (string | object)?, Record<string, string>?]> = [
      ['PATCH', '/api/v1/namespaces/default/pods', '{}', { 'Content-Type': 'application/merge-patch+json' }],
      ['PUT', '/api/v1/namespaces/default/configmaps', '{}'],
      ['POST', '/api/v1/namespaces/default/configmaps/x', '{}'],
      ['POST', '/api/v1/namespaces/default/configmaps', deep],
      ['POST', '/api/v1/namespaces/default/configmaps', { metadata: 'x' }],
      ['POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 5, metadata: { name: 'n' } }],
      ['POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 7 } }],
      ['POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'l', labels: { a: 1 } } }],
      ['POST', '/apis/networking.istio.io/v1/namespaces/default/virtualservices', { metadata: { name: 'm', labels: [1] }, spec: 5 }],
      ['PATCH', '/apis/networking.istio.io/v1/namespaces/default/virtualservices/httpbin', '[{"op":"frobnicate"}]', { 'Content-Type': 'application/json-patch+json' }],
      ['PATCH', '/apis/networking.istio.io/v1/namespaces/default/virtualservices/httpbin', '- a\n- b', { 'Content-Type': 'application/apply-patch+yaml' }],
      ['PATCH', '/apis/networking.istio.io/v1/namespaces/default/virtualservices/httpbin?fieldManager=x', 'a: &a [*a]', { 'Content-Type': 'application/apply-patch+yaml' }],
      ['GET', '/api/v1/namespaces/default/pods?watch=true&resourceVersion=abc'],
      ['GET', '/api/v1/namespaces/default/pods?limit=-1'],
      ['GET', '/api/v1/namespaces/%zz/pods'],
      ['GET', '/api/v1/namespaces/default/pods/x/exec'],
      ['DELETE', '/api/v1/namespaces/default/pods/httpbin-5c7d9f-abcde', '{"propagationPolicy":"Sideways"}'],
      ['DELETE', '/api/v1/namespaces/default/pods/httpbin-5c7d9f-abcde', 'not json'],
      ['OPTIONS', '/api/v1/pods'],
      ['GET', '/apis/networking.istio.io/v2/virtualservices'],
      ['GET', '/openapi/v3/apis/nope/v1'],
      ['POST', '/version', '{}'],
    ];
    for (const [method, path, body, headers] of odd) {
      const r = await call(h, method, path, { body, headers });
      if (r.status >= 400) {
        expect(r.json?.kind, `${method} ${path} → ${r.status} ${r.text.slice(0, 200)}`).toBe('Status');
        expect(r.status, `${method} ${path}`).toBeLessThan(500);
      }
    }
    expect((await call(h, 'GET', '/api/v1/namespaces/default/pods/httpbin-5c7d9f-abcde')).status).toBe(200);
  });

  it('answers 413 for a large body without Content-Length', async () => {
    const r = await call(h, 'POST', vsPath, { body: Buffer.alloc(4 * 1024 * 1024, 0x20), headers: { 'Transfer-Encoding': 'chunked' } }).catch((e) => ({ error: e }));
    if ('status' in r) expectStatus(r, 413, 'RequestEntityTooLarge');
    expect((await call(h, 'GET', '/version')).status).toBe(200);
  });

  it('forbids with the apiserver message for users without the permission', async () => {
    const r = await call(h, 'PUT', `${vsPath}/httpbin`, { token: readonlyToken(), body: vs('httpbin') });
    expectStatus(r, 403, 'Forbidden');
    expect(r.json.message).toBe('virtualservices.networking.istio.io "httpbin" is forbidden: User "viewer" cannot update resource "virtualservices" in API group "networking.istio.io" in the namespace "default"');
    const list = await call(h, 'DELETE', '/api/v1/nodes', { token: readonlyToken() });
    expect(list.json.message).toBe('nodes is forbidden: User "viewer" cannot deletecollection resource "nodes" in API group "" at the cluster scope');
    const ssar = await call(h, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
      token: readonlyToken(),
      body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { verb: 'update', group: 'networking.istio.io', resource: 'virtualservices', namespace: 'default' } } },
    });
    expect(ssar.status).toBe(201);
    expect(ssar.json.status.allowed).toBe(false);
    const get = await call(h, 'GET', `${vsPath}/httpbin`, { token: readonlyToken() });
    expect(get.status).toBe(200);
  });
});

const readonlyToken = () => h.readonlyToken;
