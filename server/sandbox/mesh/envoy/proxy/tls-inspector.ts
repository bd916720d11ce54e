/**
 * envoy.filters.listener.tls_inspector: peek at the first bytes of a connection, and if they are a
 * TLS ClientHello, extract the SNI and ALPN for filter chain selection. The bytes are put back
 * (socket.unshift) so the chosen chain sees the whole stream.
 */
import type { Socket } from 'node:net';

export interface ClientHelloInfo {
  tls: boolean;
  sni?: string;
  alpn?: string[];
}

/** Parses a (possibly partial) TLS record; returns undefined when more bytes are needed. */
export function parseClientHello(buf: Buffer): ClientHelloInfo | undefined {
  if (buf.length < 1) return undefined;
  if (buf[0] !== 0x16) return { tls: false };
  if (buf.length < 5) return undefined;
  const recLen = buf.readUInt16BE(3);
  if (buf.length < 5 + recLen) return recLen > 16384 ? { tls: true } : undefined;
  try {
    let p = 5;
    if (buf[p] !== 0x01) return { tls: true };
    p += 4; // handshake type + length
    p += 2 + 32; // version + random
    const sidLen = buf[p]!;
    p += 1 + sidLen;
    const csLen = buf.readUInt16BE(p);
    p += 2 + csLen;
    const cmLen = buf[p]!;
    p += 1 + cmLen;
    if (p + 2 > 5 + recLen) return { tls: true };
    const extEnd = p + 2 + buf.readUInt16BE(p);
    p += 2;
    const info: ClientHelloInfo = { tls: true };
    while (p + 4 <= extEnd) {
      const type = buf.readUInt16BE(p);
      const len = buf.readUInt16BE(p + 2);
      const body = buf.subarray(p + 4, p + 4 + len);
      if (type === 0x0000 && body.length >= 5) {
        let q = 2;
        while (q + 3 <= body.length) {
          const nameType = body[q]!;
          const nameLen = body.readUInt16BE(q + 1);
          if (nameType === 0) {
            info.sni = body.subarray(q + 3, q + 3 + nameLen).toString('ascii').toLowerCase();
            break;
          }
          q += 3 + nameLen;
        }
      } else if (type === 0x0010 && body.length >= 2) {
        const protos: string[] = [];
        let q = 2;
        while (q < body.length) {
          const l = body[q]!;
          protos.push(body.subarray(q + 1, q + 1 + l).toString('ascii'));
          q += 1 + l;
        }
        info.alpn = protos;
      }
      p += 4 + len;
    }
    return info;
  } catch {
    return { tls: true };
  }
}

/** Reads until a ClientHello can be judged (or `timeoutMs`), then unshifts what was read. */
export function inspect(socket: Socket, timeoutMs = 5000): Promise<ClientHelloInfo> {
  return new Promise((resolve) => {
    let buf = Buffer.alloc(0);
    let done = false;
    const finish = (info: ClientHelloInfo) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('error', onEnd);
      socket.pause();
      if (buf.length) socket.unshift(buf);
      resolve(info);
    };
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      const info = parseClientHello(buf);
      if (info) finish(info);
      else if (buf.length > 20000) finish({ tls: true });
    };
    const onEnd = () => finish({ tls: false });
    const timer = setTimeout(() => finish({ tls: false }), timeoutMs);
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('error', onEnd);
    socket.resume();
  });
}

/** Envoy's server_names matching: exact first, then the longest matching `*.suffix` wildcard. */
export function chooseByServerName<T extends { serverNames?: string[] }>(chains: T[], sni: string | undefined): T | undefined {
  if (sni) {
    const exact = chains.find((c) => c.serverNames?.includes(sni));
    if (exact) return exact;
    let best: T | undefined;
    let bestLen = -1;
    for (const c of chains) {
      for (const n of c.serverNames ?? []) {
        if (n.startsWith('*.') && sni.endsWith(n.slice(1)) && n.length > bestLen) {
          best = c;
          bestLen = n.length;
        }
      }
    }
    if (best) return best;
  }
  return chains.find((c) => !c.serverNames || c.serverNames.length === 0);
}
