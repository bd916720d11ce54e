/**
 * Normalized Envoy listeners: address and port, filter chains with their match, and what each
 * chain does (HTTP connection manager with its RDS name or inline routes, TCP proxy with its
 * cluster(s), the TLS secrets it serves).
 */
import type { EnvoyAddress, EnvoyFilterChain, EnvoyListener, EnvoyRouteConfiguration, UpdateFailureState } from './config-dump-types';
import { normalizeRouteConfig, type RouteConfigModel, type WeightedClusterModel } from './route-model';

export const HTTP_CONNECTION_MANAGER = 'envoy.filters.network.http_connection_manager';
export const TCP_PROXY = 'envoy.filters.network.tcp_proxy';

export type ListenerState = 'active' | 'warming' | 'draining';

export interface FilterChainMatchModel {
  serverNames: string[];
  transportProtocol?: string;
  applicationProtocols: string[];
  destinationPort?: number;
  /** `address/len` */
  prefixRanges: string[];
}

export interface FilterChainModel {
  name?: string;
  /** The listener's `default_filter_chain`. */
  isDefault: boolean;
  /** undefined when the chain has no `filter_chain_match` (matches everything). */
  match?: FilterChainMatchModel;
  /** Network filter names, in order. */
  filters: string[];
  http?: {
    /** RDS: the route configuration this chain loads (`http.8080`). */
    rds?: string;
    /** Inline `route_config`. */
    routeConfig?: RouteConfigModel;
    /** Scoped routes (SRDS) instead of one route configuration. */
    scoped?: boolean;
    statPrefix?: string;
    httpFilters: string[];
  };
  tcp?: {
    cluster?: string;
    weightedClusters?: WeightedClusterModel[];
    statPrefix?: string;
  };
  /** Downstream TLS (`envoy.transport_sockets.tls`): the SDS secrets it serves and validates with. */
  tls?: {
    certificateSecrets: string[];
    validationSecrets: string[];
    requireClientCertificate: boolean;
  };
}

export interface ListenerModel {
  /** `0.0.0.0_8080`, `virtualInbound`, … ('' for unnamed static listeners). */
  name: string;
  source: 'static' | 'dynamic';
  /** Dynamic listeners can be in several states at once; each state is its own entry. */
  state: ListenerState;
  versionInfo?: string;
  lastUpdated?: string;
  /** Socket address (`0.0.0.0`), pipe path, or '' (internal listeners). */
  address: string;
  /** Socket port, 0 when none. */
  port: number;
  addressKind: 'socket' | 'pipe' | 'internal' | 'none';
  additionalAddresses: string[];
  trafficDirection?: string;
  internal: boolean;
  filterChains: FilterChainModel[];
  /** The last rejected update of a dynamic listener (Envoy's error_state). */
  errorState?: { details?: string; lastUpdateAttempt?: string };
  raw: EnvoyListener;
}

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function num(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return undefined;
}

function addressOf(a: EnvoyAddress | undefined): { address: string; port: number; kind: ListenerModel['addressKind'] } {
  if (a?.socket_address) return { address: a.socket_address.address ?? '', port: num(a.socket_address.port_value) ?? 0, kind: 'socket' };
  if (a?.pipe) return { address: a.pipe.path ?? '', port: 0, kind: 'pipe' };
  if (a?.envoy_internal_address) return { address: '', port: 0, kind: 'internal' };
  return { address: '', port: 0, kind: 'none' };
}

function secretNames(list: unknown): string[] {
  return arr(list)
    .map((s) => (isObj(s) ? str(s['name']) : undefined))
    .filter((n): n is string => n !== undefined);
}

