import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store, type StoredObject } from '../../api/store';
import { bindErrorMessage, desiredListeners, ServiceListeners } from './service-listeners';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** A backend that says who it is, then echoes. */
async function backend(name: string): Promise<{ server: Server; port: number }> {
  const server = createServer((s) => {
    s.on('error', () => s.destroy());
    s.write(`${name}:`);
    s.pipe(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, port: (server.address() as AddressInfo).port };
}

function exchange(port: number, payload = 'x'): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port });
    let out = '';
    s.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.endsWith(payload)) {
        s.end();
        resolve(out.slice(0, -payload.length));
      }
    });
    s.on('error', reject);
    s.on('close', () => resolve(out));
    s.write(payload);
  });
}

function lbService(name: string, ports: Array<{ name: string; port: number; nodePort?: number; targetPort?: number }>): StoredObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'istio-system' },
    spec: { type: 'LoadBalancer', ports: ports.map((p) => ({ protocol: 'TCP', ...p })) },
    status: { loadBalancer: { ingress: [{ ip: '127.0.0.1', ipMode: 'VIP' }] } },
  } as StoredObject;
}

function endpoints(name: string, ready: string[], notReady: string[], ports: Array<{ name: string; port: number }>): StoredObject {
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name, namespace: 'istio-system' },
    subsets: [{ addresses: ready.map((ip) => ({ ip })), ...(notReady.length ? { notReadyAddresses: notReady.map((ip) => ({ ip })) } : {}), ports: ports.map((p) => ({ ...p, protocol: 'TCP' })) }],
  } as StoredObject;
}

describe('ServiceListeners', () => {
  let store: Store;
  let sl: ServiceListeners | undefined;
  const servers: Server[] = [];
  /** pod IP:port → real 127.0.0.1 port */
  const table = new Map<string, number>();
  const resolvePodPort = (ip: string, port: number) => ({ host: '127.0.0.1', port: table.get(`${ip}:${port}`) ?? 1 });

  beforeEach(async () => {
    store = new Store();
    table.clear();
    for (const [ip, name] of [['10.0.0.1', 'a'], ['10.0.0.2', 'b'], ['10.0.0.3', 'c']] as const) {
      const b = await backend(name);
      servers.push(b.server);
      table.set(`${ip}:8080`, b.port);
    }
  });
  afterEach(async () => {
    await sl?.close();
    sl = undefined;
    for (const s of servers.splice(0)) s.close();
  });

  it('opens LoadBalancer and NodePort listeners, skips the status port, and spreads connections over ready endpoints only', async () => {
    const [lbPort, nodePort, statusNodePort] = [await freePort(), await freePort(), await freePort()];
    store.create('core/services', lbService('istio-ingressgateway', [
      { name: 'status-port', port: 15021, targetPort: 15021, nodePort: statusNodePort },
      { name: 'http2', port: lbPort, targetPort: 8080, nodePort },
    ]));
    store.create('core/endpoints', endpoints('istio-ingressgateway', ['10.0.0.1', '10.0.0.2'], ['10.0.0.3'], [{ name: 'http2', port: 8080 }, { name: 'status-port', port: 15021 }]));
    sl = await ServiceListeners.start({ store, portOffset: 0, resolvePodPort });
    expect(sl.list().map((l) => `${l.kind} ${l.host}:${l.port}`).sort()).toEqual([`loadBalancer 127.0.0.1:${lbPort}`, `nodePort 127.0.0.1:${nodePort}`].sort());
    const seen: Record<string, number> = {};
    for (let i = 0; i < 40; i++) {
      const who = await exchange(i % 2 ? lbPort : nodePort);
      seen[who] = (seen[who] ?? 0) + 1;
    }
    expect(Object.keys(seen).sort()).toEqual(['a:', 'b:']);
    expect(seen['a:']).toBeGreaterThanOrEqual(15);

    // Readiness changes apply to the next connection.
    store.update('core/endpoints', endpoints('istio-ingressgateway', ['10.0.0.3'], ['10.0.0.1', '10.0.0.2'], [{ name: 'http2', port: 8080 }]));
    expect(await exchange(lbPort)).toBe('c:');
  });

  it('resets connections when no endpoint is ready, and skips an endpoint that refuses', async () => {
    const lbPort = await freePort();
    store.create('core/services', lbService('gw', [{ name: 'http', port: lbPort, targetPort: 8080 }]));
    store.create('core/endpoints', endpoints('gw', [], ['10.0.0.1'], [{ name: 'http', port: 8080 }]));
    sl = await ServiceListeners.start({ store, portOffset: 0, resolvePodPort });
    await expect(exchange(lbPort)).rejects.toThrow(/ECONNRESET/);
    table.set('10.0.0.9:8080', await freePort()); // nothing listens there
    store.update('core/endpoints', endpoints('gw', ['10.0.0.9', '10.0.0.2'], [], [{ name: 'http', port: 8080 }]));
    for (let i = 0; i < 4; i++) expect(await exchange(lbPort)).toBe('b:');
  });

  it('follows Services: a new LoadBalancer port opens, a deleted Service closes', async () => {
    store.create('core/endpoints', endpoints('gw', ['10.0.0.1'], [], [{ name: 'http', port: 8080 }]));
    sl = await ServiceListeners.start({ store, portOffset: 0, resolvePodPort });
    expect(sl.list()).toEqual([]);
    const lbPort = await freePort();
    store.create('core/services', lbService('gw', [{ name: 'http', port: lbPort, targetPort: 8080 }]));
    const end = Date.now() + 3000;
    while (sl.list().length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
    expect(await exchange(lbPort)).toBe('a:');
    store.delete('core/services', 'istio-system', 'gw');
    while (sl.list().length > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
    await expect(exchange(lbPort)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('fails with a message naming the port and --port-offset when a port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', () => r()));
    servers.push(taken);
    const port = (taken.address() as AddressInfo).port;
    store.create('core/services', lbService('istio-ingressgateway', [{ name: 'http2', port: port - 7, targetPort: 8080 }]));
    await expect(ServiceListeners.start({ store, portOffset: 7, resolvePodPort })).rejects.toThrow(
      new RegExp(`^port ${port} \\(${port - 7} \\+ --port-offset 7\\) is taken: use another --port-offset \\(127\\.0\\.0\\.1:${port} for LoadBalancer istio-system/istio-ingressgateway port http2\\)$`),
    );
    const [d] = desiredListeners([lbService('istio-ingressgateway', [{ name: 'http2', port: 80, targetPort: 8080 }])], 0);
    expect(bindErrorMessage(d!, 0, Object.assign(new Error('x'), { code: 'EADDRINUSE' }))).toBe('port 80 is taken: use --port-offset (127.0.0.1:80 for LoadBalancer istio-system/istio-ingressgateway port http2)');
  });
});
