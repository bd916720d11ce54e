/**
 * SPDY/3.1 framing (SPDY Protocol Draft 3.1), as much as Kubernetes' streaming protocols use:
 * control frames SYN_STREAM, SYN_REPLY, RST_STREAM, SETTINGS, PING, GOAWAY, HEADERS,
 * WINDOW_UPDATE, and DATA frames. Header blocks are name/value pairs with 4-byte lengths,
 * compressed by one zlib stream per direction for the whole connection (SPDY/3 dictionary,
 * Z_SYNC_FLUSH after each block).
 */
import { constants, createDeflate, createInflate, type Deflate, type Inflate } from 'node:zlib';
import { SPDY3_DICTIONARY } from './dictionary';

export const SPDY_VERSION = 3;

export const FrameType = {
  SYN_STREAM: 1,
  SYN_REPLY: 2,
  RST_STREAM: 3,
  SETTINGS: 4,
  PING: 6,
  GOAWAY: 7,
  HEADERS: 8,
  WINDOW_UPDATE: 9,
} as const;

export const FLAG_FIN = 0x01;
export const FLAG_UNIDIRECTIONAL = 0x02;

export const RstStatus = { PROTOCOL_ERROR: 1, INVALID_STREAM: 2, REFUSED_STREAM: 3, UNSUPPORTED_VERSION: 4, CANCEL: 5, INTERNAL_ERROR: 6 } as const;

/** Largest frame accepted (the 24-bit length allows 16 MiB; Kubernetes peers send 32 KiB). */
const MAX_FRAME = 16 * 1024 * 1024;

export type RawFrame =
  | { control: true; version: number; type: number; flags: number; payload: Buffer }
  | { control: false; streamId: number; flags: number; payload: Buffer };

/** Splits a byte stream into frames. */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): RawFrame[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: RawFrame[] = [];
    while (this.buf.length >= 8) {
      const len = this.buf.readUIntBE(5, 3);
      if (len > MAX_FRAME) throw new Error(`SPDY frame of ${len} bytes is too large`);
      if (this.buf.length < 8 + len) break;
      const flags = this.buf[4]!;
      const payload = Buffer.from(this.buf.subarray(8, 8 + len));
      if (this.buf[0]! & 0x80) out.push({ control: true, version: this.buf.readUInt16BE(0) & 0x7fff, type: this.buf.readUInt16BE(2), flags, payload });
      else out.push({ control: false, streamId: this.buf.readUInt32BE(0) & 0x7fffffff, flags, payload });
      this.buf = this.buf.subarray(8 + len);
    }
    return out;
  }
}

export function controlFrame(type: number, flags: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt16BE(0x8000 | SPDY_VERSION, 0);
  h.writeUInt16BE(type, 2);
  h.writeUInt8(flags, 4);
  h.writeUIntBE(payload.length, 5, 3);
  return Buffer.concat([h, payload]);
}

export function dataFrame(streamId: number, flags: number, data: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt32BE(streamId & 0x7fffffff, 0);
  h.writeUInt8(flags, 4);
  h.writeUIntBE(data.length, 5, 3);
  return Buffer.concat([h, data]);
}

export function u32(...values: number[]): Buffer {
  const b = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, 4 * i));
  return b;
}

/** Uncompressed header block: count, then (name, value) with 4-byte lengths; multiple values NUL-joined. */
export function encodeHeaderBlock(headers: ReadonlyArray<[string, string]>): Buffer {
  const parts: Buffer[] = [u32(headers.length)];
  for (const [name, value] of headers) {
    const n = Buffer.from(name.toLowerCase(), 'utf8');
    const v = Buffer.from(value, 'utf8');
    parts.push(u32(n.length), n, u32(v.length), v);
  }
  return Buffer.concat(parts);
}

export function decodeHeaderBlock(b: Buffer): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let pos = 0;
  const need = (n: number) => {
    if (pos + n > b.length) throw new Error('truncated SPDY header block');
  };
  need(4);
  const count = b.readUInt32BE(pos);
  pos += 4;
  for (let i = 0; i < count; i++) {
    need(4);
    const nl = b.readUInt32BE(pos);
    pos += 4;
    need(nl);
    const name = b.subarray(pos, pos + nl).toString('utf8').toLowerCase();
    pos += nl;
    need(4);
    const vl = b.readUInt32BE(pos);
    pos += 4;
    need(vl);
    const value = b.subarray(pos, pos + vl).toString('utf8');
    pos += vl;
    out.set(name, [...(out.get(name) ?? []), ...value.split('\0')]);
  }
  return out;
}

/** One direction's zlib context: every call is one header block, flushed with Z_SYNC_FLUSH. */
class ZContext {
  private pending: Buffer[] = [];
  private failed?: Error;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly z: Inflate | Deflate) {
    z.on('data', (d: Buffer) => this.pending.push(d));
    z.on('error', (err: Error) => {
      this.failed = err;
    });
  }

  run(chunk: Buffer): Promise<Buffer> {
    const p = this.queue.then(
      () =>
        new Promise<Buffer>((resolve, reject) => {
          if (this.failed) return reject(this.failed);
          this.z.write(chunk);
          this.z.flush(constants.Z_SYNC_FLUSH, () => {
            setImmediate(() => {
              if (this.failed) return reject(this.failed);
              const out = Buffer.concat(this.pending);
              this.pending = [];
              resolve(out);
            });
          });
        }),
    );
    this.queue = p.catch(() => undefined);
    return p;
  }

  close(): void {
    this.z.destroy();
  }
}

export class HeaderCompression {
  private readonly inflate = new ZContext(createInflate({ dictionary: SPDY3_DICTIONARY }));
  private readonly deflate = new ZContext(createDeflate({ dictionary: SPDY3_DICTIONARY, level: 9 }));

  /** Decompresses one received header block and parses it. */
  async decode(compressed: Buffer): Promise<Map<string, string[]>> {
    return decodeHeaderBlock(await this.inflate.run(compressed));
  }

  /** Encodes and compresses one header block to send. */
  encode(headers: ReadonlyArray<[string, string]>): Promise<Buffer> {
    return this.deflate.run(encodeHeaderBlock(headers));
  }

  close(): void {
    this.inflate.close();
    this.deflate.close();
  }
}
