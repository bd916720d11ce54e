/**
 * The proxy's data-plane sockets: one TCP server on the pod IP per LDS listener port. Each new
 * connection is matched against the listener's filter chains *as currently applied* (SNI via the
 * TLS inspector), then handed to TLS termination, the HTTP connection manager (HTTP/1.1, or HTTP/2
 * when ALPN picks h2) or tcp_proxy. Listeners removed by a push are closed; existing ports are kept.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { createServer as createH2Server, type Http2Server } from 'node:http2';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { TLSSocket } from 'node:tls';
import type { HttpConnectionManager } from '../types';
import { compileAccessLogs, emitAccessLogs } from './access-log';
import type { RuntimeChain, RuntimeListener } from './config-state';
import type { DownstreamRequest, DownstreamResponse } from './http-exchange';
import { handleHttpRequest } from './http-router';
import type { ProxyRuntime } from './runtime';
import { tcpProxy } from './tcp-proxy';
import { handleUpgrade } from './upgrade';
import { chooseByServerName, inspect } from './tls-inspector';

const HCM = Symbol('gatescope.hcm');
type Tagged = { [HCM]?: ChainTag };

/** What a downstream connection was accepted with: the HCM of its filter chain and its listener version. */
export interface ChainTag {
  hcm: HttpConnectionManager;
  listener: string;
  hash: string;
}

export type ListenFn = (server: NetServer, port: number) => Promise<void>;

export class ListenerManager {
  private readonly servers = new Map<string, { port: number; server: NetServer; sockets: Set<Socket> }>();
  private readonly http1: HttpServer;
  private readonly h2: Http2Server;
  private closed = false;

