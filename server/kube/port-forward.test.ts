import { createServer, type IncomingHttpHeaders } from 'node:http';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerImpl, ImageResolver } from '../sandbox/kubelet/container';
import { startSandbox, type RunningSandbox } from '../sandbox/start';
import { until } from '../sandbox/test-support/kubectl';
import { ForwardPool, forwardGet, forwardPost, PortForwardError } from './port-forward';

/** Closes the test listener's idle keep-alive connections (as a server's idle timeout would). */
let closeIdle: () => void = () => {};
/** What the test listener on the pod's loopback :15000 saw. */
const seen: Array<{ method: string; url: string; headers: IncomingHttpHeaders }> = [];

/** A test image: an HTTP server bound only on the pod's loopback :15000 (reachable by port-forward only). */
const loopbackImage: ContainerImpl = {
  async start(ctx) {
    const server = createServer((req, res) => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
      const url = new URL(req.url ?? '/', 'http://x');
      req.resume();
      if (url.pathname === '/hello') {
        res.setHeader('content-type', 'text/plain');
        res.end(`hello from ${ctx.pod.metadata.name} (${req.method})`);
      } else if (url.pathname === '/chunked') {
        // No content-length: chunked transfer, as Envoy sends large dumps.
        const n = Number(url.searchParams.get('kib') ?? '1');
        let i = 0;
        const more = () => {
          while (i < n) {
            i++;
            if (!res.write(Buffer.alloc(1024, 'x'))) return res.once('drain', more);
          }
          res.end();
        };
        more();
      } else if (url.pathname === '/sized') {
        const body = Buffer.alloc(Number(url.searchParams.get('bytes') ?? '0'), 'y');
        res.setHeader('content-length', body.length);
        res.end(body);
      } else if (url.pathname === '/hang') {
        // never answers
      } else {
        res.statusCode = 404;
        res.end('no such path');
      }
    });
    closeIdle = () => server.closeIdleConnections();
    await ctx.listen(server, 15000, 'loopback');
    return {
      stop: async () => {
        server.closeAllConnections();
        await new Promise<void>((r) => server.close(() => r()));
      },
    };
  },
};
const resolver: ImageResolver = (c) => (c.image === 'test/loopback' ? loopbackImage : undefined);

