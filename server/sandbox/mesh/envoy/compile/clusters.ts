/**
 * CDS and EDS for a gateway, as pilot builds them for a router without gateway cluster filtering
 * (FILTER_GATEWAY_CLUSTER_CONFIG off, the default): an `outbound|port||host` cluster for every
 * Service port in the mesh, one per DestinationRule subset (`outbound|port|subset|host`), the
 * traffic policy applied (port-level and subset overrides), and BlackHoleCluster. Endpoints are
 * the ready addresses of the Service, filtered by subset labels.
 */
import { BLACKHOLE_CLUSTER, TYPE } from '../constants';
import { normalizeDuration } from '../duration';
import type { Cluster, ClusterLoadAssignment, LbEndpoint } from '../types';
import { configPath, type ConfigIndex, type DestinationRuleModel, type Subset, type TrafficPolicy } from './config-index';
import type { MeshSettings } from './mesh-config';
import { subsetKey, type EndpointModel, type ServiceModel, type ServicePort, type ServiceRegistry } from './registry';

const MAX_U32 = 4294967295;
const EDS_CONFIG = { ads: {}, initial_fetch_timeout: '0s', resource_api_version: 'V3' };
const MX_FILTER = { name: 'istio.metadata_exchange', typed_config: { '@type': 'type.googleapis.com/envoy.tcp.metadataexchange.config.MetadataExchange', protocol: 'istio-peer-exchange' } };

export interface ClusterContext {
  registry: ServiceRegistry;
  index: ConfigIndex;
  mesh: MeshSettings;
  proxyNamespace: string;
}

/** Port-level settings override the DestinationRule's top-level policy field by field. */
export function portLevelPolicy(tp: TrafficPolicy | undefined, port: number): TrafficPolicy | undefined {
  if (!tp) return undefined;
  const pl = tp.portLevelSettings?.find((p) => p.port?.number === port);
  const { portLevelSettings: _drop, ...base } = tp;
  if (!pl) return base;
  return {
    loadBalancer: pl.loadBalancer ?? base.loadBalancer,
    connectionPool: pl.connectionPool ?? base.connectionPool,
    outlierDetection: pl.outlierDetection ?? base.outlierDetection,
    tls: pl.tls ?? base.tls,
  };
}

export function subsetPolicy(dr: DestinationRuleModel | undefined, subset: Subset | undefined, port: number): TrafficPolicy | undefined {
  const top = portLevelPolicy(dr?.trafficPolicy, port);
  if (!subset?.trafficPolicy) return top;
  const sub = portLevelPolicy(subset.trafficPolicy, port)!;
  return {
    loadBalancer: sub.loadBalancer ?? top?.loadBalancer,
    connectionPool: sub.connectionPool ?? top?.connectionPool,
    outlierDetection: sub.outlierDetection ?? top?.outlierDetection,
    tls: sub.tls ?? top?.tls,
  };
}

const LB: Record<string, Cluster['lb_policy'] | undefined> = { ROUND_ROBIN: 'ROUND_ROBIN', LEAST_CONN: 'LEAST_REQUEST', LEAST_REQUEST: 'LEAST_REQUEST', RANDOM: 'RANDOM' };

function applyPolicy(c: Cluster, tp: TrafficPolicy | undefined, mesh: MeshSettings): void {
  c.connect_timeout = normalizeDuration(tp?.connectionPool?.tcp?.connectTimeout ?? mesh.connectTimeout);
  const simple = tp?.loadBalancer?.simple;
  if (tp?.loadBalancer?.consistentHash) c.lb_policy = 'RING_HASH';
  else if (simple && LB[simple]) c.lb_policy = LB[simple];
  else c.lb_policy = 'LEAST_REQUEST';
  if (c.lb_policy === 'ROUND_ROBIN') delete c.lb_policy;
  const cp = tp?.connectionPool;
  c.circuit_breakers = {
    thresholds: [
      {
        max_connections: cp?.tcp?.maxConnections ?? MAX_U32,
        max_pending_requests: cp?.http?.http1MaxPendingRequests ?? MAX_U32,
        max_requests: cp?.http?.http2MaxRequests ?? MAX_U32,
        max_retries: cp?.http?.maxRetries ?? MAX_U32,
        track_remaining: true,
      },
    ],
  };
  const od = tp?.outlierDetection;
  if (od) {
    const out: Record<string, unknown> = {};
    const c5 = od.consecutive5xxErrors;
    if (c5 !== undefined) out.consecutive_5xx = c5;
    out.interval = normalizeDuration(od.interval ?? '10s');
    out.base_ejection_time = normalizeDuration(od.baseEjectionTime ?? '30s');
    out.max_ejection_percent = od.maxEjectionPercent ?? 10;
    out.enforcing_consecutive_5xx = c5 ? 100 : 0;
    out.enforcing_success_rate = 0;
    if (od.consecutiveGatewayErrors !== undefined) {
      out.consecutive_gateway_failure = od.consecutiveGatewayErrors;
      out.enforcing_consecutive_gateway_failure = 100;
    }
    c.outlier_detection = out;
  }
}

function upstreamTls(tp: TrafficPolicy | undefined, hostname: string): Cluster['transport_socket'] | undefined {
  const tls = tp?.tls;
  if (!tls || !tls.mode || tls.mode === 'DISABLE' || tls.mode === 'ISTIO_MUTUAL') return undefined;
  const common: Record<string, unknown> = {};
  if (tls.mode === 'MUTUAL' && tls.credentialName) {
    common.tls_certificate_sds_secret_configs = [{ name: `kubernetes://${tls.credentialName}`, sds_config: { ads: {}, resource_api_version: 'V3' } }];
  }
  return {
    name: 'envoy.transport_sockets.tls',
    typed_config: { '@type': TYPE.upstreamTls, common_tls_context: common, sni: tls.sni ?? hostname },
  };
}

