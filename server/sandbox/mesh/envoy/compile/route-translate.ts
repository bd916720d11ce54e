/**
 * VirtualService http routes → Envoy routes, as pilot's route.BuildHTTPRoutesForVirtualService /
 * TranslateRoute (pilot/pkg/networking/core/route/route.go). Objects are built with their keys in
 * proto field-number order, which is the order Envoy prints them in /config_dump.
 */
import { FILTER, TYPE } from '../constants';
import { normalizeDuration } from '../duration';
import type { FractionalPercent, HashPolicy, HeaderMatcher, HeaderValueOption, MirrorPolicy, Route, RouteAction, RouteMatch, StringMatcher } from '../types';
import { configPath, type Destination, type Headers, type HTTPMatchRequest, type HTTPRoute, type StringMatch, type TrafficPolicy, type VirtualServiceModel } from './config-index';
import type { MeshSettings } from './mesh-config';
import { parseSubsetKey, subsetKey, type ServiceRegistry } from './registry';
import { convertRetryPolicy } from './retry';

export interface RouteContext {
  registry: ServiceRegistry;
  mesh: MeshSettings;
  proxyLabels: Record<string, string>;
  proxyNamespace: string;
  /** DestinationRule traffic policy (merged with the subset's) for a destination, if any. */
  trafficPolicyFor(dest: Destination): TrafficPolicy | undefined;
}

export function destinationCluster(dest: Destination, registry: ServiceRegistry, listenerPort: number): string {
  if (!dest.host) return 'UnknownService';
  const svc = registry.service(dest.host);
  let port = listenerPort;
  if (dest.port?.number) port = dest.port.number;
  else if (svc && svc.ports.length === 1) port = svc.ports[0]!.port;
  return subsetKey(dest.subset ?? '', dest.host, port);
}

function toStringMatcher(m: StringMatch): StringMatcher | undefined {
  if (m.exact !== undefined) return { exact: m.exact };
  if (m.prefix !== undefined) return { prefix: m.prefix };
  if (m.regex !== undefined) return { safe_regex: { regex: m.regex } };
  return undefined;
}

const presentMatch = (m: StringMatch | undefined) => !m || (m.exact === undefined && m.prefix === undefined && m.regex === undefined) || m.regex === '*';

function headerMatch(name: string, m: StringMatch | undefined): HeaderMatcher {
  if (presentMatch(m)) return { name, present_match: true };
  const sm = toStringMatcher(m!);
  return sm ? { name, string_match: sm } : { name };
}

export function translateRouteMatch(m: HTTPMatchRequest | undefined): RouteMatch {
  if (!m) return { prefix: '/' };
  const headers: HeaderMatcher[] = [];
  for (const [name, sm] of Object.entries(m.headers ?? {})) headers.push(headerMatch(name, sm));
  for (const [name, sm] of Object.entries(m.withoutHeaders ?? {})) {
    const hm = headerMatch(name, sm);
    hm.invert_match = true;
    if (!presentMatch(sm)) hm.treat_missing_header_as_empty = true;
    headers.push(hm);
  }
  headers.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: RouteMatch = {};
  if (m.uri?.exact !== undefined) out.path = m.uri.exact;
  else if (m.uri?.prefix !== undefined) out.prefix = m.uri.prefix;
  else if (m.uri?.regex !== undefined) out.safe_regex = { regex: m.uri.regex };
  else out.prefix = '/';
  out.case_sensitive = !m.ignoreUriCase;
  if (m.method) headers.push(headerMatch(':method', m.method));
  if (m.authority) headers.push(headerMatch(':authority', m.authority));
  if (m.scheme) headers.push(headerMatch(':scheme', m.scheme));
  if (headers.length) out.headers = headers;
  const qp = Object.entries(m.queryParams ?? {})
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, sm]) => (presentMatch(sm) ? { name, present_match: true } : { name, string_match: toStringMatcher(sm) }));
  if (qp.length) out.query_parameters = qp;
  // Field-number order: prefix/path(1,2), case_sensitive(4), headers(6), query_parameters(7), safe_regex(10).
  const ordered: RouteMatch = {};
  if (out.prefix !== undefined) ordered.prefix = out.prefix;
  if (out.path !== undefined) ordered.path = out.path;
  ordered.case_sensitive = out.case_sensitive;
  if (out.headers) ordered.headers = out.headers;
  if (out.query_parameters) ordered.query_parameters = out.query_parameters;
  if (out.safe_regex) ordered.safe_regex = out.safe_regex;
  return ordered;
}

