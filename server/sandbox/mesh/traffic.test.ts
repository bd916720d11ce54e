import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startTraffic, TRAFFIC_MIX, type TrafficGenerator } from './traffic';

async function listen<T extends Server | NetServer>(s: T): Promise<number> {
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  return (s.address() as AddressInfo).port;
}

describe('traffic generator', () => {
  const closers: Array<() => void> = [];
  let gen: TrafficGenerator | undefined;
  afterEach(async () => {
    await gen?.stop();
    for (const f of closers.splice(0)) f();
  });

  it('sends the mix at the requested rate, HTTP by Host header and TCP echoes, and stops', async () => {
    const hosts: string[] = [];
    const http = createServer((req, res) => {
      hosts.push(req.headers.host ?? '');
      res.end('ok');
    });
    const tcp = createNetServer((s) => s.pipe(s));
    const httpPort = await listen(http);
    const tcpPort = await listen(tcp);
    closers.push(() => http.close(), () => tcp.close());
    let seed = 1;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const t0 = Date.now();
    gen = startTraffic({ rps: 100, targets: () => ({ http: { host: '127.0.0.1', port: httpPort }, tcp: { host: '127.0.0.1', port: tcpPort } }), random });
    const end = Date.now() + 5000;
    while (gen.stats.completed < 60 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    const elapsed = (Date.now() - t0) / 1000;
    expect(gen.stats.completed).toBeGreaterThanOrEqual(60);
    // Never more than the rate allows (plus one tick's budget).
    expect(gen.stats.sent).toBeLessThanOrEqual(Math.ceil(100 * elapsed) + 10);
    expect(gen.stats.byStatus['200']).toBeGreaterThan(0);
    expect(gen.stats.byStatus['tcp']).toBeGreaterThan(0);
    expect(new Set(hosts)).toContain('web.example.com');
    await gen.stop();
  });

  it('keeps at most maxInFlight requests open and skips the surplus', async () => {
    const held: Array<() => void> = [];
    const slow = createServer((_req, res) => held.push(() => res.end('late')));
    const port = await listen(slow);
    closers.push(() => {
      for (const h of held) h();
      slow.closeAllConnections();
      slow.close();
    });
    gen = startTraffic({ rps: 200, maxInFlight: 5, targets: () => ({ http: { host: '127.0.0.1', port }, https: undefined, tcp: undefined }) });
    const end = Date.now() + 5000;
    while (gen.stats.skipped < 10 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    expect(gen.stats.skipped).toBeGreaterThanOrEqual(10);
    expect(held.length).toBeLessThanOrEqual(5);
  });

  it('has a mix that covers every kind of request', () => {
    expect(new Set(TRAFFIC_MIX.map((m) => m.kind))).toEqual(new Set(['http', 'https', 'tcp']));
  });
});
