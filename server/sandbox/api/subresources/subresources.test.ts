import { KubeConfig, PortForward } from '@kubernetes/client-node';
import { spawn } from 'node:child_process';
import { createServer as createHttpServer } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerContext, ContainerImpl, ImageResolver } from '../../kubelet/container';
import { startSandbox, type RunningSandbox } from '../../start';
import { hasKubectl, KUBECTL, kubectl, until } from '../../test-support/kubectl';

/** Per pod/container, the log function of the running test container (to write lines on demand). */
const logs = new Map<string, ContainerContext['log']>();

/** A test image: logs three lines, serves `pod:<name>` + request headers on podIP:8080 and `admin:<name>` on its loopback :15000. */
const testImage: ContainerImpl = {
  async start(ctx) {
    logs.set(`${ctx.pod.metadata.name}/${ctx.containerName}`, (l) => ctx.log(l));
    for (let i = 1; i <= 3; i++) ctx.log(`${ctx.containerName} line ${i}`);
    if (ctx.containerName === 'app') {
      const pod = createHttpServer((req, res) => {
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ who: `pod:${ctx.pod.metadata.name}`, path: req.url, headers: req.headers }));
      });
      const admin = createHttpServer((_req, res) => res.end(`admin:${ctx.pod.metadata.name}`));
      await ctx.listen(pod, 8080, 'pod');
      await ctx.listen(admin, 15000, 'loopback');
    }
    return { stop: async () => {} };
  },
};
const resolver: ImageResolver = (c) => (c.image.startsWith('test/') ? testImage : undefined);

function podManifest(name: string, containers: string[]) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app: name } },
    spec: { containers: containers.map((c) => ({ name: c, image: 'test/logger', ports: c === 'app' ? [{ containerPort: 8080, name: 'http' }] : [] })) },
  };
}

