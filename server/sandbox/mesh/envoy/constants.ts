/**
 * Names and type URLs shared by the gateway config compiler (the istiod side) and the gateway
 * proxy (the Envoy side). Values are the ones Istio 1.26 / Envoy 1.34 print in /config_dump.
 */

export const TYPE = {
  listener: 'type.googleapis.com/envoy.config.listener.v3.Listener',
  routeConfiguration: 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
  cluster: 'type.googleapis.com/envoy.config.cluster.v3.Cluster',
  clusterLoadAssignment: 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
  secret: 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret',
  hcm: 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
  tcpProxy: 'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy',
  downstreamTls: 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext',
  upstreamTls: 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext',
  rawBuffer: 'type.googleapis.com/envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer',
  tlsInspector: 'type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector',
  httpFault: 'type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault',
  router: 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router',
  fileAccessLog: 'type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog',
} as const;

export const FILTER = {
  hcm: 'envoy.filters.network.http_connection_manager',
  tcpProxy: 'envoy.filters.network.tcp_proxy',
  fault: 'envoy.filters.http.fault',
  router: 'envoy.filters.http.router',
  tlsInspector: 'envoy.filters.listener.tls_inspector',
  tlsTransport: 'envoy.transport_sockets.tls',
  fileAccessLog: 'envoy.access_loggers.file',
} as const;

export const BLACKHOLE_CLUSTER = 'BlackHoleCluster';
export const DEFAULT_DOMAIN_SUFFIX = 'cluster.local';
export const ROOT_NAMESPACE = 'istio-system';

/** The pod annotation that makes a gateway proxy reject every push (the sandbox's fault switch). */
export const REJECT_CONFIG_ANNOTATION = 'sandbox.gatescope.dev/reject-config';

/** Versions this sandbox pretends to run (Istio 1.26.1 ships Envoy 1.34.x). */
export const ISTIO_VERSION = '1.26.1';
export const ENVOY_SHA = '6c72b2179f5a58988b920a55b0be8346de3f7b35';
export const ISTIO_PROXY_SHA = 'ee85c5f28702f00621aed895915fca565796b9e4';
export const ENVOY_VERSION_STRING = `${ENVOY_SHA}/${ISTIO_VERSION}/Clean/RELEASE/BoringSSL`;

/** Resource keys in the sandbox store. */
export const RES = {
  gateways: 'networking.istio.io/gateways',
  virtualServices: 'networking.istio.io/virtualservices',
  destinationRules: 'networking.istio.io/destinationrules',
  services: 'core/services',
  endpoints: 'core/endpoints',
  endpointSlices: 'discovery.k8s.io/endpointslices',
  secrets: 'core/secrets',
  pods: 'core/pods',
  configMaps: 'core/configmaps',
} as const;
