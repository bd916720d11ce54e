/**
 * `istioctl proxy-config listeners` (istio/istio istioctl/pkg/writer/envoy/configdump/listener.go):
 * the ADDRESSES / PORT / MATCH / DESTINATION table, with Go's tabwriter at padding 1.
 */
import type { ConfigDumpModel } from './config-dump';
import type { EnvoyFilter, EnvoyFilterChain, EnvoyListener, EnvoyRouteConfiguration, FilterChainMatch } from './config-dump-types';
import { HTTP_CONNECTION_MANAGER, TCP_PROXY, type ListenerModel } from './listener-model';
import { normalizeRouteConfig, type RouteConfigModel } from './route-model';
import { describeMatch } from './proxy-config-routes';
import { ProxyConfigError, sectionMissing } from './proxy-config-errors';
import { goSortSlice, goStringLess } from '../format/go-sort';
import { tabwrite } from '../format/tabwriter';

export interface ListenerFilter {
  address?: string;
  port?: number;
  /** HTTP, TCP, HTTP+TCP or UNKNOWN (case-insensitive). */
  type?: string;
  /** istioctl's default is true (MATCH and DESTINATION columns). */
  verbose?: boolean;
}

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const BLACK_HOLE = 'BlackHoleCluster';

function filterChains(l: EnvoyListener): EnvoyFilterChain[] {
  const res = (Array.isArray(l.filter_chains) ? l.filter_chains : []).filter(isObj) as EnvoyFilterChain[];
  if (isObj(l.default_filter_chain)) res.push(l.default_filter_chain);
  return res;
}

function filtersOf(fc: EnvoyFilterChain): EnvoyFilter[] {
  return (Array.isArray(fc.filters) ? fc.filters : []).filter(isObj) as EnvoyFilter[];
}

/** Go checks the TcpProxy's serialized bytes for the black-hole cluster name; the JSON text holds the same strings. */
function mentionsBlackHole(f: EnvoyFilter): boolean {
  return JSON.stringify(f.typed_config ?? {}).includes(BLACK_HOLE);
}

/** HTTP | TCP | HTTP+TCP | UNKNOWN */
export function listenerType(l: EnvoyListener): string {
  let nHTTP = 0;
  let nTCP = 0;
  for (const fc of filterChains(l)) {
    for (const f of filtersOf(fc)) {
      if (f.name === HTTP_CONNECTION_MANAGER) nHTTP++;
      else if (f.name === TCP_PROXY && !mentionsBlackHole(f)) nTCP++;
    }
  }
  if (nHTTP > 0) return nTCP === 0 ? 'HTTP' : 'HTTP+TCP';
  return nTCP > 0 ? 'TCP' : 'UNKNOWN';
}

function listenerAddress(l: EnvoyListener): string {
  if (l.address?.socket_address) return l.address.socket_address.address ?? '';
  if (l.address?.pipe) return l.address.pipe.path ?? '';
  return '';
}

function listenerAdditionalAddresses(l: EnvoyListener): string[] {
  return (Array.isArray(l.additional_addresses) ? l.additional_addresses : []).map((a) => (isObj(a) ? (a.address?.socket_address?.address ?? '') : ''));
}

function listenerPort(l: EnvoyListener): number {
  const p = l.address?.socket_address?.port_value;
  return typeof p === 'number' ? p : 0;
}

const PROTOCOL_DESCRIPTIONS: ReadonlyArray<[string, readonly string[]]> = [
  ['App: HTTP TLS', ['http/1.0', 'http/1.1', 'h2c', 'istio-http/1.0', 'istio-http/1.1', 'istio-h2']],
  ['App: Istio HTTP Plain', ['istio', 'istio-http/1.0', 'istio-http/1.1', 'istio-h2']],
  ['App: TCP TLS', ['istio-peer-exchange', 'istio']],
  ['App: HTTP', ['http/1.0', 'http/1.1', 'h2c']],
];

/** istioctl's getMatches: the filter chain match in words (`SNI: …; Trans: tls; Addr: *:8443`, or ALL). */
export function describeFilterChainMatch(m: FilterChainMatch | undefined): string {
  const match = m ?? {};
  const descrs: string[] = [];
  const serverNames = Array.isArray(match.server_names) ? match.server_names : [];
  if (serverNames.length > 0) descrs.push(`SNI: ${serverNames.join(',')}`);
  if (match.transport_protocol) descrs.push(`Trans: ${match.transport_protocol}`);
  const alpn = Array.isArray(match.application_protocols) ? match.application_protocols : [];
  if (alpn.length > 0) {
    const found = PROTOCOL_DESCRIPTIONS.find(([, list]) => list.length === alpn.length && list.every((p, i) => p === alpn[i]));
    descrs.push(found ? found[0] : `App: ${alpn.join(',')}`);
  }
  const port = match.destination_port !== undefined ? `:${match.destination_port}` : '';
  const ranges = Array.isArray(match.prefix_ranges) ? match.prefix_ranges : [];
  if (ranges.length > 0) {
    descrs.push(`Addr: ${ranges.map((p) => `${p.address_prefix ?? ''}/${p.prefix_len ?? 0}`).join(',')}${port}`);
  } else if (port !== '') {
    descrs.push(`Addr: *${port}`);
  }
  return descrs.length === 0 ? 'ALL' : descrs.join('; ');
}

