import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../../api/store';
import { runContainer, type FakeContainer } from '../test-support/fake-container';
import { IstiodImpl, ISTIOD_VERSION_STRING } from './istiod-container';
import { IstiodXdsServer } from './xds-server';

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; type?: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('istiod container', () => {
  let c: FakeContainer | undefined;
  let xds: IstiodXdsServer | undefined;
  afterEach(async () => {
    await c?.running.stop();
    xds?.close();
  });

  it('serves /debug/syncz on its loopback, and 401 on the pod address (no istio-ca token)', async () => {
    xds = new IstiodXdsServer();
    const store = new Store();
    c = await runContainer(new IstiodImpl(), { image: 'docker.io/istio/pilot:1.26.1', services: { xds }, store, namespace: 'istio-system', name: 'istiod-abc' });
    expect(c.ready).toEqual([true]);
    expect(xds.active).toBe(true);
    const loop = c.loopbackPorts.get(15014)!;
    const pod = c.podPorts.get(15014)!;
    const r = await get(loop, '/debug/syncz');
    expect(r).toMatchObject({ status: 200, type: 'application/json', body: '[]' });
    expect((await get(pod, '/debug/syncz')).status).toBe(401);
    expect((await get(pod, '/debug/syncz', { authorization: 'Bearer some.jwt.token' })).status).toBe(401);
    expect((await get(c.podPorts.get(8080)!, '/debug/syncz')).status).toBe(401);
    // Not debug endpoints: open on every listener, as on istiod.
    expect(await get(pod, '/version')).toMatchObject({ status: 200, body: ISTIOD_VERSION_STRING });
    expect((await get(c.podPorts.get(8080)!, '/ready')).status).toBe(200);
    expect((await get(pod, '/metrics')).body).toContain('# TYPE pilot_xds gauge');
    expect((await get(loop, '/nope')).status).toBe(404);
    expect(c.logs.some((l) => /\tinfo\tbootstrap\t/.test(l))).toBe(true);
  });

  it('accepts a token with audience istio-ca when a token reviewer is configured', async () => {
    xds = new IstiodXdsServer();
    const impl = new IstiodImpl({ verifyToken: (t) => (t === 'good' ? { audiences: ['istio-ca'] } : t === 'other' ? { audiences: ['kubernetes'] } : undefined) });
    c = await runContainer(impl, { image: 'istio/pilot', services: { xds } });
    const pod = c.podPorts.get(15014)!;
    expect((await get(pod, '/debug/syncz?pretty', { authorization: 'Bearer good' })).status).toBe(200);
    expect((await get(pod, '/debug/syncz', { authorization: 'Bearer other' })).status).toBe(401);
  });

  it('detaches from the discovery server when stopped', async () => {
    xds = new IstiodXdsServer();
    c = await runContainer(new IstiodImpl(), { image: 'istio/pilot', services: { xds } });
    expect(xds.active).toBe(true);
    c.abort();
    await c.running.stop();
    expect(xds.active).toBe(false);
    c = undefined;
  });
});
