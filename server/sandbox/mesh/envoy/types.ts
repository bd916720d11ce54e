/**
 * The slice of the Envoy v3 API (as proto3 JSON, snake_case, exactly as /config_dump prints it)
 * that the gateway compiler produces and the gateway proxy reads. Fields are optional the way
 * proto3 JSON omits defaults; unknown fields are kept (index signatures) so the dump stays whole.
 */

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json | undefined };

export interface Any {
  '@type': string;
  [k: string]: unknown;
}

export interface SocketAddress {
  socket_address: { address: string; port_value: number; protocol?: string };
}

export interface FractionalPercent {
  numerator?: number;
  /** HUNDRED (default, omitted), TEN_THOUSAND or MILLION. */
  denominator?: 'HUNDRED' | 'TEN_THOUSAND' | 'MILLION';
}

export interface StringMatcher {
  exact?: string;
  prefix?: string;
  suffix?: string;
  contains?: string;
  safe_regex?: { regex: string; google_re2?: Record<string, never> };
  ignore_case?: boolean;
}

export interface HeaderMatcher {
  name: string;
  string_match?: StringMatcher;
  present_match?: boolean;
  invert_match?: boolean;
  treat_missing_header_as_empty?: boolean;
}

export interface QueryParameterMatcher {
  name: string;
  string_match?: StringMatcher;
  present_match?: boolean;
}

export interface RouteMatch {
  prefix?: string;
  path?: string;
  path_separated_prefix?: string;
  safe_regex?: { regex: string; google_re2?: Record<string, never> };
  case_sensitive?: boolean;
  headers?: HeaderMatcher[];
  query_parameters?: QueryParameterMatcher[];
}

export interface HeaderValueOption {
  header: { key: string; value: string };
  /** APPEND_IF_EXISTS_OR_ADD (default, omitted), ADD_IF_ABSENT, OVERWRITE_IF_EXISTS_OR_ADD, OVERWRITE_IF_EXISTS. */
  append_action?: 'APPEND_IF_EXISTS_OR_ADD' | 'ADD_IF_ABSENT' | 'OVERWRITE_IF_EXISTS_OR_ADD' | 'OVERWRITE_IF_EXISTS';
}

export interface RetryPolicy {
  retry_on?: string;
  num_retries?: number;
  per_try_timeout?: string;
  retry_host_predicate?: Array<{ name: string; typed_config?: Any }>;
  host_selection_retry_max_attempts?: string;
  retriable_status_codes?: number[];
  retry_back_off?: { base_interval?: string; max_interval?: string };
}

export interface ClusterWeight {
  name: string;
  weight?: number;
  request_headers_to_add?: HeaderValueOption[];
  request_headers_to_remove?: string[];
  response_headers_to_add?: HeaderValueOption[];
  response_headers_to_remove?: string[];
  host_rewrite_literal?: string;
}

export interface HashPolicy {
  header?: { header_name: string };
  cookie?: { name: string; ttl?: string; path?: string };
  connection_properties?: { source_ip: boolean };
  query_parameter?: { name: string };
  terminal?: boolean;
}

export interface MirrorPolicy {
  cluster: string;
  runtime_fraction?: { default_value?: FractionalPercent; runtime_key?: string };
  trace_sampled?: boolean;
}

export interface RouteAction {
  cluster?: string;
  weighted_clusters?: { clusters: ClusterWeight[]; total_weight?: number };
  prefix_rewrite?: string;
  host_rewrite_literal?: string;
  timeout?: string;
  retry_policy?: RetryPolicy;
  hash_policy?: HashPolicy[];
  max_grpc_timeout?: string;
  request_mirror_policies?: MirrorPolicy[];
  regex_rewrite?: { pattern: { regex: string }; substitution: string };
  append_x_forwarded_host?: boolean;
  cluster_not_found_response_code?: string;
}

export interface RedirectAction {
  https_redirect?: boolean;
  scheme_redirect?: string;
  host_redirect?: string;
  port_redirect?: number;
  path_redirect?: string;
  prefix_rewrite?: string;
  /** MOVED_PERMANENTLY (default, omitted), FOUND, SEE_OTHER, TEMPORARY_REDIRECT, PERMANENT_REDIRECT. */
  response_code?: string;
  strip_query?: boolean;
}

export interface Route {
  match: RouteMatch;
  route?: RouteAction;
  redirect?: RedirectAction;
  direct_response?: { status: number; body?: { inline_string?: string; inline_bytes?: string } };
  metadata?: { filter_metadata?: Record<string, Record<string, unknown>> };
  decorator?: { operation: string };
  request_headers_to_add?: HeaderValueOption[];
  response_headers_to_add?: HeaderValueOption[];
  response_headers_to_remove?: string[];
  request_headers_to_remove?: string[];
  typed_per_filter_config?: Record<string, Any>;
  name?: string;
}