  constructor(
    private readonly rt: ProxyRuntime,
    private readonly listen: ListenFn,
  ) {
    const onRequest = (req: DownstreamRequest, res: DownstreamResponse) => {
      const tag = (req.socket as unknown as Tagged)[HCM];
      if (!tag) {
        res.destroy();
        return;
      }
      handleHttpRequest(rt, tag, req, res).catch((err: unknown) => {
        rt.log(`envoy router: request failed: ${(err as Error).message}`);
        if (!res.headersSent) {
          res.statusCode = 500;
          res.end();
        } else res.destroy();
      });
    };
    this.http1 = createHttpServer({ keepAliveTimeout: 60_000, requestTimeout: 0 }, onRequest);
    this.http1.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const tag = (req.socket as unknown as Tagged)[HCM];
      if (!tag) return socket.destroy();
      try {
        handleUpgrade(rt, tag.hcm, req, socket, head);
      } catch {
        socket.destroy();
      }
    });
    this.h2 = createH2Server({}, onRequest as never);
  }

  /** Binds listeners that are new in `listeners`, closes the ones that disappeared. */
  async reconcile(listeners: Map<string, RuntimeListener>): Promise<string[]> {
    const errors: string[] = [];
    for (const [name, entry] of this.servers) {
      const still = listeners.get(name);
      if (!still || still.port !== entry.port) {
        this.servers.delete(name);
        entry.server.close();
        for (const s of entry.sockets) s.destroy();
      }
    }
    for (const l of listeners.values()) {
      if (this.servers.has(l.name) || this.closed) continue;
      const sockets = new Set<Socket>();
      const server = createNetServer({ pauseOnConnect: true }, (sock) => {
        sockets.add(sock);
        sock.once('close', () => sockets.delete(sock));
        this.onConnection(l.name, sock).catch((err: unknown) => {
          this.rt.log(`envoy connection: ${(err as Error).message}`);
          sock.destroy();
        });
      });
      this.servers.set(l.name, { port: l.port, server, sockets });
      try {
        await this.listen(server, l.port);
      } catch (err) {
        this.servers.delete(l.name);
        errors.push(`listener ${l.name}: cannot bind to port ${l.port}: ${(err as Error).message}`);
      }
    }
    return errors;
  }

  get boundListeners(): string[] {
    return [...this.servers.keys()];
  }

  private async onConnection(name: string, sock: Socket): Promise<void> {
    const rt = this.rt;
    sock.on('error', () => sock.destroy());
    const l = rt.current?.listeners.get(name);
    if (!l) {
      sock.destroy();
      return;
    }
    rt.stats.listenerInc(name, 'downstream_cx_total');
    rt.stats.inc('server.total_connections', 'envoy_server_total_connections');
    const info = l.inspector ? await inspect(sock) : { tls: false as const, sni: undefined };
    const chain = chooseByServerName(l.chains, info.sni);
    const localAddress = `${sock.localAddress}:${sock.localPort}`;
    const remoteAddress = `${(sock.remoteAddress ?? '').replace(/^::ffff:/, '')}:${sock.remotePort}`;
    if (!chain) {
      rt.stats.listenerInc(name, 'no_filter_chain_match');
      emitAccessLogs(
        compileAccessLogs(l.config.access_log as never),
        { startTime: new Date(), requestHeaders: {}, responseHeaders: {}, responseCode: 0, responseFlags: ['NR'], connectionTerminationDetails: 'filter_chain_not_found', bytesReceived: 0, bytesSent: 0, durationMs: 0, downstreamLocalAddress: localAddress, downstreamRemoteAddress: remoteAddress, requestedServerName: info.sni, hostname: rt.node.podName },
        (line) => rt.log(line),
      );
      sock.destroy();
      return;
    }
    const tag: ChainTag | undefined = chain.hcm ? { hcm: chain.hcm, listener: name, hash: rt.current?.meta.listeners.get(name)?.hash ?? '' } : undefined;
    try {
      this.dispatch(chain, tag, sock, localAddress, remoteAddress, info.sni);
    } catch (err) {
      rt.log(`envoy connection: ${(err as Error).message}`);
      sock.destroy();
    }
  }

  private dispatch(chain: RuntimeChain, tag: ChainTag | undefined, sock: Socket, localAddress: string, remoteAddress: string, sni: string | undefined): void {
    const rt = this.rt;
    if (chain.tlsUnavailable) {
      // Envoy holds no certificate for this chain: the handshake fails (the client sees a reset).
      rt.stats.listenerInc(localAddress, 'ssl.connection_error');
      sock.destroy();
      return;
    }
    if (chain.tls) {
      const tlsSock = new TLSSocket(sock, {
        isServer: true,
        secureContext: chain.tls.context,
        requestCert: chain.tls.requireClientCert,
        rejectUnauthorized: chain.tls.requireClientCert,
        ALPNProtocols: chain.hcm ? chain.tls.alpn.filter((p) => p === 'h2' || p === 'http/1.1') : chain.tls.alpn,
      });
      tlsSock.on('error', () => {
        rt.stats.listenerInc(localAddress, 'ssl.connection_error');
        tlsSock.destroy();
        sock.destroy();
      });
      tlsSock.once('secure', () => {
        if (chain.hcm) {
          (tlsSock as unknown as Tagged)[HCM] = tag;
          if (tlsSock.alpnProtocol === 'h2') {
            // A server-side TLSSocket built by hand keeps secureConnecting=true after the handshake;
            // Http2Session would then wait for a 'secureConnect' that never comes.
            (tlsSock as unknown as { secureConnecting: boolean }).secureConnecting = false;
            this.h2.emit('connection', tlsSock);
          }
          else this.http1.emit('connection', tlsSock);
        } else if (chain.tcp) tcpProxy(rt, chain.tcp, tlsSock, { localAddress, remoteAddress, sni });
      });
      sock.resume();
      return;
    }
    if (chain.hcm) {
      (sock as unknown as Tagged)[HCM] = tag;
      this.http1.emit('connection', sock);
      sock.resume();
      return;
    }
    if (chain.tcp) {
      tcpProxy(rt, chain.tcp, sock, { localAddress, remoteAddress, sni });
      sock.resume();
      return;
    }
    sock.destroy();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const { server, sockets } of this.servers.values()) {
      server.close();
      for (const s of sockets) s.destroy();
    }
    this.servers.clear();
    this.http1.closeAllConnections();
    this.http1.close();
    this.h2.close();
  }
}
