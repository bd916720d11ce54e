/**
 * Acting with the user's own identity (issue 9, reliability-security.md §5 test 15): with
 * `--auth token` and `--auth header`, reads through the REST routes are narrowed to what the
 * user's RBAC lets them list, writes and access reviews are made as the user, a forced apply gets
 * the server's 403 verbatim with no retry, and the sandbox's request log shows no identity but
 * the user's for those calls.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as accessRoute from '../../app/api/access/route';
import * as collectionRoute from '../../app/api/resources/[plural]/route';
import * as itemRoute from '../../app/api/resources/[plural]/[namespace]/[name]/route';
import * as sessionRoute from '../../app/api/auth/session/route';
import * as signInRoute from '../../app/api/auth/signin/route';
import * as signOutRoute from '../../app/api/auth/signout/route';
import type { RunningSandbox } from '../sandbox/start';
import { kubeJson } from '../kube/transport';
import { hasKubectl, kubectl } from '../sandbox/test-support/kubectl';
import { kubeconfigFileWithToken, kubeConfigWithToken, startAuthSandbox, startTestConsole, TOKENS, type TestConsole } from './test-support/auth-sandbox';

const ORIGIN = 'http://127.0.0.1:3000';
const CSRF = { 'x-gatescope-csrf': '1', origin: ORIGIN, host: '127.0.0.1:3000', 'content-type': 'application/json' };
const VS = '/apis/networking.istio.io/v1/namespaces/default/virtualservices/web-service';

let sb: RunningSandbox;
beforeAll(async () => {
  sb = await startAuthSandbox();
});
afterAll(async () => {
  await sb?.close();
});

const req = (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
  new Request(`${ORIGIN}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
const item = (plural: string, namespace: string, name: string) => ({ params: Promise.resolve({ plural, namespace, name }) });
const coll = (plural: string) => ({ params: Promise.resolve({ plural }) });

/** A forced apply: the object as it is on the server, re-sent as an update. */
async function putOwn(headers: Record<string, string>): Promise<Response> {
  const live = (await kubeJson<Record<string, unknown>>(kubeConfigWithToken(sb, sb.token, 'admin'), { path: VS })).body;
  return itemRoute.PUT(req('PUT', '/api/resources/virtualservices/default/web-service', { ...CSRF, ...headers }, live), item('virtualservices', 'default', 'web-service'));
}

function auditSince(n: number) {
  return sb.server.auditLog.slice(n);
}

