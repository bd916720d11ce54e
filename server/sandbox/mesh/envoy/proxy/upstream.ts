/**
 * One upstream HTTP attempt over a real socket (keep-alive pools per host, bound to the pod IP so
 * backends see the gateway pod as the peer), with Envoy's connect timeout and per-try timeout, and
 * the retry loop of the router filter (retry_on conditions, num_retries, previous_hosts, backoff).
 */
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import type { Cluster, RetryPolicy } from '../types';
import { parseDurationMs } from '../duration';
import type { HostRegistry, UpstreamHost } from './upstream-hosts';

export type AttemptResult =
  | { kind: 'response'; res: IncomingMessage; req: ClientRequest; localAddress?: string; startedAt: number }
  | { kind: 'connect-failure'; reason: string; transportFailure: string }
  | { kind: 'reset'; reason: string }
  | { kind: 'per-try-timeout' }
  | { kind: 'aborted' };

export interface AttemptOptions {
  cluster: Cluster;
  host: UpstreamHost;
  method: string;
  path: string;
  headers: OutgoingHttpHeaders;
  body: Buffer;
  perTryTimeoutMs?: number;
  signal: AbortSignal;
  onNewConnection?(): void;
  onConnectionClosed?(): void;
  resolve?(ip: string, port: number): { host: string; port: number };
}

export class UpstreamPools {
  private readonly agents = new Map<string, HttpAgent>();
  constructor(private readonly localAddress: string | undefined) {}

  agent(cluster: Cluster, host: UpstreamHost): HttpAgent {
    const tls = cluster.transport_socket?.name === 'envoy.transport_sockets.tls';
    const k = `${tls ? 'https' : 'http'}|${cluster.name}|${host.address}`;
    let a = this.agents.get(k);
    if (!a) {
      const opts = { keepAlive: true, keepAliveMsecs: 1000, maxSockets: 256, maxFreeSockets: 64, localAddress: this.localAddress, timeout: 30_000 };
      a = tls ? new HttpsAgent({ ...opts, rejectUnauthorized: false, servername: String(cluster.transport_socket?.typed_config.sni ?? '') || undefined }) : new HttpAgent(opts);
      this.agents.set(k, a);
    }
    return a;
  }

  /** Closes the pools of hosts that left the config (`active` holds `cluster|ip:port`). */
  prune(active: Set<string>): void {
    for (const [k, a] of this.agents) {
      if (active.has(k.slice(k.indexOf('|') + 1))) continue;
      a.destroy();
      this.agents.delete(k);
    }
  }

  destroy(): void {
    for (const a of this.agents.values()) a.destroy();
    this.agents.clear();
  }
}

const CONNECT_ERRORS = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'ECONNTIMEOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EADDRINUSE']);
const seenSockets = new WeakSet<Socket>();

function transportFailure(code: string | undefined, message: string): string {
  if (code === 'ECONNREFUSED') return 'delayed_connect_error:_Connection_refused';
  if (code === 'ECONNTIMEOUT') return 'connection_timeout';
  return message.replace(/\s+/g, '_');
}

