/**
 * Envoy v3 admin `/config_dump` as Envoy prints it (proto JSON with the original snake_case field
 * names, `@type` on every `Any`, 64-bit integers as strings, durations as "0.250s"). Only the
 * fields gatescope reads are named; every object keeps the rest (`[key: string]: unknown`), so a
 * dump from a newer Envoy still type-checks and round-trips.
 *
 * References: envoy/admin/v3/config_dump.proto, config_dump_shared.proto, and the resource protos
 * (config/listener/v3, config/route/v3, config/cluster/v3, config/endpoint/v3,
 * extensions/transport_sockets/tls/v3).
 */

export interface Open {
  [key: string]: unknown;
}

/** A `google.protobuf.Any` as printed: `@type` plus the message's fields. */
export interface EnvoyAny extends Open {
  '@type': string;
}

/** The whole `/config_dump` answer. */
export interface EnvoyConfigDump {
  configs?: EnvoyAny[];
}

export const ADMIN_TYPES = {
  bootstrap: 'type.googleapis.com/envoy.admin.v3.BootstrapConfigDump',
  clusters: 'type.googleapis.com/envoy.admin.v3.ClustersConfigDump',
  endpoints: 'type.googleapis.com/envoy.admin.v3.EndpointsConfigDump',
  listeners: 'type.googleapis.com/envoy.admin.v3.ListenersConfigDump',
  scopedRoutes: 'type.googleapis.com/envoy.admin.v3.ScopedRoutesConfigDump',
  routes: 'type.googleapis.com/envoy.admin.v3.RoutesConfigDump',
  secrets: 'type.googleapis.com/envoy.admin.v3.SecretsConfigDump',
  ecds: 'type.googleapis.com/envoy.admin.v3.EcdsConfigDump',
} as const;

// ---- core ----------------------------------------------------------------------------------------

export interface SocketAddress extends Open {
  protocol?: 'TCP' | 'UDP';
  address?: string;
  port_value?: number;
  named_port?: string;
  resolver_name?: string;
  ipv4_compat?: boolean;
}

export interface EnvoyAddress extends Open {
  socket_address?: SocketAddress;
  pipe?: { path?: string; mode?: number };
  envoy_internal_address?: { server_listener_name?: string; endpoint_id?: string };
}

/** core.v3.Metadata: `filter_metadata` values are google.protobuf.Struct (plain JSON objects). */
export interface EnvoyMetadata extends Open {
  filter_metadata?: Record<string, Record<string, unknown>>;
  typed_filter_metadata?: Record<string, EnvoyAny>;
}

export interface Locality extends Open {
  region?: string;
  zone?: string;
  sub_zone?: string;
}

export type HealthStatus = 'UNKNOWN' | 'HEALTHY' | 'UNHEALTHY' | 'DRAINING' | 'TIMEOUT' | 'DEGRADED';

export interface EnvoyNode extends Open {
  id?: string;
  cluster?: string;
  /** google.protobuf.Struct: Istio puts ISTIO_VERSION, CLUSTER_ID, NAMESPACE, LABELS… here. */
  metadata?: Record<string, unknown>;
  locality?: Locality;
  user_agent_name?: string;
  user_agent_version?: string;
  user_agent_build_version?: {
    version?: { major_number?: number; minor_number?: number; patch?: number };
    metadata?: Record<string, unknown>;
  };
}

// ---- admin sections ------------------------------------------------------------------------------

export interface BootstrapConfigDump extends EnvoyAny {
  bootstrap?: Open & { node?: EnvoyNode };
  last_updated?: string;
}

export interface UpdateFailureState extends Open {
  failed_configuration?: EnvoyAny;
  last_update_attempt?: string;
  details?: string;
  version_info?: string;
}

export type ClientResourceStatus = 'UNKNOWN' | 'REQUESTED' | 'DOES_NOT_EXIST' | 'ACKED' | 'NACKED' | 'RECEIVED_ERROR' | 'TIMEOUT';

export interface DynamicListenerState extends Open {
  version_info?: string;
  listener?: EnvoyListener;
  last_updated?: string;
}

