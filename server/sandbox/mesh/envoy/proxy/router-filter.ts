/**
 * envoy.filters.http.router for one routed request: cluster selection (weighted_clusters), path and
 * host rewrites, header mutations, circuit breaking, request mirroring, the retry loop with the
 * route timeout, and streaming the upstream response back with Envoy's response headers.
 */
import type { ClusterWeight, HeaderValueOption, MirrorPolicy, RouteAction } from '../types';
import { parseDurationMs } from '../duration';
import { HOP_BY_HOP, HttpExchange } from './http-exchange';
import { percentHit } from './percent';
import type { CompiledRoute, CompiledVirtualHost } from './route-table';
import type { ProxyRuntime } from './runtime';
import { attemptUpstream, backoffMs, shouldRetry, type AttemptResult } from './upstream';
import { hashString, type UpstreamHost } from './upstream-hosts';

export function applyHeaderMutations(h: Record<string, string>, add: HeaderValueOption[] | undefined, remove: string[] | undefined): void {
  for (const k of remove ?? []) delete h[k.toLowerCase()];
  for (const o of add ?? []) {
    const k = o.header.key.toLowerCase();
    const v = o.header.value;
    const has = h[k] !== undefined;
    switch (o.append_action ?? 'APPEND_IF_EXISTS_OR_ADD') {
      case 'APPEND_IF_EXISTS_OR_ADD':
        h[k] = has ? `${h[k]},${v}` : v;
        break;
      case 'ADD_IF_ABSENT':
        if (!has) h[k] = v;
        break;
      case 'OVERWRITE_IF_EXISTS_OR_ADD':
        h[k] = v;
        break;
      case 'OVERWRITE_IF_EXISTS':
        if (has) h[k] = v;
        break;
    }
  }
}

export function pickCluster(action: RouteAction, random: () => number): { name: string; weighted?: ClusterWeight } | undefined {
  if (action.cluster) return { name: action.cluster };
  const clusters = action.weighted_clusters?.clusters ?? [];
  const total = clusters.reduce((s, c) => s + (c.weight ?? 0), 0);
  if (total <= 0) return undefined;
  let r = Math.floor(random() * total);
  for (const c of clusters) {
    r -= c.weight ?? 0;
    if (r < 0) return { name: c.name, weighted: c };
  }
  return { name: clusters[clusters.length - 1]!.name, weighted: clusters[clusters.length - 1] };
}

function hashFor(x: HttpExchange, action: RouteAction): number | undefined {
  for (const hp of action.hash_policy ?? []) {
    let v: string | undefined;
    if (hp.header) v = x.headers[hp.header.header_name.toLowerCase()];
    else if (hp.cookie) v = parseCookie(x.headers.cookie ?? '')[hp.cookie.name];
    else if (hp.connection_properties?.source_ip) v = x.remoteIP;
    else if (hp.query_parameter) v = new URLSearchParams(x.headers[':path']!.split('?')[1] ?? '').get(hp.query_parameter.name) ?? undefined;
    if (v) return hashString(v);
  }
  return undefined;
}

function parseCookie(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of s.split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return out;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    }, { once: true });
  });
}

function sendMirror(rt: ProxyRuntime, policy: MirrorPolicy, method: string, path: string, headers: Record<string, string>, body: Buffer): void {
  const cfg = rt.current;
  const cluster = cfg?.clusters.get(policy.cluster);
  if (!cluster) return;
  const host = rt.hosts.choose(cluster, rt.hosts.hosts(cluster, cfg!.endpoints.get(policy.cluster)), new Set(), undefined, rt.random);
  if (!host) return;
  const h = { ...headers, host: `${headers.host}-shadow` };
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), 30_000);
  rt.stats.clusterInc(cluster.name, 'upstream_rq_total');
  attemptUpstream(rt.pools, rt.hosts, { cluster, host, method, path, headers: h, body, signal: ac.signal, resolve: rt.resolveEndpoint })
    .then((r) => {
      if (r.kind === 'response') {
        rt.stats.clusterInc(cluster.name, `upstream_rq_${r.res.statusCode}`);
        r.res.resume();
        r.res.on('end', () => clearTimeout(timer));
      } else clearTimeout(timer);
    })
    .catch(() => clearTimeout(timer));
}

