/**
 * Normalized Envoy route configuration (RDS `RouteConfiguration`, or one inline in an HTTP
 * connection manager): virtual hosts, their routes, each route's match and action in one shape,
 * and the Istio object that produced a route (`metadata.filter_metadata.istio.config`).
 */
import type { EnvoyMetadata, EnvoyRoute, EnvoyRouteConfiguration, EnvoyVirtualHost, HeaderMatcher, StringMatcher } from './config-dump-types';

export type ResourceSource = 'static' | 'dynamic' | 'inline';

/** The Istio config object behind an Envoy resource: `/apis/<group>/<version>/namespaces/<ns>/<kind>/<name>`. */
export interface IstioConfigRef {
  /** The path as Istio wrote it. */
  path: string;
  group?: string;
  version?: string;
  namespace?: string;
  /** As in the path: `virtual-service`, `destination-rule`, `gateway`, … */
  kind?: string;
  name?: string;
}

export type PathMatchKind = 'prefix' | 'path' | 'safe_regex' | 'path_separated_prefix' | 'connect' | 'path_match_policy' | 'none';

export type StringMatchKind = 'exact' | 'prefix' | 'suffix' | 'contains' | 'regex';

export interface HeaderMatchModel {
  name: string;
  /** `present`: header present (or absent when `present` is false); `range`: integer range; `any`: no condition. */
  kind: StringMatchKind | 'present' | 'range' | 'any';
  value?: string;
  present?: boolean;
  range?: { start?: string; end?: string };
  ignoreCase?: boolean;
  invert: boolean;
}

export interface QueryParamMatchModel {
  name: string;
  kind: StringMatchKind | 'present' | 'any';
  value?: string;
  ignoreCase?: boolean;
}

export interface RouteMatchModel {
  kind: PathMatchKind;
  /** The prefix, path or regex (undefined for connect / none). */
  value?: string;
  /** Envoy's default is true. */
  caseSensitive: boolean;
  headers: HeaderMatchModel[];
  queryParameters: QueryParamMatchModel[];
}

export interface WeightedClusterModel {
  name: string;
  weight: number;
}

export type RouteActionModel =
  | {
      kind: 'route';
      cluster?: string;
      clusterHeader?: string;
      weightedClusters?: WeightedClusterModel[];
      totalWeight?: number;
      prefixRewrite?: string;
      regexRewrite?: { pattern: string; substitution: string };
      hostRewrite?: string;
      timeout?: string;
      mirrors: string[];
    }
  | {
      kind: 'redirect';
      scheme?: string;
      host?: string;
      port?: number;
      path?: string;
      prefixRewrite?: string;
      responseCode?: string;
      stripQuery?: boolean;
      httpsRedirect?: boolean;
    }
  | { kind: 'direct_response'; status: number; body?: string }
  | { kind: 'filter_action' | 'non_forwarding' | 'none' };

export interface RouteModel {
  name?: string;
  match: RouteMatchModel;
  action: RouteActionModel;
  /** `metadata.filter_metadata.istio.config`: the VirtualService (or HTTPRoute) this route comes from. */
  istioConfig?: IstioConfigRef;
  /** `decorator.operation` (Istio: `host:port/path*`). */
  operation?: string;
  raw: EnvoyRoute;
}

export interface VirtualHostModel {
  name: string;
  domains: string[];
  routes: RouteModel[];
  raw: EnvoyVirtualHost;
}

