/**
 * Test harness: a gateway proxy running in-process with a fake ContainerContext (pod IP on
 * 127.0.0.0/8, loopback listeners on 127.0.0.1:<ephemeral>), tiny backend servers standing in for
 * the scenario's pods, and a keep-alive HTTP client.
 */
import { Agent, createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Store, type StoredObject } from '../../../api/store';
import type { ContainerContext } from '../../../kubelet/container';
import type { XdsPush, XdsType } from '../../xds';
import { compileGatewayConfig, snapshotSource } from '../compile/index';
import { GatewayProxyImpl, type RunningGatewayProxy } from '../proxy/gateway-proxy';
import { gatewayMountedFiles, loadScenarioObjects, podsFor } from './scenario';

/** A /16-ish block of loopback addresses for one test file, so files can run in parallel. */
export function addressBlock(seed: number): (host: number) => string {
  const a = 100 + (seed % 100);
  const b = Math.floor(Math.random() * 200) + 20;
  return (host) => `127.${a}.${b}.${host}`;
}

export interface Backend {
  ip: string;
  port: number;
  server: Server | NetServer;
  hits: number;
  lastRequest?: { method: string; url: string; headers: IncomingHttpHeaders; body: string };
  close(): Promise<void>;
}

/** An HTTP backend answering `This is version <label>!` plus a JSON echo in headers. */
export async function startHttpBackend(ip: string, port: number, label: string, handler?: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void): Promise<Backend> {
  const b: Backend = { ip, port, hits: 0, server: undefined as never, close: async () => undefined };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      b.hits++;
      b.lastRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() };
      if (handler) return handler(req, res);
      const body = `<html><body><h1>This is version ${label}!</h1></body></html>\n`;
      res.writeHead(200, { 'content-type': 'text/html', 'x-backend': label, 'x-seen-path': req.url ?? '', 'x-seen-host': req.headers.host ?? '' });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, ip, () => resolve()));
  b.server = server;
  b.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return b;
}

export async function startEchoBackend(ip: string, port: number): Promise<Backend> {
  const b: Backend = { ip, port, hits: 0, server: undefined as never, close: async () => undefined };
  const sockets = new Set<import('node:net').Socket>();
  const server = createNetServer((s) => {
    b.hits++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
    s.pipe(s);
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, ip, () => resolve()));
  b.server = server;
  b.close = () =>
    new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return b;
}

export interface Harness {
  objects: StoredObject[];
  store: Store;
  gatewayPod: StoredObject;
  gatewayIP: string;
  proxy: RunningGatewayProxy;
  logs: string[];
  ready: boolean[];
  loopbackPorts: Map<number, number>;
  files: Map<string, string>;
  /** Compiles the current store for the gateway pod and pushes it. */
  push(version?: string): ReturnType<RunningGatewayProxy['push']>;
  adminUrl(path: string): string;
  close(): Promise<void>;
}

let pushSeq = 0;

export function pushOf(resources: ReturnType<typeof compileGatewayConfig>, version = `2026-01-01T00:00:00Z/${++pushSeq}`): XdsPush {
  const nonces = Object.fromEntries((['CDS', 'EDS', 'LDS', 'RDS', 'SDS', 'ECDS'] as XdsType[]).map((t) => [t, `${t.toLowerCase()}-${pushSeq}`])) as Record<XdsType, string>;
  return { version, nonces, resources: { listeners: resources.listeners, routes: resources.routes, clusters: resources.clusters, endpoints: resources.endpoints, secrets: resources.secrets } };
}

/** Scenario objects + pods (gateway and backends) in a Store, and a proxy started for the gateway pod. */
export async function startHarness(ip: (host: number) => string, opts: { random?: () => number; extra?: StoredObject[]; mutate?: (objs: StoredObject[]) => void } = {}): Promise<Harness> {
  const objects = loadScenarioObjects();
  opts.mutate?.(objects);
  const pods = podsFor(objects, {
    ips: { 'istio-ingressgateway': [ip(2)], 'httpd-v1': [ip(11)], 'httpd-v2': [ip(12)], counter: [ip(13)], httpbin: [ip(14)], mysql: [ip(15)] },
  });
  const all = [...objects, ...pods, ...(opts.extra ?? [])];
  const store = new Store();
  for (const o of all) store.create(resourceOf(o), o);
  const gatewayPod = store.list('core/pods', 'istio-system').items[0]!;
  const files = gatewayMountedFiles(objects);
  const logs: string[] = [];
  const ready: boolean[] = [];
  const loopbackPorts = new Map<number, number>();
  const servers: Array<Server | NetServer> = [];
  const ac = new AbortController();
  const ctx: ContainerContext = {
    pod: gatewayPod,
    podIP: ip(2),
    containerName: 'istio-proxy',
    container: { name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.26.1', args: ['proxy', 'router'] },
    store,
    files,
    log: (line) => logs.push(line),
    listen: (server, port, scope) =>
      new Promise<void>((resolve, reject) => {
        servers.push(server);
        server.once('error', reject);
        if (scope === 'pod') server.listen(port, ip(2), () => resolve());
        else
          server.listen(0, '127.0.0.1', () => {
            loopbackPorts.set(port, (server.address() as AddressInfo).port);
            resolve();
          });
      }),
    setReady: (r) => ready.push(r),
    signal: ac.signal,
    services: {},
  };
  const proxy = await new GatewayProxyImpl({ random: opts.random }).start(ctx);
  const h: Harness = {
    objects: all,
    store,
    gatewayPod,
    gatewayIP: ip(2),
    proxy,
    logs,
    ready,
    loopbackPorts,
    files,
    push(version) {
      const compiled = compileGatewayConfig({ store, proxyPod: store.get('core/pods', 'istio-system', gatewayPod.metadata.name)!, mountedFiles: files });
      return proxy.push(pushOf(compiled, version));
    },
    adminUrl: (path) => `http://127.0.0.1:${loopbackPorts.get(15000)}${path}`,
    async close() {
      ac.abort();
      await proxy.stop();
      for (const s of servers) s.close();
    },
  };
  return h;
}

export function resourceOf(o: StoredObject): string {
  const map: Record<string, string> = {
    Gateway: 'networking.istio.io/gateways',
    VirtualService: 'networking.istio.io/virtualservices',
    DestinationRule: 'networking.istio.io/destinationrules',
    Service: 'core/services',
    Secret: 'core/secrets',
    Pod: 'core/pods',
    ConfigMap: 'core/configmaps',
    Deployment: 'apps/deployments',
    ServiceAccount: 'core/serviceaccounts',
    Endpoints: 'core/endpoints',
  };
  return map[o.kind] ?? `other/${o.kind.toLowerCase()}`;
}

const agent = new Agent({ keepAlive: true, maxSockets: 32 });

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export function httpGet(ip: string, port: number, path: string, host: string, headers: Record<string, string> = {}, method = 'GET', body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: ip, port, path, method, headers: { host, ...headers }, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error('client timeout')));
    req.end(body);
  });
}

/** Waits for `cond` (polling), failing after `ms`. */
export async function waitFor(cond: () => boolean | Promise<boolean>, ms = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}
