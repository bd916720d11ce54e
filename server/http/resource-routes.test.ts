/**
 * The write route handlers, called directly with a `Request` (as Next calls them) after
 * `setRuntime` with a kubeconfig of the built-in sandbox: CSRF and read-only gates, JSON answers
 * for every outcome, dry-run, 409 with the rebase or the conflicts, 422 causes, create, delete,
 * rebase and access.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as accessRoute from '../../app/api/access/route';
import * as collectionRoute from '../../app/api/resources/[plural]/route';
import * as itemRoute from '../../app/api/resources/[plural]/[namespace]/[name]/route';
import * as rebaseRoute from '../../app/api/resources/[plural]/[namespace]/[name]/rebase/route';
import type { KubeResource } from '../../lib/editing/draft';
import { getAt, setAt } from '../../lib/editing/path';
import { kubeJson } from '../kube/transport';
import { setRuntime, type Runtime } from '../runtime';
import { MAX_WRITE_BODY_BYTES } from './resource-writes';
import { startSandbox, type RunningSandbox } from '../sandbox/start';

const ORIGIN = 'http://127.0.0.1:3000';
const VS_PATH = '/apis/networking.istio.io/v1/namespaces/default/virtualservices';
const OK_HEADERS = { 'x-gatescope-csrf': '1', origin: ORIGIN, host: '127.0.0.1:3000', 'content-type': 'application/json' };

let sb: RunningSandbox;
let kc: KubeConfig;
let runtime: Runtime;
let seq = 0;

beforeAll(async () => {
  sb = await startSandbox({ apiPort: 0, traffic: 0, dataPlane: false });
  kc = new KubeConfig();
  kc.loadFromFile(sb.kubeconfigPath);
  runtime = { mode: 'sandbox', kubeConfig: kc, context: sb.contextName, server: sb.apiUrl, startedAt: new Date(), services: {} };
  setRuntime(runtime);
});

afterAll(async () => {
  setRuntime(undefined);
  await sb?.close();
});

function request(method: string, path: string, body?: unknown, headers: Record<string, string> = OK_HEADERS): Request {
  return new Request(`${ORIGIN}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

const item = (name: string, plural = 'virtualservices') => ({ params: Promise.resolve({ plural, namespace: 'default', name }) });
const coll = (plural = 'virtualservices') => ({ params: Promise.resolve({ plural }) });

async function freshVs(): Promise<KubeResource> {
  const src = (await kubeJson<KubeResource>(kc, { path: `${VS_PATH}/web-service` })).body;
  const body = { metadata: { name: `route-${++seq}`, namespace: 'default' }, spec: src['spec'] };
  return (await kubeJson<KubeResource>(kc, { method: 'POST', path: VS_PATH, body })).body;
}
const get = async (name: string) => (await kubeJson<KubeResource>(kc, { path: `${VS_PATH}/${name}` })).body;
const split = (o: KubeResource, a: number, b: number) => setAt(setAt(o, ['spec', 'http', 2, 'route', 0, 'weight'], a), ['spec', 'http', 2, 'route', 1, 'weight'], b);
const name = (o: KubeResource) => o.metadata!.name!;

describe('CSRF and read-only gates', () => {
  it('refuses a write without the custom header, from another origin, or with Origin null: 403, nothing written', async () => {
    const base = await freshVs();
    const body = { base, draft: split(base, 50, 50) };
    const cases: Array<Record<string, string>> = [
      { 'content-type': 'application/json', host: '127.0.0.1:3000' },
      { ...OK_HEADERS, origin: 'https://evil.example' },
      { ...OK_HEADERS, origin: 'null' },
      { ...OK_HEADERS, origin: 'http://127.0.0.1:3001' },
    ];
    for (const headers of cases) {
      for (const [handler, method, path, ctx] of [
        [itemRoute.PUT, 'PUT', `/api/resources/virtualservices/default/${name(base)}`, item(name(base))],
        [itemRoute.DELETE, 'DELETE', `/api/resources/virtualservices/default/${name(base)}?resourceVersion=1`, item(name(base))],
        [collectionRoute.POST, 'POST', '/api/resources/virtualservices', coll()],
        [rebaseRoute.POST, 'POST', `/api/resources/virtualservices/default/${name(base)}/rebase`, item(name(base))],
      ] as const) {
        const res = await (handler as (r: Request, c: unknown) => Promise<Response>)(request(method, path, method === 'DELETE' ? undefined : body, headers), ctx);
        expect(res.status, `${method} ${JSON.stringify(headers)}`).toBe(403);
        expect(await res.json()).toMatchObject({ reason: 'CSRF', code: 403 });
      }
    }
    expect((await get(name(base))).metadata?.resourceVersion).toBe(base.metadata?.resourceVersion);
  });

  it('--read-only refuses writes with 403 ReadOnly and /api/access says why', async () => {
    const base = await freshVs();
    runtime.readOnly = true;
    try {
      const res = await itemRoute.PUT(request('PUT', `/api/resources/virtualservices/default/${name(base)}`, { base, draft: split(base, 50, 50) }), item(name(base)));
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ reason: 'ReadOnly', code: 403 });
      const access = await accessRoute.GET(request('GET', `/api/access?verb=update&plural=virtualservices&namespace=default&name=${name(base)}`, undefined, {}));
      expect(await access.json()).toMatchObject({ allowed: false, deniedBy: 'read-only', reason: 'gatescope runs with --read-only' });
    } finally {
      runtime.readOnly = false;
    }
  });
});

describe('PUT /api/resources/{plural}/{ns}/{name}', () => {
  it('?dryRun=All answers the server object and writes nothing; then the real update', async () => {
    const base = await freshVs();
    const path = `/api/resources/virtualservices/default/${name(base)}`;
    const dry = await itemRoute.PUT(request('PUT', `${path}?dryRun=All`, { base, draft: split(base, 50, 50) }), item(name(base)));
    expect(dry.status).toBe(200);
    const dryBody = await dry.json();
    expect(dryBody).toMatchObject({ status: 'applied', dryRun: true });
    expect(getAt(dryBody.object, ['spec', 'http', 2, 'route', 0, 'weight'])).toBe(50);
    expect((await get(name(base))).metadata?.resourceVersion).toBe(base.metadata?.resourceVersion);

    const real = await itemRoute.PUT(request('PUT', path, { base, draft: split(base, 50, 50) }), item(name(base)));
    expect(real.status).toBe(200);
    expect(getAt(await get(name(base)), ['spec', 'http', 2, 'route', 0, 'weight'])).toBe(50);
  });

  it('409 → rebased (both changes kept after confirming) or conflict with both values', async () => {
    const base = await freshVs();
    const path = `/api/resources/virtualservices/default/${name(base)}`;
    const patch = (ops: unknown[]) => kubeJson(kc, { method: 'PATCH', path: `${VS_PATH}/${name(base)}`, body: ops, contentType: 'application/json-patch+json' });
    await patch([{ op: 'add', path: '/spec/http/0/timeout', value: '7s' }]);

    const res = await itemRoute.PUT(request('PUT', path, { base, draft: split(base, 50, 50) }), item(name(base)));
    expect(res.status).toBe(409);
    const r = await res.json();
    expect(r).toMatchObject({ reason: 'Conflict', code: 409, status: 'rebased', dryRun: { ok: true } });
    expect(r.diff.map((c: { display: string }) => c.display)).toEqual(['spec.http[2].route[0].weight', 'spec.http[2].route[1].weight']);
    const confirmed = await itemRoute.PUT(request('PUT', path, { base: r.live, draft: r.merged }), item(name(base)));
    expect(confirmed.status).toBe(200);
    const now = await get(name(base));
    expect([getAt(now, ['spec', 'http', 0, 'timeout']), getAt(now, ['spec', 'http', 2, 'route', 0, 'weight'])]).toEqual(['7s', 50]);

    // Now someone moves the same weight the user is editing.
    await patch([{ op: 'replace', path: '/spec/http/2/route/0/weight', value: 90 }, { op: 'replace', path: '/spec/http/2/route/1/weight', value: 10 }]);
    const clash = await itemRoute.PUT(request('PUT', path, { base: now, draft: split(now, 60, 40) }), item(name(base)));
    expect(clash.status).toBe(409);
    const c = await clash.json();
    expect(c).toMatchObject({ error: expect.any(String), reason: 'Conflict', code: 409, status: 'conflict' });
    expect(c.conflicts.map((x: { display: string; base: number; mine: number; theirs: number }) => [x.display, x.base, x.mine, x.theirs])).toEqual([
      ['spec.http[2].route[0].weight', 50, 60, 90],
      ['spec.http[2].route[1].weight', 50, 40, 10],
    ]);
  });

  it('a bare object updates itself; on 409 it is stale (no base to rebase against)', async () => {
    const base = await freshVs();
    const path = `/api/resources/virtualservices/default/${name(base)}`;
    const ok = await itemRoute.PUT(request('PUT', path, split(base, 70, 30)), item(name(base)));
    expect(ok.status).toBe(200);
    const stale = await itemRoute.PUT(request('PUT', path, split(base, 60, 40)), item(name(base)));
    expect(stale.status).toBe(409);
    expect(await stale.json()).toMatchObject({ status: 'stale', code: 409 });
  });

  it('422 answers carry causes with field paths', async () => {
    const base = await freshVs();
    const res = await itemRoute.PUT(request('PUT', `/api/resources/virtualservices/default/${name(base)}?dryRun=All`, { base, draft: setAt(base, ['spec', 'http', 2, 'route', 0, 'weight'], 'x') }), item(name(base)));
    expect(res.status).toBe(422);
    const body = await res.json();
    expect(body).toMatchObject({ reason: 'Invalid', code: 422, error: expect.stringContaining('is invalid') });
    expect(body.causes[0]).toMatchObject({ field: 'spec.http[2].route[0].weight', message: expect.stringContaining('must be of type integer') });
  });

  it('refuses non-writable kinds (405), a name that does not match the URL (400), a non-JSON body (415), a body over 3 MiB (413)', async () => {
    const base = await freshVs();
    const svc = await itemRoute.PUT(request('PUT', '/api/resources/services/default/web-service', { metadata: { name: 'web-service' } }), item('web-service', 'services'));
    expect(svc.status).toBe(405);
    expect(await svc.json()).toMatchObject({ reason: 'NotWritable', code: 405 });
    const other = await itemRoute.PUT(request('PUT', `/api/resources/virtualservices/default/${name(base)}`, { base, draft: setAt(base, ['metadata', 'name'], 'other') }), item(name(base)));
    expect(other.status).toBe(400);
    const text = await itemRoute.PUT(request('PUT', `/api/resources/virtualservices/default/${name(base)}`, 'x', { ...OK_HEADERS, 'content-type': 'text/plain' }), item(name(base)));
    expect(text.status).toBe(415);
    const huge = await itemRoute.PUT(request('PUT', `/api/resources/virtualservices/default/${name(base)}`, { base, draft: setAt(base, ['spec', 'pad'], 'x'.repeat(MAX_WRITE_BODY_BYTES)) }), item(name(base)));
    expect(huge.status).toBe(413);
  });
});

describe('POST, DELETE, rebase and access', () => {
  it('creates (dry-run first), then deletes with a resourceVersion precondition', async () => {
    const draft = { metadata: { name: 'made-by-route', namespace: 'default' }, spec: { hosts: ['m.example.com'], http: [{ name: 'r', route: [{ destination: { host: 'web-service' } }] }] } };
    const dry = await collectionRoute.POST(request('POST', '/api/resources/virtualservices?dryRun=All', { draft }), coll());
    expect(dry.status).toBe(201);
    expect((await dry.json()).dryRun).toBe(true);
    const created = await collectionRoute.POST(request('POST', '/api/resources/virtualservices', draft), coll());
    expect(created.status).toBe(201);
    const obj = (await created.json()).object as KubeResource;

    const noRv = await itemRoute.DELETE(request('DELETE', '/api/resources/virtualservices/default/made-by-route'), item('made-by-route'));
    expect(noRv.status).toBe(400);
    const stale = await itemRoute.DELETE(request('DELETE', '/api/resources/virtualservices/default/made-by-route?resourceVersion=1'), item('made-by-route'));
    expect(stale.status).toBe(409);
    expect(await stale.json()).toMatchObject({ status: 'stale', live: { metadata: { name: 'made-by-route' } } });
    const del = await itemRoute.DELETE(request('DELETE', `/api/resources/virtualservices/default/made-by-route?resourceVersion=${obj.metadata!.resourceVersion}`), item('made-by-route'));
    expect(del.status).toBe(200);
    expect(await del.json()).toMatchObject({ status: 'deleted', dryRun: false });
  });

  it('POST …/rebase answers the rebased draft (200) or the conflicts (409), writing nothing', async () => {
    const base = await freshVs();
    await kubeJson(kc, { method: 'PATCH', path: `${VS_PATH}/${name(base)}`, body: [{ op: 'add', path: '/spec/http/1/timeout', value: '3s' }], contentType: 'application/json-patch+json' });
    const live = await get(name(base));
    const path = `/api/resources/virtualservices/default/${name(base)}/rebase`;
    const ok = await rebaseRoute.POST(request('POST', path, { base, draft: split(base, 10, 90) }), item(name(base)));
    expect(ok.status).toBe(200);
    const r = await ok.json();
    expect(r.status).toBe('rebased');
    expect([getAt(r.merged, ['spec', 'http', 1, 'timeout']), getAt(r.merged, ['spec', 'http', 2, 'route', 0, 'weight'])]).toEqual(['3s', 10]);
    const clash = await rebaseRoute.POST(request('POST', path, { base, draft: setAt(base, ['spec', 'http', 1, 'timeout'], '9s') }), item(name(base)));
    expect(clash.status).toBe(409);
    expect((await clash.json()).conflicts[0]).toMatchObject({ display: 'spec.http[1].timeout', mine: '9s', theirs: '3s' });
    expect((await get(name(base))).metadata?.resourceVersion).toBe(live.metadata?.resourceVersion);
  });

  it('GET /api/access answers SelfSubjectAccessReview and gatescope limits', async () => {
    const ask = async (q: string) => (await accessRoute.GET(request('GET', `/api/access?${q}`, undefined, {}))).json();
    expect(await ask('verb=update&plural=virtualservices&namespace=default&name=web-service')).toMatchObject({ allowed: true, group: 'networking.istio.io' });
    expect(await ask('verb=update&plural=services&namespace=default')).toMatchObject({ allowed: false, deniedBy: 'not-writable' });
    expect(await ask('verb=get&plural=services&namespace=default')).toMatchObject({ allowed: true, group: '' });
    const bad = await accessRoute.GET(request('GET', '/api/access?verb=hack&plural=virtualservices', undefined, {}));
    expect(bad.status).toBe(400);
  });
});