export async function forwardUpstream(x: HttpExchange, vh: CompiledVirtualHost, cr: CompiledRoute, body: Buffer, pathOnly: string, queryString: string): Promise<void> {
  const rt = x.rt;
  const route = cr.route;
  const action = route.route!;
  const picked = pickCluster(action, rt.random);
  const cfg = rt.current!;
  const cluster = picked ? cfg.clusters.get(picked.name) : undefined;
  if (!picked || !cluster) {
    x.flag('NC');
    x.localReply(503, '', 'cluster_not_found');
    return;
  }
  x.cluster = cluster;
  x.clusterName = cluster.name;

  // Path rewrites (the original path is kept in x-envoy-original-path).
  let newPath = pathOnly;
  if (action.prefix_rewrite !== undefined) {
    const matched = route.match.prefix ?? route.match.path_separated_prefix ?? pathOnly;
    newPath = action.prefix_rewrite + pathOnly.slice(Math.min(matched.length, pathOnly.length));
  } else if (cr.regexRewrite) newPath = cr.regexRewrite.re.replaceAll(pathOnly, cr.regexRewrite.substitution);
  if (newPath !== pathOnly) {
    x.headers['x-envoy-original-path'] = x.headers[':path']!;
    x.headers[':path'] = newPath + (queryString || x.headers[':path']!.includes('?') ? `?${queryString}` : '');
  }
  const hostRewrite = picked.weighted?.host_rewrite_literal ?? action.host_rewrite_literal;
  if (hostRewrite) {
    if (action.append_x_forwarded_host) x.headers['x-forwarded-host'] = x.headers[':authority']!;
    x.headers[':authority'] = hostRewrite;
  }
  applyHeaderMutations(x.headers, picked.weighted?.request_headers_to_add, picked.weighted?.request_headers_to_remove);
  applyHeaderMutations(x.headers, route.request_headers_to_add, route.request_headers_to_remove);

  const timeoutMs = parseDurationMs(action.timeout ?? '15s') ?? 15_000;
  const upstreamHeaders: Record<string, string> = {};
  for (const [k, v] of Object.entries(x.headers)) if (!k.startsWith(':') && !HOP_BY_HOP.has(k)) upstreamHeaders[k] = v;
  upstreamHeaders.host = x.headers[':authority']!;
  upstreamHeaders['content-length'] = String(body.length);
  if (body.length === 0 && ['GET', 'HEAD', 'DELETE', 'OPTIONS'].includes(x.headers[':method']!)) delete upstreamHeaders['content-length'];
  if (timeoutMs > 0) upstreamHeaders['x-envoy-expected-rq-timeout-ms'] = String(timeoutMs);
  const method = x.headers[':method']!;
  const path = x.headers[':path']!;

  for (const mp of action.request_mirror_policies ?? []) {
    if (percentHit(mp.runtime_fraction?.default_value ?? { numerator: 100 }, rt.random)) sendMirror(rt, mp, method, path, upstreamHeaders, body);
  }

  // Circuit breaking (default priority thresholds).
  const th = cluster.circuit_breakers?.thresholds?.[0];
  const active = rt.clusterActive.get(cluster.name) ?? 0;
  const maxRq = Math.min(th?.max_requests ?? 1024, (th?.max_connections ?? 1024) + (th?.max_pending_requests ?? 1024));
  if (active >= maxRq) {
    x.flag('UO');
    rt.stats.clusterInc(cluster.name, 'upstream_rq_pending_overflow');
    x.localReply(503, 'upstream connect error or disconnect/reset before headers. reset reason: overflow', 'upstream_reset_before_response_started{overflow}');
    return;
  }

  const ac = new AbortController();
  let timedOut = false;
  let globalTimer: NodeJS.Timeout | undefined;
  if (timeoutMs > 0) {
    globalTimer = setTimeout(() => {
      timedOut = true;
      ac.abort();
    }, timeoutMs);
  }
  const onClose = () => ac.abort();
  x.res.once('close', onClose);
  const policy = action.retry_policy;
  let retriesLeft = policy ? (policy.num_retries ?? 1) : 0;
  const perTryMs = parseDurationMs(policy?.per_try_timeout);
  const hosts = rt.hosts.hosts(cluster, cfg.endpoints.get(cluster.name));
  const tried = new Set<string>();
  const hash = hashFor(x, action);
  rt.clusterActive.set(cluster.name, active + 1);
  let result: AttemptResult | undefined;
  let host: UpstreamHost | undefined;
  try {
    for (;;) {
      host = rt.hosts.choose(cluster, hosts, policy?.retry_host_predicate?.length ? tried : new Set(), hash, rt.random);
      if (!host) {
        x.flag('UH');
        rt.stats.clusterInc(cluster.name, 'upstream_cx_none_healthy');
        x.localReply(503, 'no healthy upstream', 'no_healthy_upstream');
        return;
      }
      tried.add(host.address);
      x.host = host;
      x.attempts++;
      if (vh.vhost.include_request_attempt_count) upstreamHeaders['x-envoy-attempt-count'] = String(x.attempts);
      host.stats.rq_total++;
      host.stats.rq_active++;
      rt.stats.clusterInc(cluster.name, 'upstream_rq_total');
      result = await attemptUpstream(rt.pools, rt.hosts, {
        cluster,
        host,
        method,
        path,
        headers: upstreamHeaders,
        body,
        perTryTimeoutMs: perTryMs,
        signal: ac.signal,
        resolve: rt.resolveEndpoint,
        onNewConnection: () => rt.stats.clusterInc(cluster.name, 'upstream_cx_total'),
      });
      host.stats.rq_active--;
      if (result.kind === 'connect-failure') rt.stats.clusterInc(cluster.name, 'upstream_cx_connect_fail');
      if (result.kind === 'per-try-timeout') {
        host.stats.rq_timeout++;
        rt.stats.clusterInc(cluster.name, 'upstream_rq_per_try_timeout');
      }
      if (result.kind === 'aborted') break;
      const retriable = shouldRetry(policy, result);
      if (retriable && retriesLeft > 0) {
        retriesLeft--;
        rt.stats.clusterInc(cluster.name, 'upstream_rq_retry');
        if (result.kind === 'response') {
          host.stats.rq_error++;
          result.res.resume();
        } else host.stats.rq_error++;
        await sleep(backoffMs(policy, x.attempts - 1, rt.random), ac.signal);
        if (ac.signal.aborted) {
          result = { kind: 'aborted' };
          break;
        }
        continue;
      }
      if (retriable && policy) {
        x.flag('URX');
        rt.stats.clusterInc(cluster.name, 'upstream_rq_retry_limit_exceeded');
      }
      if (x.attempts > 1 && result.kind === 'response' && !retriable) rt.stats.clusterInc(cluster.name, 'upstream_rq_retry_success');
      break;
    }
    if (result.kind === 'aborted') {
      if (timedOut) {
        x.flag('UT');
        host.stats.rq_timeout++;
        rt.stats.clusterInc(cluster.name, 'upstream_rq_timeout');
        x.localReply(504, 'upstream request timeout', 'upstream_response_timeout');
      }
      return;
    }
    const retried = x.attempts > 1 ? 'retried and the latest reset reason' : 'reset reason';
    if (result.kind === 'connect-failure') {
      host.stats.rq_error++;
      x.flag('UF');
      x.transportFailure = result.transportFailure;
      x.localReply(503, `upstream connect error or disconnect/reset before headers. ${retried}: ${result.reason}`, `upstream_reset_before_response_started{${result.reason.replace(/ /g, '_')}}`);
      return;
    }
    if (result.kind === 'reset') {
      host.stats.rq_error++;
      x.flag('UC');
      x.localReply(503, `upstream connect error or disconnect/reset before headers. ${retried}: ${result.reason}`, `upstream_reset_before_response_started{${result.reason.replace(/ /g, '_')}}`);
      return;
    }
    if (result.kind === 'per-try-timeout') {
      x.flag('UT');
      x.localReply(504, 'upstream request timeout', 'upstream_per_try_timeout');
      return;
    }
    await streamResponse(x, result, picked.weighted, route, vh, ac.signal, () => timedOut);
  } finally {
    if (globalTimer) clearTimeout(globalTimer);
    x.res.off('close', onClose);
    rt.clusterActive.set(cluster.name, Math.max(0, (rt.clusterActive.get(cluster.name) ?? 1) - 1));
  }
}

