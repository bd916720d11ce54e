/**
 * The real kubectl's `port-forward` against a sandbox API server whose pods/portforward hook
 * routes SPDY requests to createSpdyPortForwardHandler: the WebSocket-tunnelled SPDY of
 * kubectl ≥ 1.31, and the legacy `Upgrade: SPDY/3.1` (KUBECTL_PORT_FORWARD_WEBSOCKETS=false).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearerTokens, createApiServer } from '../api/server';
import { createSubresourceHooks } from '../api/subresources';
import { generateCa, issueServerCert } from '../api/tls';
import type { SandboxApiServer } from '../api/types';
import type { ContainerImpl, ImageResolver } from '../kubelet/container';
import { kubeconfigFor, startSandbox, type RunningSandbox } from '../start';
import { hasKubectl, KUBECTL, until } from '../test-support/kubectl';
import { createSpdyPortForwardHandler, isSpdyPortForward } from './port-forward';

const BIG = 'x'.repeat(300 * 1024);

/** A container with an admin-like HTTP server on its loopback :15000. */
const adminContainer: ContainerImpl = {
  async start(ctx) {
    const server: Server = createServer((req, res) => {
      const body = req.url === '/big' ? BIG : `admin:${ctx.pod.metadata.name} ${req.url}`;
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
    await ctx.listen(server, 15000, 'loopback');
    return { stop: async () => void server.close() };
  },
};
const resolver: ImageResolver = (c) => (c.image === 'test/admin' ? adminContainer : undefined);

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.end();
  });
}

interface Forwarder {
  child: ChildProcess;
  localPort: number;
  stderr: () => string;
}

async function portForward(kubeconfig: string, remote: number, env: Record<string, string> = {}): Promise<Forwarder> {
  const child = spawn(KUBECTL, ['--kubeconfig', kubeconfig, 'port-forward', '-n', 'default', 'pod/solo', `:${remote}`, '--address', '127.0.0.1'], { env: { ...process.env, ...env } });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const localPort = await until(() => {
    if (child.exitCode !== null) throw new Error(`kubectl exited ${child.exitCode}: ${err}`);
    const m = /Forwarding from 127\.0\.0\.1:(\d+) -> \d+/.exec(out);
    return m ? Number(m[1]) : undefined;
  }, 'kubectl port-forward to listen', 15_000);
  return { child, localPort, stderr: () => err };
}

describe.skipIf(!hasKubectl)('kubectl port-forward over SPDY', () => {
  let sb: RunningSandbox;
  let server: SandboxApiServer;
  let dir: string;
  let kubeconfig: string;
  const children: ChildProcess[] = [];
  /** How each port-forward request arrived (Upgrade header of the request). */
  const upgrades: string[] = [];

  beforeAll(async () => {
    sb = await startSandbox({ dataPlane: false, scenario: false, imageResolver: resolver });
    sb.store.create('core/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'solo', namespace: 'default' }, spec: { containers: [{ name: 'app', image: 'test/admin' }] } });
    await until(() => (sb.store.get('core/pods', 'default', 'solo')?.['status'] as { phase?: string } | undefined)?.phase === 'Running' && sb.kubelet.loopbackPort('default', 'solo', 15000), 'the pod to run');
    const ca = await generateCa();
    const cert = await issueServerCert(ca, ['127.0.0.1']);
    const token = randomBytes(16).toString('hex');
    const base = createSubresourceHooks(sb.store, sb.kubelet);
    const spdy = createSpdyPortForwardHandler(sb.store, sb.kubelet);
    server = createApiServer({
      store: sb.store,
      tls: { key: cert.keyPem, cert: cert.certPem },
      authenticate: bearerTokens({ [token]: { user: 'admin', groups: ['system:masters', 'system:authenticated'] } }),
      subresources: {
        ...base,
        'pods/portforward': (req, socket, head, ctx) => {
          upgrades.push(`${ctx.protocol} ${String(req.headers['sec-websocket-protocol'] ?? req.headers['x-stream-protocol-version'] ?? '')}`);
          return isSpdyPortForward(req, ctx) ? spdy(req, socket, head, ctx) : base['pods/portforward']!(req, socket, head, ctx);
        },
      },
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    dir = mkdtempSync(join(tmpdir(), 'spdy-pf-'));
    kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, kubeconfigFor(`https://127.0.0.1:${(server.address() as AddressInfo).port}`, ca.certPem, token));
  }, 30_000);

  afterAll(async () => {
    for (const c of children) c.kill('SIGTERM');
    await server?.shutdown();
    await sb?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const [name, env, upgrade] of [
    ['WebSocket-tunnelled SPDY (kubectl default)', {}, 'websocket SPDY/3.1+portforward.k8s.io'],
    ['legacy SPDY upgrade', { KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' }, 'spdy portforward.k8s.io'],
  ] as const) {
    it(`${name}: forwards to the pod loopback, large bodies and parallel connections included`, async () => {
      upgrades.length = 0;
      const f = await portForward(kubeconfig, 15000, env);
      children.push(f.child);
      try {
        expect(await get(f.localPort, '/config_dump')).toEqual({ status: 200, body: 'admin:solo /config_dump' });
        const big = await get(f.localPort, '/big');
        expect(big.body.length).toBe(BIG.length);
        const many = await Promise.all(Array.from({ length: 8 }, (_, i) => get(f.localPort, `/p${i}`)));
        expect(many.map((r) => r.body)).toEqual(Array.from({ length: 8 }, (_, i) => `admin:solo /p${i}`));
        for (let i = 0; i < 5; i++) expect((await get(f.localPort, `/s${i}`)).body).toBe(`admin:solo /s${i}`);
        expect(upgrades).toEqual([upgrade]);
      } finally {
        f.child.kill('SIGTERM');
      }
    }, 40_000);
  }

  it("is what the sandbox's own API server answers kubectl port-forward with", async () => {
    const f = await portForward(sb.kubeconfigPath, 15000);
    children.push(f.child);
    try {
      expect(await get(f.localPort, '/ready')).toEqual({ status: 200, body: 'admin:solo /ready' });
    } finally {
      f.child.kill('SIGTERM');
    }
  }, 30_000);

  it('reports a port nothing listens on the way the kubelet does', async () => {
    const f = await portForward(kubeconfig, 15001);
    children.push(f.child);
    try {
      await expect(get(f.localPort, '/')).rejects.toThrow();
      await until(() => /error forwarding port 15001 to pod solo.*connection refused/.test(f.stderr()), 'the error on kubectl stderr');
    } finally {
      f.child.kill('SIGTERM');
    }
  }, 30_000);
});
