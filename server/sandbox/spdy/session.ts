/**
 * The server side of a SPDY/3.1 connection, with the behaviour Kubernetes' peers expect from the
 * kubelet (k8s.io/apimachinery httpstream/spdy on moby/spdystream):
 *
 * - the client opens streams (odd ids) with SYN_STREAM; the server accepts one with SYN_REPLY
 *   (empty headers) before sending any DATA on it, or refuses it with RST_STREAM;
 * - a FIN (on DATA or SYN_STREAM) half-closes a direction; a stream ends when both sides did;
 * - PINGs from the client (odd ids) are echoed; GOAWAY ends the session;
 * - flow control is not enforced by spdystream (it neither sends nor honours WINDOW_UPDATE), so
 *   none is applied here either; SETTINGS and WINDOW_UPDATE are read and ignored.
 *
 * Frames are handled strictly in order (header blocks are decompressed asynchronously), and
 * every frame sent goes through one queue, so a SYN_REPLY always precedes the stream's data.
 */
import { controlFrame, dataFrame, FLAG_FIN, FLAG_UNIDIRECTIONAL, FrameReader, FrameType, HeaderCompression, RstStatus, u32, type RawFrame } from './frames';

export interface SpdyTransport {
  /** Sends bytes; `done` once they left (for back-pressure). */
  write(data: Buffer, done?: () => void): void;
  close(): void;
}

export class SpdyStream {
  /** Set by the handler: data from the client. */
  onData?: (data: Buffer) => void;
  /** The client will send no more (FIN). */
  onEnd?: () => void;
  /** The client reset the stream, or the session ended. */
  onClose?: () => void;
  remoteClosed = false;
  localClosed = false;
  replied = false;
  closed = false;

  constructor(
    readonly id: number,
    readonly headers: Map<string, string[]>,
    private readonly session: SpdyServerSession,
  ) {}

  header(name: string): string | undefined {
    return this.headers.get(name.toLowerCase())?.[0];
  }

  /** SYN_REPLY with empty headers (what the kubelet's stream handler sends on accepting). */
  reply(): void {
    if (this.replied || this.closed) return;
    this.replied = true;
    this.session.sendReply(this);
  }

  write(data: Buffer, done?: () => void): void {
    if (this.localClosed || this.closed) return;
    for (let i = 0; i < data.length; i += 32 * 1024) {
      const chunk = data.subarray(i, i + 32 * 1024);
      this.session.send(dataFrame(this.id, 0, chunk), i + 32 * 1024 >= data.length ? done : undefined);
    }
    if (data.length === 0) done?.();
  }

  /** FIN: nothing more from the server on this stream. */
  end(): void {
    if (this.localClosed || this.closed) return;
    this.localClosed = true;
    this.session.send(dataFrame(this.id, FLAG_FIN, Buffer.alloc(0)));
    this.session.maybeForget(this);
  }

  reset(status: number = RstStatus.CANCEL): void {
    if (this.closed) return;
    this.session.send(controlFrame(FrameType.RST_STREAM, 0, u32(this.id, status)));
    this.session.forget(this);
  }
}

export class SpdyServerSession {
  /** A new stream from the client; call stream.reply() to accept it, or stream.reset(). */
  onStream?: (stream: SpdyStream) => void;
  onClose?: () => void;
  private readonly reader = new FrameReader();
  private readonly hc = new HeaderCompression();
  private readonly streams = new Map<number, SpdyStream>();
  private inbound: Promise<void> = Promise.resolve();
  private outbound: Promise<void> = Promise.resolve();
  private lastStreamId = 0;
  private closed = false;

  constructor(
    private readonly transport: SpdyTransport,
    private readonly log: (msg: string) => void = () => {},
  ) {}

  /** Bytes from the client. */
  feed(chunk: Buffer): void {
    if (this.closed) return;
    let frames: RawFrame[];
    try {
      frames = this.reader.push(chunk);
    } catch (err) {
      this.fail(err as Error);
      return;
    }
    for (const f of frames) this.inbound = this.inbound.then(() => this.handle(f)).catch((err: Error) => this.fail(err));
  }

