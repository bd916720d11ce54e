/**
 * `pods/portforward` over WebSocket, with the channel protocol of the kubelet's websocket
 * port-forward (pkg/kubelet/cri/streaming/portforward/websocket.go), which client-node's
 * PortForward speaks:
 *
 * - subprotocols `v4.channel.k8s.io` / `channel.k8s.io` (binary) and `v4.base64.channel.k8s.io` /
 *   `base64.channel.k8s.io` (text); the client's first acceptable one wins. Like the kubelet we do
 *   not offer `v5.channel.k8s.io` for port-forward, so client-node (which lists v5 first) lands on
 *   v4 here as on a cluster.
 * - `?ports=a,b` (or repeated `ports`): port i uses channel 2i for data and 2i+1 for errors; every
 *   message starts with its channel byte; the first message the server sends on each channel is
 *   the port as 2 bytes little-endian.
 * - The connection goes to the pod's loopback listener for the port when a container bound one
 *   (what port-forward reaches on a node: 127.0.0.1 inside the pod), else to podIP:port. A refused
 *   dial is reported on the error channel in the kubelet's words, then the socket closes.
 *
 * kubectl's own `port-forward` speaks SPDY (or SPDY tunnelled in WebSocket, subprotocol
 * `SPDY/3.1+portforward.k8s.io`): both are handed to `../../spdy`, which speaks SPDY/3.1 with the
 * same pod-side dialling.
 */
