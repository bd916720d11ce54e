/**
 * HTTP/1.1 WebSocket upgrades (the HCM's upgrade_configs: websocket, as Istio sets it): routed by
 * the same RDS route table, then the upgraded connection is spliced to a host of the chosen cluster.
 * No fault injection, retries or timeouts apply (Envoy does not apply them to upgrades either).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { HttpConnectionManager } from '../types';
import { compileAccessLogs, emitAccessLogs } from './access-log';
import { HOP_BY_HOP } from './http-exchange';
import { matchRoute, selectVirtualHost, splitPath } from './route-table';
import { applyHeaderMutations, pickCluster } from './router-filter';
import type { ProxyRuntime } from './runtime';

export function handleUpgrade(rt: ProxyRuntime, hcm: HttpConnectionManager, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  const startedAt = new Date();
  const t0 = performance.now();
  const sock = socket as Socket;
  const remoteIP = (sock.remoteAddress ?? '').replace(/^::ffff:/, '');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;
  for (const k of Object.keys(headers)) if (k.startsWith('x-envoy-')) delete headers[k];
  headers[':method'] = req.method ?? 'GET';
  headers[':path'] = req.url ?? '/';
  headers[':authority'] = headers.host ?? '';
  headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']},${remoteIP}` : remoteIP;
  headers['x-forwarded-proto'] = (sock as { encrypted?: boolean }).encrypted ? 'https' : 'http';
  headers['x-request-id'] = randomUUID();
  const flags: string[] = [];
  let code = 0;
  let details: string | undefined;
  let cluster: string | undefined;
  let upstreamHost: string | undefined;
  let routeName: string | undefined;
  let bytesIn = 0;
  let bytesOut = 0;
  const log = () =>
    emitAccessLogs(
      compileAccessLogs(hcm.access_log),
      {
        startTime: startedAt,
        requestHeaders: headers,
        responseHeaders: {},
        protocol: `HTTP/${req.httpVersion}`,
        responseCode: code,
        responseFlags: flags,
        responseCodeDetails: details,
        bytesReceived: bytesIn,
        bytesSent: bytesOut,
        durationMs: performance.now() - t0,
        upstreamHost,
        upstreamCluster: cluster,
        downstreamLocalAddress: `${sock.localAddress}:${sock.localPort}`,
        downstreamRemoteAddress: `${remoteIP}:${sock.remotePort}`,
        routeName,
      },
      (l) => rt.log(l),
    );
  const reject = (status: number, reason: string, body: string, flag?: string) => {
    code = status;
    details = reason;
    if (flag) flags.push(flag);
    socket.end(`HTTP/1.1 ${status} ${status === 404 ? 'Not Found' : status === 403 ? 'Forbidden' : 'Service Unavailable'}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nserver: ${hcm.server_name ?? 'envoy'}\r\nconnection: close\r\n\r\n${body}`);
    log();
  };
  if ((headers.upgrade ?? '').toLowerCase() !== 'websocket') return reject(403, 'upgrade_failed', '');
  const cfg = rt.current;
  const rc = cfg?.routes.get(String(hcm.rds?.route_config_name ?? ''));
  const vh = rc ? selectVirtualHost(rc, headers[':authority']!) : undefined;
  const cr = vh ? matchRoute(vh, { method: headers[':method']!, path: headers[':path']!, authority: headers[':authority']!, scheme: headers['x-forwarded-proto']!, headers }) : undefined;
  if (!cr?.route.route) return reject(404, 'route_not_found', '', 'NR');
  routeName = cr.route.name;
  const action = cr.route.route;
  const picked = pickCluster(action, rt.random);
  const c = picked ? cfg!.clusters.get(picked.name) : undefined;
  if (!c) return reject(503, 'cluster_not_found', '', 'NC');
  cluster = c.name;
  const host = rt.hosts.choose(c, rt.hosts.hosts(c, cfg!.endpoints.get(c.name)), new Set(), undefined, rt.random);
  if (!host) return reject(503, 'no_healthy_upstream', 'no healthy upstream', 'UH');
  upstreamHost = host.address;
  const { pathOnly, queryString } = splitPath(headers[':path']!);
  let path = headers[':path']!;
  if (action.prefix_rewrite !== undefined) {
    const matched = cr.route.match.prefix ?? pathOnly;
    path = action.prefix_rewrite + pathOnly.slice(matched.length) + (queryString ? `?${queryString}` : '');
  }
  if (action.host_rewrite_literal) headers[':authority'] = action.host_rewrite_literal;
  applyHeaderMutations(headers, cr.route.request_headers_to_add, cr.route.request_headers_to_remove);
  const target = rt.resolveEndpoint(host.ip, host.port);
  const up = connect({ host: target.host, port: target.port, localAddress: rt.node.podIP || undefined });
  up.on('error', () => {
    if (!code) return reject(503, 'upstream_reset_before_response_started{connection_failure}', 'upstream connect error or disconnect/reset before headers. reset reason: connection failure', 'UF');
    socket.destroy();
  });
  up.once('connect', () => {
    let head1 = `${headers[':method']} ${path} HTTP/1.1\r\nhost: ${headers[':authority']}\r\n`;
    for (const [k, v] of Object.entries(headers)) {
      if (k.startsWith(':') || k === 'host' || (HOP_BY_HOP.has(k) && k !== 'upgrade' && k !== 'connection')) continue;
      head1 += `${k}: ${v}\r\n`;
    }
    up.write(head1 + '\r\n');
    if (head.length) up.write(head);
    up.once('data', (d: Buffer) => {
      code = Number(/^HTTP\/1\.[01] (\d{3})/.exec(d.toString('latin1', 0, 16))?.[1] ?? 0);
      details = 'via_upstream';
    });
    up.on('data', (d: Buffer) => (bytesOut += d.length));
    socket.on('data', (d: Buffer) => (bytesIn += d.length));
    up.pipe(socket);
    socket.pipe(up);
  });
  let closed = 0;
  const onClose = () => {
    if (++closed === 2) log();
  };
  up.on('close', () => {
    socket.destroy();
    onClose();
  });
  socket.on('close', () => {
    up.destroy();
    onClose();
  });
  socket.on('error', () => up.destroy());
}