export interface RouteConfigModel {
  /** `http.8080`, `https.443.https.my-gateway.istio-system`, `80`, … ('' for unnamed static ones). */
  name: string;
  source: ResourceSource;
  versionInfo?: string;
  lastUpdated?: string;
  virtualHosts: VirtualHostModel[];
  ignorePortInHostMatching: boolean;
  raw: EnvoyRouteConfiguration;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Parses Istio's `/apis/networking.istio.io/v1/namespaces/default/virtual-service/httpbin`. */
export function parseIstioConfigPath(path: string): IstioConfigRef {
  const ref: IstioConfigRef = { path };
  const p = path.split('/');
  if (p.length === 8 && p[0] === '' && p[1] === 'apis' && p[4] === 'namespaces') {
    ref.group = p[2];
    ref.version = p[3];
    ref.namespace = p[5];
    ref.kind = p[6];
    ref.name = p[7];
  }
  return ref;
}

/** `filter_metadata.istio.config` of an Envoy resource, parsed. */
export function istioConfigOf(metadata: EnvoyMetadata | undefined): IstioConfigRef | undefined {
  const istio = metadata?.filter_metadata?.['istio'];
  const config = isObj(istio) ? str(istio['config']) : undefined;
  return config === undefined ? undefined : parseIstioConfigPath(config);
}

function stringMatch(m: StringMatcher | undefined): { kind: StringMatchKind; value: string; ignoreCase?: boolean } | undefined {
  if (!m) return undefined;
  const ignoreCase = m.ignore_case === true ? true : undefined;
  if (m.exact !== undefined) return { kind: 'exact', value: m.exact, ignoreCase };
  if (m.prefix !== undefined) return { kind: 'prefix', value: m.prefix, ignoreCase };
  if (m.suffix !== undefined) return { kind: 'suffix', value: m.suffix, ignoreCase };
  if (m.contains !== undefined) return { kind: 'contains', value: m.contains, ignoreCase };
  if (m.safe_regex) return { kind: 'regex', value: m.safe_regex.regex ?? '', ignoreCase };
  // `exact: ""` is printed by Envoy as an empty matcher.
  return { kind: 'exact', value: '', ignoreCase };
}

function headerMatch(h: HeaderMatcher): HeaderMatchModel {
  const base = { name: h.name ?? '', invert: h.invert_match === true };
  const sm = h.string_match ? stringMatch(h.string_match) : undefined;
  if (sm) return { ...base, ...sm };
  if (h.exact_match !== undefined) return { ...base, kind: 'exact', value: h.exact_match };
  if (h.prefix_match !== undefined) return { ...base, kind: 'prefix', value: h.prefix_match };
  if (h.suffix_match !== undefined) return { ...base, kind: 'suffix', value: h.suffix_match };
  if (h.contains_match !== undefined) return { ...base, kind: 'contains', value: h.contains_match };
  if (h.safe_regex_match) return { ...base, kind: 'regex', value: h.safe_regex_match.regex ?? '' };
  if (h.present_match !== undefined) return { ...base, kind: 'present', present: h.present_match };
  if (h.range_match) return { ...base, kind: 'range', range: { start: h.range_match.start, end: h.range_match.end } };
  return { ...base, kind: 'any' };
}

export function normalizeRouteMatch(match: EnvoyRoute['match']): RouteMatchModel {
  const m = match ?? {};
  let kind: PathMatchKind = 'none';
  let value: string | undefined;
  if (m.prefix !== undefined) [kind, value] = ['prefix', m.prefix];
  else if (m.path !== undefined) [kind, value] = ['path', m.path];
  else if (m.safe_regex) [kind, value] = ['safe_regex', m.safe_regex.regex ?? ''];
  else if (m.path_separated_prefix !== undefined) [kind, value] = ['path_separated_prefix', m.path_separated_prefix];
  else if (m.connect_matcher) kind = 'connect';
  else if (m.path_match_policy) kind = 'path_match_policy';
  return {
    kind,
    value,
    caseSensitive: m.case_sensitive !== false,
    headers: (m.headers ?? []).map(headerMatch),
    queryParameters: (m.query_parameters ?? []).map((q) => {
      const sm = stringMatch(q.string_match);
      if (q.string_match && sm) return { name: q.name ?? '', ...sm };
      if (q.present_match !== undefined) return { name: q.name ?? '', kind: 'present' as const };
      return { name: q.name ?? '', kind: 'any' as const };
    }),
  };
}

function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return undefined;
}