import type { IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { createSpdyPortForwardHandler, isSpdyPortForward } from '../../spdy/port-forward';
import type { Store } from '../store';
import type { UpgradeContext, UpgradeHandler } from '../types';

/** What the port-forward handler needs from the kubelet. */
export interface PortForwardTarget {
  loopbackPort(namespace: string, name: string, port: number): number | undefined;
  resolvePodPort(podIP: string, port: number): { host: string; port: number };
  podIP(namespace: string, name: string): string | undefined;
}

const BINARY = ['v4.channel.k8s.io', 'channel.k8s.io'];
const BASE64 = ['v4.base64.channel.k8s.io', 'base64.channel.k8s.io'];
const SUPPORTED = [...BINARY, ...BASE64];
/** Pause the pod side when this much is queued towards the client. */
const HIGH_WATER = 4 * 1024 * 1024;

function reject(socket: Duplex, code: number, reason: string, message: string): void {
  const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
  socket.end(`HTTP/1.1 ${code} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

export function parsePorts(q: URLSearchParams): number[] | string {
  const raw = q.getAll('ports').flatMap((v) => v.split(','));
  if (raw.length === 0) return 'at least 1 port must be specified';
  const ports: number[] = [];
  for (const r of raw) {
    const s = r.trim();
    if (!/^\d+$/.test(s)) return `unable to parse "${s}" as a port: strconv.ParseUint: parsing "${s}": invalid syntax`;
    const n = Number(s);
    if (n < 1 || n > 65535) return `port "${s}" must be > 0`;
    ports.push(n);
  }
  return ports;
}

export interface PortForwardHandler extends UpgradeHandler {
  /** Closes every forwarded connection. */
  close(): void;
}

export function createPortForwardHandler(store: Store, kubelet: PortForwardTarget): PortForwardHandler {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 16 * 1024 * 1024,
    handleProtocols: (protocols) => [...protocols].find((p) => SUPPORTED.includes(p)) ?? false,
  });
  const open = new Set<WebSocket>();
  const spdy = createSpdyPortForwardHandler(store, kubelet);

  const handler = ((req: IncomingMessage, socket: Duplex, head: Buffer, ctx: UpgradeContext) => {
    if (isSpdyPortForward(req, ctx)) return spdy(req, socket, head, ctx);
    const offered = String(req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (offered.length && !offered.some((p) => SUPPORTED.includes(p))) {
      return reject(socket, 400, 'BadRequest', `unable to upgrade: no supported protocol offered (${offered.join(', ')}); supported: ${SUPPORTED.join(', ')}`);
    }
    const ports = parsePorts(ctx.query);
    if (typeof ports === 'string') return reject(socket, 400, 'BadRequest', ports);
    const pod = store.get('core/pods', ctx.namespace, ctx.name);
    const phase = (pod?.['status'] as { phase?: string } | undefined)?.phase;
    if (!pod || phase !== 'Running') {
      const why = !pod ? `pods "${ctx.name}" not found` : `unable to upgrade connection: pod ${ctx.name} is not running (phase ${phase ?? 'Pending'})`;
      return reject(socket, !pod ? 404 : 400, !pod ? 'NotFound' : 'BadRequest', why);
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      open.add(ws);
      ws.on('close', () => open.delete(ws));
      forward(ws, ctx, ports);
    });
  }) as PortForwardHandler;

  function forward(ws: WebSocket, ctx: UpgradeContext, ports: number[]): void {
    const base64 = BASE64.includes(ws.protocol);
    const send = (channel: number, data: Buffer | string, cb?: () => void) => {
      if (ws.readyState !== ws.OPEN) return;
      const payload = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      if (base64) ws.send(String(channel) + payload.toString('base64'), cb);
      else ws.send(Buffer.concat([Buffer.from([channel]), payload]), { binary: true }, cb);
    };
    const targets: Array<Socket | undefined> = [];
    let live = ports.length;
    const closeOne = () => {
      live--;
      if (live <= 0 && ws.readyState === ws.OPEN) ws.close(1000);
    };
    ports.forEach((port, i) => {
      const portBytes = Buffer.alloc(2);
      portBytes.writeUInt16LE(port);
      send(2 * i, portBytes);
      send(2 * i + 1, portBytes);
      const lb = kubelet.loopbackPort(ctx.namespace, ctx.name, port);
      const podIP = kubelet.podIP(ctx.namespace, ctx.name);
      const where = lb !== undefined ? { host: '127.0.0.1', port: lb } : podIP ? kubelet.resolvePodPort(podIP, port) : undefined;
      if (!where) {
        send(2 * i + 1, `error forwarding port ${port} to pod ${ctx.name}: pod is not running`);
        closeOne();
        return;
      }
      const sock = connect({ host: where.host, port: where.port });
      targets[i] = sock;
      let queued = 0;
      sock.on('data', (chunk: Buffer) => {
        queued += chunk.length;
        send(2 * i, chunk, () => {
          queued -= chunk.length;
          if (queued < HIGH_WATER / 4 && sock.isPaused()) sock.resume();
        });
        if (queued > HIGH_WATER) sock.pause();
      });
      sock.on('error', (err: NodeJS.ErrnoException) => {
        const why = err.code === 'ECONNREFUSED' ? 'connect: connection refused' : err.message;
        send(
          2 * i + 1,
          `error forwarding port ${port} to pod ${ctx.name}, uid : failed to execute portforward in network namespace: failed to connect to localhost:${port} inside namespace "${ctx.name}", IPv4: dial tcp4 127.0.0.1:${port}: ${why} `,
        );
      });
      sock.on('close', closeOne);
    });
    ws.on('message', (data: RawData, isBinary: boolean) => {
      let buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      let channel: number;
      if (!isBinary || base64) {
        const text = buf.toString('utf8');
        channel = Number(text[0]);
        buf = Buffer.from(text.slice(1), 'base64');
      } else {
        channel = buf[0]!;
        buf = buf.subarray(1);
      }
      if (channel % 2 !== 0) return; // error channels are server → client only
      const sock = targets[channel / 2];
      if (sock && !sock.destroyed && buf.length) sock.write(buf);
    });
    ws.on('close', () => {
      for (const s of targets) s?.destroy();
    });
    ws.on('error', () => {
      for (const s of targets) s?.destroy();
    });
  }

  handler.close = () => {
    spdy.close();
    for (const ws of open) ws.terminate();
    open.clear();
    wss.close();
  };
  return handler;
}