  /** Queues a frame (in order with SYN_REPLYs still being compressed). */
  send(frame: Buffer, done?: () => void): void {
    if (this.closed) return;
    this.outbound = this.outbound.then(() => {
      if (!this.closed) this.transport.write(frame, done);
    });
  }

  sendReply(stream: SpdyStream): void {
    if (this.closed) return;
    const block = this.hc.encode([]);
    this.outbound = this.outbound.then(async () => {
      const compressed = await block;
      if (!this.closed) this.transport.write(controlFrame(FrameType.SYN_REPLY, 0, Buffer.concat([u32(stream.id), compressed])));
    }).catch((err: Error) => this.fail(err));
  }

  maybeForget(s: SpdyStream): void {
    if (s.localClosed && s.remoteClosed) this.forget(s);
  }

  forget(s: SpdyStream): void {
    if (s.closed) return;
    s.closed = true;
    this.streams.delete(s.id);
    s.onClose?.();
  }

  /** GOAWAY, then close the transport once queued frames are out. */
  close(): void {
    if (this.closed) return;
    this.send(controlFrame(FrameType.GOAWAY, 0, u32(this.lastStreamId, 0)));
    this.outbound = this.outbound.then(() => this.shutdown());
  }

  /** The transport ended: drop everything. */
  shutdown(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of [...this.streams.values()]) this.forget(s);
    this.hc.close();
    this.transport.close();
    this.onClose?.();
  }

  private fail(err: Error): void {
    this.log(`spdy: ${err.message}`);
    this.shutdown();
  }

  private async handle(f: RawFrame): Promise<void> {
    if (this.closed) return;
    if (!f.control) {
      const s = this.streams.get(f.streamId);
      if (!s) return;
      if (f.payload.length) s.onData?.(f.payload);
      if (f.flags & FLAG_FIN) {
        s.remoteClosed = true;
        s.onEnd?.();
        this.maybeForget(s);
      }
      return;
    }
    if (f.version !== 3) throw new Error(`unsupported SPDY version ${f.version}`);
    switch (f.type) {
      case FrameType.SYN_STREAM: {
        const id = f.payload.readUInt32BE(0) & 0x7fffffff;
        const headers = await this.hc.decode(f.payload.subarray(10));
        if (id % 2 === 0 || id <= this.lastStreamId) {
          this.send(controlFrame(FrameType.RST_STREAM, 0, u32(id, RstStatus.PROTOCOL_ERROR)));
          return;
        }
        this.lastStreamId = id;
        const s = new SpdyStream(id, headers, this);
        this.streams.set(id, s);
        if (f.flags & FLAG_FIN) s.remoteClosed = true;
        if (f.flags & FLAG_UNIDIRECTIONAL) s.localClosed = true;
        if (this.onStream) this.onStream(s);
        else s.reset(RstStatus.REFUSED_STREAM);
        return;
      }
      case FrameType.RST_STREAM: {
        const s = this.streams.get(f.payload.readUInt32BE(0) & 0x7fffffff);
        if (s) this.forget(s);
        return;
      }
      case FrameType.PING: {
        const id = f.payload.readUInt32BE(0);
        if (id % 2 === 1) this.send(controlFrame(FrameType.PING, 0, u32(id)));
        return;
      }
      case FrameType.GOAWAY:
        this.shutdown();
        return;
      case FrameType.HEADERS: {
        // Decompress to keep the zlib context in step; extra headers mean nothing here.
        await this.hc.decode(f.payload.subarray(4));
        const s = this.streams.get(f.payload.readUInt32BE(0) & 0x7fffffff);
        if (s && f.flags & FLAG_FIN) {
          s.remoteClosed = true;
          s.onEnd?.();
          this.maybeForget(s);
        }
        return;
      }
      case FrameType.SYN_REPLY:
        // Server-initiated streams are never opened here; keep the zlib context in step anyway.
        await this.hc.decode(f.payload.subarray(4));
        return;
      default:
        return; // SETTINGS, WINDOW_UPDATE, CREDENTIAL: nothing to do
    }
  }
}
