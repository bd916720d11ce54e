/**
 * HTTP/1.1 to a pod port through `pods/portforward` — how the console reaches listeners that only
 * exist on a pod's loopback (Envoy admin :15000, istiod's debug port :15014), exactly as istioctl
 * and Kiali's `ForwardGetRequest` do. `pods/proxy` never reaches those (reliability notes §0.1).
 *
 * Node's own HTTP client runs over a `PortForwardSocket` (`createConnection`), so framing,
 * chunking and keep-alive are Node's. Every request is bounded in time (`timeoutMs`, from the
 * first byte of the upgrade to the last byte of the body) and size (`maxBytes`). Only the headers
 * set here are sent: nothing a browser sent ever reaches the pod.
 *
 * Without a `pool`, each request opens its own port-forward and closes it after the answer. A
 * `ForwardPool` keeps up to two idle connections per pod port for `idleMs` and reuses them (a
 * port-forward costs a TLS handshake and a WebSocket upgrade); a GET that fails on a reused
 * connection the pod had already closed is retried once on a fresh one.
 */
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { Duplex } from 'node:stream';
import type { KubeConfig } from '@kubernetes/client-node';
import { checkTarget, describeTarget, PortForwardError, PortForwardSocket, type ForwardTarget } from './port-forward-socket';

export { PortForwardError, PortForwardSocket, describeTarget, type ForwardTarget } from './port-forward-socket';

export interface ForwardRequest extends ForwardTarget {
  /** Absolute path on the pod's listener, e.g. `/config_dump` (no query string: use `query`). */
  path: string;
  query?: Record<string, string> | URLSearchParams;
  /** Fail with `too-large` when the body grows past this many bytes (default 8 MiB). */
  maxBytes?: number;
  /** Fail with `timeout` when the whole exchange takes longer (default 10 s). */
  timeoutMs?: number;
  /** Reuse connections (see ForwardPool); default: one port-forward per request. */
  pool?: ForwardPool;
  signal?: AbortSignal;
}

export interface ForwardResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export const DEFAULT_MAX_BYTES = 8 * 1024 * 1024;
export const DEFAULT_TIMEOUT_MS = 10_000;