describe('pods/log, pods/portforward, pods/proxy and services/proxy', () => {
  let sb: RunningSandbox;
  let kc: KubeConfig;
  const k = (...args: string[]) => kubectl(sb.kubeconfigPath, args);

  /** A raw GET against the API server (status, body), as the sandbox admin unless `auth` is false. */
  const get = (path: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const u = new URL(path, sb.apiUrl);
      const req = httpsRequest(
        { host: u.hostname, port: u.port, path: u.pathname + u.search, ca: sb.caPem, headers: { Authorization: `Bearer ${sb.token}`, ...headers } },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end();
    });

  /** A follow through the raw API: collects text until the stream ends. */
  const follow = (path: string) => {
    const state = { text: '', ended: false };
    const u = new URL(path, sb.apiUrl);
    const req = httpsRequest({ host: u.hostname, port: u.port, path: u.pathname + u.search, ca: sb.caPem, headers: { Authorization: `Bearer ${sb.token}` } }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (c: string) => (state.text += c));
      res.on('end', () => (state.ended = true));
    });
    req.end();
    return { state, abort: () => req.destroy() };
  };

  const runningPod = (name: string) =>
    until(() => {
      const p = sb.store.get('core/pods', 'default', name);
      const st = p?.['status'] as { phase?: string; podIP?: string } | undefined;
      return st?.phase === 'Running' && st.podIP ? p : undefined;
    }, `pod ${name} running`);

  beforeAll(async () => {
    sb = await startSandbox({ dataPlane: false, scenario: false, imageResolver: resolver });
    kc = new KubeConfig();
    kc.loadFromFile(sb.kubeconfigPath);
    for (const [name, cs] of [['solo', ['app']], ['duo', ['app', 'sidecar']]] as const) {
      const r = await kubectl(sb.kubeconfigPath, ['apply', '-f', '-'], { input: JSON.stringify(podManifest(name, [...cs])) });
      if (r.code !== 0) throw new Error(r.stderr);
    }
    sb.store.create('core/services', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'solo', namespace: 'default' },
      spec: { selector: { app: 'solo' }, ports: [{ name: 'web', port: 80, targetPort: 'http', protocol: 'TCP' }] },
    });
    await runningPod('solo');
    await runningPod('duo');
  });
  afterAll(async () => {
    await sb?.close();
  });

  describe.skipIf(!hasKubectl)('kubectl logs', () => {
    it('prints the container log', async () => {
      const r = await k('logs', 'solo');
      expect(r.stdout).toBe('app line 1\napp line 2\napp line 3\n');
    });

    it('--timestamps prefixes RFC3339Nano timestamps, --tail keeps the last lines, --since filters by age', async () => {
      const ts = await k('logs', 'solo', '--timestamps');
      const lines = ts.stdout.trim().split('\n');
      expect(lines).toHaveLength(3);
      for (const l of lines) expect(l).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z app line \d$/);
      expect((await k('logs', 'solo', '--tail=1')).stdout).toBe('app line 3\n');
      expect((await k('logs', 'solo', '--since=1h')).stdout).toBe('app line 1\napp line 2\napp line 3\n');
      const second = lines[1]!.split(' ')[0]!;
      const since = await get(`/api/v1/namespaces/default/pods/solo/log?sinceTime=${encodeURIComponent(second)}`);
      expect(since.body).toBe('app line 2\napp line 3\n');
    });

    it('-f receives a new line, and ends when the container stops', async () => {
      const child = spawn(KUBECTL, ['--kubeconfig', sb.kubeconfigPath, 'logs', '-f', 'duo', '-c', 'sidecar']);
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      try {
        await until(() => out.includes('sidecar line 3\n'), 'the first lines');
        logs.get('duo/sidecar')!('a new line');
        await until(() => out.endsWith('a new line\n'), 'the new line');
        await sb.kubelet.restartContainer('default', 'duo', 'sidecar');
        expect(await exited).toBe(0);
      } finally {
        child.kill();
      }
    });
  });

  describe('pods/log through the API', () => {
    it('a multi-container pod without container= answers 400 naming the containers', async () => {
      const r = await get('/api/v1/namespaces/default/pods/duo/log');
      expect(r.status).toBe(400);
      expect(JSON.parse(r.body)).toMatchObject({ kind: 'Status', code: 400, reason: 'BadRequest', message: 'a container name must be specified for pod duo, choose one of: [app sidecar]' });
    });

    it('previous=true returns the log of the instance before a restart; the restart shows in the pod status', async () => {
      const before = sb.store.get('core/pods', 'default', 'duo')!;
      const idOf = (p: typeof before) => ((p['status'] as { containerStatuses: Array<{ name: string; containerID: string; restartCount: number }> }).containerStatuses.find((c) => c.name === 'app')!);
      const old = idOf(before);
      logs.get('duo/app')!('last words');
      await sb.kubelet.restartContainer('default', 'duo', 'app');
      const after = await until(() => {
        const p = sb.store.get('core/pods', 'default', 'duo')!;
        return idOf(p).restartCount === old.restartCount + 1 ? p : undefined;
      }, 'restart in status');
      expect(idOf(after).containerID).not.toBe(old.containerID);
      const prev = await get('/api/v1/namespaces/default/pods/duo/log?container=app&previous=true');
      expect(prev.body).toBe('app line 1\napp line 2\napp line 3\nlast words\n');
      const cur = await get('/api/v1/namespaces/default/pods/duo/log?container=app');
      expect(cur.body).toBe('app line 1\napp line 2\napp line 3\n');
      const none = await get('/api/v1/namespaces/default/pods/solo/log?previous=true');
      expect(JSON.parse(none.body).message).toBe('previous terminated container "app" in pod "solo" not found');
    });

    it('limitBytes cuts the output; sinceSeconds with sinceTime is invalid', async () => {
      expect((await get('/api/v1/namespaces/default/pods/solo/log?limitBytes=5')).body).toBe('app l');
      const bad = await get('/api/v1/namespaces/default/pods/solo/log?sinceSeconds=5&sinceTime=2026-01-01T00:00:00Z');
      expect(bad.status).toBe(422);
    });

    it('a follow continues across a log rotation, and ends once when cut', async () => {
      const f = follow('/api/v1/namespaces/default/pods/solo/log?follow=true&tailLines=1');
      await until(() => f.state.text === 'app line 3\n', 'the follow to start');
      logs.get('solo/app')!('before rotation');
      await until(() => f.state.text === 'app line 3\nbefore rotation\n', 'first followed line');
      sb.kubelet.rotateLog('default', 'solo');
      logs.get('solo/app')!('after rotation');
      await until(() => f.state.text === 'app line 3\nbefore rotation\nafter rotation\n', 'line after rotation');
      expect((await get('/api/v1/namespaces/default/pods/solo/log')).body).toBe('after rotation\n');
      expect(sb.kubelet.cutLogFollows('default', 'solo')).toBe(1);
      await until(() => f.state.ended, 'the cut follow to end');
    });
  });

  describe('port-forward versus proxy', () => {
    it('client-node PortForward reaches a listener on the pod loopback', async () => {
      const pf = new PortForward(kc);
      const output = new PassThrough();
      const errors = new PassThrough();
      const input = new PassThrough();
      let got = '';
      output.on('data', (d: Buffer) => (got += d.toString('utf8')));
      const ws = await pf.portForward('default', 'solo', [15000], output, errors, input);
      try {
        input.write('GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
        await until(() => got.includes('admin:solo'), 'the admin answer');
        expect(got).toMatch(/^HTTP\/1\.1 200 OK/);
      } finally {
        (ws as { close(): void }).close();
      }
    });

    it('PortForward to a port nothing listens on reports the error on the error channel', async () => {
      const pf = new PortForward(kc);
      const errors = new PassThrough();
      let err = '';
      errors.on('data', (d: Buffer) => (err += d.toString('utf8')));
      const ws = await pf.portForward('default', 'solo', [15001], new PassThrough(), errors, new PassThrough());
      try {
        await until(() => err.includes('connection refused'), 'the refusal');
        expect(err).toContain('error forwarding port 15001');
      } finally {
        (ws as { close(): void }).close();
      }
    });

    it('pods/proxy cannot reach the loopback listener, as on a cluster', async () => {
      const r = await get('/api/v1/namespaces/default/pods/solo:15000/proxy/');
      expect(r.status).toBe(503);
      expect(JSON.parse(r.body)).toMatchObject({ kind: 'Status', reason: 'ServiceUnavailable' });
      expect(JSON.parse(r.body).message).toMatch(/^error trying to reach service: dial tcp 127\.\d+\.\d+\.\d+:15000: connect: connection refused$/);
    });

    it('pods/proxy reaches a pod-scope listener, without Authorization, Cookie or Impersonate headers', async () => {
      const r = await get('/api/v1/namespaces/default/pods/solo:8080/proxy/some/path?x=1', { Cookie: 'session=secret', 'Impersonate-User': 'sandbox-admin', 'Impersonate-Group': 'system:masters', 'X-Custom': 'kept' });
      expect(r.status).toBe(200);
      const body = JSON.parse(r.body) as { who: string; path: string; headers: Record<string, string> };
      expect(body.who).toBe('pod:solo');
      expect(body.path).toBe('/some/path?x=1');
      expect(body.headers['authorization']).toBeUndefined();
      expect(body.headers['cookie']).toBeUndefined();
      // The API server acts on Impersonate-* (as the impersonated user) and never passes them on.
      expect(body.headers['impersonate-user']).toBeUndefined();
      expect(body.headers['impersonate-group']).toBeUndefined();
      expect(body.headers['x-custom']).toBe('kept');
      const named = await get('/api/v1/namespaces/default/pods/solo:http/proxy/');
      expect(JSON.parse(named.body).who).toBe('pod:solo');
    });

    it('services/proxy reaches a ready endpoint by port name and by port number', async () => {
      await until(() => (sb.store.get('core/endpoints', 'default', 'solo')?.['subsets'] as unknown[] | undefined)?.length, 'endpoints');
      for (const ref of ['solo:web', 'solo:80', 'solo']) {
        const r = await get(`/api/v1/namespaces/default/services/${ref}/proxy/`);
        if (ref === 'solo') {
          // The only port is named, so an empty port name matches nothing (as kube-apiserver).
          expect(r.status).toBe(503);
          continue;
        }
        expect(r.status, ref).toBe(200);
        expect(JSON.parse(r.body).who).toBe('pod:solo');
      }
    });

    it('an un-ready fault moves the pod to notReadyAddresses', async () => {
      sb.kubelet.setContainerUnready('default', 'solo', 'app');
      try {
        await until(() => {
          const ss = sb.store.get('core/endpoints', 'default', 'solo')?.['subsets'] as Array<{ addresses?: unknown[]; notReadyAddresses?: unknown[] }> | undefined;
          return ss?.[0]?.notReadyAddresses?.length === 1 && !ss[0].addresses;
        }, 'not-ready address');
      } finally {
        sb.kubelet.setContainerUnready('default', 'solo', 'app', false);
      }
      await until(() => (sb.store.get('core/endpoints', 'default', 'solo')?.['subsets'] as Array<{ addresses?: unknown[] }> | undefined)?.[0]?.addresses?.length === 1, 'ready again');
    });
  });
});
