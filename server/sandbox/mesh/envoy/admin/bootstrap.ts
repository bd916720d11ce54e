/**
 * The static part of an Istio gateway's Envoy: the bootstrap pilot-agent writes (node identity and
 * metadata, static listeners 15090/15021, static clusters prometheus_stats/agent/sds-grpc/xds-grpc,
 * ADS config) and the server info /server_info reports.
 */
import { ENVOY_SHA, ENVOY_VERSION_STRING, ISTIO_PROXY_SHA, ISTIO_VERSION, TYPE } from '../constants';
import type { Cluster, Listener } from '../types';
import type { NodeInfo } from '../proxy/runtime';

const ROUTER = { name: 'envoy.filters.http.router', typed_config: { '@type': TYPE.router } };

function staticListener(port: number, statPrefix: string, prefix: string, cluster: string): Listener {
  return {
    '@type': TYPE.listener,
    name: '',
    address: { socket_address: { address: '0.0.0.0', port_value: port } },
    filter_chains: [
      {
        filters: [
          {
            name: 'envoy.filters.network.http_connection_manager',
            typed_config: {
              '@type': TYPE.hcm,
              stat_prefix: statPrefix,
              route_config: { virtual_hosts: [{ name: 'backend', domains: ['*'], routes: [{ match: { prefix }, route: { cluster } }] }] },
              http_filters: [ROUTER],
            },
          },
        ],
      },
    ],
  };
}

export function staticListeners(): Listener[] {
  const prom = staticListener(15090, 'stats', '/stats/prometheus', 'prometheus_stats');
  const agent = staticListener(15021, 'agent', '/healthz/ready', 'agent');
  // Static listeners without a name get a generated one; keep it stable per proxy (see admin /listeners).
  delete (prom as { name?: string }).name;
  delete (agent as { name?: string }).name;
  return [prom, agent];
}

function staticCluster(name: string, address: Record<string, unknown>, connectTimeout: string, extra: Record<string, unknown> = {}): Cluster {
  return {
    '@type': TYPE.cluster,
    name,
    type: 'STATIC',
    connect_timeout: connectTimeout,
    ...extra,
    load_assignment: { cluster_name: name, endpoints: [{ lb_endpoints: [{ endpoint: { address: address as never } }] }] },
  };
}

export function staticClusters(): Cluster[] {
  const h2 = {
    typed_extension_protocol_options: {
      'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
        '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
        explicit_http_config: { http2_protocol_options: {} },
      },
    },
  };
  return [
    staticCluster('prometheus_stats', { socket_address: { address: '127.0.0.1', port_value: 15000 } }, '0.250s'),
    staticCluster('agent', { socket_address: { address: '127.0.0.1', port_value: 15020 } }, '0.250s'),
    staticCluster('sds-grpc', { pipe: { path: './var/run/secrets/workload-spiffe-uds/socket' } }, '1s', h2),
    staticCluster('xds-grpc', { pipe: { path: './etc/istio/proxy/XDS' } }, '1s', { ...h2, circuit_breakers: { thresholds: [{ max_connections: 100000, max_pending_requests: 100000, max_requests: 100000 }, { priority: 'HIGH', max_connections: 100000, max_pending_requests: 100000, max_requests: 100000 }] }, max_requests_per_connection: 1 }),
  ];
}

