/** Test support: raw HTTPS requests and line-by-line watch streams against a harness. */
import { request as httpsRequest } from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Harness } from './harness';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: any;
}

export interface RequestOptions {
  body?: string | Buffer | object;
  headers?: Record<string, string>;
  /** Bearer token; `null` sends none. Default: the harness admin token. */
  token?: string | null;
}

export function call(h: Harness, method: string, path: string, opts: RequestOptions = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const u = new URL(path, h.url);
    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': 'gatescope-test/0.1', ...opts.headers };
    const token = opts.token === undefined ? h.token : opts.token;
    if (token) headers['Authorization'] = `Bearer ${token}`;
    let payload: string | Buffer | undefined;
    if (opts.body !== undefined) {
      payload = typeof opts.body === 'string' || Buffer.isBuffer(opts.body) ? opts.body : JSON.stringify(opts.body);
      headers['Content-Type'] ??= 'application/json';
      if (!headers['Transfer-Encoding']) headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    const req = httpsRequest(
      { hostname: u.hostname, port: u.port, path: u.pathname + u.search, method, headers, ca: h.caPem, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (payload !== undefined) req.end(payload);
    else req.end();
  });
}

export interface WatchStream {
  status: number;
  headers: IncomingHttpHeaders;
  /** Events received so far. */
  events: any[];
  /** Resolves with the first event (from now on, or already received) that satisfies `pred`. */
  next(pred?: (e: any) => boolean, timeoutMs?: number): Promise<any>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

export function watch(h: Harness, path: string, headers: Record<string, string> = {}): Promise<WatchStream> {
  return new Promise((resolve, reject) => {
    const u = new URL(path, h.url);
    const req = httpsRequest({
      hostname: u.hostname,
      port: u.port,
      path: u.pathname + u.search,
      method: 'GET',
      headers: { Accept: 'application/json', Authorization: `Bearer ${h.token}`, ...headers },
      ca: h.caPem,
      agent: false,
    });
    req.on('error', reject);
    req.on('response', (res: IncomingMessage) => {
      const events: any[] = [];
      const waiters: Array<{ pred: (e: any) => boolean; resolve: (e: any) => void; from: number }> = [];
      let buf = '';
      let endResolve!: () => void;
      const ended = new Promise<void>((r) => (endResolve = r));
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          if (!line.trim()) continue;
          const ev = JSON.parse(line);
          events.push(ev);
          for (const w of [...waiters]) {
            if (w.pred(ev)) {
              waiters.splice(waiters.indexOf(w), 1);
              w.resolve(ev);
            }
          }
        }
      });
      res.on('end', () => endResolve());
      res.on('close', () => endResolve());
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        events,
        ended,
        next(pred = () => true, timeoutMs = 10_000) {
          const found = events.find(pred);
          if (found) return Promise.resolve(found);
          return new Promise((res2, rej2) => {
            const t = setTimeout(() => rej2(new Error(`no matching watch event within ${timeoutMs} ms; got ${JSON.stringify(events.map((e) => e.type))}`)), timeoutMs);
            waiters.push({ pred, from: events.length, resolve: (e) => (clearTimeout(t), res2(e)) });
          });
        },
        close() {
          req.destroy();
        },
      });
    });
    req.end();
  });
}
