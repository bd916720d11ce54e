/**
 * `gatescope proxy-status` and `gatescope proxy-config` against a sandbox (its istiod stand-in
 * and gateway proxies, through port-forwards), and `proxy-config --file` against istioctl's
 * goldens.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startMeshSandbox, type MeshSandbox } from '../envoy/test-support/mesh-sandbox';
import { until } from '../sandbox/test-support/kubectl';
import { run as proxyConfig } from './proxy-config';
import { run as proxyStatus } from './proxy-status';

const fixtures = fileURLToPath(new URL('../../lib/envoy/fixtures/', import.meta.url));

async function capture(fn: () => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const w = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  });
  const l = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void (out += `${a.join(' ')}\n`));
  const e = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void (err += `${a.join(' ')}\n`));
  try {
    return { code: await fn(), out, err };
  } finally {
    w.mockRestore();
    l.mockRestore();
    e.mockRestore();
  }
}

describe('gatescope proxy-config --file reproduces istioctl', () => {
  for (const [dump, golden, view] of [
    ['ingressgateway-httpbin-routes.config_dump.json', 'ingressgateway-httpbin-routes.istioctl-proxy-config-routes.txt', 'routes'],
    ['gateway-empty-routes.config_dump.json', 'gateway-empty-routes.istioctl-proxy-config-routes.txt', 'routes'],
    ['sidecar-endpoints.config_dump.json', 'sidecar-endpoints.istioctl-proxy-config-endpoints.txt', 'endpoints'],
  ] as const) {
    it(`${view} of ${dump}`, async () => {
      const r = await capture(() => proxyConfig([view, '--file', fixtures + dump]));
      expect(r.code).toBe(0);
      expect(r.out).toBe(readFileSync(fixtures + golden, 'utf8'));
    });
  }

  it('refuses a missing view or source with exit code 2', async () => {
    expect((await capture(() => proxyConfig(['routes']))).code).toBe(2);
    expect((await capture(() => proxyConfig(['bogus', '--file', 'x']))).code).toBe(2);
  });
});

describe('gatescope proxy-status / proxy-config against a sandbox', () => {
  let mesh: MeshSandbox;
  let kubeconfig: string;
  let gateway: string;

  beforeAll(async () => {
    mesh = await startMeshSandbox();
    kubeconfig = mesh.sb.kubeconfigPath;
    // Wait until both gateways are connected and synced.
    const r = await until(
      async () => {
        const c = await capture(() => proxyStatus(['--kubeconfig', kubeconfig]));
        const lines = c.out.split('\n').filter((l) => l.startsWith('istio-ingressgateway-'));
        return lines.length === 2 && lines.every((l) => /SYNCED\s+SYNCED\s+SYNCED\s+SYNCED/.test(l)) ? c : undefined;
      },
      'two synced gateways',
      20_000,
    );
    gateway = /^(istio-ingressgateway-\S+)\.istio-system/m.exec(r.out)![1]!;
  });
  afterAll(async () => {
    await mesh?.close();
  });

  it('prints the table with a column per xDS type', async () => {
    const r = await capture(() => proxyStatus(['--kubeconfig', kubeconfig]));
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toMatch(/^NAME\s+CLUSTER\s+CDS\s+LDS\s+EDS\s+RDS\s+ECDS\s+ISTIOD\s+VERSION$/);
    const current = await capture(() => proxyStatus(['--kubeconfig', kubeconfig, '--layout', 'current']));
    expect(current.out.split('\n')[0]).toMatch(/^NAME\s+CLUSTER\s+ISTIOD\s+VERSION\s+SUBSCRIBED TYPES$/);
  });

  it('with a pod: its row and its config compared with the resources', async () => {
    const r = await capture(() => proxyStatus(['--kubeconfig', kubeconfig, `${gateway}.istio-system`]));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`${gateway}.istio-system`);
    expect(r.out).toContain('Listeners Match\nRoutes Match\nClusters Match\n');
  });

  it('proxy-config routes / clusters / listeners / endpoints of a gateway pod', async () => {
    const routes = await capture(() => proxyConfig(['routes', gateway, '-n', 'istio-system', '--kubeconfig', kubeconfig]));
    expect(routes.code).toBe(0);
    expect(routes.out).toMatch(/^NAME\s+VHOST NAME\s+DOMAINS\s+MATCH\s+VIRTUAL SERVICE/);
    expect(routes.out).toMatch(/http\.8080\s+web\.example\.com:80\s+web\.example\.com\s+\/v1\*\s+web-service\.default/);
    const clusters = await capture(() => proxyConfig(['clusters', `${gateway}.istio-system`, '--kubeconfig', kubeconfig]));
    expect(clusters.out).toContain('web-service.default.svc.cluster.local');
    const listeners = await capture(() => proxyConfig(['listeners', `${gateway}.istio-system`, '--kubeconfig', kubeconfig]));
    expect(listeners.out).toMatch(/0\.0\.0\.0\s+8080/);
    const endpoints = await capture(() => proxyConfig(['endpoints', `${gateway}.istio-system`, '--kubeconfig', kubeconfig]));
    expect(endpoints.out).toMatch(/HEALTHY\s+outbound\|80\|v1\|web-service\.default\.svc\.cluster\.local/);
    const json = await capture(() => proxyConfig(['routes', `${gateway}.istio-system`, '--kubeconfig', kubeconfig, '-o', 'json']));
    expect((JSON.parse(json.out) as Array<{ name: string }>).map((r) => r.name)).toContain('http.8080');
  });
});
