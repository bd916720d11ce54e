/**
 * The HTTP connection manager and its filter chain as Istio configures it on a gateway, applied to
 * one request: edge header handling (x-forwarded-for/-proto, x-request-id, x-envoy-* cleanup),
 * path normalization, RDS routing, require_tls, the fault filter (delay/abort by percentage), and
 * the router (redirects, direct responses, then forwarding in router-filter.ts).
 */
import { randomUUID } from 'node:crypto';
import { FILTER } from '../constants';
import { parseDurationMs } from '../duration';
import type { FractionalPercent, HttpConnectionManager, RedirectAction } from '../types';
import { HttpExchange, type DownstreamRequest, type DownstreamResponse } from './http-exchange';
import { percentHit } from './percent';
import { forwardUpstream } from './router-filter';
import { matchRoute, selectVirtualHost, splitPath, type MatchRequest } from './route-table';
import type { ProxyRuntime } from './runtime';

const MAX_BUFFERED_BODY = 16 * 1024 * 1024;


/** RFC 3986 remove_dot_segments plus decoding of percent-encoded unreserved characters (normalize_path). */
export function normalizePath(path: string): string {
  const decoded = path.replace(/%([0-9a-fA-F]{2})/g, (m, hex: string) => {
    const c = String.fromCharCode(parseInt(hex, 16));
    return /[A-Za-z0-9\-._~]/.test(c) ? c : m.toUpperCase();
  });
  if (!decoded.includes('/.')) return decoded;
  const out: string[] = [];
  const segs = decoded.split('/');
  for (let i = 1; i < segs.length; i++) {
    const s = segs[i]!;
    if (s === '.') {
      if (i === segs.length - 1) out.push('');
    } else if (s === '..') {
      out.pop();
      if (i === segs.length - 1) out.push('');
    } else out.push(s);
  }
  return '/' + out.join('/');
}

function readBody(req: DownstreamRequest): Promise<Buffer | 'too-large' | 'aborted'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BUFFERED_BODY) {
        resolve('too-large');
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', () => resolve('aborted'));
    req.on('aborted', () => resolve('aborted'));
  });
}

function redirectLocation(x: HttpExchange, r: RedirectAction, pathOnly: string, queryString: string, matchedPrefix?: string): string {
  const scheme = r.https_redirect ? 'https' : r.scheme_redirect ?? x.headers[':scheme']!;
  let host = r.host_redirect || x.headers[':authority']!;
  const hostOnly = host.replace(/:\d+$/, '');
  const origPort = /:(\d+)$/.exec(host)?.[1];
  if (r.port_redirect) host = `${hostOnly}:${r.port_redirect}`;
  else if (r.scheme_redirect || r.https_redirect) {
    // Changing the scheme drops the default port of the old one.
    host = origPort && origPort !== '80' && origPort !== '443' ? `${hostOnly}:${origPort}` : hostOnly;
  }
  let path = pathOnly;
  if (r.path_redirect) path = r.path_redirect;
  else if (r.prefix_rewrite !== undefined && matchedPrefix !== undefined) path = r.prefix_rewrite + pathOnly.slice(matchedPrefix.length);
  const q = r.strip_query ? '' : r.path_redirect?.includes('?') ? '' : queryString ? `?${queryString}` : '';
  return `${scheme}://${host}${path}${q}`;
}

const REDIRECT_STATUS: Record<string, number> = { MOVED_PERMANENTLY: 301, FOUND: 302, SEE_OTHER: 303, TEMPORARY_REDIRECT: 307, PERMANENT_REDIRECT: 308 };

