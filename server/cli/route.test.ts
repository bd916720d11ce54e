import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSandbox, type RunningSandbox } from '../sandbox/start';
import { run } from './route';

const SCENARIOS = join(import.meta.dirname, '../sandbox/scenarios');
const BASICS = join(SCENARIOS, 'ingress-basics');

async function routeCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((s: unknown) => void out.push(String(s)));
  const error = vi.spyOn(console, 'error').mockImplementation((s: unknown) => void err.push(String(s)));
  try {
    const code = await run(args);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe('gatescope route -f (files alone)', () => {
  it('GET web.example.com/v1 → default-gateway#0, web-service route v1, subset v1 (JSON shape)', async () => {
    const { code, out } = await routeCli(['-f', BASICS, '--host', 'web.example.com', '--path', '/v1', '-o', 'json']);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({
      gatewayServer: 'istio-system/default-gateway#0',
      virtualService: 'default/web-service',
      route: 'v1',
      destinations: [{ host: 'web-service.default.svc.cluster.local', port: 80, subset: 'v1', weight: 100 }],
      rejected: [],
    });
  });

  it('/anything takes the 80/20 split and says why v1 and v2 did not match', async () => {
    const { code, out } = await routeCli(['-f', BASICS, '--host', 'web.example.com', '--path', '/anything', '--output', 'json']);
    expect(code).toBe(0);
    const j = JSON.parse(out) as { route: string; destinations: Array<{ subset: string; weight: number }>; rejected: unknown[] };
    expect(j.route).toBe('split');
    expect(j.destinations.map((d) => [d.subset, d.weight])).toEqual([
      ['v1', 80],
      ['v2', 20],
    ]);
    expect(j.rejected).toEqual([
      { virtualService: 'default/web-service', route: 'v1', reason: 'uri prefix /v1 does not match /anything' },
      { virtualService: 'default/web-service', route: 'v2', reason: 'uri prefix /v2 does not match /anything' },
    ]);
  });

  it('text output explains a prefix match in the middle of a segment (/v10 → v1)', async () => {
    const { code, out } = await routeCli(['-f', BASICS, '--host', 'web.example.com', '--path', '/v10', '--method', 'get', '--header', 'x-canary=true']);
    expect(code).toBe(0);
    expect(out).toContain('GET web.example.com/v10 [x-canary: true]');
    expect(out).toMatch(/route\s+v1/);
    expect(out).toContain('a prefix is compared character by character, not by path segment');
    expect(out).toMatch(/destinations\s+web-service\.default\.svc\.cluster\.local:80 subset v1 {2}100% {2}→ default\/httpd-v1-0/);
  });

  it('a request nothing routes exits 1 with the reason and Envoy\'s answer on stderr', async () => {
    const { code, out, err } = await routeCli(['-f', BASICS, '--host', 'httpbin.example.com', '--path', '/', '-o', 'json']);
    expect(code).toBe(1);
    expect(JSON.parse(out)).toMatchObject({ gatewayServer: 'default/httpbin-gateway#0', virtualService: null, route: null, destinations: [] });
    expect(err).toContain('no route: none of the 2 route(s) of virtual host httpbin.example.com:80 (default/httpbin) matches GET /');
    expect(err).toContain('404 NR');
  });

  it('TCP on port 3306 and the NodePort reach the same routes', async () => {
    const tcp = await routeCli(['-f', BASICS, '--host', 'db.example.com', '--port', '3306', '--protocol', 'tcp', '-o', 'json']);
    expect(tcp.code).toBe(0);
    expect(JSON.parse(tcp.out)).toMatchObject({ virtualService: 'default/mysql', route: 'tcp[0]' });
    const np = await routeCli(['-f', BASICS, '--host', 'web.example.com', '--port', '30000', '--path', '/v2', '-o', 'json']);
    expect(JSON.parse(np.out)).toMatchObject({ route: 'v2', destinations: [{ subset: 'v2' }] });
  });

  it('the troubleshooting scenario: shop.example.com (its VirtualService names a missing Gateway) falls to counter', async () => {
    const { code, out } = await routeCli(['-f', join(SCENARIOS, 'troubleshooting'), '--host', 'shop.example.com', '-o', 'json']);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ virtualService: 'default/counter', route: 'counter' });
  });

  it('refuses bad input with exit code 2', async () => {
    expect((await routeCli(['-f', BASICS])).code).toBe(2);
    expect((await routeCli(['-f', BASICS, '--host', 'a', '--port', 'x'])).code).toBe(2);
    expect((await routeCli(['-f', BASICS, '--host', 'a', '--header', 'novalue'])).code).toBe(2);
    expect((await routeCli(['-f', BASICS, '--host', 'a', '-o', 'yaml'])).code).toBe(2);
    expect((await routeCli(['-f', '/nonexistent/x.yaml', '--host', 'a'])).err).toContain('no such file');
  });
});

describe('gatescope route --kubeconfig (a live cluster)', () => {
  let sb: RunningSandbox;
  beforeAll(async () => {
    sb = await startSandbox({ apiPort: 0, traffic: 0, dataPlane: false });
  });
  afterAll(async () => sb?.close());

  it('routes GET web.example.com/v2 on the sandbox cluster', async () => {
    const { code, out } = await routeCli(['--kubeconfig', sb.kubeconfigPath, '--host', 'web.example.com', '--path', '/v2', '-o', 'json']);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ gatewayServer: 'istio-system/default-gateway#0', virtualService: 'default/web-service', route: 'v2', destinations: [{ subset: 'v2', weight: 100 }] });
  });
});