export interface DynamicListener extends Open {
  name?: string;
  active_state?: DynamicListenerState;
  warming_state?: DynamicListenerState;
  draining_state?: DynamicListenerState;
  error_state?: UpdateFailureState;
  client_status?: ClientResourceStatus;
}

export interface ListenersConfigDump extends EnvoyAny {
  version_info?: string;
  static_listeners?: Array<Open & { listener?: EnvoyListener; last_updated?: string }>;
  dynamic_listeners?: DynamicListener[];
}

export interface ClustersConfigDump extends EnvoyAny {
  version_info?: string;
  static_clusters?: Array<Open & { cluster?: EnvoyCluster; last_updated?: string }>;
  dynamic_active_clusters?: Array<Open & { version_info?: string; cluster?: EnvoyCluster; last_updated?: string; error_state?: UpdateFailureState; client_status?: ClientResourceStatus }>;
  dynamic_warming_clusters?: Array<Open & { version_info?: string; cluster?: EnvoyCluster; last_updated?: string }>;
}

export interface RoutesConfigDump extends EnvoyAny {
  static_route_configs?: Array<Open & { route_config?: EnvoyRouteConfiguration; last_updated?: string }>;
  dynamic_route_configs?: Array<Open & { version_info?: string; route_config?: EnvoyRouteConfiguration; last_updated?: string; error_state?: UpdateFailureState; client_status?: ClientResourceStatus }>;
}

export interface ScopedRoutesConfigDump extends EnvoyAny {
  inline_scoped_route_configs?: Array<Open & { name?: string; scoped_route_configs?: EnvoyAny[]; last_updated?: string }>;
  dynamic_scoped_route_configs?: Array<Open & { name?: string; version_info?: string; scoped_route_configs?: EnvoyAny[]; last_updated?: string }>;
}

export interface EndpointsConfigDump extends EnvoyAny {
  static_endpoint_configs?: Array<Open & { endpoint_config?: EnvoyClusterLoadAssignment; last_updated?: string }>;
  dynamic_endpoint_configs?: Array<Open & { version_info?: string; endpoint_config?: EnvoyClusterLoadAssignment; last_updated?: string }>;
}

export interface DynamicSecret extends Open {
  name?: string;
  version_info?: string;
  last_updated?: string;
  secret?: EnvoySecret;
}

export interface SecretsConfigDump extends EnvoyAny {
  static_secrets?: Array<Open & { name?: string; last_updated?: string; secret?: EnvoySecret }>;
  dynamic_active_secrets?: DynamicSecret[];
  dynamic_warming_secrets?: DynamicSecret[];
}

// ---- resources -----------------------------------------------------------------------------------

export interface FilterChainMatch extends Open {
  destination_port?: number;
  prefix_ranges?: Array<{ address_prefix?: string; prefix_len?: number }>;
  server_names?: string[];
  transport_protocol?: string;
  application_protocols?: string[];
}

export interface EnvoyFilter extends Open {
  name?: string;
  typed_config?: EnvoyAny;
}

export interface EnvoyFilterChain extends Open {
  name?: string;
  filter_chain_match?: FilterChainMatch;
  filters?: EnvoyFilter[];
  transport_socket?: Open & { name?: string; typed_config?: EnvoyAny };
}

export interface EnvoyListener extends EnvoyAny {
  name?: string;
  address?: EnvoyAddress;
  additional_addresses?: Array<{ address?: EnvoyAddress }>;
  filter_chains?: EnvoyFilterChain[];
  default_filter_chain?: EnvoyFilterChain;
  listener_filters?: EnvoyFilter[];
  traffic_direction?: 'UNSPECIFIED' | 'INBOUND' | 'OUTBOUND';
  internal_listener?: Open;
  filter_chain_matcher?: Open;
  metadata?: EnvoyMetadata;
}

export interface StringMatcher extends Open {
  exact?: string;
  prefix?: string;
  suffix?: string;
  contains?: string;
  safe_regex?: { regex?: string };
  ignore_case?: boolean;
}