describe('forwardGet / forwardPost through pods/portforward', () => {
  let sb: RunningSandbox;
  let kc: KubeConfig;
  const portForwards = () => sb.server.auditLog.filter((e) => e.path.includes('/portforward')).length;

  beforeAll(async () => {
    sb = await startSandbox({ apiPort: 0, traffic: 0, dataPlane: false, scenario: false, imageResolver: resolver });
    kc = new KubeConfig();
    kc.loadFromFile(sb.kubeconfigPath);
    sb.store.create('core/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'admin-pod', namespace: 'default' },
      spec: { containers: [{ name: 'proxy', image: 'test/loopback' }] },
    });
    await until(() => (sb.store.get('core/pods', 'default', 'admin-pod')?.['status'] as { phase?: string } | undefined)?.phase === 'Running', 'pod running');
  });
  afterAll(async () => {
    await sb?.close();
  });

  it('reaches a listener on the pod loopback and sends only its own headers', async () => {
    const before = portForwards();
    const res = await forwardGet(kc, { namespace: 'default', pod: 'admin-pod', port: 15000, path: '/hello', query: { a: '1' } });
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('hello from admin-pod (GET)');
    expect(res.headers['content-type']).toBe('text/plain');
    expect(portForwards()).toBe(before + 1);
    const req = seen.at(-1)!;
    expect(req.url).toBe('/hello?a=1');
    expect(Object.keys(req.headers).sort()).toEqual(['accept', 'connection', 'host', 'user-agent']);
  });

  it('POSTs with an empty body', async () => {
    const res = await forwardPost(kc, { namespace: 'default', pod: 'admin-pod', port: 15000, path: '/hello' });
    expect(res.body.toString()).toBe('hello from admin-pod (POST)');
    expect(seen.at(-1)!.headers['content-length']).toBe('0');
  });

  it('reads chunked bodies, and caps the size whether declared or streamed', async () => {
    const ok = await forwardGet(kc, { namespace: 'default', pod: 'admin-pod', port: 15000, path: '/chunked', query: { kib: '2048' }, maxBytes: 4 * 1024 * 1024 });
    expect(ok.body.length).toBe(2048 * 1024);
    await expect(forwardGet(kc, { namespace: 'default', pod: 'admin-pod', port: 15000, path: '/chunked', query: { kib: '600' }, maxBytes: 512 * 1024 })).rejects.toMatchObject({
      kind: 'too-large',
      message: 'the answer of default/admin-pod port 15000 /chunked is over the 512 KiB limit',
    });
    await expect(forwardGet(kc, { namespace: 'default', pod: 'admin-pod', port: 15000, path: '/sized', query: { bytes: '5000' }, maxBytes: 4096 })).rejects.toMatchObject({
      kind: 'too-large',
      message: 'the answer of default/admin-pod port 15000 /sized is 5000 bytes, over the 4 KiB limit',
    });
  });

  it('says in words when nothing listens, the pod does not exist, or the identity is refused', async () => {
    const refused = await forwardGet(kc, { namespace: 'default', pod: 'admin-pod', port: 15001, path: '/' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PortForwardError);
    expect((refused as PortForwardError).message).toBe('cannot reach default/admin-pod port 15001: connection refused');
    expect((refused as PortForwardError).httpStatus).toBe(502);

    const missing = (await forwardGet(kc, { namespace: 'default', pod: 'no-such-pod', port: 15000, path: '/' }).catch((e: unknown) => e)) as PortForwardError;
    expect(missing.kind).toBe('not-found');
    expect(missing.message).toMatch(/^cannot reach default\/no-such-pod port 15000: pod not found \(pods "no-such-pod" not found\)$/);

    const stranger = new KubeConfig();
    stranger.loadFromString(JSON.stringify({
      clusters: [{ name: 'c', cluster: { server: sb.apiUrl, 'certificate-authority-data': Buffer.from(sb.caPem).toString('base64') } }],
      users: [{ name: 'u', user: { token: 'not-a-valid-token' } }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'x',
    }));
    const denied = (await forwardGet(stranger, { namespace: 'default', pod: 'admin-pod', port: 15000, path: '/hello' }).catch((e: unknown) => e)) as PortForwardError;
    expect(denied.kind).toBe('forbidden');
    expect(denied.message).toMatch(/^cannot reach default\/admin-pod port 15000: the API server refused the port-forward \(HTTP 401/);
  });

  it('gives up after timeoutMs when the pod never answers', async () => {
    const t0 = Date.now();
    const err = (await forwardGet(kc, { namespace: 'default', pod: 'admin-pod', port: 15000, path: '/hang', timeoutMs: 400 }).catch((e: unknown) => e)) as PortForwardError;
    expect(err.kind).toBe('timeout');
    expect(err.message).toBe('cannot reach default/admin-pod port 15000: no complete answer to /hang within 400 ms');
    expect(Date.now() - t0).toBeLessThan(3000);
  });

  it('refuses bad names, ports and paths before any port-forward opens', async () => {
    const before = sb.server.auditLog.length;
    const cases: Array<[string, string, number, string]> = [
      ['default', '..', 15000, '/'],
      ['default', '%2e%2e', 15000, '/'],
      ['default', 'https:admin-pod', 15000, '/'],
      ['default', 'admin-pod:15000', 15000, '/'],
      ['Default', 'admin-pod', 15000, '/'],
      ['default', 'a'.repeat(300), 15000, '/'],
      ['default', 'admin-pod\r\nX: y', 15000, '/'],
      ['default', 'admin-pod', 0, '/'],
      ['default', 'admin-pod', 70000, '/'],
      ['default', 'admin-pod', 15000, 'hello'],
      ['default', 'admin-pod', 15000, '/hello?x=1'],
      ['default', 'admin-pod', 15000, '/a b'],
      ['default', 'admin-pod', 15000, '/a\r\nHost: evil'],
    ];
    for (const [namespace, pod, port, path] of cases) {
      const err = (await forwardGet(kc, { namespace, pod, port, path }).catch((e: unknown) => e)) as PortForwardError;
      expect(err.kind, JSON.stringify([namespace, pod, port, path])).toBe('invalid');
      expect(err.httpStatus).toBe(400);
    }
    expect(sb.server.auditLog.length).toBe(before);
  });

  it('a pool reuses one port-forward for sequential requests and recovers when the pod closes it', async () => {
    const pool = new ForwardPool(kc, { idleMs: 5000 });
    try {
      const before = portForwards();
      for (let i = 0; i < 5; i++) {
        const res = await forwardGet(kc, { namespace: 'default', pod: 'admin-pod', port: 15000, path: '/hello', pool });
        expect(res.body.toString()).toBe('hello from admin-pod (GET)');
      }
      expect(pool.opened).toBe(1);
      expect(portForwards()).toBe(before + 1);
      expect(pool.socketCount).toBe(1);
      // The pod side closes the idle connection: the next GET still answers (on a fresh forward).
      closeIdle();
      const again = await forwardGet(kc, { namespace: 'default', pod: 'admin-pod', port: 15000, path: '/hello', pool });
      expect(again.status).toBe(200);
      expect(pool.opened).toBe(2);
    } finally {
      pool.close();
    }
  });
});
