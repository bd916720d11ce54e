/**
 * Fault suite §5 item 13, the slow-client half (the message-size, flood and handshake halves are in
 * server/http/front-door.test.ts): a client that stops reading never grows the server's buffer
 * past the limit, its missed events are counted and reported when it drains, and another client
 * keeps receiving everything meanwhile. Real sockets on loopback.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { Hub, type TopicSink } from './hub';

let server: Server | undefined;
let hub: Hub | undefined;
afterEach(async () => {
  hub?.close();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

async function until(fn: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('Hub with a client that stops reading', () => {
  it('drops and counts its events past the buffer limit, reports them when it drains, and keeps serving others', async () => {
    const sinks = new Set<TopicSink>();
    hub = new Hub({ context: 'test', mode: 'sandbox', maxBufferedBytes: 256 * 1024 });
    hub.register('firehose', {
      subscribe(_p, sink) {
        sinks.add(sink);
        return () => sinks.delete(sink);
      },
    });
    const wss = new WebSocketServer({ noServer: true });
    const serverSockets: WebSocket[] = [];
    server = createServer();
    server.on('upgrade', (req, sock, head) =>
      wss.handleUpgrade(req, sock, head, (ws) => {
        serverSockets.push(ws);
        hub!.accept(ws);
      }),
    );
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const open = (onMessage: (m: { type: string; count?: number }) => void) =>
      new Promise<WebSocket>((resolve) => {
        const ws = new WebSocket(url);
        ws.on('message', (raw) => onMessage(JSON.parse(String(raw)) as { type: string; count?: number }));
        ws.on('open', () => {
          ws.send(JSON.stringify({ type: 'subscribe', topic: 'firehose' }));
          resolve(ws);
        });
      });
    let fastEvents = 0;
    let slowEvents = 0;
    let reportedDropped = 0;
    const fast = await open((m) => void (m.type === 'event' && fastEvents++));
    const slow = await open((m) => {
      if (m.type === 'event') slowEvents++;
      if (m.type === 'dropped') reportedDropped += m.count ?? 0;
    });
    await until(() => sinks.size === 2, 'both subscriptions');

    // The slow client stops reading: its TCP window fills, then the server's socket buffer.
    (slow as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const payload = 'x'.repeat(4096);
    const SENT = 3000; // 12 MB in all: far past the OS buffers and the hub's 256 KiB limit
    for (let i = 0; i < SENT; i++) {
      for (const s of sinks) s.event(i, payload);
      if (i % 100 === 0) await new Promise((r) => setImmediate(r));
    }
    const slowServerSide = serverSockets[1]!;
    expect(slowServerSide.bufferedAmount).toBeLessThan(256 * 1024 + 2 * 4200);
    await until(() => fastEvents === SENT, 'the fast client to get every event');

    (slow as unknown as { _socket: { resume(): void } })._socket.resume();
    await until(() => reportedDropped > 0 && slowEvents + reportedDropped === SENT, 'the slow client to learn what it missed');
    expect(reportedDropped).toBeGreaterThan(SENT / 2);
    fast.close();
    slow.close();
  }, 30_000);
});
