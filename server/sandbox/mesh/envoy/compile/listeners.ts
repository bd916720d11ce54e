/**
 * LDS for a gateway (pilot's buildGatewayListeners): one listener `0.0.0.0_<port>` per merged
 * server port; HTTP ports get one HCM chain on RDS `http.<port>`; HTTPS servers get a TLS chain each
 * (SNI from the server hosts, RDS `https.<port>.<name>.<gw>.<ns>`); TCP, TLS-terminated TCP and
 * PASSTHROUGH servers get tcp_proxy chains from the VirtualServices' tcp/tls routes. A listener with
 * no chain is omitted, as istiod does.
 */
import { FILTER, TYPE } from '../constants';
import type { AccessLogConfig, FilterChain, HttpConnectionManager, Listener, NetworkFilter, TcpProxy } from '../types';
import type { ConfigIndex, L4Match, RouteDestination, VirtualServiceModel } from './config-index';
import { hostMatches } from './hosts';
import { isHTTPProtocol, isHTTPSWithTermination, isPassthrough, portKey, type GatewayServer, type MergedGateway } from './merge-gateways';
import type { ServiceRegistry } from './registry';
import { destinationCluster } from './route-translate';
import { buildDownstreamTlsContext } from './tls-context';

export interface ListenerContext {
  registry: ServiceRegistry;
  index: ConfigIndex;
  accessLogs: AccessLogConfig[];
  warnings: string[];
}

const ADS_CONFIG_SOURCE = { ads: {}, initial_fetch_timeout: '0s', resource_api_version: 'V3' };

