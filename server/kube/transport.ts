/**
 * A small HTTPS transport to the Kubernetes API built on the kubeconfig's own TLS and auth options
 * (KubeConfig.applyToHTTPSOptions), so watches are fully under our control: abortable before the
 * response headers arrive, an inactivity watchdog, and no hidden timeouts (client-node 1.x's Watch
 * loses its timeout and can only be aborted after the headers arrived).
 */
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';

export interface KubeStatus {
  kind: 'Status';
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; kind?: string; causes?: Array<{ reason?: string; message?: string; field?: string }> };
}

/** A failed API call, carrying the server's Status when it sent one. */
export class KubeApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly status: KubeStatus | undefined,
    message: string,
  ) {
    super(message);
  }
  get reason(): string | undefined {
    return this.status?.reason;
  }
}

export interface KubeRequest {
  method?: string;
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
  /** Abort when no response headers arrive within this many ms (default 30 s). */
  timeoutMs?: number;
}

export function buildUrl(server: string, path: string, query?: KubeRequest['query']): URL {
  const url = new URL(server.replace(/\/+$/, '') + path);
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
  return url;
}

async function open(kc: KubeConfig, req: KubeRequest): Promise<IncomingMessage> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new KubeApiError(0, undefined, 'the kubeconfig has no current cluster');
  const url = buildUrl(cluster.server, req.path, req.query);
  const opts: RequestOptions = { method: req.method ?? 'GET', headers: { accept: 'application/json' } };
  await kc.applyToHTTPSOptions(opts);
  const body = req.body === undefined ? undefined : typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
  if (body !== undefined) {
    (opts.headers as Record<string, string>)['content-type'] = req.contentType ?? 'application/json';
    (opts.headers as Record<string, string | number>)['content-length'] = Buffer.byteLength(body);
  }
  const doRequest = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<IncomingMessage>((resolve, reject) => {
    const r = doRequest(url, opts, resolve);
    const timeout = setTimeout(() => r.destroy(new Error(`no response from ${cluster.server} within ${req.timeoutMs ?? 30_000} ms`)), req.timeoutMs ?? 30_000);
    r.on('response', () => clearTimeout(timeout));
    r.on('error', (err) => {
      clearTimeout(timeout);
      reject(err);
    });
    r.on('close', () => clearTimeout(timeout));
    if (req.signal) {
      if (req.signal.aborted) r.destroy(new Error('aborted'));
      req.signal.addEventListener('abort', () => r.destroy(new Error('aborted')), { once: true });
    }
    r.end(body);
  });
}

async function readAll(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function toError(statusCode: number, text: string): KubeApiError {
  let status: KubeStatus | undefined;
  try {
    const parsed = JSON.parse(text) as KubeStatus;
    if (parsed && parsed.kind === 'Status') status = parsed;
  } catch {
    /* not JSON */
  }
  return new KubeApiError(statusCode, status, status?.message ?? (text.trim() || `HTTP ${statusCode}`));
}

/** One request, JSON in and out. Non-2xx answers throw KubeApiError with the server's Status. */
export async function kubeJson<T = unknown>(kc: KubeConfig, req: KubeRequest): Promise<{ body: T; headers: IncomingMessage['headers'] }> {
  const res = await open(kc, req);
  const text = await readAll(res);
  const code = res.statusCode ?? 0;
  if (code < 200 || code >= 300) throw toError(code, text);
  return { body: (text ? JSON.parse(text) : undefined) as T, headers: res.headers };
}

export interface LineStream {
  /** Resolves when the stream ends cleanly; rejects on a transport error or an abort. */
  done: Promise<void>;
  abort(reason?: string): void;
}

/**
 * A streaming GET (watch, log follow): calls onLine for each complete line. Non-2xx answers reject
 * `done` with KubeApiError. `onBytes` fires on every chunk (the watchdog's heartbeat).
 */
export function kubeLines(
  kc: KubeConfig,
  req: KubeRequest,
  onLine: (line: string) => void,
  onBytes?: () => void,
): LineStream {
  const controller = new AbortController();
  let abortReason = 'aborted';
  const done = (async () => {
    const res = await open(kc, { ...req, signal: controller.signal });
    const code = res.statusCode ?? 0;
    if (code < 200 || code >= 300) throw toError(code, await readAll(res));
    onBytes?.(); // the response headers count as life: a quiet watch sends no body for a while
    await new Promise<void>((resolve, reject) => {
      let buf = '';
      const onAbort = () => {
        res.destroy();
        reject(new Error(abortReason));
      };
      if (controller.signal.aborted) return onAbort();
      controller.signal.addEventListener('abort', onAbort, { once: true });
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        onBytes?.();
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          if (line) onLine(line);
        }
      });
      res.on('end', () => {
        if (buf) onLine(buf);
        controller.signal.removeEventListener('abort', onAbort);
        resolve();
      });
      res.on('error', reject);
      res.on('close', () => {
        if (!res.complete && !controller.signal.aborted) reject(new Error('connection closed before the stream ended'));
      });
    });
  })();
  return {
    done,
    abort(reason?: string) {
      if (reason) abortReason = reason;
      controller.abort();
    },
  };
}
