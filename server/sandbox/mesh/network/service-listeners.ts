/**
 * The sandbox's LoadBalancer and NodePort listeners, doing kube-proxy's job at the TCP level.
 *
 * - Every Service of type LoadBalancer whose `status.loadBalancer.ingress[0].ip` is a loopback
 *   address gets a listener there on each Service port (+ port offset): `istio-ingressgateway` →
 *   127.0.0.1:80/443/3306.
 * - Every node port of a NodePort or LoadBalancer Service gets a listener on the node address
 *   127.0.0.1:<nodePort + offset> (30000, 30443, 30306).
 * - Istio's status port (15021, `status-port`) is left out of both: a cloud load balancer probes it
 *   rather than serving clients on it, and its node port is allocated at random, so binding it
 *   would only collide with other listeners.
 *
 * Each accepted connection goes to one ready endpoint of the Service (round-robin from a random
 * start, as IPVS does), read from the Endpoints at connect time, so readiness and pod changes
 * apply to the next connection at once. The proxy is TCP-level: TLS passes through to the gateway
 * pods. A connection with no ready endpoint is reset (kube-proxy's REJECT). If the chosen pod
 * refuses the connection before any byte was exchanged (it is shutting down), the next endpoint is
 * tried; established connections are never moved.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { Store, StoredObject, Watcher } from '../../api/store';
import { readyTargets, type EndpointTarget } from './endpoints';

export type ListenerKind = 'loadBalancer' | 'nodePort';

export interface ServiceListenersOptions {
  store: Store;
  /** Added to every port bound (LoadBalancer ports and node ports). */
  portOffset: number;
  /** Where a pod-scope listener for podIP:port really is (the kubelet's resolvePodPort). */
  resolvePodPort(podIP: string, port: number): { host: string; port: number };
  /** The node's address, where node ports listen (default 127.0.0.1). */
  nodeIP?: string;
  log?(line: string): void;
}

interface Desired {
  key: string;
  kind: ListenerKind;
  host: string;
  /** The port bound (declared port + offset). */
  port: number;
  /** The declared port (Service port or node port). */
  declared: number;
  namespace: string;
  service: string;
  servicePort: { name?: string; port: number };
  servicePortCount: number;
}

interface Active {
  desired: Desired;
  server: Server;
  sockets: Set<Socket>;
  rr: number;
  connections: number;
}

export interface ListenerInfo {
  kind: ListenerKind;
  host: string;
  port: number;
  declared: number;
  service: string;
  servicePort: number;
  connections: number;
}

const STATUS_PORT = 15021;

interface SvcSpec {
  type?: string;
  ports?: Array<{ name?: string; port: number; nodePort?: number; protocol?: string; targetPort?: number | string }>;
}

function isStatusPort(p: { name?: string; port: number; targetPort?: number | string }): boolean {
  return p.port === STATUS_PORT || p.targetPort === STATUS_PORT || p.name === 'status-port';
}

/** The listeners a set of Services asks for. */
export function desiredListeners(services: Iterable<StoredObject>, portOffset: number, nodeIP = '127.0.0.1'): Desired[] {
  const out: Desired[] = [];
  for (const svc of services) {
    if (svc.metadata.deletionTimestamp) continue;
    const spec = (svc['spec'] ?? {}) as SvcSpec;
    const type = spec.type ?? 'ClusterIP';
    const ports = (spec.ports ?? []).filter((p) => (p.protocol ?? 'TCP') === 'TCP' && !isStatusPort(p));
    const base = { namespace: svc.metadata.namespace ?? 'default', service: svc.metadata.name, servicePortCount: (spec.ports ?? []).length };
    if (type === 'LoadBalancer') {
      const ip = (svc['status'] as { loadBalancer?: { ingress?: Array<{ ip?: string }> } } | undefined)?.loadBalancer?.ingress?.[0]?.ip;
      if (ip && /^127\./.test(ip)) {
        for (const p of ports) {
          out.push({ ...base, key: `${ip}:${p.port + portOffset}`, kind: 'loadBalancer', host: ip, port: p.port + portOffset, declared: p.port, servicePort: { name: p.name, port: p.port } });
        }
      }
    }
    if (type === 'LoadBalancer' || type === 'NodePort') {
      for (const p of ports) {
        if (!p.nodePort) continue;
        out.push({ ...base, key: `${nodeIP}:${p.nodePort + portOffset}`, kind: 'nodePort', host: nodeIP, port: p.nodePort + portOffset, declared: p.nodePort, servicePort: { name: p.name, port: p.port } });
      }
    }
  }
  return out;
}

function sameTarget(a: Desired, b: Desired): boolean {
  return a.namespace === b.namespace && a.service === b.service && a.servicePort.port === b.servicePort.port && a.servicePort.name === b.servicePort.name && a.servicePortCount === b.servicePortCount;
}

export function bindErrorMessage(d: Desired, offset: number, err: NodeJS.ErrnoException): string {
  const what = `${d.host}:${d.port} for ${d.kind === 'loadBalancer' ? 'LoadBalancer' : 'NodePort'} ${d.namespace}/${d.service} port ${d.servicePort.name ?? d.servicePort.port}`;
  const port = offset ? `port ${d.port} (${d.declared} + --port-offset ${offset})` : `port ${d.declared}`;
  const fix = offset ? 'use another --port-offset' : 'use --port-offset';
  if (err.code === 'EADDRINUSE') return `${port} is taken: ${fix} (${what})`;
  if (err.code === 'EACCES') return `${port} needs privileges this process does not have: ${fix}, e.g. --port-offset 10000 (${what})`;
  return `${port} cannot be bound: ${err.message} (${what})`;
}

