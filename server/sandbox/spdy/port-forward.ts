/**
 * `kubectl port-forward` against the sandbox: pods/portforward over SPDY/3.1, either tunnelled in
 * a WebSocket (subprotocol `SPDY/3.1+portforward.k8s.io`, kubectl ≥ 1.31 by default) or over the
 * legacy `Upgrade: SPDY/3.1` connection, with the kubelet's port-forward protocol
 * (`portforward.k8s.io`, pkg/kubelet/cri/streaming/portforward/httpstream.go):
 *
 * - for each local connection kubectl opens an error stream and a data stream, both with headers
 *   `streamType` (`error`/`data`), `port` and `requestID`; the server accepts each (SYN_REPLY),
 *   pairs them by requestID, and connects to the port: the pod's loopback listener when a
 *   container bound one (Envoy admin :15000, istiod :15014), else podIP:port;
 * - bytes flow both ways on the data stream; when the pod side closes, the server FINs the data
 *   stream, then the error stream; a failed dial is written to the error stream in the kubelet's
 *   words first.
 *
 * `createSpdyPortForwardHandler` is an UpgradeHandler for the API server's `pods/portforward`
 * hook; `isSpdyPortForward(req, ctx)` says whether a request is one of these.
 */
import type { IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Store } from '../api/store';
import type { PortForwardTarget } from '../api/subresources/port-forward';
import type { UpgradeContext, UpgradeHandler } from '../api/types';
import { SpdyServerSession, type SpdyStream, type SpdyTransport } from './session';

export const PORT_FORWARD_PROTOCOL = 'portforward.k8s.io';
export const SPDY_TUNNEL_PROTOCOL = `SPDY/3.1+${PORT_FORWARD_PROTOCOL}`;
/** How long the first stream of a pair waits for the second (kubelet: streamCreationTimeout). */
const PAIR_TIMEOUT_MS = 30_000;
const HIGH_WATER = 4 * 1024 * 1024;