function matchAllCluster(rc: RouteConfigModel): string {
  if (rc.virtualHosts.length !== 1) return '';
  const vh = rc.virtualHosts[0]!;
  if (vh.domains.length !== 1 || vh.domains[0] !== '*') return '';
  if (vh.routes.length !== 1) return '';
  const r = vh.routes[0]!;
  if (r.match.kind !== 'prefix' || r.match.value !== '/') return '';
  if (r.action.kind !== 'route' || r.action.cluster === undefined) return '';
  const cluster = r.action.cluster;
  return cluster.includes('Cluster') ? cluster : `Cluster: ${cluster}`;
}

/** istioctl's describeRouteConfig for an inline route configuration. */
export function describeInlineRouteConfig(rc: RouteConfigModel): string {
  const cluster = matchAllCluster(rc);
  if (cluster !== '') return cluster;
  const vhosts = rc.virtualHosts.map((vh) => {
    const domains = vh.domains.length === 1 && vh.domains[0] === '*' ? '' : vh.domains.join('/');
    const routes = vh.routes.map((r) => describeMatch(r.match)).join(', ');
    return domains === '' ? routes : `${domains} ${routes}`;
  });
  return `Inline Route: ${vhosts.join('; ')}`;
}

/** istioctl's getFilterType: where a filter chain sends traffic. */
export function describeFilterChainDestination(fc: EnvoyFilterChain): string {
  for (const f of filtersOf(fc)) {
    const tc: Record<string, unknown> = isObj(f.typed_config) ? f.typed_config : {};
    if (f.name === HTTP_CONNECTION_MANAGER) {
      if (isObj(tc['route_config'])) return describeInlineRouteConfig(normalizeRouteConfig(tc['route_config'] as EnvoyRouteConfiguration, 'inline'));
      const rds = isObj(tc['rds']) && typeof tc['rds']['route_config_name'] === 'string' ? tc['rds']['route_config_name'] : '';
      if (rds !== '') return `Route: ${rds}`;
      return 'HTTP';
    }
    if (f.name === TCP_PROXY && !mentionsBlackHole(f)) {
      const cluster = typeof tc['cluster'] === 'string' ? tc['cluster'] : '';
      return cluster.includes('Cluster') ? cluster : `Cluster: ${cluster}`;
    }
  }
  return 'Non-HTTP/Non-TCP';
}

function activeListeners(model: ConfigDumpModel): ListenerModel[] {
  if (!model.sections.includes('listeners')) throw new ProxyConfigError(`listener dump: ${sectionMissing('listeners')}`);
  const ls = model.listeners.filter((l) => l.state === 'active');
  if (ls.length === 0) throw new ProxyConfigError('no listeners found');
  return ls;
}

function verify(l: EnvoyListener, f: ListenerFilter): boolean {
  if (!f.address && !f.port && !f.type) return true;
  if (f.address) {
    const want = f.address.toLowerCase();
    if (![...listenerAdditionalAddresses(l), listenerAddress(l)].some((a) => a.toLowerCase() === want)) return false;
  }
  if (f.port && listenerPort(l) !== f.port) return false;
  if (f.type && listenerType(l).toLowerCase() !== f.type.toLowerCase()) return false;
  return true;
}

/** The listener table of `istioctl proxy-config listeners` (byte for byte). */
export function renderListenerSummary(model: ConfigDumpModel, filter: ListenerFilter = {}, opts: { includeConfigType?: boolean } = {}): string {
  const verbose = filter.verbose ?? true;
  const listeners = activeListeners(model)
    .map((l) => l.raw)
    .filter((l) => verify(l, filter));
  goSortSlice(listeners, (a, b) => {
    const ap = listenerPort(a);
    const bp = listenerPort(b);
    if (ap !== bp) return ap < bp;
    const aa = listenerAddress(a);
    const ba = listenerAddress(b);
    if (aa !== ba) return goStringLess(aa, ba);
    return goStringLess(listenerType(a), listenerType(b));
  });
  let header = 'ADDRESSES\tPORT';
  if (opts.includeConfigType) header = `NAME\t${header}`;
  header += verbose ? '\tMATCH\tDESTINATION' : '\tTYPE';
  const rows: string[] = [header];
  for (const l of listeners) {
    const addresses = [listenerAddress(l), ...listenerAdditionalAddresses(l)].join(',');
    const port = listenerPort(l);
    const name = `listener/${l.name ?? ''}`;
    if (verbose) {
      const matches = filterChains(l).map((fc) => ({ match: describeFilterChainMatch(fc.filter_chain_match), destination: describeFilterChainDestination(fc) }));
      goSortSlice(matches, (a, b) => goStringLess(b.destination, a.destination));
      for (const m of matches) rows.push([...(opts.includeConfigType ? [name] : []), addresses, String(port), m.match, m.destination].join('\t'));
    } else {
      rows.push([...(opts.includeConfigType ? [name] : []), addresses, String(port), listenerType(l)].join('\t'));
    }
  }
  return tabwrite(rows.map((r) => `${r}\n`).join(''), { padding: 1 });
}