const TLS_MODE_MATCHES = [
  {
    name: 'tlsMode-istio',
    match: { tlsMode: 'istio' },
    transport_socket: {
      name: 'envoy.transport_sockets.tls',
      typed_config: {
        '@type': TYPE.upstreamTls,
        common_tls_context: {
          tls_params: { tls_minimum_protocol_version: 'TLSv1_2', tls_maximum_protocol_version: 'TLSv1_3' },
          alpn_protocols: ['istio-peer-exchange', 'istio'],
          tls_certificate_sds_secret_configs: [{ name: 'default', sds_config: { api_config_source: { api_type: 'GRPC', grpc_services: [{ envoy_grpc: { cluster_name: 'sds-grpc' } }], set_node_on_first_message_only: true, transport_api_version: 'V3' }, initial_fetch_timeout: '0s', resource_api_version: 'V3' } }],
        },
      },
    },
  },
  { name: 'tlsMode-disabled', match: {}, transport_socket: { name: 'envoy.transport_sockets.raw_buffer', typed_config: { '@type': TYPE.rawBuffer } } },
];

function buildCluster(svc: ServiceModel, sp: ServicePort, subset: Subset | undefined, dr: DestinationRuleModel | undefined, ctx: ClusterContext): Cluster {
  const name = subsetKey(subset?.name ?? '', svc.hostname, sp.port);
  const tp = subsetPolicy(dr, subset, sp.port);
  const c: Cluster = { '@type': TYPE.cluster, name };
  if (svc.type === 'ExternalName' && svc.externalName) {
    c.type = 'STRICT_DNS';
  } else {
    c.type = 'EDS';
    c.eds_cluster_config = { eds_config: EDS_CONFIG, service_name: name };
  }
  applyPolicy(c, tp, ctx.mesh);
  c.common_lb_config = {};
  const ts = upstreamTls(tp, svc.hostname);
  if (ts) c.transport_socket = ts;
  const istio: Record<string, unknown> = {
    default_original_port: sp.port,
    services: [{ host: svc.hostname, name: svc.name, namespace: svc.namespace }],
  };
  if (dr) istio.config = configPath('destination-rule', dr.namespace, dr.name);
  if (subset) istio.subset = subset.name;
  c.metadata = { filter_metadata: { istio } };
  c.alt_stat_name = `${name};`;
  if (c.type === 'STRICT_DNS') {
    c.load_assignment = { cluster_name: name, endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: svc.externalName!, port_value: sp.port } } } }] }] };
  }
  c.filters = [MX_FILTER];
  if (!ts) c.transport_socket_matches = TLS_MODE_MATCHES;
  return c;
}

function lbEndpoint(e: EndpointModel): LbEndpoint {
  const filter_metadata: Record<string, Record<string, unknown>> = {
    istio: { workload: `${e.workload.name};${e.workload.namespace};${e.workload.canonicalService};${e.workload.canonicalRevision};Kubernetes` },
  };
  if (e.labels['security.istio.io/tlsMode'] === 'istio') filter_metadata['envoy.transport_socket_match'] = { tlsMode: 'istio' };
  return {
    endpoint: { address: { socket_address: { address: e.ip, port_value: e.port } } },
    health_status: 'HEALTHY',
    metadata: { filter_metadata },
    load_balancing_weight: 1,
  };
}

function loadAssignment(name: string, eps: EndpointModel[]): ClusterLoadAssignment {
  const ready = eps.filter((e) => e.ready);
  const cla: ClusterLoadAssignment = { '@type': TYPE.clusterLoadAssignment, cluster_name: name };
  cla.endpoints = ready.length ? [{ locality: {}, lb_endpoints: ready.map(lbEndpoint), load_balancing_weight: ready.length }] : [];
  return cla;
}

export function buildClustersAndEndpoints(ctx: ClusterContext): { clusters: Cluster[]; endpoints: ClusterLoadAssignment[] } {
  const clusters: Cluster[] = [];
  const endpoints: ClusterLoadAssignment[] = [];
  for (const svc of ctx.registry.services()) {
    const dr = ctx.index.destinationRuleFor(svc.hostname, svc.namespace, ctx.proxyNamespace, ctx.mesh.rootNamespace);
    for (const sp of svc.ports) {
      if (sp.protocol.toUpperCase() === 'UDP') continue;
      const all = svc.type === 'ExternalName' ? [] : ctx.registry.endpoints(svc, sp);
      const def = buildCluster(svc, sp, undefined, dr, ctx);
      clusters.push(def);
      if (def.type === 'EDS') endpoints.push(loadAssignment(def.name, all));
      for (const subset of dr?.subsets ?? []) {
        const c = buildCluster(svc, sp, subset, dr, ctx);
        clusters.push(c);
        if (c.type === 'EDS') {
          const sel = subset.labels ?? {};
          endpoints.push(loadAssignment(c.name, all.filter((e) => Object.entries(sel).every(([k, v]) => e.labels[k] === v))));
        }
      }
    }
  }
  clusters.push({ '@type': TYPE.cluster, name: BLACKHOLE_CLUSTER, type: 'STATIC', connect_timeout: normalizeDuration(ctx.mesh.connectTimeout), alt_stat_name: `${BLACKHOLE_CLUSTER};` });
  clusters.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  endpoints.sort((a, b) => (a.cluster_name < b.cluster_name ? -1 : a.cluster_name > b.cluster_name ? 1 : 0));
  return { clusters, endpoints };
}
