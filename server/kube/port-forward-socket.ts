/**
 * One TCP connection to a pod port through the API server's `pods/portforward`, as a Node Duplex
 * that `http.request({ createConnection })` can use as its socket.
 *
 * Protocol (kubelet pkg/kubelet/cri/streaming/portforward/websocket.go, what client-node's
 * `PortForward` speaks): a WebSocket upgrade of
 * `GET /api/v1/namespaces/{ns}/pods/{pod}/portforward?ports={port}` with subprotocol
 * `v4.channel.k8s.io` (binary frames). Every frame starts with a channel byte: 0 carries the
 * data, 1 the errors (server → client only); the first 2 bytes the server sends on each channel
 * are the port (little-endian). The kubelet dials 127.0.0.1:{port} inside the pod's network
 * namespace, so loopback-only listeners (Envoy admin :15000, istiod :15014) are reachable; when
 * the dial fails it writes the reason on the error channel and closes. When the pod side closes
 * the TCP connection, the WebSocket closes: that is our EOF (v4 has no half-close).
 *
 * We speak the protocol ourselves instead of wrapping client-node's `PortForward` because that
 * one gives no handshake timeout, loses the API server's Status on a refused upgrade (403, 404),
 * and has no backpressure; authentication is the same (`KubeConfig.applyToHTTPSOptions`).
 */
import type { RequestOptions } from 'node:https';
import { Duplex } from 'node:stream';
import type { KubeConfig } from '@kubernetes/client-node';
import WebSocket from 'ws';
import { podRefError } from '../../lib/kube/names';

export interface ForwardTarget {
  namespace: string;
  pod: string;
  port: number;
}

export type PortForwardErrorKind =
  /** The name or port is not acceptable: nothing was sent. */
  | 'invalid'
  /** The API server answered the upgrade with 404 (no such pod). */
  | 'not-found'
  /** The API server answered 401/403 (the kubeconfig's identity may not port-forward). */
  | 'forbidden'
  /** Nothing listens on the port inside the pod. */
  | 'refused'
  /** Some other failure of the upgrade or of the forwarded connection. */
  | 'failed'
  | 'timeout'
  | 'too-large';

/** A failure to reach a pod port, in words ("cannot reach ns/pod port 15000: connection refused"). */
export class PortForwardError extends Error {
  constructor(
    readonly kind: PortForwardErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'PortForwardError';
  }

  /** The HTTP status a console route should answer with. */
  get httpStatus(): number {
    switch (this.kind) {
      case 'invalid':
        return 400;
      case 'not-found':
        return 404;
      case 'forbidden':
        return 403;
      case 'timeout':
        return 504;
      default:
        return 502;
    }
  }
}

export const describeTarget = (t: ForwardTarget) => `${t.namespace}/${t.pod} port ${t.port}`;

/** Throws PortForwardError('invalid') unless the names are DNS-1123 names and the port a TCP port. */
export function checkTarget(t: ForwardTarget): void {
  const why = podRefError(t.namespace, t.pod);
  if (why) throw new PortForwardError('invalid', why);
  if (!Number.isInteger(t.port) || t.port < 1 || t.port > 65535) throw new PortForwardError('invalid', `invalid port ${String(t.port)}: a port is an integer 1..65535`);
}

const PROTOCOLS = ['v4.channel.k8s.io', 'channel.k8s.io'];
const MAX_STATUS_BYTES = 64 * 1024;

/** The kubelet's error text, shortened to what a person needs ("connection refused"). */
function kubeletReason(text: string): { kind: PortForwardErrorKind; reason: string } {
  const t = text.trim();
  if (/connection refused/i.test(t)) return { kind: 'refused', reason: 'connection refused' };
  if (/pod is not running|not running/i.test(t)) return { kind: 'failed', reason: 'the pod is not running' };
  return { kind: 'failed', reason: t.length > 500 ? `${t.slice(0, 500)}…` : t };
}

export interface PortForwardSocketOptions {
  /** Abort when the WebSocket upgrade has not completed within this many ms (default 10 s). */
  handshakeTimeoutMs?: number;
}

