/**
 * Sockets of running containers. `ContainerContext.listen` lands here:
 *
 * - scope `pod`: bound on podIP:port, the address Endpoints, NodePorts, pods/proxy and other pods
 *   use. Where the port is privileged and the process may not bind it (not root), the listener
 *   falls back to podIP:<ephemeral>, and `resolve(podIP, port)` tells connectors where it really
 *   is (the data plane and pods/proxy go through it; the API keeps showing the declared port).
 * - scope `loopback`: bound on 127.0.0.1:<ephemeral> and recorded per pod and container port: only
 *   pods/portforward looks it up, as only port-forward reaches a pod's 127.0.0.1 on a cluster.
 *
 * Every listener and every connection it accepted is closed when its container stops.
 */
import type { Server as NetServer, Socket } from 'node:net';

export interface ListenerSet {
  /** Servers and accepted sockets of one container instance. */
  readonly servers: Set<NetServer>;
  readonly sockets: Set<Socket>;
  /** Keys this instance registered in the table (removed on close). */
  readonly keys: Set<string>;
}

export function newListenerSet(): ListenerSet {
  return { servers: new Set(), sockets: new Set(), keys: new Set() };
}

function listenOn(server: NetServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = () => {
      server.off('error', onError);
      const a = server.address();
      resolve(a && typeof a === 'object' ? a.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ port, host, exclusive: true });
  });
}

export class ListenerTable {
  /** `podIP:port` → real port on podIP (differs only after the privileged-port fallback). */
  private readonly podPorts = new Map<string, number>();
  /** `uid:port` → port on 127.0.0.1. */
  private readonly loopback = new Map<string, number>();

  async listen(set: ListenerSet, server: NetServer, opts: { podIP: string; podUid: string; port: number; scope: 'pod' | 'loopback' }): Promise<void> {
    const { podIP, podUid, port, scope } = opts;
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`invalid container port ${port}`);
    server.on('connection', (s: Socket) => {
      set.sockets.add(s);
      s.once('close', () => set.sockets.delete(s));
    });
    set.servers.add(server);
    if (scope === 'loopback') {
      const key = `${podUid}:${port}`;
      if (this.loopback.has(key)) throw Object.assign(new Error(`listen tcp 127.0.0.1:${port}: bind: address already in use`), { code: 'EADDRINUSE' });
      const actual = await listenOn(server, 0, '127.0.0.1');
      this.loopback.set(key, actual);
      set.keys.add(`l:${key}`);
      return;
    }
    const key = `${podIP}:${port}`;
    let actual: number;
    try {
      actual = await listenOn(server, port, podIP);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EACCES') throw err;
      actual = await listenOn(server, 0, podIP);
    }
    this.podPorts.set(key, actual);
    set.keys.add(`p:${key}`);
  }

  /** Where a pod-scope listener for podIP:port really is. */
  resolve(podIP: string, port: number): { host: string; port: number } {
    return { host: podIP, port: this.podPorts.get(`${podIP}:${port}`) ?? port };
  }

  /** The 127.0.0.1 port of a pod's loopback listener for `port`, if one is bound. */
  loopbackPort(podUid: string, port: number): number | undefined {
    return this.loopback.get(`${podUid}:${port}`);
  }

  async close(set: ListenerSet): Promise<void> {
    for (const k of set.keys) {
      if (k.startsWith('l:')) this.loopback.delete(k.slice(2));
      else this.podPorts.delete(k.slice(2));
    }
    set.keys.clear();
    for (const s of set.sockets) s.destroy();
    set.sockets.clear();
    await Promise.all(
      [...set.servers].map(
        (srv) =>
          new Promise<void>((resolve) => {
            if (!srv.listening) return resolve();
            srv.close(() => resolve());
            (srv as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
          }),
      ),
    );
    set.servers.clear();
  }
}