export interface VirtualHost {
  name: string;
  domains: string[];
  routes?: Route[];
  require_tls?: 'NONE' | 'EXTERNAL_ONLY' | 'ALL';
  include_request_attempt_count?: boolean;
  typed_per_filter_config?: Record<string, Any>;
}

export interface RouteConfiguration {
  '@type'?: string;
  name: string;
  virtual_hosts?: VirtualHost[];
  validate_clusters?: boolean;
  max_direct_response_body_size_bytes?: number;
  ignore_port_in_host_matching?: boolean;
}

export interface SdsSecretConfig {
  name: string;
  sds_config?: Record<string, unknown>;
}

export interface CommonTlsContext {
  tls_params?: { tls_minimum_protocol_version?: string; tls_maximum_protocol_version?: string; cipher_suites?: string[] };
  alpn_protocols?: string[];
  tls_certificate_sds_secret_configs?: SdsSecretConfig[];
  combined_validation_context?: {
    default_validation_context?: { match_subject_alt_names?: StringMatcher[] };
    validation_context_sds_secret_config?: SdsSecretConfig;
  };
  validation_context?: { match_subject_alt_names?: StringMatcher[] };
}

export interface TransportSocket {
  name: string;
  typed_config: Any & {
    common_tls_context?: CommonTlsContext;
    require_client_certificate?: boolean;
    sni?: string;
  };
}

export interface AccessLogConfig {
  name: string;
  typed_config: Any & {
    path?: string;
    log_format?: {
      text_format_source?: { inline_string: string };
      json_format?: Record<string, unknown>;
      json_format_options?: { sort_properties?: boolean };
    };
  };
}

export interface HttpConnectionManager extends Any {
  stat_prefix: string;
  rds?: { config_source?: unknown; route_config_name: string };
  route_config?: RouteConfiguration;
  http_filters?: Array<{ name: string; typed_config?: Any }>;
  access_log?: AccessLogConfig[];
  server_name?: string;
  use_remote_address?: boolean;
  xff_num_trusted_hops?: number;
}

export interface TcpProxy extends Any {
  stat_prefix: string;
  cluster?: string;
  weighted_clusters?: { clusters: Array<{ name: string; weight: number }> };
  access_log?: AccessLogConfig[];
  idle_timeout?: string;
}

export interface NetworkFilter {
  name: string;
  typed_config: Any;
}

export interface FilterChain {
  filter_chain_match?: { server_names?: string[]; transport_protocol?: string; application_protocols?: string[] };
  filters: NetworkFilter[];
  transport_socket?: TransportSocket;
  transport_socket_connect_timeout?: string;
  name?: string;
}

export interface Listener {
  '@type'?: string;
  name: string;
  address: SocketAddress;
  filter_chains: FilterChain[];
  listener_filters?: Array<{ name: string; typed_config?: Any }>;
  traffic_direction?: string;
  [k: string]: unknown;
}

export interface Cluster {
  '@type'?: string;
  name: string;
  type?: 'STATIC' | 'STRICT_DNS' | 'LOGICAL_DNS' | 'EDS' | 'ORIGINAL_DST';
  eds_cluster_config?: { eds_config?: unknown; service_name?: string };
  connect_timeout?: string;
  lb_policy?: 'ROUND_ROBIN' | 'LEAST_REQUEST' | 'RING_HASH' | 'RANDOM' | 'MAGLEV' | 'CLUSTER_PROVIDED';
  circuit_breakers?: {
    thresholds?: Array<{
      priority?: string;
      max_connections?: number;
      max_pending_requests?: number;
      max_requests?: number;
      max_retries?: number;
      track_remaining?: boolean;
    }>;
  };
  outlier_detection?: Record<string, unknown>;
  transport_socket?: TransportSocket;
  metadata?: { filter_metadata?: Record<string, Record<string, unknown>> };
  load_assignment?: ClusterLoadAssignment;
  [k: string]: unknown;
}

export interface LbEndpoint {
  endpoint: { address: SocketAddress; hostname?: string; health_check_config?: Record<string, unknown> };
  health_status?: 'UNKNOWN' | 'HEALTHY' | 'UNHEALTHY' | 'DRAINING' | 'TIMEOUT' | 'DEGRADED';
  metadata?: { filter_metadata?: Record<string, Record<string, unknown>> };
  load_balancing_weight?: number;
}

export interface ClusterLoadAssignment {
  '@type'?: string;
  cluster_name: string;
  endpoints?: Array<{ locality?: Record<string, string>; lb_endpoints?: LbEndpoint[]; load_balancing_weight?: number; priority?: number }>;
  policy?: Record<string, unknown>;
}

export interface Secret {
  '@type'?: string;
  name: string;
  tls_certificate?: {
    certificate_chain?: { inline_bytes?: string; inline_string?: string; filename?: string };
    private_key?: { inline_bytes?: string; inline_string?: string; filename?: string };
  };
  validation_context?: { trusted_ca?: { inline_bytes?: string; inline_string?: string; filename?: string } };
}
