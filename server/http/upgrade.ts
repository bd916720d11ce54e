/**
 * The single 'upgrade' listener: `/api/stream` goes to our WebSocket hub, every other upgrade
 * (Next's HMR in dev) to Next. One `ws` server with noServer, so Next and we never fight over a
 * socket.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { originAllowed, hostAllowed, type GuardOptions } from './guard';

export const STREAM_PATH = '/api/stream';
/** OWASP: keep WebSocket messages small; ws defaults to 100 MiB. */
export const MAX_CLIENT_MESSAGE_BYTES = 64 * 1024;

export interface UpgradeOptions {
  guard: GuardOptions;
  onConnection(ws: WebSocket, req: IncomingMessage): void;
  /** With --auth: false refuses the handshake (401) before any WebSocket exists. */
  authenticate?: (req: IncomingMessage) => boolean;
  /** Next's upgrade handler (HMR in dev); other paths are destroyed when absent. */
  nextUpgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer) => void | Promise<void>;
}

export function attachUpgrade(server: Server, opts: UpgradeOptions): WebSocketServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE_BYTES, perMessageDeflate: false });
  server.on('upgrade', (req, socket, head) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== STREAM_PATH) {
      if (opts.nextUpgrade) void opts.nextUpgrade(req, socket, head);
      else socket.destroy();
      return;
    }
    if (!hostAllowed(req, opts.guard) || !originAllowed(req, opts.guard)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (opts.authenticate && !opts.authenticate(req)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => opts.onConnection(ws, req));
  });
  return wss;
}
