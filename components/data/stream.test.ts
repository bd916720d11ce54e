/**
 * The per-tab stream client against a real WebSocket server: a component that subscribes to a
 * topic after its snapshot arrived still gets it (the overview and its side panel both read
 * `resources/virtualservices`; the second used to wait for the next change).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket as WsClient, WebSocketServer } from 'ws';
import { StreamClient } from './stream';

let server: Server | undefined;
let client: StreamClient | undefined;
afterEach(async () => {
  client?.stop();
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
});

describe('StreamClient', () => {
  it('replays the newest snapshot to a late subscriber, and never an older version', async () => {
    (globalThis as unknown as { WebSocket: unknown }).WebSocket = WsClient;
    const wss = new WebSocketServer({ noServer: true });
    let subscribes = 0;
    server = createServer();
    server.on('upgrade', (req, sock, head) =>
      wss.handleUpgrade(req, sock, head, (ws) => {
        ws.on('message', (raw) => {
          const m = JSON.parse(String(raw)) as { type: string; topic: string };
          if (m.type !== 'subscribe') return;
          subscribes++;
          ws.send(JSON.stringify({ type: 'snapshot', topic: m.topic, version: 3, data: ['a'] }));
        });
      }),
    );
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    client = new StreamClient(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
    client.start();
    const first: unknown[] = [];
    const stopFirst = client.subscribe('resources/x', (m) => first.push(m));
    for (let i = 0; i < 200 && first.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(first).toHaveLength(1);
    const late: Array<{ version?: number; data?: unknown }> = [];
    const stopLate = client.subscribe('resources/x', (m) => late.push(m as { version?: number; data?: unknown }));
    await new Promise((r) => setTimeout(r, 20));
    expect(late).toEqual([expect.objectContaining({ type: 'snapshot', version: 3, data: ['a'] })]);
    expect(subscribes).toBe(1); // still one subscription for the tab
    stopFirst();
    stopLate();
    for (const c of wss.clients) c.terminate();
  });
});