export class ServiceListeners {
  private readonly active = new Map<string, Active>();
  private watcher?: Watcher;
  private scheduled = false;
  private closed = false;
  private chain: Promise<void> = Promise.resolve();

  private constructor(private readonly opts: ServiceListenersOptions) {}

  /**
   * Binds the listeners of the Services in the store and follows Service changes. Fails (binding
   * nothing) with a message that names the port and the fix when a port of the current Services
   * cannot be bound; later changes that cannot be bound are logged instead.
   */
  static async start(opts: ServiceListenersOptions): Promise<ServiceListeners> {
    const sl = new ServiceListeners(opts);
    const errors = await sl.reconcile();
    if (errors.length) {
      await sl.close();
      throw new Error(errors.join('; '));
    }
    sl.watcher = opts.store.subscribe('core/services', () => sl.schedule());
    return sl;
  }

  /** Current listeners (for logs, tests and the traffic generator). */
  list(): ListenerInfo[] {
    return [...this.active.values()].map((a) => ({
      kind: a.desired.kind,
      host: a.desired.host,
      port: a.desired.port,
      declared: a.desired.declared,
      service: `${a.desired.namespace}/${a.desired.service}`,
      servicePort: a.desired.servicePort.port,
      connections: a.connections,
    }));
  }

  private schedule(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.reconcile().then((errs) => errs.forEach((e) => this.opts.log?.(`sandbox: ${e}`)));
    });
  }

  /** Brings the listeners in line with the Services; resolves to the bind errors. */
  reconcile(): Promise<string[]> {
    const run = this.chain.then(() => this.reconcileNow());
    this.chain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private async reconcileNow(): Promise<string[]> {
    if (this.closed) return [];
    const want = new Map<string, Desired>();
    for (const d of desiredListeners(this.opts.store.peek('core/services'), this.opts.portOffset, this.opts.nodeIP)) {
      if (want.has(d.key)) {
        const first = want.get(d.key)!;
        this.opts.log?.(`sandbox: ${d.host}:${d.port} is wanted by ${first.namespace}/${first.service} and ${d.namespace}/${d.service}; keeping the first`);
        continue;
      }
      want.set(d.key, d);
    }
    for (const [key, a] of this.active) {
      const d = want.get(key);
      if (d && sameTarget(d, a.desired)) {
        a.desired = d;
        continue;
      }
      this.active.delete(key);
      await this.closeOne(a);
      this.opts.log?.(`sandbox: closed ${a.desired.kind} listener ${key}`);
    }
    const errors: string[] = [];
    for (const [key, d] of want) {
      if (this.active.has(key)) continue;
      try {
        const a = await this.open(d);
        if (this.closed) {
          await this.closeOne(a);
          return [];
        }
        this.active.set(key, a);
        this.opts.log?.(`sandbox: ${d.kind === 'loadBalancer' ? 'LoadBalancer' : 'NodePort'} ${d.host}:${d.port} → ${d.namespace}/${d.service}:${d.servicePort.port}`);
      } catch (err) {
        errors.push(bindErrorMessage(d, this.opts.portOffset, err as NodeJS.ErrnoException));
      }
    }
    return errors;
  }

  private open(d: Desired): Promise<Active> {
    const a: Active = { desired: d, server: undefined as unknown as Server, sockets: new Set(), rr: Math.floor(Math.random() * 1024), connections: 0 };
    a.server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (client) => this.accept(a, client));
    return new Promise((resolve, reject) => {
      a.server.once('error', reject);
      a.server.listen({ host: d.host, port: d.port, exclusive: true }, () => {
        a.server.off('error', reject);
        a.server.on('error', (err) => this.opts.log?.(`sandbox: listener ${d.key}: ${err.message}`));
        resolve(a);
      });
    });
  }

  private accept(a: Active, client: Socket): void {
    a.connections++;
    a.sockets.add(client);
    client.once('close', () => a.sockets.delete(client));
    client.on('error', () => client.destroy());
    const d = a.desired;
    const targets = readyTargets(this.opts.store, d.namespace, d.service, d.servicePort, d.servicePortCount);
    const start = a.rr++;
    const attempt = (i: number) => {
      if (client.destroyed) return;
      if (i >= targets.length) {
        reset(client);
        return;
      }
      const t: EndpointTarget = targets[(start + i) % targets.length]!;
      const real = this.opts.resolvePodPort(t.ip, t.port);
      const up = connect({ host: real.host, port: real.port, allowHalfOpen: true });
      a.sockets.add(up);
      up.once('close', () => a.sockets.delete(up));
      let connected = false;
      up.once('connect', () => {
        connected = true;
        up.setNoDelay(true);
        client.setNoDelay(true);
        client.pipe(up);
        up.pipe(client);
        client.resume();
      });
      up.on('error', () => {
        if (!connected) {
          up.destroy();
          attempt(i + 1);
          return;
        }
        reset(client);
      });
      up.once('close', () => {
        if (connected && !client.destroyed) {
          // The pod side is gone: finish what was sent, then close (or reset when the pod reset).
          if (!up.readableEnded) reset(client);
        }
      });
      client.once('close', () => {
        if (!up.destroyed) up.destroy();
      });
    };
    attempt(0);
  }

  private async closeOne(a: Active): Promise<void> {
    for (const s of a.sockets) s.destroy();
    a.sockets.clear();
    await new Promise<void>((resolve) => (a.server.listening ? a.server.close(() => resolve()) : resolve()));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.watcher?.stop();
    await this.chain;
    const all = [...this.active.values()];
    this.active.clear();
    await Promise.all(all.map((a) => this.closeOne(a)));
  }
}

function reset(s: Socket): void {
  if (s.destroyed) return;
  if (typeof s.resetAndDestroy === 'function') s.resetAndDestroy();
  else s.destroy();
}