function headerOptions(map: Record<string, string> | undefined, append: boolean): { opts: HeaderValueOption[]; authority: string } {
  let authority = '';
  const opts: HeaderValueOption[] = [];
  for (const [key, value] of Object.entries(map ?? {})) {
    const lk = key.toLowerCase();
    if (lk === ':authority' || lk === 'host') authority = value;
    if (key.startsWith(':') || lk === 'host') continue;
    opts.push(append ? { header: { key, value } } : { header: { key, value }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' });
  }
  opts.sort((a, b) => (a.header.key < b.header.key ? -1 : a.header.key > b.header.key ? 1 : 0));
  return { opts, authority };
}

export function translateHeaders(h: Headers | undefined) {
  const set = headerOptions(h?.request?.set, false);
  const add = headerOptions(h?.request?.add, true);
  const dropInternal = (keys: string[] | undefined) => (keys ?? []).filter((k) => !k.startsWith(':') && k.toLowerCase() !== 'host');
  return {
    requestHeadersToAdd: [...set.opts, ...add.opts],
    responseHeadersToAdd: [...headerOptions(h?.response?.set, false).opts, ...headerOptions(h?.response?.add, true).opts],
    requestHeadersToRemove: dropInternal(h?.request?.remove),
    responseHeadersToRemove: dropInternal(h?.response?.remove),
    authority: set.authority || add.authority,
  };
}

const percentToFraction = (v: number): FractionalPercent => ({ numerator: Math.round(v * 10000), denominator: 'MILLION' });
const intToFraction = (v: number): FractionalPercent => (v ? { numerator: v } : {});

function mirrorFraction(pct: { value?: number } | undefined, legacy?: number): MirrorPolicy['runtime_fraction'] | undefined {
  if (pct) return (pct.value ?? 0) > 0 ? { default_value: percentToFraction(pct.value!) } : undefined;
  if (legacy !== undefined) return legacy > 0 ? { default_value: intToFraction(legacy) } : undefined;
  return { default_value: { numerator: 100 } };
}

function hashPolicyFor(tp: TrafficPolicy | undefined): HashPolicy | undefined {
  const ch = tp?.loadBalancer?.consistentHash;
  if (!ch) return undefined;
  if (ch.httpHeaderName) return { header: { header_name: ch.httpHeaderName } };
  if (ch.httpCookie) return { cookie: { name: ch.httpCookie.name, ...(ch.httpCookie.ttl ? { ttl: ch.httpCookie.ttl } : {}), ...(ch.httpCookie.path ? { path: ch.httpCookie.path } : {}) } };
  if (ch.useSourceIp) return { connection_properties: { source_ip: true } };
  if (ch.httpQueryParameterName) return { query_parameter: { name: ch.httpQueryParameterName } };
  return undefined;
}

function routeOperation(r: Route, vsName: string, port: number): string {
  let path = '/*';
  if (r.match.prefix !== undefined) path = `${r.match.prefix}*`;
  else if (r.match.path !== undefined) path = r.match.path;
  else if (r.match.safe_regex) path = r.match.safe_regex.regex;
  const c = r.route?.cluster ? parseSubsetKey(r.route.cluster) : undefined;
  if (c) return `${c.hostname}:${c.port}${path}`;
  return `${vsName}:${port}${path}`;
}

const REDIRECT_CODES: Record<number, string | undefined> = { 0: undefined, 301: undefined, 302: 'FOUND', 303: 'SEE_OTHER', 307: 'TEMPORARY_REDIRECT', 308: 'PERMANENT_REDIRECT' };

function sourceMatches(m: HTTPMatchRequest | undefined, gatewayNames: Set<string>, ctx: RouteContext): boolean {
  if (!m) return true;
  if (m.gateways && m.gateways.length > 0) return m.gateways.some((g) => gatewayNames.has(g));
  for (const [k, v] of Object.entries(m.sourceLabels ?? {})) if (ctx.proxyLabels[k] !== v) return false;
  return !m.sourceNamespace || m.sourceNamespace === ctx.proxyNamespace;
}

export function translateRoute(
  ctx: RouteContext,
  vs: VirtualServiceModel,
  http: HTTPRoute,
  m: HTTPMatchRequest | undefined,
  listenPort: number,
  gatewayNames: Set<string>,
  isTLS: boolean,
): Route | undefined {
  if (m?.port && m.port !== listenPort) return undefined;
  if (!sourceMatches(m, gatewayNames, ctx)) return undefined;
  let routeName = http.name ?? '';
  if (m?.name) routeName = `${routeName}.${m.name}`;
  const out: Route = { match: translateRouteMatch(m) };
  const metadata = { filter_metadata: { istio: { config: configPath('virtual-service', vs.namespace, vs.name) } } };
  let authority = '';
  const hdr = translateHeaders(http.headers);
  authority = hdr.authority;
  const reqAdd = [...hdr.requestHeadersToAdd];
  const reqRemove = [...hdr.requestHeadersToRemove];
  const respAdd = [...hdr.responseHeadersToAdd];
  const respRemove = [...hdr.responseHeadersToRemove];

  if (http.redirect) {
    const r = http.redirect;
    const redirect: NonNullable<Route['redirect']> = {};
    let port: number | undefined;
    if (r.port !== undefined) port = r.port;
    else if (r.derivePort === 'FROM_REQUEST_PORT') port = listenPort;
    if (r.scheme) redirect.scheme_redirect = r.scheme;
    if (r.authority) redirect.host_redirect = r.authority;
    if (port !== undefined) {
      const scheme = r.scheme || (isTLS ? 'https' : 'http');
      if (!((port === 80 && scheme === 'http') || (port === 443 && scheme === 'https'))) redirect.port_redirect = port;
    }
    redirect.path_redirect = r.uri ?? '';
    const code = r.redirectCode ?? 0;
    if (!(code in REDIRECT_CODES)) return undefined; // pilot leaves the action unset: Envoy rejects nothing, route has no action
    const rc = REDIRECT_CODES[code];
    if (rc) redirect.response_code = rc;
    out.redirect = redirect;
  } else if (http.directResponse) {
    const d = http.directResponse;
    out.direct_response = { status: d.status };
    if (d.body?.string !== undefined) out.direct_response.body = { inline_string: d.body.string };
    else if (d.body?.bytes !== undefined) out.direct_response.body = { inline_bytes: d.body.bytes };
  } else {
    const action: RouteAction = {};
    const dests = http.route ?? [];
    if (dests.length === 1) {
      const d = dests[0]!;
      action.cluster = destinationCluster(d.destination, ctx.registry, listenPort);
      if (d.headers) {
        const dh = translateHeaders(d.headers);
        reqAdd.push(...dh.requestHeadersToAdd);
        reqRemove.push(...dh.requestHeadersToRemove);
        respAdd.push(...dh.responseHeadersToAdd);
        respRemove.push(...dh.responseHeadersToRemove);
        if (dh.authority && !authority && !http.rewrite?.authority) authority = dh.authority;
      }
    } else {
      const clusters = dests
        .filter((d) => (d.weight ?? 0) > 0)
        .map((d) => {
          const cw: NonNullable<RouteAction['weighted_clusters']>['clusters'][number] = { name: destinationCluster(d.destination, ctx.registry, listenPort), weight: d.weight };
          if (d.headers) {
            const dh = translateHeaders(d.headers);
            if (dh.requestHeadersToAdd.length) cw.request_headers_to_add = dh.requestHeadersToAdd;
            if (dh.requestHeadersToRemove.length) cw.request_headers_to_remove = dh.requestHeadersToRemove;
            if (dh.responseHeadersToAdd.length) cw.response_headers_to_add = dh.responseHeadersToAdd;
            if (dh.responseHeadersToRemove.length) cw.response_headers_to_remove = dh.responseHeadersToRemove;
            if (dh.authority) cw.host_rewrite_literal = dh.authority;
          }
          return cw;
        });
      action.weighted_clusters = { clusters };
    }
    if (http.rewrite?.uri && !http.rewrite.uriRegexRewrite) action.prefix_rewrite = http.rewrite.uri;
    if (http.rewrite?.authority) authority = http.rewrite.authority;
    if (authority) action.host_rewrite_literal = authority;
    action.timeout = http.timeout ? normalizeDuration(http.timeout) : '0s';
    const retry = convertRetryPolicy(http.retries ?? ctx.mesh.defaultHttpRetryPolicy, false);
    if (retry) action.retry_policy = retry;
    const hashes = dests.map((d) => hashPolicyFor(ctx.trafficPolicyFor(d.destination))).filter((h): h is HashPolicy => !!h);
    if (hashes.length) action.hash_policy = hashes;
    action.max_grpc_timeout = action.timeout;
    const mirrors: MirrorPolicy[] = [];
    if (http.mirror) {
      const rf = mirrorFraction(http.mirrorPercentage, http.mirrorPercent);
      if (rf) mirrors.push({ cluster: destinationCluster(http.mirror, ctx.registry, listenPort), runtime_fraction: rf, trace_sampled: false });
    }
    for (const mp of http.mirrors ?? []) {
      const rf = mirrorFraction(mp.percentage);
      if (rf && mp.destination) mirrors.push({ cluster: destinationCluster(mp.destination, ctx.registry, listenPort), runtime_fraction: rf, trace_sampled: false });
    }
    if (mirrors.length) action.request_mirror_policies = mirrors;
    if (http.rewrite?.uriRegexRewrite) {
      action.regex_rewrite = { pattern: { regex: http.rewrite.uriRegexRewrite.match }, substitution: http.rewrite.uriRegexRewrite.rewrite };
    }
    out.route = action;
  }
  out.metadata = metadata;
  out.decorator = { operation: routeOperation(out, vs.name, listenPort) };
  if (reqAdd.length) out.request_headers_to_add = reqAdd;
  if (respAdd.length) out.response_headers_to_add = respAdd;
  if (respRemove.length) out.response_headers_to_remove = respRemove;
  if (reqRemove.length) out.request_headers_to_remove = reqRemove;
  const fault = translateFault(http.fault);
  if (fault || http.corsPolicy) {
    out.typed_per_filter_config = {};
    if (fault) out.typed_per_filter_config[FILTER.fault] = fault;
  }
  if (routeName) out.name = routeName;
  return out;
}

function translateFault(f: HTTPRoute['fault']) {
  if (!f) return undefined;
  const out: { '@type': string; delay?: Record<string, unknown>; abort?: Record<string, unknown> } = { '@type': TYPE.httpFault };
  if (f.delay?.fixedDelay) {
    const pct = f.delay.percentage ? percentToFraction(f.delay.percentage.value ?? 0) : intToFraction(f.delay.percent ?? 0);
    out.delay = { fixed_delay: normalizeDuration(f.delay.fixedDelay), percentage: pct };
  }
  if (f.abort && f.abort.httpStatus !== undefined) {
    out.abort = { http_status: f.abort.httpStatus };
    if (f.abort.percentage) out.abort.percentage = percentToFraction(f.abort.percentage.value ?? 0);
  }
  return out.delay || out.abort ? out : undefined;
}

export function isCatchAllRoute(r: Route): boolean {
  const m = r.match;
  const catchall = m.prefix === '/' || m.path_separated_prefix === '/' || m.safe_regex?.regex === '.*';
  return catchall && !m.headers?.length && !m.query_parameters?.length;
}

/** BuildHTTPRoutesForVirtualService: every match of every http route, stopping at the first catch-all. */
export function buildRoutesForVirtualService(
  ctx: RouteContext,
  vs: VirtualServiceModel,
  listenPort: number,
  gatewayNames: Set<string>,
  isTLS: boolean,
): Route[] {
  const out: Route[] = [];
  for (const http of vs.http) {
    let catchall = false;
    if (!http.match || http.match.length === 0) {
      const r = translateRoute(ctx, vs, http, undefined, listenPort, gatewayNames, isTLS);
      if (r) out.push(r);
      catchall = true;
    } else {
      for (const m of http.match) {
        const r = translateRoute(ctx, vs, http, m, listenPort, gatewayNames, isTLS);
        if (!r) continue;
        out.push(r);
        if (isCatchAllRoute(r)) {
          catchall = true;
          break;
        }
      }
    }
    if (catchall) break;
  }
  return out;
}

/** SortVHostRoutes: catch-all routes move to the end, the others keep their order. */
export function sortVHostRoutes(routes: Route[]): Route[] {
  return [...routes.filter((r) => !isCatchAllRoute(r)), ...routes.filter(isCatchAllRoute)];
}