function offeredProtocols(req: IncomingMessage): string[] {
  return String(req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** True for kubectl's port-forward: legacy SPDY, or a WebSocket offering the SPDY tunnel. */
export function isSpdyPortForward(req: IncomingMessage, ctx: Pick<UpgradeContext, 'protocol'>): boolean {
  return ctx.protocol === 'spdy' || offeredProtocols(req).includes(SPDY_TUNNEL_PROTOCOL);
}

function reject(socket: Duplex, code: number, reason: string, message: string): void {
  const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
  socket.end(`HTTP/1.1 ${code} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

export interface SpdyPortForwardHandler extends UpgradeHandler {
  close(): void;
}

export function createSpdyPortForwardHandler(store: Store, kubelet: PortForwardTarget, log: (msg: string) => void = () => {}): SpdyPortForwardHandler {
  // `ws` rejects `SPDY/3.1+portforward.k8s.io` as a subprotocol ('/' is not an RFC 7230 token
  // character), so the request header is taken off before the handshake and the answer's
  // Sec-WebSocket-Protocol added back here, as kube-apiserver's tunnelling handler answers.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 * 1024, perMessageDeflate: false });
  const tunnelled = new WeakSet<IncomingMessage>();
  wss.on('headers', (headers: string[], req: IncomingMessage) => {
    if (tunnelled.has(req)) headers.push(`Sec-WebSocket-Protocol: ${SPDY_TUNNEL_PROTOCOL}`);
  });
  const sessions = new Set<SpdyServerSession>();

  const handler = ((req: IncomingMessage, socket: Duplex, head: Buffer, ctx: UpgradeContext) => {
    const pod = store.get('core/pods', ctx.namespace, ctx.name);
    const phase = (pod?.['status'] as { phase?: string } | undefined)?.phase;
    if (!pod || phase !== 'Running') {
      const why = !pod ? `pods "${ctx.name}" not found` : `unable to upgrade connection: pod ${ctx.name} is not running (phase ${phase ?? 'Pending'})`;
      return reject(socket, !pod ? 404 : 400, !pod ? 'NotFound' : 'BadRequest', why);
    }
    const uid = pod.metadata.uid ?? '';
    if (ctx.protocol === 'spdy') {
      const wanted = String(req.headers['x-stream-protocol-version'] ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      if (wanted.length && !wanted.includes(PORT_FORWARD_PROTOCOL)) {
        return reject(socket, 403, 'Forbidden', `unable to upgrade: unable to negotiate protocol: client supports ${JSON.stringify(wanted)}, server supports ["${PORT_FORWARD_PROTOCOL}"]`);
      }
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${PORT_FORWARD_PROTOCOL}\r\n\r\n`);
      const sock = socket as Socket;
      const session = start(
        {
          write: (d, done) => void sock.write(d, () => done?.()),
          close: () => sock.end(),
        },
        ctx,
        uid,
      );
      sock.on('data', (d: Buffer) => session.feed(d));
      sock.on('close', () => session.shutdown());
      sock.on('error', () => session.shutdown());
      if (head.length) session.feed(head);
      return;
    }
    if (!offeredProtocols(req).includes(SPDY_TUNNEL_PROTOCOL)) return reject(socket, 400, 'BadRequest', `unable to upgrade: ${SPDY_TUNNEL_PROTOCOL} not offered`);
    delete req.headers['sec-websocket-protocol'];
    tunnelled.add(req);
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      const session = start(
        {
          write: (d, done) => {
            if (ws.readyState === ws.OPEN) ws.send(d, { binary: true }, () => done?.());
          },
          close: () => {
            if (ws.readyState === ws.OPEN) ws.close(1000);
          },
        },
        ctx,
        uid,
      );
      ws.on('message', (data: RawData) => session.feed(Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer)));
      ws.on('close', () => session.shutdown());
      ws.on('error', () => session.shutdown());
    });
  }) as SpdyPortForwardHandler;

  function start(transport: SpdyTransport, ctx: UpgradeContext, uid: string): SpdyServerSession {
    const session = new SpdyServerSession(transport, log);
    sessions.add(session);
    const pairs = new Map<string, { error?: SpdyStream; data?: SpdyStream; timer: NodeJS.Timeout }>();
    const sockets = new Set<Socket>();
    session.onClose = () => {
      sessions.delete(session);
      for (const s of sockets) s.destroy();
      for (const p of pairs.values()) clearTimeout(p.timer);
      pairs.clear();
    };
    session.onStream = (stream) => {
      const type = stream.header('streamType');
      const port = Number(stream.header('port'));
      if ((type !== 'error' && type !== 'data') || !Number.isInteger(port) || port < 1 || port > 65535) {
        stream.reset();
        return;
      }
      stream.reply();
      const id = stream.header('requestID') ?? `stream-${stream.id}`;
      let p = pairs.get(id);
      if (!p) {
        const timer = setTimeout(() => {
          const q = pairs.get(id);
          pairs.delete(id);
          q?.error?.reset();
          q?.data?.reset();
        }, PAIR_TIMEOUT_MS);
        timer.unref();
        pairs.set(id, (p = { timer }));
      }
      if (p[type]) {
        stream.reset();
        return;
      }
      p[type] = stream;
      if (p.error && p.data) {
        clearTimeout(p.timer);
        pairs.delete(id);
        forward(p.error, p.data, port, ctx, uid, sockets);
      }
    };
    return session;
  }

  function forward(errorStream: SpdyStream, dataStream: SpdyStream, port: number, ctx: UpgradeContext, uid: string, sockets: Set<Socket>): void {
    const finish = () => {
      dataStream.end();
      errorStream.end();
    };
    const lb = kubelet.loopbackPort(ctx.namespace, ctx.name, port);
    const podIP = kubelet.podIP(ctx.namespace, ctx.name);
    const where = lb !== undefined ? { host: '127.0.0.1', port: lb } : podIP ? kubelet.resolvePodPort(podIP, port) : undefined;
    if (!where) {
      errorStream.write(Buffer.from(`error forwarding port ${port} to pod ${ctx.name}, uid ${uid}: pod is not running`));
      finish();
      return;
    }
    const sock = connect({ host: where.host, port: where.port, allowHalfOpen: true });
    sockets.add(sock);
    let connected = false;
    let queued = 0;
    sock.on('connect', () => {
      connected = true;
      dataStream.onData = (d) => sock.write(d);
      dataStream.onEnd = () => sock.end();
    });
    dataStream.onClose = () => sock.destroy();
    sock.on('data', (chunk: Buffer) => {
      queued += chunk.length;
      dataStream.write(chunk, () => {
        queued -= chunk.length;
        if (queued < HIGH_WATER / 4 && sock.isPaused()) sock.resume();
      });
      if (queued > HIGH_WATER) sock.pause();
    });
    sock.on('end', () => finish());
    sock.on('error', (err: NodeJS.ErrnoException) => {
      if (!connected) {
        const why = err.code === 'ECONNREFUSED' ? 'connect: connection refused' : err.message;
        errorStream.write(Buffer.from(`error forwarding port ${port} to pod ${ctx.name}, uid ${uid}: failed to execute portforward in network namespace: failed to connect to localhost:${port} inside namespace "${ctx.name}", IPv4: dial tcp4 127.0.0.1:${port}: ${why} `));
      }
      finish();
    });
    sock.on('close', () => {
      sockets.delete(sock);
      finish();
    });
  }

  handler.close = () => {
    for (const s of [...sessions]) s.shutdown();
    wss.close();
  };
  return handler;
}
