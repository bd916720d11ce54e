/** GET /api/traffic/history without Prometheus and with bad parameters (the Prometheus path: prometheus.integration.test.ts). */
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import * as route from '../../app/api/traffic/history/route';
import { setRuntime, type Runtime } from '../runtime';
import { TrafficHistoryService } from './history';

const get = (qs: string) => route.GET(new Request(`http://console/api/traffic/history?${qs}`));

describe('GET /api/traffic/history', () => {
  afterEach(() => setRuntime(undefined));

  it('without --prometheus-url: 200 with the reason, not an error', async () => {
    setRuntime({ services: {} } as unknown as Runtime);
    const notConfigured = { configured: false, reason: 'start with --prometheus-url to see history beyond 15 min' };
    const res = await get('vs=default/web-service&range=1h');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(notConfigured);
    // Whatever the parameters: the page asks without any to know whether to draw history.
    expect(await (await get('')).json()).toEqual(notConfigured);
    expect(await (await get('vs=bad&range=2d')).json()).toEqual(notConfigured);
  });

  it('configured: its status, 400 for bad parameters, 404 for an unknown VirtualService, 502 with Prometheus down', async () => {
    const objects: Record<string, unknown[]> = {
      virtualservices: [{ metadata: { name: 'web', namespace: 'default' }, spec: { hosts: ['web'], http: [{ route: [{ destination: { host: 'web' } }] }] } }],
    };
    const cache = {
      get: (plural: string, ns: string, name: string) => (objects[plural] ?? []).find((o) => (o as { metadata: { name: string; namespace: string } }).metadata.name === name && (o as { metadata: { namespace: string } }).metadata.namespace === ns),
      list: (plural: string) => objects[plural] ?? [],
    };
    // A loopback port nothing listens on.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    const history = new TrafficHistoryService(`http://127.0.0.1:${port}`, cache as never, { timeoutMs: 2000 });
    setRuntime({ services: { trafficHistory: history } } as unknown as Runtime);
    expect(await (await get('')).json()).toEqual({ configured: true, prometheus: `http://127.0.0.1:${port}` });
    expect(await (await get('vs=web-service')).json()).toEqual({ error: 'vs must be namespace/name of a VirtualService' });
    expect(await (await get('vs=default/web&range=2d')).json()).toEqual({ error: 'range must be one of 1h, 6h, 24h' });
    expect((await get('vs=default/web&range=1h&step=1.5')).status).toBe(400);
    expect((await get('vs=default/nope&range=1h')).status).toBe(404);
    const tooFine = await get('vs=default/web&range=24h&step=1');
    expect(tooFine.status).toBe(400);
    expect(((await tooFine.json()) as { error: string }).error).toMatch(/more than 11000 points/);
    const down = await get('vs=default/web&range=1h');
    expect(down.status).toBe(502);
    expect(await down.json()).toEqual({ error: expect.stringMatching(new RegExp(`^Prometheus at http://127\\.0\\.0\\.1:${port} is unreachable: ECONNREFUSED`)), errorType: 'unreachable' });
  });
});