export function bootstrapNode(node: NodeInfo, annotations: Record<string, string>): Record<string, unknown> {
  return {
    id: node.id,
    cluster: `${node.workload}.${node.namespace}`,
    metadata: {
      ANNOTATIONS: annotations,
      CLUSTER_ID: 'Kubernetes',
      ENVOY_PROMETHEUS_PORT: 15090,
      ENVOY_STATUS_PORT: 15021,
      INSTANCE_IPS: node.podIP,
      ISTIO_PROXY_SHA: ISTIO_PROXY_SHA,
      ISTIO_VERSION: ISTIO_VERSION,
      LABELS: node.labels,
      MESH_ID: 'cluster.local',
      NAME: node.podName,
      NAMESPACE: node.namespace,
      NODE_NAME: 'sandbox-node',
      OWNER: `kubernetes://apis/apps/v1/namespaces/${node.namespace}/deployments/${node.workload}`,
      PILOT_SAN: ['istiod.istio-system.svc'],
      PROXY_CONFIG: {
        binaryPath: '/usr/local/bin/envoy',
        configPath: './etc/istio/proxy',
        controlPlaneAuthPolicy: 'MUTUAL_TLS',
        discoveryAddress: 'istiod.istio-system.svc:15012',
        drainDuration: '45s',
        proxyAdminPort: 15000,
        serviceCluster: 'istio-proxy',
        statNameLength: 189,
        statusPort: 15020,
        terminationDrainDuration: '5s',
      },
      SERVICE_ACCOUNT: node.serviceAccount,
      UNPRIVILEGED_POD: 'true',
      WORKLOAD_NAME: node.workload,
      metadata: { 'build.type': 'RELEASE', 'revision.sha': ENVOY_SHA, 'revision.status': 'Clean', 'ssl.version': 'BoringSSL' },
    },
    locality: {},
    user_agent_name: 'envoy',
    user_agent_build_version: {
      version: { major_number: 1, minor_number: 34, patch: 1 },
      metadata: { 'build.type': 'RELEASE', 'revision.sha': ENVOY_SHA, 'revision.status': 'Clean', 'ssl.version': 'BoringSSL' },
    },
  };
}

export function bootstrap(node: NodeInfo, annotations: Record<string, string>): Record<string, unknown> {
  const ads = { ads: {}, initial_fetch_timeout: '0s', resource_api_version: 'V3' };
  return {
    node: bootstrapNode(node, annotations),
    static_resources: { listeners: staticListeners(), clusters: staticClusters() },
    dynamic_resources: {
      lds_config: ads,
      cds_config: ads,
      ads_config: { api_type: 'GRPC', grpc_services: [{ envoy_grpc: { cluster_name: 'xds-grpc' } }], set_node_on_first_message_only: true, transport_api_version: 'V3' },
    },
    stats_config: { use_all_default_tags: false, stats_tags: [{ tag_name: 'cluster_name', regex: '^cluster\\.((.+?(\\..+?\\.svc\\.cluster\\.local)?)\\.)' }] },
    admin: { address: { socket_address: { address: '127.0.0.1', port_value: 15000 } }, profile_path: '/var/lib/istio/data/envoy.prof' },
  };
}

export function serverInfo(node: NodeInfo, annotations: Record<string, string>, state: string, startedAt: Date, now: Date): Record<string, unknown> {
  const uptime = `${Math.max(0, Math.floor((now.getTime() - startedAt.getTime()) / 1000))}s`;
  return {
    version: ENVOY_VERSION_STRING,
    state,
    hot_restart_version: 'disabled',
    command_line_options: {
      base_id: '0',
      use_dynamic_base_id: false,
      base_id_path: '',
      concurrency: 2,
      config_path: 'etc/istio/proxy/envoy-rev.json',
      config_yaml: '',
      allow_unknown_static_fields: true,
      reject_unknown_dynamic_fields: false,
      ignore_unknown_dynamic_fields: false,
      admin_address_path: '',
      local_address_ip_version: 'v4',
      log_level: 'warning',
      component_log_level: 'misc:error',
      log_format: '%Y-%m-%dT%T.%fZ\t%l\tenvoy %n %g:%#\t%v\tthread=%t',
      log_format_escaped: false,
      log_path: '',
      service_cluster: '',
      service_node: '',
      service_zone: '',
      drain_strategy: 'Immediate',
      drain_time: '45s',
      parent_shutdown_time: '60s',
      mode: 'Serve',
      disable_hot_restart: true,
      enable_mutex_tracing: false,
      restart_epoch: 0,
      cpuset_threads: false,
      disabled_extensions: [],
      enable_fine_grain_logging: false,
      socket_path: '@envoy_domain_socket',
      socket_mode: 0,
      enable_core_dump: false,
      stats_tags: {},
      file_flush_interval: '10s',
    },
    node: bootstrapNode(node, annotations),
    uptime_current_epoch: uptime,
    uptime_all_epochs: uptime,
  };
}