describe('--auth token', () => {
  let c: TestConsole;
  const cookies: Record<string, string> = {};
  beforeAll(async () => {
    c = await startTestConsole(sb, kubeConfigWithToken(sb, sb.token, 'admin'), { auth: { mode: 'token', sessionKey: 's'.repeat(40) } });
    for (const who of ['viewer', 'dev'] as const) {
      const res = await signInRoute.POST(req('POST', '/api/auth/signin', CSRF, { token: TOKENS[who] }));
      expect(res.status, await res.clone().text()).toBe(200);
      const set = res.headers.get('set-cookie')!;
      expect(set).toMatch(/HttpOnly/);
      expect(set).toMatch(/SameSite=Strict/);
      expect(set).not.toContain(TOKENS[who]);
      cookies[who] = set.split(';')[0]!;
    }
  });
  afterAll(() => c?.stop());

  it('never writes a token to the logs', async () => {
    const seen: string[] = [];
    const orig = { log: console.log, error: console.error, warn: console.warn };
    for (const k of ['log', 'error', 'warn'] as const) console[k] = (...a: unknown[]) => void seen.push(a.map(String).join(' '));
    try {
      await signInRoute.POST(req('POST', '/api/auth/signin', CSRF, { token: TOKENS.viewer }));
      await signInRoute.POST(req('POST', '/api/auth/signin', CSRF, { token: 'wrong-token-value' }));
      await putOwn({ cookie: cookies.viewer! });
    } finally {
      Object.assign(console, orig);
    }
    expect(seen.join('\n')).not.toMatch(/viewer-token|wrong-token-value/);
  });

  it('refuses bad tokens (401 from the API server), malformed ones (400) and cross-site sign-in (403)', async () => {
    const bad = await signInRoute.POST(req('POST', '/api/auth/signin', CSRF, { token: 'not-a-token' }));
    expect(bad.status).toBe(401);
    expect((await bad.json()).error).toMatch(/did not accept this token/);
    expect((await signInRoute.POST(req('POST', '/api/auth/signin', CSRF, { token: 'two words' }))).status).toBe(400);
    expect((await signInRoute.POST(req('POST', '/api/auth/signin', { ...CSRF, origin: 'https://evil.example' }, { token: TOKENS.viewer }))).status).toBe(403);
    expect((await signInRoute.POST(req('POST', '/api/auth/signin', { 'content-type': 'application/json', host: '127.0.0.1:3000' }, { token: TOKENS.viewer }))).status).toBe(403);
  });

  it('describes the session without the token, and signs out by clearing the cookie', async () => {
    const info = await (await sessionRoute.GET(req('GET', '/api/auth/session', { cookie: cookies.viewer! }))).json();
    expect(info).toMatchObject({ mode: 'token', signedIn: true, readOnly: false, user: 'viewer' }); // from SelfSubjectReview
    expect(JSON.stringify(info)).not.toContain(TOKENS.viewer);
    expect(await (await sessionRoute.GET(req('GET', '/api/auth/session', {}))).json()).toMatchObject({ signedIn: false });
    const out = await signOutRoute.POST(req('POST', '/api/auth/signout', { ...CSRF, cookie: cookies.viewer! }));
    expect(out.headers.get('set-cookie')).toMatch(/Max-Age=0/);
  });

  it('a user with only get/list/watch on VirtualServices: read-only access, a forced apply gets the 403 verbatim, once, as that user', async () => {
    const access = await (await accessRoute.GET(req('GET', '/api/access?verb=update&plural=virtualservices&namespace=default&name=web-service', { cookie: cookies.viewer! }))).json();
    expect(access).toMatchObject({ allowed: false, deniedBy: 'rbac' });
    expect(await (await accessRoute.GET(req('GET', '/api/access?verb=list&plural=virtualservices', { cookie: cookies.viewer! }))).json()).toMatchObject({ allowed: true });

    const mark = sb.server.auditLog.length;
    const res = await putOwn({ cookie: cookies.viewer! });
    expect(res.status).toBe(403);
    const body = await res.json();
    expect(body.error).toBe('virtualservices.networking.istio.io "web-service" is forbidden: User "viewer" cannot update resource "virtualservices" in API group "networking.istio.io" in the namespace "default"');
    const calls = auditSince(mark).filter((e) => e.path.includes('/virtualservices'));
    expect(calls.filter((e) => e.method === 'PUT')).toHaveLength(1); // no retry storm
    expect(calls.filter((e) => e.method !== 'GET').every((e) => e.user === 'viewer')).toBe(true);
  });

  it('without a session: 401 on writes and reads, nothing reaches the API server', async () => {
    const mark = sb.server.auditLog.length;
    expect((await putOwn({})).status).toBe(401);
    expect((await collectionRoute.GET(req('GET', '/api/resources/virtualservices', {}), coll('virtualservices'))).status).toBe(401);
    expect(auditSince(mark).filter((e) => e.method === 'PUT')).toHaveLength(0);
  });

  it('reads from the shared cache are narrowed to what the user may list', async () => {
    const list = async (plural: string, who: string) => (await (await collectionRoute.GET(req('GET', `/api/resources/${plural}`, { cookie: cookies[who]! }), coll(plural))).json()).items as Array<{ metadata: { namespace?: string } }>;
    expect((await list('virtualservices', 'viewer')).length).toBeGreaterThan(0);
    expect(await list('services', 'viewer')).toEqual([]);
    const devServices = await list('services', 'dev');
    expect(devServices.length).toBeGreaterThan(0);
    expect(new Set(devServices.map((s) => s.metadata.namespace))).toEqual(new Set(['default']));
    expect(c.cache.list('services').some((s) => s.metadata?.namespace === 'istio-system')).toBe(true);
    const hidden = await itemRoute.GET(req('GET', '/api/resources/services/default/web-service', { cookie: cookies.viewer! }), item('services', 'default', 'web-service'));
    expect(hidden.status).toBe(404);
    const dev = await itemRoute.GET(req('GET', '/api/resources/services/default/web-service', { cookie: cookies.dev! }), item('services', 'default', 'web-service'));
    expect(dev.status).toBe(200);
  });

  it('a namespace-scoped user writes in their namespace with their own token', async () => {
    const mark = sb.server.auditLog.length;
    const res = await putOwn({ cookie: cookies.dev! });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(auditSince(mark).filter((e) => e.method === 'PUT').map((e) => e.user)).toEqual(['dev']);
  });

  it('--read-only refuses writes even for users RBAC allows', async () => {
    c.runtime.readOnly = true;
    try {
      const res = await putOwn({ cookie: cookies.dev! });
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ reason: 'ReadOnly' });
      expect(await (await sessionRoute.GET(req('GET', '/api/auth/session', { cookie: cookies.dev! }))).json()).toMatchObject({ readOnly: true });
    } finally {
      c.runtime.readOnly = false;
    }
  });
});

