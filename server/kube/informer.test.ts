import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { Informer, type InformerEventType } from './informer';

/**
 * A scripted list/watch endpoint: each test decides what list and watch answer. Plain HTTP on
 * loopback; the informer's semantics against the real sandbox API server are covered by the
 * integration tests.
 */
interface Obj {
  metadata: { name: string; namespace: string; resourceVersion: string };
}
const obj = (name: string, rv: number): Obj => ({ metadata: { name, namespace: 'default', resourceVersion: String(rv) } });

class FakeApi {
  server: Server;
  requests: Array<{ watch: boolean; rv: string | null; bookmarks: string | null; timeoutSeconds: string | null }> = [];
  items: Obj[] = [];
  rv = 10;
  onWatch: (res: ServerResponse, rv: string | null) => void = () => {};
  openWatches = new Set<ServerResponse>();

  constructor() {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const url = new URL(req.url!, 'http://x');
      const watch = url.searchParams.get('watch') === '1';
      this.requests.push({
        watch,
        rv: url.searchParams.get('resourceVersion'),
        bookmarks: url.searchParams.get('allowWatchBookmarks'),
        timeoutSeconds: url.searchParams.get('timeoutSeconds'),
      });
      if (!watch) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ kind: 'List', metadata: { resourceVersion: String(this.rv) }, items: this.items }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
      res.flushHeaders();
      this.openWatches.add(res);
      res.on('close', () => this.openWatches.delete(res));
      this.onWatch(res, url.searchParams.get('resourceVersion'));
    });
  }
  async listen(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  send(type: string, object: unknown): void {
    for (const res of this.openWatches) res.write(JSON.stringify({ type, object }) + '\n');
  }
  async close(): Promise<void> {
    for (const r of this.openWatches) r.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

function kubeConfigFor(url: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: url, skipTLSVerify: true }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return kc;
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function setup(opts: ConstructorParameters<typeof Informer>[1] extends infer O ? Partial<O> : never = {}) {
  const api = new FakeApi();
  const url = await api.listen();
  const inf = new Informer(kubeConfigFor(url), {
    path: '/apis/networking.istio.io/v1/virtualservices',
    backoff: { initialMs: 20, maxMs: 100, resetAfterMs: 1000 },
    ...opts,
  });
  const events: Array<[InformerEventType, string]> = [];
  inf.on((t, o) => events.push([t, o.metadata.name]));
  cleanup.push(() => inf.stop(), () => api.close());
  return { api, inf, events };
}

describe('Informer', () => {
  it('lists, then watches from the list resourceVersion with bookmarks and a 5–10 min timeout', async () => {
    const { api, inf, events } = await setup();
    api.items = [obj('a', 5), obj('b', 6)];
    inf.start();
    await until(() => inf.state.connected);
    expect(events).toEqual([
      ['ADDED', 'a'],
      ['ADDED', 'b'],
    ]);
    const watch = api.requests.find((r) => r.watch)!;
    expect(watch.rv).toBe('10');
    expect(watch.bookmarks).toBe('true');
    expect(Number(watch.timeoutSeconds)).toBeGreaterThanOrEqual(300);
    expect(Number(watch.timeoutSeconds)).toBeLessThan(600);

    api.send('MODIFIED', obj('a', 11));
    api.send('DELETED', obj('b', 12));
    api.send('BOOKMARK', { metadata: { resourceVersion: '15' } });
    await until(() => inf.state.resourceVersion === '15');
    expect(events.slice(2)).toEqual([
      ['MODIFIED', 'a'],
      ['DELETED', 'b'],
    ]);
    expect(inf.list().map((o) => o.metadata.name)).toEqual(['a']);
  });

  it('relists after a 410 Expired ERROR event and emits DELETED for objects gone meanwhile', async () => {
    const { api, inf, events } = await setup();
    api.items = [obj('a', 5), obj('b', 6), obj('c', 7)];
    inf.start();
    await until(() => inf.state.connected);
    // History compacted while two objects were deleted and one added.
    api.items = [obj('a', 5), obj('d', 20)];
    api.rv = 21;
    api.send('ERROR', { kind: 'Status', status: 'Failure', reason: 'Expired', code: 410, message: 'too old resource version: 10 (19)' });
    await until(() => inf.state.relists === 1 && inf.state.connected);
    expect(events.slice(3).sort()).toEqual([
      ['ADDED', 'd'],
      ['DELETED', 'b'],
      ['DELETED', 'c'],
    ]);
    const lists = api.requests.filter((r) => !r.watch);
    expect(lists.map((r) => r.rv)).toEqual(['0', '']);
    expect(inf.list().map((o) => o.metadata.name).sort()).toEqual(['a', 'd']);
  });

  it('resumes from the last resourceVersion without a relist after the connection drops', async () => {
    const { api, inf } = await setup();
    api.items = [obj('a', 5)];
    inf.start();
    await until(() => inf.state.connected);
    api.send('MODIFIED', obj('a', 13));
    await until(() => inf.state.resourceVersion === '13');
    for (const r of api.openWatches) r.socket?.destroy();
    await until(() => api.requests.filter((r) => r.watch).length === 2);
    expect(api.requests.filter((r) => !r.watch)).toHaveLength(1);
    expect(api.requests.filter((r) => r.watch)[1]!.rv).toBe('13');
  });

  it('backs off while the server is unreachable and shows since when it is retrying', async () => {
    const { api, inf } = await setup();
    inf.start();
    await until(() => inf.state.connected);
    const states: boolean[] = [];
    inf.onState((s) => states.push(s.connected));
    await api.close();
    await until(() => inf.state.retryingSince !== undefined);
    expect(inf.state.connected).toBe(false);
    expect(inf.state.lastError).toBeTruthy();
    await until(() => inf.state.reconnects >= 2, 3000);
  });

  it('aborts a half-open watch that sends nothing and watches again', async () => {
    const { api, inf } = await setup({ inactivityMs: 200 });
    const errors: string[] = [];
    inf.onState((s) => s.lastError && errors.push(s.lastError));
    inf.start();
    await until(() => api.requests.filter((r) => r.watch).length >= 2, 3000);
    expect(errors.join('\n')).toMatch(/half-open/);
    expect(api.requests.filter((r) => !r.watch)).toHaveLength(1);
  });
});