/**
 * A Duplex over one port-forward. Writes before the upgrade completes are held until it does; a
 * failed upgrade or dial destroys the socket with a PortForwardError. Has the few net.Socket
 * methods Node's HTTP client and Agent call (setTimeout, setNoDelay, setKeepAlive, ref, unref).
 */
export class PortForwardSocket extends Duplex {
  readonly target: ForwardTarget;
  /** True until the WebSocket is open (net.Socket's name for it; Node's HTTP client reads it). */
  connecting = true;
  /** Bytes received on the data channel. */
  bytesIn = 0;
  private ws?: WebSocket;
  private readonly opened: Promise<void>;
  private markOpen!: () => void;
  private markFailed!: (err: Error) => void;
  private errorText = '';
  private readonly portBytesLeft = [2, 2];
  private idleMs = 0;
  private idleTimer?: NodeJS.Timeout;
  private unrefed = false;

  constructor(kc: KubeConfig, target: ForwardTarget, opts: PortForwardSocketOptions = {}) {
    super({ allowHalfOpen: true });
    this.target = target;
    this.opened = new Promise<void>((resolve, reject) => {
      this.markOpen = resolve;
      this.markFailed = reject;
    });
    this.opened.catch(() => {});
    try {
      checkTarget(target);
    } catch (err) {
      process.nextTick(() => this.fail(err as PortForwardError));
      return;
    }
    void this.connect(kc, opts.handshakeTimeoutMs ?? 10_000);
  }

  private fail(err: Error): void {
    this.markFailed(err);
    this.destroy(err);
  }

  private error(kind: PortForwardErrorKind, reason: string): PortForwardError {
    return new PortForwardError(kind, `cannot reach ${describeTarget(this.target)}: ${reason}`);
  }