const PATH_RE = /^\/[A-Za-z0-9._~!$&'()*+,;=:@\/-]*$/;

function formatBytes(n: number): string {
  return n >= 1024 * 1024 && n % (1024 * 1024) === 0 ? `${n / (1024 * 1024)} MiB` : n >= 1024 && n % 1024 === 0 ? `${n / 1024} KiB` : `${n} bytes`;
}

/** Keeps idle port-forwarded connections per pod port (keep-alive), closed after `idleMs`. */
export class ForwardPool {
  private readonly agents = new Map<string, { agent: Agent; lastUsed: number }>();
  private readonly sweeper: NodeJS.Timeout;
  private closed = false;
  readonly idleMs: number;
  /** Port-forwards opened by this pool (for tests and metrics). */
  opened = 0;

  constructor(
    private readonly kc: KubeConfig,
    opts: { idleMs?: number; maxSocketsPerTarget?: number; handshakeTimeoutMs?: number } = {},
  ) {
    this.idleMs = opts.idleMs ?? 30_000;
    this.maxSockets = opts.maxSocketsPerTarget ?? 2;
    this.handshakeTimeoutMs = opts.handshakeTimeoutMs;
    this.sweeper = setInterval(() => this.sweep(), Math.max(1000, this.idleMs));
    this.sweeper.unref();
  }
  private readonly maxSockets: number;
  private readonly handshakeTimeoutMs?: number;

  /** The keep-alive agent of one pod port. */
  agentFor(target: ForwardTarget): Agent {
    if (this.closed) throw new PortForwardError('failed', `cannot reach ${describeTarget(target)}: the connection pool is closed`);
    const key = `${target.namespace}/${target.pod}:${target.port}`;
    let entry = this.agents.get(key);
    if (!entry) {
      const agent = new Agent({ keepAlive: true, maxSockets: this.maxSockets, maxFreeSockets: this.maxSockets, timeout: this.idleMs, scheduling: 'lifo' });
      const kc = this.kc;
      const handshakeTimeoutMs = this.handshakeTimeoutMs;
      (agent as unknown as { createConnection: () => Duplex }).createConnection = () => {
        this.opened++;
        return new PortForwardSocket(kc, target, { handshakeTimeoutMs });
      };
      entry = { agent, lastUsed: Date.now() };
      this.agents.set(key, entry);
    }
    entry.lastUsed = Date.now();
    return entry.agent;
  }

  /** Open sockets (busy and idle) over every pod port. */
  get socketCount(): number {
    let n = 0;
    for (const { agent } of this.agents.values()) {
      for (const list of Object.values(agent.sockets)) n += list?.length ?? 0;
      for (const list of Object.values(agent.freeSockets)) n += list?.length ?? 0;
    }
    return n;
  }

  /** Drops the agents of pod ports unused for idleMs (their sockets have timed out by then). */
  private sweep(): void {
    const now = Date.now();
    for (const [key, e] of this.agents) {
      if (now - e.lastUsed > this.idleMs && Object.keys(e.agent.sockets).length === 0) {
        e.agent.destroy();
        this.agents.delete(key);
      }
    }
  }

  close(): void {
    this.closed = true;
    clearInterval(this.sweeper);
    for (const e of this.agents.values()) e.agent.destroy();
    this.agents.clear();
  }
}

function queryString(q: ForwardRequest['query']): string {
  if (!q) return '';
  const s = (q instanceof URLSearchParams ? q : new URLSearchParams(q)).toString();
  return s ? `?${s}` : '';
}

async function once(kc: KubeConfig, method: 'GET' | 'POST', req: ForwardRequest, deadline: number): Promise<ForwardResponse & { reused: boolean }> {
  const maxBytes = req.maxBytes ?? DEFAULT_MAX_BYTES;
  const where = `${describeTarget(req)} ${req.path}`;
  const agent = req.pool?.agentFor(req);
  return new Promise((resolve, reject) => {
    let settled = false;
    let reused = false;
    const finish = (err: Error | undefined, res?: ForwardResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onAbort);
      if (err) reject(Object.assign(err, { reused }));
      else resolve({ ...res!, reused });
    };
    const r = httpRequest({
      method,
      host: 'localhost',
      port: req.port,
      path: req.path + queryString(req.query),
      headers: {
        host: `localhost:${req.port}`,
        accept: 'application/json, text/plain;q=0.9, */*;q=0.1',
        'user-agent': 'gatescope',
        ...(method === 'POST' ? { 'content-length': '0' } : {}),
        ...(agent ? {} : { connection: 'close' }),
      },
      ...(agent ? { agent } : { createConnection: () => new PortForwardSocket(kc, req) as unknown as import('node:net').Socket }),
    });
    const remaining = deadline - Date.now();
    const timer = setTimeout(
      () => r.destroy(new PortForwardError('timeout', `cannot reach ${describeTarget(req)}: no complete answer to ${req.path} within ${req.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`)),
      Math.max(0, remaining),
    );
    const onAbort = () => r.destroy(new PortForwardError('failed', `request to ${where} aborted`));
    if (req.signal?.aborted) onAbort();
    req.signal?.addEventListener('abort', onAbort, { once: true });
    r.on('socket', () => {
      reused = r.reusedSocket;
    });
    r.on('error', (err: Error & { code?: string }) => {
      if (err instanceof PortForwardError) return finish(err);
      const reason = err.code === 'ECONNRESET' || /socket hang up/.test(err.message) ? 'the connection closed before a complete answer' : err.message;
      finish(new PortForwardError('failed', `cannot reach ${describeTarget(req)}: ${reason}`));
    });
    r.on('response', (res) => {
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBytes) {
        r.destroy();
        return finish(new PortForwardError('too-large', `the answer of ${where} is ${declared} bytes, over the ${formatBytes(maxBytes)} limit`));
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > maxBytes) {
          r.destroy();
          finish(new PortForwardError('too-large', `the answer of ${where} is over the ${formatBytes(maxBytes)} limit`));
          return;
        }
        chunks.push(c);
      });
      res.on('end', () => finish(undefined, { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', (err) => finish(err instanceof PortForwardError ? err : new PortForwardError('failed', `cannot reach ${describeTarget(req)}: ${err.message}`)));
      res.on('close', () => {
        if (!res.complete) finish(new PortForwardError('failed', `cannot reach ${describeTarget(req)}: the connection closed before a complete answer`));
      });
    });
    r.end();
  });
}

/** One HTTP request to a pod port through pods/portforward. Throws PortForwardError. */
export async function forwardRequest(kc: KubeConfig, method: 'GET' | 'POST', req: ForwardRequest): Promise<ForwardResponse> {
  checkTarget(req);
  if (!PATH_RE.test(req.path)) throw new PortForwardError('invalid', `invalid path ${JSON.stringify(req.path)}: an absolute path without a query string`);
  const deadline = Date.now() + (req.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  try {
    const { reused: _r, ...res } = await once(kc, method, req, deadline);
    return res;
  } catch (err) {
    const e = err as PortForwardError & { reused?: boolean };
    // A pooled connection the pod (or its kubelet) closed while idle: retry a GET once, fresh.
    if (method === 'GET' && e.reused && e.kind === 'failed' && Date.now() < deadline) {
      const { reused: _r, ...res } = await once(kc, method, req, deadline);
      return res;
    }
    throw err;
  }
}

/** GET a path on a pod port (e.g. Envoy admin's /config_dump on :15000). */
export function forwardGet(kc: KubeConfig, req: ForwardRequest): Promise<ForwardResponse> {
  return forwardRequest(kc, 'GET', req);
}

/** POST (empty body) to a pod port, e.g. Envoy admin's /logging?level=debug. Never retried. */
export function forwardPost(kc: KubeConfig, req: ForwardRequest): Promise<ForwardResponse> {
  return forwardRequest(kc, 'POST', req);
}
