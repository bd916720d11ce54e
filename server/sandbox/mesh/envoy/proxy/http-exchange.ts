/**
 * One HTTP exchange through the gateway: the downstream request/response (HTTP/1.1 or HTTP/2 compat
 * API), what Envoy's StreamInfo records about it (flags, details, upstream host and cluster, bytes,
 * timings), local replies in Envoy's shape, and the access log / stats written when it ends.
 */
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import type { TLSSocket } from 'node:tls';
import type { Cluster, HttpConnectionManager } from '../types';
import { compileAccessLogs, emitAccessLogs, formatFlags, type AccessLogRecord } from './access-log';
import type { ProxyRuntime } from './runtime';
import type { UpstreamHost } from './upstream-hosts';

export type DownstreamRequest = IncomingMessage | Http2ServerRequest;
export type DownstreamResponse = ServerResponse | Http2ServerResponse;

export const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'http2-settings', 'trailer']);

export class HttpExchange {
  readonly startedAt = new Date();
  readonly startHr = performance.now();
  readonly flags: string[] = [];
  details?: string;
  transportFailure?: string;
  routeName?: string;
  cluster?: Cluster;
  clusterName?: string;
  host?: UpstreamHost;
  upstreamLocalAddress?: string;
  attempts = 0;
  bytesReceived = 0;
  bytesSent = 0;
  responseCode = 0;
  /** Request headers as forwarded (lower-case), with pseudo-headers. */
  readonly headers: Record<string, string> = {};
  responseHeaders: Record<string, string> = {};
  /** Set when the connection's listener was replaced: HTTP/1.x responses carry `connection: close`. */
  draining = false;
  private finished = false;
  readonly localAddress: string;
  readonly remoteAddress: string;
  readonly remoteIP: string;
  readonly tls: boolean;
  readonly sni?: string;
  readonly protocol: string;

  constructor(
    readonly rt: ProxyRuntime,
    readonly hcm: HttpConnectionManager,
    readonly req: DownstreamRequest,
    readonly res: DownstreamResponse,
  ) {
    const sock = req.socket as TLSSocket;
    this.localAddress = `${sock.localAddress ?? rt.node.podIP}:${sock.localPort ?? 0}`;
    this.remoteIP = (sock.remoteAddress ?? '').replace(/^::ffff:/, '');
    this.remoteAddress = `${this.remoteIP}:${sock.remotePort ?? 0}`;
    this.tls = !!sock.encrypted;
    this.sni = this.tls && typeof sock.servername === 'string' ? sock.servername : undefined;
    this.protocol = req.httpVersion === '2.0' ? 'HTTP/2' : `HTTP/${req.httpVersion}`;
    const h = req.headers as IncomingHttpHeaders;
    for (const [k, v] of Object.entries(h)) {
      if (v === undefined || k.startsWith(':')) continue;
      this.headers[k] = Array.isArray(v) ? v.join(',') : v;
    }
    this.headers[':method'] = req.method ?? 'GET';
    this.headers[':authority'] = String(h[':authority'] ?? h.host ?? '');
    this.headers[':scheme'] = this.tls ? 'https' : 'http';
    this.headers[':path'] = req.url ?? '/';
    delete this.headers.host;
  }

  /** The response with HTTP/1.1 typings (Http2ServerResponse's compat API has the same calls). */
  get out(): ServerResponse {
    return this.res as ServerResponse;
  }

  get statPrefix(): string {
    return this.hcm.stat_prefix;
  }

  elapsedMs(): number {
    return performance.now() - this.startHr;
  }

  flag(f: string): void {
    if (!this.flags.includes(f)) this.flags.push(f);
  }

  /** Headers for res.writeHead: drops hop-by-hop names (illegal in HTTP/2). */
  outgoing(h: Record<string, string | string[]>): OutgoingHttpHeaders {
    const out: OutgoingHttpHeaders = {};
    for (const [k, v] of Object.entries(h)) if (!HOP_BY_HOP.has(k) && !k.startsWith(':')) out[k] = v;
    if (this.draining && this.protocol !== 'HTTP/2') out.connection = 'close';
    return out;
  }

  /** An Envoy local reply (sendLocalReply): text/plain body, server header, content-length. */
  localReply(code: number, body: string, details: string, extra: Record<string, string> = {}): void {
    this.details = details;
    if (this.res.headersSent) {
      this.res.destroy();
      return;
    }
    const headers: Record<string, string> = { ...extra };
    if (body) {
      headers['content-length'] = String(Buffer.byteLength(body));
      headers['content-type'] = 'text/plain';
    } else headers['content-length'] = '0';
    headers.date = new Date().toUTCString();
    headers.server = this.hcm.server_name ?? 'envoy';
    this.responseCode = code;
    this.responseHeaders = headers;
    this.bytesSent = this.headers[':method'] === 'HEAD' ? 0 : Buffer.byteLength(body);
    this.out.writeHead(code, this.outgoing(headers));
    this.out.end(this.headers[':method'] === 'HEAD' ? undefined : body);
  }

  /** Called once, when the downstream stream ends (completed or reset). */
  finish(downstreamReset: boolean): void {
    if (this.finished) return;
    this.finished = true;
    if (downstreamReset && !this.res.writableEnded) {
      this.flag('DC');
      if (!this.res.headersSent) this.responseCode = 0;
      this.details ??= 'downstream_remote_disconnect';
    }
    const rt = this.rt;
    const p = this.statPrefix;
    if (this.responseCode) rt.stats.httpInc(p, `downstream_rq_${Math.floor(this.responseCode / 100)}xx`);
    rt.stats.httpInc(p, 'downstream_rq_completed');
    const durationMs = this.elapsedMs();
    rt.recordHttp(this.cluster, this.host, this.responseCode, formatFlags(this.flags), durationMs, this.bytesReceived, this.bytesSent);
    const logs = compileAccessLogs(this.hcm.access_log);
    if (logs.length === 0) return;
    const rec: AccessLogRecord = {
      startTime: this.startedAt,
      requestHeaders: this.headers,
      responseHeaders: this.responseHeaders,
      protocol: this.protocol,
      responseCode: this.responseCode,
      responseFlags: this.flags,
      responseCodeDetails: this.details,
      upstreamTransportFailureReason: this.transportFailure,
      bytesReceived: this.bytesReceived,
      bytesSent: this.bytesSent,
      durationMs,
      upstreamHost: this.host?.address,
      upstreamCluster: this.clusterName,
      upstreamLocalAddress: this.upstreamLocalAddress,
      downstreamLocalAddress: this.localAddress,
      downstreamRemoteAddress: this.remoteAddress,
      requestedServerName: this.sni,
      routeName: this.routeName,
      upstreamRequestAttemptCount: this.attempts,
      hostname: rt.node.podName,
    };
    emitAccessLogs(logs, rec, (line) => rt.log(line));
  }
}