  private async connect(kc: KubeConfig, handshakeTimeout: number): Promise<void> {
    const cluster = kc.getCurrentCluster();
    if (!cluster) return this.fail(this.error('failed', 'the kubeconfig has no current cluster'));
    const { namespace, pod, port } = this.target;
    const opts: RequestOptions = {};
    try {
      await kc.applyToHTTPSOptions(opts);
    } catch (err) {
      return this.fail(this.error('forbidden', `cannot get credentials from the kubeconfig: ${(err as Error).message}`));
    }
    if (this.destroyed) return;
    const base = cluster.server.replace(/\/+$/, '').replace(/^http/, 'ws');
    const url = `${base}/api/v1/namespaces/${namespace}/pods/${pod}/portforward?ports=${port}`;
    const ws = new WebSocket(url, PROTOCOLS, {
      ...(opts as WebSocket.ClientOptions),
      handshakeTimeout,
      perMessageDeflate: false,
      maxPayload: 16 * 1024 * 1024,
      followRedirects: false,
    });
    this.ws = ws;
    ws.binaryType = 'nodebuffer';
    ws.on('unexpected-response', (req, res) => {
      // The API server refused the upgrade: read its Status for the message, then give up.
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size < MAX_STATUS_BYTES) chunks.push(c);
        size += c.length;
      });
      res.on('end', () => {
        const code = res.statusCode ?? 0;
        let message = Buffer.concat(chunks).toString('utf8').trim();
        try {
          const status = JSON.parse(message) as { message?: string };
          if (status.message) message = status.message;
        } catch {
          /* not a Status */
        }
        const kind: PortForwardErrorKind = code === 404 ? 'not-found' : code === 401 || code === 403 ? 'forbidden' : 'failed';
        const reason = code === 404 ? `pod not found (${message || 'HTTP 404'})` : `the API server refused the port-forward (HTTP ${code}${message ? `: ${message}` : ''})`;
        this.fail(this.error(kind, reason));
        req.destroy();
      });
      res.on('error', () => this.fail(this.error('failed', `the API server refused the port-forward (HTTP ${res.statusCode ?? 0})`)));
    });
    ws.on('open', () => {
      this.connecting = false;
      if (this.unrefed) this.unref();
      this.markOpen();
      this.emit('connect');
    });
    ws.on('message', (data: Buffer) => this.onFrame(data));
    ws.on('error', (err: Error & { code?: string }) => {
      const timedOut = /Opening handshake has timed out/i.test(err.message);
      const reason = timedOut ? `no answer from the API server within ${handshakeTimeout} ms` : err.code === 'ECONNREFUSED' ? `the API server ${cluster.server} refused the connection` : err.message;
      this.fail(this.error(timedOut ? 'timeout' : 'failed', reason));
    });
    ws.on('close', () => this.onClose());
  }

  private onFrame(data: Buffer): void {
    if (data.length < 1) return;
    const channel = data[0]!;
    let payload = data.subarray(1);
    if (channel > 1) return; // one port: channels 0 and 1 only
    const skip = Math.min(this.portBytesLeft[channel]!, payload.length);
    if (skip) {
      this.portBytesLeft[channel]! -= skip;
      payload = payload.subarray(skip);
    }
    if (!payload.length) return;
    this.touch();
    if (channel === 1) {
      this.errorText += payload.toString('utf8');
      const { kind, reason } = kubeletReason(this.errorText);
      this.fail(this.error(kind, reason));
      return;
    }
    this.bytesIn += payload.length;
    if (!this.push(payload)) this.ws?.pause();
  }

  private onClose(): void {
    if (this.destroyed) return;
    if (this.connecting) {
      this.fail(this.error('failed', 'the API server closed the connection during the upgrade'));
      return;
    }
    if (this.errorText) {
      const { kind, reason } = kubeletReason(this.errorText);
      this.fail(this.error(kind, reason));
      return;
    }
    // The pod side closed the TCP connection: end of stream.
    this.push(null);
    if (this.readableLength === 0) process.nextTick(() => this.destroy());
    else this.once('end', () => this.destroy());
  }

  override _read(): void {
    this.ws?.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.opened.then(
      () => {
        const ws = this.ws;
        if (!ws || ws.readyState !== WebSocket.OPEN) return cb(this.error('failed', 'the port-forward closed'));
        this.touch();
        ws.send(Buffer.concat([Buffer.from([0]), chunk]), { binary: true }, (err) => cb(err ?? null));
      },
      (err: Error) => cb(err),
    );
  }

  override _final(cb: (err?: Error | null) => void): void {
    // v4 channels cannot half-close: the request is complete when the pod side answers.
    cb();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.markFailed(err ?? this.error('failed', 'the port-forward closed'));
    const ws = this.ws;
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      if (ws.readyState === WebSocket.OPEN) ws.close(1000);
      else ws.terminate();
    }
    cb(err);
  }

  private touch(): void {
    if (this.idleMs > 0) {
      if (this.idleTimer) clearTimeout(this.idleTimer);
      this.idleTimer = setTimeout(() => this.emit('timeout'), this.idleMs);
      this.idleTimer.unref();
    }
  }

  // --- the net.Socket surface Node's HTTP client and Agent use ---

  /** Emits 'timeout' after `ms` without traffic (0 turns it off), as net.Socket does. */
  setTimeout(ms: number, cb?: () => void): this {
    this.idleMs = ms;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    // As net.Socket: setTimeout(0, cb) removes cb (Node's HTTP client does this on keep-alive).
    if (cb) {
      if (ms === 0) this.removeListener('timeout', cb);
      else this.once('timeout', cb);
    }
    this.touch();
    return this;
  }

  get timeout(): number {
    return this.idleMs;
  }

  setNoDelay(): this {
    return this;
  }

  setKeepAlive(): this {
    return this;
  }

  /** Lets the process exit while this (idle, pooled) connection is open. */
  unref(): this {
    this.unrefed = true;
    (this.ws as unknown as { _socket?: { unref?: () => void } } | undefined)?._socket?.unref?.();
    return this;
  }

  ref(): this {
    this.unrefed = false;
    (this.ws as unknown as { _socket?: { ref?: () => void } } | undefined)?._socket?.ref?.();
    return this;
  }

  get remoteAddress(): string {
    return `${this.target.namespace}/${this.target.pod}`;
  }

  get remotePort(): number {
    return this.target.port;
  }
}