function httpFilters() {
  return [
    { name: 'istio.metadata_exchange', typed_config: { '@type': 'type.googleapis.com/udpa.type.v1.TypedStruct', type_url: 'type.googleapis.com/io.istio.http.peer_metadata.Config', value: { upstream_discovery: [{ istio_headers: {} }, { workload_discovery: {} }], upstream_propagation: [{ istio_headers: {} }] } } },
    { name: 'envoy.filters.http.grpc_stats', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.grpc_stats.v3.FilterConfig', emit_filter_state: true, stats_for_all_methods: false } },
    { name: FILTER.fault, typed_config: { '@type': TYPE.httpFault } },
    { name: 'envoy.filters.http.cors', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.cors.v3.Cors' } },
    { name: 'istio.stats', typed_config: { '@type': 'type.googleapis.com/stats.PluginConfig' } },
    { name: FILTER.router, typed_config: { '@type': TYPE.router } },
  ];
}

function hcm(statPrefix: string, routeName: string, accessLogs: AccessLogConfig[]): NetworkFilter {
  const cfg: HttpConnectionManager = {
    '@type': TYPE.hcm,
    stat_prefix: statPrefix,
    rds: { config_source: ADS_CONFIG_SOURCE, route_config_name: routeName },
    http_filters: httpFilters(),
  };
  if (accessLogs.length) cfg.access_log = accessLogs;
  Object.assign(cfg, {
    use_remote_address: true,
    server_name: 'istio-envoy',
    forward_client_cert_details: 'SANITIZE_SET',
    set_current_client_cert_details: { subject: true, cert: true, dns: true, uri: true },
    upgrade_configs: [{ upgrade_type: 'websocket' }],
    stream_idle_timeout: '0s',
    normalize_path: true,
    request_id_extension: { typed_config: { '@type': 'type.googleapis.com/envoy.extensions.request_id.uuid.v3.UuidRequestIdConfig', use_request_id_for_trace_sampling: true } },
    path_with_escaped_slashes_action: 'KEEP_UNCHANGED',
  });
  return { name: FILTER.hcm, typed_config: cfg };
}

const STATS_NETWORK_FILTER: NetworkFilter = { name: 'istio.stats', typed_config: { '@type': 'type.googleapis.com/stats.PluginConfig' } };

function tcpProxyFilters(routes: RouteDestination[], port: number, vs: VirtualServiceModel, ctx: ListenerContext): NetworkFilter[] {
  let cfg: TcpProxy;
  if (routes.length === 1) {
    const cluster = destinationCluster(routes[0]!.destination, ctx.registry, port);
    cfg = { '@type': TYPE.tcpProxy, stat_prefix: cluster, cluster };
  } else {
    const clusters = routes.filter((r) => (r.weight ?? 0) > 0).map((r) => ({ name: destinationCluster(r.destination, ctx.registry, port), weight: r.weight! }));
    cfg = { '@type': TYPE.tcpProxy, stat_prefix: `${vs.name}.${vs.namespace}`, weighted_clusters: { clusters } };
  }
  if (ctx.accessLogs.length) cfg.access_log = ctx.accessLogs;
  return [STATS_NETWORK_FILTER, { name: FILTER.tcpProxy, typed_config: cfg }];
}

/** pickMatchingGatewayHosts: VirtualService hosts matching the server's hosts (ns/host honoured). */
function matchingHosts(server: GatewayServer, vs: VirtualServiceModel): string[] {
  const out: string[] = [];
  for (const vh of vs.hosts) {
    for (const gh of server.hosts) {
      let h = gh;
      if (h.includes('/')) {
        const [ns, name] = h.split('/', 2) as [string, string];
        if (ns !== vs.namespace) continue;
        h = name;
      }
      if (hostMatches(h, vh)) out.push(vh);
    }
  }
  return out;
}

function l4Match(m: L4Match, server: GatewayServer, gateway: string): boolean {
  const portOk = !m.port || m.port === server.port.number;
  const gwOk = !m.gateways || m.gateways.length === 0 || m.gateways.includes(gateway);
  return portOk && gwOk;
}

function tcpRouteFilters(server: GatewayServer, ctx: ListenerContext): NetworkFilter[] | undefined {
  for (const vs of ctx.index.forGateway(server.gateway)) {
    if (matchingHosts(server, vs).length === 0) continue;
    for (const tcp of vs.tcp) {
      const matches = tcp.match ?? [];
      const ok = matches.length === 0 || matches.some((m) => l4Match(m, server, server.gateway));
      if (ok && tcp.route && tcp.route.length > 0) return tcpProxyFilters(tcp.route, server.port.number, vs, ctx);
    }
  }
  return undefined;
}

function tcpChains(server: GatewayServer, merged: MergedGateway, ctx: ListenerContext, sniSeen: Set<string>): FilterChain[] {
  if (!server.tls) {
    const filters = tcpRouteFilters(server, ctx);
    if (filters) return [{ filters }];
    ctx.warnings.push(`gateway ${server.gateway}:${server.port.number} listener missed network filter`);
    return [];
  }
  if (!isPassthrough(server)) {
    const filters = tcpRouteFilters(server, ctx);
    if (!filters) {
      ctx.warnings.push(`gateway ${server.gateway}:${server.port.number} listener missed network filter`);
      return [];
    }
    const chain = {} as FilterChain;
    const sni = merged.tlsServerInfo.get(server)?.sniHosts ?? [];
    if (sni.length && !sni.includes('*')) chain.filter_chain_match = { server_names: [...sni].sort() };
    chain.filters = filters;
    const ts = buildDownstreamTlsContext(server);
    if (ts) chain.transport_socket = ts;
    return [chain as FilterChain];
  }
  if (server.tls.mode === 'AUTO_PASSTHROUGH') {
    ctx.warnings.push(`AUTO_PASSTHROUGH server ${server.gateway}:${server.port.number} is not supported by the sandbox`);
    return [];
  }
  const out: FilterChain[] = [];
  for (const vs of ctx.index.forGateway(server.gateway)) {
    if (matchingHosts(server, vs).length === 0) continue;
    vs.tls.forEach((tls, ti) => {
      if (!tls.route || tls.route.length === 0) return;
      (tls.match ?? []).forEach((m, i) => {
        if (!l4Match(m, server, server.gateway)) return;
        const sni = m.sniHosts ?? [];
        const dup = sni.filter((h) => sniSeen.has(h));
        if (dup.length) {
          ctx.warnings.push(`skipping VirtualService ${vs.name} rule #${ti}.${i} on server port ${server.port.number} of gateway ${server.gateway}, duplicate SNI host names: ${dup.join(',')}`);
          return;
        }
        for (const h of sni) sniSeen.add(h);
        const chain: FilterChain = { filters: tcpProxyFilters(tls.route!, server.port.number, vs, ctx) };
        if (sni.length && !sni.includes('*')) chain.filter_chain_match = { server_names: [...sni].sort() };
        out.push(chain.filter_chain_match ? { filter_chain_match: chain.filter_chain_match, filters: chain.filters } : chain);
      });
    });
  }
  return out;
}

export function buildGatewayListeners(merged: MergedGateway, ctx: ListenerContext): { listeners: Listener[]; routeNames: string[] } {
  const byName = new Map<string, { port: number; chains: FilterChain[]; needsInspector: boolean }>();
  const routeNames: string[] = [];
  const sniByPort = new Map<number, Set<string>>();
  for (const sp of merged.serverPorts) {
    const ms = merged.mergedServers.get(portKey(sp));
    if (!ms) continue;
    const name = `${sp.bind || '0.0.0.0'}_${sp.number}`;
    const entry = byName.get(name) ?? { port: sp.number, chains: [], needsInspector: false };
    byName.set(name, entry);
    if (isHTTPProtocol(sp.protocol)) {
      entry.chains.push({ filters: [hcm(`outbound_${name}`, ms.routeName, ctx.accessLogs)] });
      routeNames.push(ms.routeName);
      continue;
    }
    const sniSeen = sniByPort.get(sp.number) ?? new Set<string>();
    sniByPort.set(sp.number, sniSeen);
    for (const server of ms.servers) {
      if (isHTTPSWithTermination(server)) {
        const info = merged.tlsServerInfo.get(server)!;
        const chain: FilterChain = { filters: [] };
        if (info.sniHosts.length && !info.sniHosts.includes('*')) chain.filter_chain_match = { server_names: [...info.sniHosts].sort() };
        chain.filters = [hcm(server.name || `outbound_${name}`, info.routeName, ctx.accessLogs)];
        const ts = buildDownstreamTlsContext(server);
        if (ts) chain.transport_socket = ts;
        entry.chains.push(orderChain(chain));
        entry.needsInspector = true;
        routeNames.push(info.routeName);
      } else {
        const chains = tcpChains(server, merged, ctx, sniSeen);
        if (chains.some((c) => c.filter_chain_match?.server_names?.length) || (server.tls && (merged.tlsServerInfo.get(server)?.sniHosts.length ?? 0) > 0)) {
          entry.needsInspector = true;
        }
        entry.chains.push(...chains.map(orderChain));
      }
    }
  }
  const listeners: Listener[] = [];
  for (const [name, e] of byName) {
    if (e.chains.length === 0) {
      ctx.warnings.push(`gateway omitting listener "${name}" due to: must have more than 0 chains in listener "${name}"`);
      continue;
    }
    const l: Listener = {
      '@type': TYPE.listener,
      name,
      address: { socket_address: { address: '0.0.0.0', port_value: e.port } },
      filter_chains: e.chains,
    };
    if (e.needsInspector) l.listener_filters = [{ name: FILTER.tlsInspector, typed_config: { '@type': TYPE.tlsInspector } }];
    l.traffic_direction = 'OUTBOUND';
    if (ctx.accessLogs.length) {
      l.access_log = ctx.accessLogs.map((a) => ({ name: a.name, filter: { response_flag_filter: { flags: ['NR'] } }, typed_config: a.typed_config }));
    }
    listeners.push(l);
  }
  return { listeners, routeNames: [...new Set(routeNames)] };
}

function orderChain(c: FilterChain): FilterChain {
  const out: FilterChain = {} as FilterChain;
  if (c.filter_chain_match) out.filter_chain_match = c.filter_chain_match;
  out.filters = c.filters;
  if (c.transport_socket) out.transport_socket = c.transport_socket;
  return out;
}