export function normalizeRouteAction(r: EnvoyRoute): RouteActionModel {
  if (r.route) {
    const a = r.route;
    return {
      kind: 'route',
      cluster: a.cluster,
      clusterHeader: a.cluster_header,
      weightedClusters: a.weighted_clusters ? (a.weighted_clusters.clusters ?? []).map((c) => ({ name: c.name ?? '', weight: toNumber(c.weight) ?? 0 })) : undefined,
      totalWeight: toNumber(a.weighted_clusters?.total_weight),
      prefixRewrite: a.prefix_rewrite,
      regexRewrite: a.regex_rewrite ? { pattern: a.regex_rewrite.pattern?.regex ?? '', substitution: a.regex_rewrite.substitution ?? '' } : undefined,
      hostRewrite: a.host_rewrite_literal,
      timeout: a.timeout,
      mirrors: (a.request_mirror_policies ?? []).map((m) => m.cluster ?? '').filter((c) => c !== ''),
    };
  }
  if (r.redirect) {
    const d = r.redirect;
    return {
      kind: 'redirect',
      scheme: str(d['scheme_redirect']),
      host: str(d['host_redirect']),
      port: toNumber(d['port_redirect']),
      path: str(d['path_redirect']),
      prefixRewrite: str(d['prefix_rewrite']),
      responseCode: str(d['response_code']),
      stripQuery: d['strip_query'] === true ? true : undefined,
      httpsRedirect: d['https_redirect'] === true ? true : undefined,
    };
  }
  if (r.direct_response) {
    const body = r.direct_response.body;
    const text = body ? (str(body['inline_string']) ?? (typeof body['inline_bytes'] === 'string' ? safeAtob(body['inline_bytes']) : undefined)) : undefined;
    return { kind: 'direct_response', status: toNumber(r.direct_response.status) ?? 0, body: text };
  }
  if (r.filter_action) return { kind: 'filter_action' };
  if (r.non_forwarding_action) return { kind: 'non_forwarding' };
  return { kind: 'none' };
}

function safeAtob(b64: string): string | undefined {
  try {
    return atob(b64);
  } catch {
    return undefined;
  }
}

export function normalizeRoute(r: EnvoyRoute): RouteModel {
  return {
    name: r.name,
    match: normalizeRouteMatch(r.match),
    action: normalizeRouteAction(r),
    istioConfig: istioConfigOf(r.metadata),
    operation: r.decorator?.operation,
    raw: r,
  };
}

export function normalizeRouteConfig(
  rc: EnvoyRouteConfiguration,
  source: ResourceSource,
  extra: { versionInfo?: string; lastUpdated?: string } = {},
): RouteConfigModel {
  return {
    name: rc.name ?? '',
    source,
    versionInfo: extra.versionInfo,
    lastUpdated: extra.lastUpdated,
    virtualHosts: (Array.isArray(rc.virtual_hosts) ? rc.virtual_hosts : []).map((vh) => ({
      name: vh.name ?? '',
      domains: Array.isArray(vh.domains) ? vh.domains : [],
      routes: (Array.isArray(vh.routes) ? vh.routes : []).map(normalizeRoute),
      raw: vh,
    })),
    ignorePortInHostMatching: rc.ignore_port_in_host_matching === true,
    raw: rc,
  };
}

/**
 * Where a route sends traffic, as (cluster, weight) pairs: the weighted clusters, or the single
 * cluster with weight 100. Empty for redirects, direct responses and cluster_header routes.
 */
export function routeDestinations(route: RouteModel): WeightedClusterModel[] {
  const a = route.action;
  if (a.kind !== 'route') return [];
  if (a.weightedClusters) return a.weightedClusters;
  return a.cluster !== undefined ? [{ name: a.cluster, weight: 100 }] : [];
}