describe.skipIf(!hasKubectl)('the sandbox answers SelfSubjectReview and impersonation as kube-apiserver does', () => {
  it('kubectl auth whoami, plain and --as (allowed for the console account, refused for others)', async () => {
    const path = kubeconfigFileWithToken(sb, TOKENS.console, 'whoami');
    const me = await kubectl(path, ['auth', 'whoami']);
    expect(me.stdout).toMatch(/system:serviceaccount:gatescope:gatescope/);
    const as = await kubectl(path, ['auth', 'whoami', '--as', 'viewer', '--as-group', 'team-a']);
    expect(as.stdout).toMatch(/Username\s+viewer/);
    expect(as.stdout).toMatch(/team-a/);
    const refused = await kubectl(kubeconfigFileWithToken(sb, TOKENS.viewer, 'whoami-viewer'), ['auth', 'whoami', '--as', 'dev']);
    expect(refused.code).not.toBe(0);
  });
});

describe('--auth header (impersonation behind an authenticating proxy)', () => {
  let c: TestConsole;
  beforeAll(async () => {
    c = await startTestConsole(sb, kubeConfigWithToken(sb, TOKENS.console, 'console-sa'), { auth: { mode: 'header', userHeader: 'X-Auth-Request-User', groupsHeader: 'X-Auth-Request-Groups' } });
  });
  afterAll(() => c?.stop());

  it('impersonates the user the proxy names: their RBAC, their name in the 403 and in the request log', async () => {
    const mark = sb.server.auditLog.length;
    const res = await putOwn({ 'x-auth-request-user': 'viewer' });
    expect(res.status).toBe(403);
    expect((await res.json()).error).toMatch(/User "viewer" cannot update/);
    const writes = auditSince(mark).filter((e) => e.method !== 'GET');
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.every((e) => e.user === 'viewer')).toBe(true);
    expect(await (await accessRoute.GET(req('GET', '/api/access?verb=update&plural=virtualservices&namespace=default', { 'x-auth-request-user': 'dev' }))).json()).toMatchObject({ allowed: true });
  });

  it('never lets a proxy header claim system:masters or a system: user, and needs a user', async () => {
    const res = await putOwn({ 'x-auth-request-user': 'mallory', 'x-auth-request-groups': 'system:masters' });
    expect(res.status).toBe(403);
    expect((await res.json()).error).toMatch(/User "mallory"/);
    expect((await putOwn({ 'x-auth-request-user': 'system:admin' })).status).toBe(401);
    expect((await putOwn({})).status).toBe(401);
    // The default header names are not trusted when others are configured.
    expect((await putOwn({ 'x-forwarded-user': 'dev' })).status).toBe(401);
  });
});