export interface HeaderMatcher extends Open {
  name?: string;
  exact_match?: string;
  safe_regex_match?: { regex?: string };
  prefix_match?: string;
  suffix_match?: string;
  contains_match?: string;
  present_match?: boolean;
  range_match?: { start?: string; end?: string };
  string_match?: StringMatcher;
  invert_match?: boolean;
  treat_missing_header_as_empty?: boolean;
}

export interface EnvoyRouteMatch extends Open {
  prefix?: string;
  path?: string;
  safe_regex?: { regex?: string };
  path_separated_prefix?: string;
  connect_matcher?: Open;
  path_match_policy?: Open;
  case_sensitive?: boolean;
  headers?: HeaderMatcher[];
  query_parameters?: Array<Open & { name?: string; string_match?: StringMatcher; present_match?: boolean }>;
}

export interface WeightedCluster extends Open {
  name?: string;
  weight?: number;
}

export interface EnvoyRouteAction extends Open {
  cluster?: string;
  cluster_header?: string;
  weighted_clusters?: Open & { clusters?: WeightedCluster[]; total_weight?: number };
  cluster_specifier_plugin?: string;
  prefix_rewrite?: string;
  regex_rewrite?: { pattern?: { regex?: string }; substitution?: string };
  host_rewrite_literal?: string;
  auto_host_rewrite?: boolean;
  timeout?: string;
  retry_policy?: Open;
  request_mirror_policies?: Array<Open & { cluster?: string }>;
}

export interface EnvoyRoute extends Open {
  name?: string;
  match?: EnvoyRouteMatch;
  route?: EnvoyRouteAction;
  redirect?: Open;
  direct_response?: Open & { status?: number; body?: Open };
  filter_action?: Open;
  non_forwarding_action?: Open;
  metadata?: EnvoyMetadata;
  decorator?: { operation?: string };
  typed_per_filter_config?: Record<string, EnvoyAny>;
}

export interface EnvoyVirtualHost extends Open {
  name?: string;
  domains?: string[];
  routes?: EnvoyRoute[];
}

export interface EnvoyRouteConfiguration extends Open {
  '@type'?: string;
  name?: string;
  virtual_hosts?: EnvoyVirtualHost[];
  validate_clusters?: boolean;
  ignore_port_in_host_matching?: boolean;
}

export interface EnvoyCluster extends EnvoyAny {
  name?: string;
  type?: 'STATIC' | 'STRICT_DNS' | 'LOGICAL_DNS' | 'EDS' | 'ORIGINAL_DST';
  cluster_type?: Open & { name?: string };
  eds_cluster_config?: Open & { service_name?: string };
  load_assignment?: EnvoyClusterLoadAssignment;
  metadata?: EnvoyMetadata;
  transport_socket?: Open & { name?: string; typed_config?: EnvoyAny };
  transport_socket_matches?: Open[];
}

export interface EnvoyLbEndpoint extends Open {
  endpoint?: Open & { address?: EnvoyAddress; additional_addresses?: Array<{ address?: EnvoyAddress }>; hostname?: string };
  health_status?: HealthStatus;
  metadata?: EnvoyMetadata;
  load_balancing_weight?: number;
}

export interface EnvoyLocalityLbEndpoints extends Open {
  locality?: Locality;
  lb_endpoints?: EnvoyLbEndpoint[];
  load_balancing_weight?: number;
  priority?: number;
}

export interface EnvoyClusterLoadAssignment extends Open {
  '@type'?: string;
  cluster_name?: string;
  endpoints?: EnvoyLocalityLbEndpoints[];
  policy?: Open;
}

export interface DataSource extends Open {
  filename?: string;
  /** base64 */
  inline_bytes?: string;
  inline_string?: string;
  environment_variable?: string;
}

export interface EnvoySecret extends EnvoyAny {
  name?: string;
  tls_certificate?: Open & { certificate_chain?: DataSource; private_key?: DataSource };
  validation_context?: Open & { trusted_ca?: DataSource; custom_validator_config?: Open & { name?: string; typed_config?: EnvoyAny } };
  session_ticket_keys?: Open;
  generic_secret?: Open;
}