export function attemptUpstream(pools: UpstreamPools, hostsReg: HostRegistry, o: AttemptOptions, reusedRetry = false): Promise<AttemptResult> {
  const target = o.resolve ? o.resolve(o.host.ip, o.host.port) : { host: o.host.ip, port: o.host.port };
  return new Promise<AttemptResult>((resolve) => {
    let settled = false;
    let connected = false;
    let perTry: NodeJS.Timeout | undefined;
    let connectTimer: NodeJS.Timeout | undefined;
    const done = (r: AttemptResult) => {
      if (settled) return;
      settled = true;
      if (perTry) clearTimeout(perTry);
      if (connectTimer) clearTimeout(connectTimer);
      o.signal.removeEventListener('abort', onAbort);
      resolve(r);
    };
    const tls = o.cluster.transport_socket?.name === 'envoy.transport_sockets.tls';
    const startedAt = performance.now();
    const req = (tls ? httpsRequest : httpRequest)({
      host: target.host,
      port: target.port,
      method: o.method,
      path: o.path,
      headers: o.headers,
      agent: pools.agent(o.cluster, o.host),
    });
    const onAbort = () => {
      req.destroy();
      done({ kind: 'aborted' });
    };
    if (o.signal.aborted) return onAbort();
    o.signal.addEventListener('abort', onAbort, { once: true });
    const connectTimeoutMs = parseDurationMs(o.cluster.connect_timeout) ?? 10_000;
    req.on('socket', (socket: Socket) => {
      if (!seenSockets.has(socket)) {
        seenSockets.add(socket);
        const mark = () => {
          o.host.stats.cx_total++;
          o.host.stats.cx_active++;
          o.onNewConnection?.();
          socket.once('close', () => {
            o.host.stats.cx_active--;
            o.onConnectionClosed?.();
          });
        };
        if (socket.connecting) {
          connectTimer = setTimeout(() => {
            const err = Object.assign(new Error('connection timeout'), { code: 'ECONNTIMEOUT' });
            socket.destroy(err);
          }, connectTimeoutMs);
          socket.once('connect', () => {
            connected = true;
            if (connectTimer) clearTimeout(connectTimer);
            mark();
          });
        } else {
          connected = true;
          mark();
        }
      } else connected = true;
    });
    if (o.perTryTimeoutMs && o.perTryTimeoutMs > 0) {
      perTry = setTimeout(() => {
        req.destroy();
        done({ kind: 'per-try-timeout' });
      }, o.perTryTimeoutMs);
    }
    req.on('response', (res) => {
      const s = req.socket;
      done({ kind: 'response', res, req, localAddress: s?.localAddress ? `${s.localAddress}:${s.localPort}` : undefined, startedAt });
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (settled) return;
      if (!connected || CONNECT_ERRORS.has(err.code ?? '')) {
        o.host.stats.cx_connect_fail++;
        done({ kind: 'connect-failure', reason: 'connection failure', transportFailure: transportFailure(err.code, err.message) });
        return;
      }
      // A keep-alive socket the server had just closed: retry once on a fresh connection, as Envoy's pool does.
      if ((req as ClientRequest & { reusedSocket?: boolean }).reusedSocket && !reusedRetry && (err.code === 'ECONNRESET' || err.message === 'socket hang up')) {
        settled = true;
        if (perTry) clearTimeout(perTry);
        o.signal.removeEventListener('abort', onAbort);
        attemptUpstream(pools, hostsReg, o, true).then(resolve);
        return;
      }
      done({ kind: 'reset', reason: 'connection termination' });
    });
    req.end(o.body.length ? o.body : undefined);
  });
}

/** The retry conditions of an attempt result / response code, per Envoy's retry_on semantics. */
export function shouldRetry(policy: RetryPolicy | undefined, r: AttemptResult): boolean {
  if (!policy || !policy.retry_on) return false;
  const on = new Set(policy.retry_on.split(',').map((s) => s.trim()));
  const codes = new Set(policy.retriable_status_codes ?? []);
  switch (r.kind) {
    case 'connect-failure':
      return on.has('connect-failure') || on.has('5xx') || on.has('gateway-error') || on.has('reset');
    case 'reset':
      return on.has('reset') || on.has('5xx') || on.has('gateway-error');
    case 'per-try-timeout':
      return on.has('5xx') || on.has('gateway-error') || on.has('reset');
    case 'aborted':
      return false;
    case 'response': {
      const code = r.res.statusCode ?? 0;
      if (on.has('5xx') && code >= 500) return true;
      if (on.has('gateway-error') && (code === 502 || code === 503 || code === 504)) return true;
      if (on.has('retriable-4xx') && code === 409) return true;
      if (on.has('retriable-status-codes') && codes.has(code)) return true;
      const grpc = r.res.headers['grpc-status'];
      if (grpc !== undefined) {
        if (on.has('cancelled') && grpc === '1') return true;
        if (on.has('deadline-exceeded') && grpc === '4') return true;
        if (on.has('resource-exhausted') && grpc === '8') return true;
        if (on.has('unavailable') && grpc === '14') return true;
        if (on.has('internal') && grpc === '13') return true;
      }
      return false;
    }
  }
}

/** Envoy's default retry back-off: base 25 ms, max 250 ms, full jitter. */
export function backoffMs(policy: RetryPolicy | undefined, attempt: number, random: () => number): number {
  const base = parseDurationMs(policy?.retry_back_off?.base_interval) ?? 25;
  const max = parseDurationMs(policy?.retry_back_off?.max_interval) ?? base * 10;
  const ceiling = Math.min(max, base * 2 ** attempt);
  return Math.floor(random() * ceiling);
}