export async function handleHttpRequest(rt: ProxyRuntime, tag: { hcm: HttpConnectionManager; listener: string; hash: string }, req: DownstreamRequest, res: DownstreamResponse): Promise<void> {
  const hcm = tag.hcm;
  const x = new HttpExchange(rt, hcm, req, res);
  // A connection accepted by a listener version that has since been replaced is draining: as Envoy
  // does, answer with `connection: close` so the client reconnects to the new listener.
  if (rt.current?.meta.listeners.get(tag.listener)?.hash !== tag.hash) x.draining = true;
  const prefix = hcm.stat_prefix;
  rt.stats.httpInc(prefix, 'downstream_rq_total');
  rt.stats.httpInc(prefix, x.protocol === 'HTTP/2' ? 'downstream_rq_http2_total' : 'downstream_rq_http1_total');
  res.on('close', () => x.finish(!res.writableFinished));

  // Edge request handling (use_remote_address: true, xff_num_trusted_hops: 0, no internal networks).
  for (const k of Object.keys(x.headers)) if (k.startsWith('x-envoy-')) delete x.headers[k];
  const xff = x.headers['x-forwarded-for'];
  x.headers['x-forwarded-for'] = xff ? `${xff},${x.remoteIP}` : x.remoteIP;
  x.headers['x-forwarded-proto'] = x.tls ? 'https' : 'http';
  x.headers['x-envoy-external-address'] = x.remoteIP;
  x.headers['x-request-id'] = randomUUID();

  let rawPath = x.headers[':path']!;
  const abs = /^https?:\/\/([^/?#]+)(.*)$/i.exec(rawPath);
  if (abs) {
    x.headers[':authority'] = abs[1]!;
    rawPath = abs[2] || '/';
  }
  // Istio's bootstrap sets envoy.reloadable_features.http_reject_path_with_fragment=false (and
  // keeps http_strip_fragment_from_path_unsafe_if_disabled on): a #fragment is stripped from :path
  // before routing, not rejected and not matched.
  const hash = rawPath.indexOf('#');
  if (hash >= 0) rawPath = rawPath.slice(0, hash) || '/';
  if (!rawPath.startsWith('/')) {
    x.localReply(400, 'Bad Request', 'path_normalization_failed');
    return;
  }
  if (hcm.normalize_path !== false) {
    const { pathOnly, queryString } = splitPath(rawPath);
    rawPath = normalizePath(pathOnly) + (rawPath.includes('?') ? `?${queryString}` : '');
  }
  x.headers[':path'] = rawPath;

  const body = await readBody(req);
  if (body === 'aborted') return;
  if (body === 'too-large') {
    x.localReply(413, 'Payload Too Large', 'request_payload_too_large');
    return;
  }
  x.bytesReceived = body.length;

  const cfg = rt.current;
  const rc = cfg?.routes.get(String((hcm as { rds?: { route_config_name: string } }).rds?.route_config_name ?? ''));
  const mr: MatchRequest = { method: x.headers[':method']!, path: rawPath, authority: x.headers[':authority']!, scheme: x.headers[':scheme']!, headers: x.headers };
  const vh = rc ? selectVirtualHost(rc, mr.authority) : undefined;
  if (vh && vh.vhost.require_tls === 'ALL' && !x.tls) {
    x.localReply(301, '', 'direct_response', { location: `https://${x.headers[':authority']}${rawPath}` });
    return;
  }
  const cr = vh ? matchRoute(vh, mr) : undefined;
  if (!vh || !cr) {
    rt.stats.httpInc(prefix, 'no_route');
    x.flag('NR');
    x.localReply(404, '', 'route_not_found');
    return;
  }
  const route = cr.route;
  x.routeName = route.name;
  const { pathOnly, queryString } = splitPath(rawPath);

  // envoy.filters.http.fault (per-route config).
  const fault = route.typed_per_filter_config?.[FILTER.fault] as { delay?: { fixed_delay?: string; percentage?: FractionalPercent }; abort?: { http_status?: number; percentage?: FractionalPercent } } | undefined;
  if (fault?.delay && percentHit(fault.delay.percentage, rt.random)) {
    const ms = parseDurationMs(fault.delay.fixed_delay) ?? 0;
    rt.stats.httpInc(prefix, 'fault.delays_injected');
    x.flag('DI');
    const closed = await new Promise<boolean>((resolve) => {
      const t = setTimeout(() => resolve(false), ms);
      res.once('close', () => {
        clearTimeout(t);
        resolve(true);
      });
    });
    if (closed) return;
  }
  if (fault?.abort?.http_status && percentHit(fault.abort.percentage, rt.random)) {
    rt.stats.httpInc(prefix, 'fault.aborts_injected');
    x.flag('FI');
    x.localReply(fault.abort.http_status, 'fault filter abort', 'fault_filter_abort');
    return;
  }

  if (route.redirect) {
    const code = REDIRECT_STATUS[route.redirect.response_code ?? 'MOVED_PERMANENTLY'] ?? 301;
    x.localReply(code, '', 'direct_response', { location: redirectLocation(x, route.redirect, pathOnly, queryString, route.match.prefix) });
    return;
  }
  if (route.direct_response) {
    const b = route.direct_response.body;
    const text = b?.inline_string ?? (b?.inline_bytes ? Buffer.from(b.inline_bytes, 'base64').toString('utf8') : '');
    x.localReply(route.direct_response.status, text, 'direct_response');
    return;
  }
  if (!route.route) {
    x.flag('NR');
    x.localReply(404, '', 'route_not_found');
    return;
  }
  await forwardUpstream(x, vh, cr, body, pathOnly, queryString);
}