async function streamResponse(
  x: HttpExchange,
  result: Extract<AttemptResult, { kind: 'response' }>,
  weighted: ClusterWeight | undefined,
  route: CompiledRoute['route'],
  vh: CompiledVirtualHost,
  signal: AbortSignal,
  timedOut: () => boolean,
): Promise<void> {
  const rt = x.rt;
  const up = result.res;
  const code = up.statusCode ?? 502;
  const cluster = x.cluster!;
  const host = x.host!;
  x.upstreamLocalAddress = result.localAddress;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(up.headers)) {
    if (v === undefined || HOP_BY_HOP.has(k)) continue;
    headers[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  const setCookie = up.headers['set-cookie'];
  headers['x-envoy-upstream-service-time'] = String(Math.round(performance.now() - result.startedAt));
  headers.server = x.hcm.server_name ?? 'envoy';
  applyHeaderMutations(headers, weighted?.response_headers_to_add, weighted?.response_headers_to_remove);
  applyHeaderMutations(headers, route.response_headers_to_add, route.response_headers_to_remove);
  x.responseCode = code;
  x.responseHeaders = headers;
  x.details = 'via_upstream';
  const out = x.outgoing(headers);
  if (Array.isArray(setCookie) && setCookie.length > 1 && headers['set-cookie'] !== undefined) out['set-cookie'] = setCookie;
  x.out.writeHead(code, out);
  rt.stats.clusterInc(cluster.name, `upstream_rq_${code}`);
  rt.stats.clusterInc(cluster.name, `upstream_rq_${Math.floor(code / 100)}xx`);
  if (code >= 500) host.stats.rq_error++;
  else host.stats.rq_success++;
  await new Promise<void>((resolve) => {
    const finish = () => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    };
    const onAbort = () => {
      if (timedOut()) {
        x.flag('UT');
        x.details = 'upstream_response_timeout';
        rt.stats.clusterInc(cluster.name, 'upstream_rq_timeout');
      }
      up.destroy();
      x.res.destroy();
      finish();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    up.on('data', (chunk: Buffer) => {
      x.bytesSent += chunk.length;
      if (!x.out.write(chunk)) {
        up.pause();
        x.out.once('drain', () => up.resume());
      }
    });
    up.on('end', () => {
      rt.stats.clusterInc(cluster.name, 'upstream_rq_completed');
      x.out.end();
      finish();
    });
    up.on('aborted', () => {
      x.flag('UR');
      x.details = 'upstream_reset_after_response_started{remote_reset}';
      x.res.destroy();
      finish();
    });
    up.on('error', () => {
      x.flag('UR');
      x.res.destroy();
      finish();
    });
  });
}