function tlsOf(chain: EnvoyFilterChain): FilterChainModel['tls'] {
  const ts = chain.transport_socket;
  const tc = ts?.typed_config;
  if (!ts || !isObj(tc) || !String(tc['@type'] ?? '').endsWith('DownstreamTlsContext')) return undefined;
  const common = isObj(tc['common_tls_context']) ? tc['common_tls_context'] : {};
  const validation: string[] = [];
  const vsc = common['validation_context_sds_secret_config'];
  if (isObj(vsc) && typeof vsc['name'] === 'string') validation.push(vsc['name']);
  const cvc = common['combined_validation_context'];
  if (isObj(cvc) && isObj(cvc['validation_context_sds_secret_config'])) {
    const n = str(cvc['validation_context_sds_secret_config']['name']);
    if (n !== undefined) validation.push(n);
  }
  return {
    certificateSecrets: secretNames(common['tls_certificate_sds_secret_configs']),
    validationSecrets: validation,
    requireClientCertificate: tc['require_client_certificate'] === true,
  };
}

export function normalizeFilterChain(chain: EnvoyFilterChain, isDefault: boolean): FilterChainModel {
  const m = chain.filter_chain_match;
  const model: FilterChainModel = {
    name: chain.name,
    isDefault,
    match: m
      ? {
          serverNames: arr(m.server_names).filter((s): s is string => typeof s === 'string'),
          transportProtocol: m.transport_protocol,
          applicationProtocols: arr(m.application_protocols).filter((s): s is string => typeof s === 'string'),
          destinationPort: num(m.destination_port),
          prefixRanges: arr(m.prefix_ranges).map((p) => (isObj(p) ? `${str(p['address_prefix']) ?? ''}/${num(p['prefix_len']) ?? 0}` : '')),
        }
      : undefined,
    filters: arr(chain.filters).map((f) => (isObj(f) ? (str(f['name']) ?? '') : '')),
    tls: tlsOf(chain),
  };
  for (const f of arr(chain.filters)) {
    if (!isObj(f)) continue;
    const tc = isObj(f['typed_config']) ? f['typed_config'] : {};
    if (f['name'] === HTTP_CONNECTION_MANAGER && !model.http) {
      const rds = isObj(tc['rds']) ? str(tc['rds']['route_config_name']) : undefined;
      model.http = {
        rds,
        routeConfig: isObj(tc['route_config']) ? normalizeRouteConfig(tc['route_config'] as EnvoyRouteConfiguration, 'inline') : undefined,
        scoped: tc['scoped_routes'] !== undefined ? true : undefined,
        statPrefix: str(tc['stat_prefix']),
        httpFilters: arr(tc['http_filters']).map((h) => (isObj(h) ? (str(h['name']) ?? '') : '')),
      };
    } else if (f['name'] === TCP_PROXY && !model.tcp) {
      const wc = isObj(tc['weighted_clusters']) ? arr(tc['weighted_clusters']['clusters']) : undefined;
      model.tcp = {
        cluster: str(tc['cluster']),
        weightedClusters: wc?.map((c) => (isObj(c) ? { name: str(c['name']) ?? '', weight: num(c['weight']) ?? 0 } : { name: '', weight: 0 })),
        statPrefix: str(tc['stat_prefix']),
      };
    }
  }
  return model;
}

export function normalizeListener(
  l: EnvoyListener,
  source: ListenerModel['source'],
  state: ListenerState,
  extra: { versionInfo?: string; lastUpdated?: string; errorState?: UpdateFailureState; name?: string } = {},
): ListenerModel {
  const addr = addressOf(l.address);
  const chains = arr(l.filter_chains).filter(isObj).map((c) => normalizeFilterChain(c as EnvoyFilterChain, false));
  if (isObj(l.default_filter_chain)) chains.push(normalizeFilterChain(l.default_filter_chain as EnvoyFilterChain, true));
  return {
    name: l.name ?? extra.name ?? '',
    source,
    state,
    versionInfo: extra.versionInfo,
    lastUpdated: extra.lastUpdated,
    address: addr.address,
    port: addr.port,
    addressKind: addr.kind,
    additionalAddresses: arr(l.additional_addresses).map((a) => (isObj(a) && isObj(a['address']) ? addressOf(a['address'] as EnvoyAddress).address : '')),
    trafficDirection: l.traffic_direction,
    internal: l.internal_listener !== undefined,
    filterChains: chains,
    errorState: extra.errorState ? { details: extra.errorState.details, lastUpdateAttempt: extra.errorState.last_update_attempt } : undefined,
    raw: l,
  };
}
