/**
 * The Envoy admin door against a sandbox: reliability notes §5 test 9 (allow-list) and test 10
 * (names), through the same function the route handler calls, with real Request objects.
 * "Before any port-forward opens" is checked on the sandbox API server's audit log, and "no admin
 * call" on the test admin listener's own request record.
 *
 * The gateway pods run a test image here: an HTTP server on the pod loopback :15000 that records
 * every request (the sandbox's Envoy-shaped proxy is tested against the allow-list in
 * admin-data-plane.test.ts when the data plane is present).
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerImpl, ImageResolver } from '../sandbox/kubelet/container';
import { findFreePortOffset, startSandbox, type RunningSandbox } from '../sandbox/start';
import { until } from '../sandbox/test-support/kubectl';
import * as adminRoute from '../../app/api/proxies/[namespace]/[pod]/admin/[...path]/route';
import { setRuntime } from '../runtime';
import { EnvoyAdmin } from './admin';
import { answerAdminRoute } from './admin-route';

interface Seen {
  pod: string;
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}
const seen: Seen[] = [];

const fakeAdmin: ContainerImpl = {
  async start(ctx) {
    const pod = ctx.pod.metadata.name;
    const server = createServer((req, res) => {
      seen.push({ pod, method: req.method ?? '', url: req.url ?? '', headers: req.headers });
      req.resume();
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/config_dump' && url.searchParams.get('resource') === 'huge_for_test') {
        // 40 MiB, chunked: over the 32 MiB cap of /config_dump.
        let sent = 0;
        const chunk = Buffer.alloc(1024 * 1024, 'x');
        const more = () => {
          while (sent < 40) {
            sent++;
            if (!res.write(chunk)) return res.once('drain', more);
          }
          res.end();
        };
        res.setHeader('content-type', 'application/json');
        more();
        return;
      }
      if (url.pathname === '/config_dump') {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ configs: [{ '@type': 'type.googleapis.com/envoy.admin.v3.BootstrapConfigDump', bootstrap: { node: { id: `router~${pod}` } } }] }));
        return;
      }
      if (url.pathname === '/logging') {
        res.setHeader('content-type', 'text/plain; charset=UTF-8');
        res.end(`active loggers:\n  admin: ${url.searchParams.get('level') ?? 'warning'}\n`);
        return;
      }
      if (url.pathname === '/ready') {
        res.statusCode = 503;
        res.end('PRE_INITIALIZING\n');
        return;
      }
      res.setHeader('content-type', 'text/html');
      res.end(`<b>${url.pathname}</b>`);
    });
    await ctx.listen(server, 15000, 'loopback');
    return {
      stop: async () => {
        server.closeAllConnections();
        await new Promise<void>((r) => server.close(() => r()));
      },
    };
  },
};
const resolver: ImageResolver = (c) => (c.image.includes('istio/proxyv2') ? fakeAdmin : undefined);

describe('Envoy admin through the console (allow-list, names, caps)', () => {
  let sb: RunningSandbox;
  let kc: KubeConfig;
  let admin: EnvoyAdmin;
  let gw: string;
  let istiod: string;
  const auditLines: string[] = [];
  const portForwards = () => sb.server.auditLog.filter((e) => e.path.includes('/portforward')).length;

  const call = (method: string, adminPath: string, opts: { namespace?: string; pod?: string; headers?: Record<string, string>; segments?: string[] } = {}) => {
    const ns = opts.namespace ?? 'istio-system';
    const pod = opts.pod ?? gw;
    const url = `http://127.0.0.1:3000/api/proxies/${encodeURIComponent(ns)}/${encodeURIComponent(pod)}/admin${adminPath}`;
    // POSTs carry what the console's own page sends (the CSRF gate is tested separately).
    const csrf: Record<string, string> = method === 'POST' ? { 'x-gatescope-csrf': '1', origin: 'http://127.0.0.1:3000' } : {};
    const req = new Request(url, { method, headers: { ...csrf, ...opts.headers } });
    const segments = opts.segments ?? adminPath.split('?')[0]!.split('/').filter(Boolean);
    return answerAdminRoute(req, { namespace: ns, pod, path: segments }, admin);
  };

  beforeAll(async () => {
    sb = await startSandbox({ apiPort: 0, traffic: 0, portOffset: await findFreePortOffset(), dataPlane: false, imageResolver: resolver });
    kc = new KubeConfig();
    kc.loadFromFile(sb.kubeconfigPath);
    admin = new EnvoyAdmin(kc, { audit: (l) => auditLines.push(l) });
    const running = (prefix: string) =>
      until(() => {
        const p = sb.store.list('core/pods', 'istio-system').items.find((x) => x.metadata.name.startsWith(prefix) && (x['status'] as { phase?: string } | undefined)?.phase === 'Running');
        return p?.metadata.name;
      }, `${prefix} pod running`);
    gw = await running('istio-ingressgateway-');
    istiod = await running('istiod-');
  });
  afterAll(async () => {
    admin?.close();
    await sb?.close();
  });

  it('serves an allowed GET, and never forwards the browser headers', async () => {
    const before = portForwards();
    const res = await call('GET', '/config_dump', {
      headers: {
        Cookie: 'session=secret',
        Authorization: 'Bearer user-token',
        'Proxy-Authorization': 'Basic eA==',
        'Impersonate-User': 'system:admin',
        'Impersonate-Group': 'system:masters',
        'X-Remote-User': 'admin',
        Connection: 'X-Secret-Hop',
        'X-Secret-Hop': '1',
        Origin: 'https://evil.example',
      },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.json()).toMatchObject({ configs: [{ bootstrap: { node: { id: `router~${gw}` } } }] });
    expect(portForwards()).toBe(before + 1);
    const up = seen.at(-1)!;
    expect(up).toMatchObject({ pod: gw, method: 'GET', url: '/config_dump' });
    expect(Object.keys(up.headers).sort()).toEqual(['accept', 'connection', 'host', 'user-agent']);
    expect(up.headers['user-agent']).toBe('gatescope');
  });

  it('passes allowed query keys, Envoy status codes, and reduces content types to JSON or text', async () => {
    const r1 = await call('GET', '/config_dump?resource=dynamic_active_clusters&include_eds');
    expect(r1.status).toBe(200);
    expect(seen.at(-1)!.url).toBe('/config_dump?resource=dynamic_active_clusters&include_eds=');
    const ready = await call('GET', '/ready');
    expect(ready.status).toBe(503);
    expect(await ready.text()).toBe('PRE_INITIALIZING\n');
    const html = await call('GET', '/server_info');
    expect(html.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(html.headers.get('content-security-policy')).toContain('sandbox');
  });

  it('test 9: every listed attack is refused with 403 before any port-forward opens, and the proxy sees nothing', async () => {
    const pf = portForwards();
    const adminCalls = seen.length;
    const attacks: Array<[string, string, string[]?]> = [
      ['POST', '/quitquitquit'],
      ['GET', '/quitquitquit'],
      ['POST', '/runtime_modify?x=1'],
      ['GET', '/runtime_modify?x=1'],
      ['GET', '/logging?level=trace'],
      ['POST', '/healthcheck/fail'],
      ['GET', '/healthcheck/fail'],
      ['POST', '/drain_listeners'],
      ['POST', '/drain_listeners?inboundonly&graceful'],
      ['GET', '/heap_dump'],
      ['GET', '/stats?format=active-html'],
      // URL parsing already resolves these to /quitquitquit; the raw forms are covered in allow-list.test.ts.
      ['GET', '/config_dump/../quitquitquit'],
      ['GET', '/config_dump/%2e%2e/quitquitquit'],
      ['GET', '/%2fquitquitquit'],
      ['GET', '/%2Fquitquitquit'],
      ['GET', '/config_dump%2f..%2fquitquitquit'],
      ['GET', '//quitquitquit'],
      ['GET', '/config_dump?resource=dynamic_active_clusters&evil=1'],
      ['GET', '/server_info?x=1'],
      ['GET', '/stats?format=json&format=prometheus'],
      ['POST', '/logging?level=debug&router=trace'],
      ['POST', '/config_dump'],
      ['PUT', '/config_dump'],
      ['DELETE', '/config_dump'],
      // The catch-all segments alone (when the raw URL is not available) are checked just the same.
      ['GET', '/x', ['', 'quitquitquit']],
    ];
    for (const [method, path, segments] of attacks) {
      const res = segments
        ? await answerAdminRoute(new Request('http://127.0.0.1:3000/elsewhere', { method }), { namespace: 'istio-system', pod: gw, path: segments }, admin)
        : await call(method, path);
      expect(res.status, `${method} ${path}`).toBe(403);
      const body = (await res.json()) as { error: string; refused: boolean };
      expect(body.refused, `${method} ${path}`).toBe(true);
      expect(body.error.length).toBeGreaterThan(10);
    }
    expect(portForwards()).toBe(pf);
    expect(seen.length).toBe(adminCalls);
    expect(auditLines).toEqual([]);
  });

  it('test 10: names that are not Kubernetes names answer 400 before any call to the API server', async () => {
    const apiCalls = sb.server.auditLog.length;
    const bad: Array<[string, string]> = [
      ['istio-system', '..'],
      ['..', gw],
      ['istio-system', '%2e%2e'],
      ['%2e%2e', gw],
      ['istio-system', `https:${gw}`],
      ['istio-system', 'https://169.254.169.254'],
      ['istio-system', `${gw}:15000`],
      ['istio-system', `http:${gw}:15000`],
      ['istio-system', gw.toUpperCase()],
      ['ISTIO-SYSTEM', gw],
      ['istio-system', 'a'.repeat(300)],
      ['n'.repeat(64), gw],
      ['istio-system', `${gw}\r\nHost: evil`],
      ['istio-system\r\n', gw],
      ['istio-system', `${gw}/../../secrets`],
      ['istio-system', ''],
    ];
    for (const [namespace, pod] of bad) {
      const res = await call('GET', '/config_dump', { namespace, pod });
      expect(res.status, JSON.stringify([namespace, pod])).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(/^invalid (namespace|pod name) /);
    }
    expect(sb.server.auditLog.length).toBe(apiCalls);
  });

  it('caps the size of an allowed GET (config_dump: 32 MiB)', async () => {
    const res = await call('GET', '/config_dump?resource=huge_for_test');
    expect(res.status).toBe(502);
    expect(((await res.json()) as { error: string }).error).toBe(`the answer of istio-system/${gw} port 15000 /config_dump is over the 32 MiB limit`);
  });

  it('reads log levels with a parameterless POST, and changes one with POST /logging (audited)', async () => {
    const read = await call('GET', '/logging');
    expect(read.status).toBe(200);
    expect(read.headers.get('x-gatescope-upstream')).toBe('POST /logging');
    expect(seen.at(-1)).toMatchObject({ method: 'POST', url: '/logging' });
    const change = await call('POST', '/logging?level=debug');
    expect(change.status).toBe(200);
    expect(await change.text()).toContain('admin: debug');
    expect(seen.at(-1)).toMatchObject({ method: 'POST', url: '/logging?level=debug' });
    expect(auditLines).toHaveLength(1);
    expect(auditLines[0]).toMatch(new RegExp(`^envoy admin: POST /logging\\?level=debug on istio-system/${gw} as gatescope-sandbox-admin`));
  });

  it('POST passes the CSRF gate and --read-only before anything else', async () => {
    const pf = portForwards();
    const adminCalls = seen.length;
    const url = `http://127.0.0.1:3000/api/proxies/istio-system/${gw}/admin/logging?level=debug`;
    const params = { namespace: 'istio-system', pod: gw, path: ['logging'] };
    const noHeader = await answerAdminRoute(new Request(url, { method: 'POST' }), params, admin);
    expect(noHeader.status).toBe(403);
    expect(await noHeader.json()).toMatchObject({ reason: 'CSRF' });
    const crossSite = await answerAdminRoute(new Request(url, { method: 'POST', headers: { 'x-gatescope-csrf': '1', origin: 'https://evil.example' } }), params, admin);
    expect(crossSite.status).toBe(403);
    const readOnly = await answerAdminRoute(new Request(url, { method: 'POST', headers: { 'x-gatescope-csrf': '1', origin: 'http://127.0.0.1:3000' } }), params, admin, { readOnly: true });
    expect(readOnly.status).toBe(403);
    expect(await readOnly.json()).toMatchObject({ reason: 'ReadOnly' });
    expect(portForwards()).toBe(pf);
    expect(seen.length).toBe(adminCalls);
  });

  it('the Next route handler uses the runtime\'s EnvoyAdmin and its --read-only flag', async () => {
    const runtime = { mode: 'sandbox' as const, kubeConfig: kc, context: sb.contextName, server: sb.apiUrl, startedAt: new Date(), services: { envoy: admin } as Record<string, unknown>, readOnly: true };
    setRuntime(runtime);
    try {
      const base = `http://127.0.0.1:3000/api/proxies/istio-system/${gw}/admin`;
      const ctx = (path: string[]) => ({ params: Promise.resolve({ namespace: 'istio-system', pod: gw, path }) });
      const get = await adminRoute.GET(new Request(`${base}/server_info`), ctx(['server_info']));
      expect(get.status).toBe(200);
      const refused = await adminRoute.GET(new Request(`${base}/quitquitquit`), ctx(['quitquitquit']));
      expect(refused.status).toBe(403);
      const post = await adminRoute.POST(new Request(`${base}/logging?level=info`, { method: 'POST', headers: { 'x-gatescope-csrf': '1', origin: 'http://127.0.0.1:3000' } }), ctx(['logging']));
      expect(post.status).toBe(403);
      expect(await post.json()).toMatchObject({ reason: 'ReadOnly' });
    } finally {
      setRuntime(undefined);
    }
  });

  it('says in words when the pod has no admin listener or does not exist', async () => {
    const refused = await call('GET', '/server_info', { pod: istiod });
    expect(refused.status).toBe(502);
    expect(await refused.json()).toEqual({ error: `cannot reach istio-system/${istiod} port 15000: connection refused` });
    const missing = await call('GET', '/server_info', { pod: 'istio-ingressgateway-gone' });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: string }).error).toMatch(/^cannot reach istio-system\/istio-ingressgateway-gone port 15000: pod not found/);
  });
});
