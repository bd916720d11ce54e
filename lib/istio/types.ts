/**
 * Istio's networking kinds (Gateway, VirtualService, DestinationRule) with Istio's own field
 * names, as served at `networking.istio.io/v1` (the same fields as `v1beta1`/`v1alpha3`). Checked
 * field by field against the CRD schemas in `lib/istio/crds/networking-istio-io-crds.gen.yaml`.
 * Deprecated fields that are still in the schema are typed and marked `@deprecated`.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/gateway/
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/
 * @see https://istio.io/latest/docs/reference/config/networking/destination-rule/
 */
import type { KubeObject } from '../kube/object';

// ---- common --------------------------------------------------------------------------------

/**
 * `StringMatch`: exactly one of exact, prefix or regex (RE2, full match). An empty object means
 * "present" for header and query parameter matches.
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#StringMatch
 */
export interface StringMatch {
  exact?: string;
  prefix?: string;
  regex?: string;
}

/** `PortSelector`. @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#PortSelector */
export interface PortSelector {
  number?: number;
}

/**
 * `Destination`: a service in the registry. `host` is a short name (resolved in the VirtualService's
 * namespace) or an FQDN; `subset` names a DestinationRule subset.
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#Destination
 */
export interface Destination {
  host: string;
  subset?: string;
  port?: PortSelector;
}

/** `Headers.HeaderOperations`. */
export interface HeaderOperations {
  set?: Record<string, string>;
  add?: Record<string, string>;
  remove?: string[];
}

/** `Headers`. @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#Headers */
export interface Headers {
  request?: HeaderOperations;
  response?: HeaderOperations;
}

/** `Percent`: 0.0–100.0. */
export interface Percent {
  value?: number;
}

// ---- Gateway -------------------------------------------------------------------------------

/** `Port` of a Gateway server. @see https://istio.io/latest/docs/reference/config/networking/gateway/#Port */
export interface GatewayPort {
  /** The port the gateway listens on: the gateway Service's `port` (Istio translates it to the `targetPort`). */
  number: number;
  /** `HTTP|HTTPS|GRPC|GRPC-WEB|HTTP2|MONGO|TCP|TLS` (case-insensitive). */
  protocol: string;
  name: string;
  /** @deprecated Not supported by Istio. */
  targetPort?: number;
}

/** `ServerTLSSettings.TLSmode`. */
export type ServerTLSMode = 'PASSTHROUGH' | 'SIMPLE' | 'MUTUAL' | 'AUTO_PASSTHROUGH' | 'ISTIO_MUTUAL' | 'OPTIONAL_MUTUAL';

/** `ServerTLSSettings`. @see https://istio.io/latest/docs/reference/config/networking/gateway/#ServerTLSSettings */
export interface ServerTLSSettings {
  /** Plain-text HTTP servers: answer every request with a 301 to https. */
  httpsRedirect?: boolean;
  mode?: ServerTLSMode;
  serverCertificate?: string;
  privateKey?: string;
  caCertificates?: string;
  caCrl?: string;
  credentialName?: string;
  credentialNames?: string[];
  caCertCredentialName?: string;
  tlsCertificates?: Array<{ serverCertificate?: string; privateKey?: string; caCertificates?: string }>;
  subjectAltNames?: string[];
  verifyCertificateSpki?: string[];
  verifyCertificateHash?: string[];
  minProtocolVersion?: 'TLS_AUTO' | 'TLSV1_0' | 'TLSV1_1' | 'TLSV1_2' | 'TLSV1_3';
  maxProtocolVersion?: 'TLS_AUTO' | 'TLSV1_0' | 'TLSV1_1' | 'TLSV1_2' | 'TLSV1_3';
  cipherSuites?: string[];
  ecdhCurves?: string[];
  insecureSkipVerify?: boolean;
}

/**
 * `Server`: one listening port with its hosts. Hosts are `host`, `ns/host`, `./host` or `*\/host`;
 * the namespace part limits which VirtualServices may bind.
 * @see https://istio.io/latest/docs/reference/config/networking/gateway/#Server
 */
export interface Server {
  port: GatewayPort;
  bind?: string;
  hosts: string[];
  tls?: ServerTLSSettings;
  defaultEndpoint?: string;
  name?: string;
}

/** `Gateway.spec`. @see https://istio.io/latest/docs/reference/config/networking/gateway/#Gateway */
export interface GatewaySpec {
  servers?: Server[];
  /** Labels of the gateway pods this Gateway configures; absent or empty: every gateway pod. */
  selector?: Record<string, string>;
}

export type Gateway = KubeObject<GatewaySpec> & { kind?: 'Gateway' };

// ---- VirtualService ------------------------------------------------------------------------

/** `HTTPMatchRequest`: all conditions AND-ed. @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPMatchRequest */
export interface HTTPMatchRequest {
  name?: string;
  uri?: StringMatch;
  scheme?: StringMatch;
  method?: StringMatch;
  authority?: StringMatch;
  /** Keys are lower-case header names. */
  headers?: Record<string, StringMatch>;
  port?: number;
  sourceLabels?: Record<string, string>;
  gateways?: string[];
  queryParams?: Record<string, StringMatch>;
  ignoreUriCase?: boolean;
  withoutHeaders?: Record<string, StringMatch>;
  sourceNamespace?: string;
  statPrefix?: string;
}

/** `HTTPRouteDestination`. @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRouteDestination */
export interface HTTPRouteDestination {
  destination: Destination;
  /** Relative share of the traffic: `weight / sum(weights)`; a single destination gets everything. */
  weight?: number;
  headers?: Headers;
}

/** `HTTPRedirect`. @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRedirect */
export interface HTTPRedirect {
  uri?: string;
  authority?: string;
  port?: number;
  derivePort?: 'FROM_PROTOCOL_DEFAULT' | 'FROM_REQUEST_PORT';
  scheme?: string;
  /** Default 301. */
  redirectCode?: number;
  prefixRewrite?: string;
}

/** `HTTPDirectResponse`. */
export interface HTTPDirectResponse {
  status: number;
  body?: { string?: string; bytes?: string };
}

/** `HTTPRewrite`. @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRewrite */
export interface HTTPRewrite {
  /** Replaces the matched prefix (or the whole path for exact/regex matches). */
  uri?: string;
  authority?: string;
  uriRegexRewrite?: { match?: string; rewrite?: string };
}

/** `HTTPFaultInjection`. @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPFaultInjection */
export interface HTTPFaultInjection {
  delay?: { fixedDelay?: string; exponentialDelay?: string; percentage?: Percent; /** @deprecated */ percent?: number };
  abort?: { httpStatus?: number; grpcStatus?: string; http2Error?: string; percentage?: Percent };
}

/** `HTTPRetry`. */
export interface HTTPRetry {
  attempts?: number;
  perTryTimeout?: string;
  retryOn?: string;
  retryRemoteLocalities?: boolean;
  retryIgnorePreviousHosts?: boolean;
  backoff?: string;
}

/** `CorsPolicy`. */
export interface CorsPolicy {
  allowOrigins?: StringMatch[];
  /** @deprecated Use allowOrigins. */
  allowOrigin?: string[];
  allowMethods?: string[];
  allowHeaders?: string[];
  exposeHeaders?: string[];
  maxAge?: string;
  allowCredentials?: boolean;
  unmatchedPreflights?: 'UNSPECIFIED' | 'FORWARD' | 'IGNORE';
}

/** `HTTPMirrorPolicy`. */
export interface HTTPMirrorPolicy {
  destination: Destination;
  percentage?: Percent;
}

/** `HTTPRoute`: the first route whose match list matches serves the request. @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRoute */
export interface HTTPRoute {
  name?: string;
  /** OR-ed; absent or empty matches every request. */
  match?: HTTPMatchRequest[];
  route?: HTTPRouteDestination[];
  redirect?: HTTPRedirect;
  directResponse?: HTTPDirectResponse;
  delegate?: { name?: string; namespace?: string };
  rewrite?: HTTPRewrite;
  timeout?: string;
  retries?: HTTPRetry;
  fault?: HTTPFaultInjection;
  mirror?: Destination;
  mirrors?: HTTPMirrorPolicy[];
  mirrorPercentage?: Percent;
  /** @deprecated */
  mirrorPercent?: number;
  /** @deprecated */
  mirror_percent?: number;
  corsPolicy?: CorsPolicy;
  headers?: Headers;
}

/** `L4MatchAttributes`. @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#L4MatchAttributes */
export interface L4MatchAttributes {
  destinationSubnets?: string[];
  port?: number;
  sourceLabels?: Record<string, string>;
  gateways?: string[];
  sourceNamespace?: string;
  /** @deprecated */
  sourceSubnet?: string;
}

/** `TLSMatchAttributes`. @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#TLSMatchAttributes */
export interface TLSMatchAttributes {
  sniHosts: string[];
  destinationSubnets?: string[];
  port?: number;
  sourceLabels?: Record<string, string>;
  gateways?: string[];
  sourceNamespace?: string;
}

/** `RouteDestination` (TCP/TLS). */
export interface RouteDestination {
  destination: Destination;
  weight?: number;
}

/** `TCPRoute`. @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#TCPRoute */
export interface TCPRoute {
  match?: L4MatchAttributes[];
  route?: RouteDestination[];
}

/** `TLSRoute`. @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#TLSRoute */
export interface TLSRoute {
  match?: TLSMatchAttributes[];
  route?: RouteDestination[];
}

/** `VirtualService.spec`. @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#VirtualService */
export interface VirtualServiceSpec {
  hosts?: string[];
  /** `name` (the VirtualService's namespace), `ns/name`, `name.ns.svc.cluster.local`, or `mesh`; absent: `mesh` only. */
  gateways?: string[];
  http?: HTTPRoute[];
  tls?: TLSRoute[];
  tcp?: TCPRoute[];
  /** Namespaces that may see this VirtualService: `*` (default), `.`, or names. */
  exportTo?: string[];
}

export type VirtualService = KubeObject<VirtualServiceSpec> & { kind?: 'VirtualService' };

// ---- DestinationRule -----------------------------------------------------------------------

/** `LoadBalancerSettings` (the parts gatescope shows). */
export interface LoadBalancerSettings {
  simple?: 'UNSPECIFIED' | 'LEAST_CONN' | 'RANDOM' | 'PASSTHROUGH' | 'ROUND_ROBIN' | 'LEAST_REQUEST';
  consistentHash?: Record<string, unknown>;
  localityLbSetting?: Record<string, unknown>;
  warmupDurationSecs?: string;
  [field: string]: unknown;
}

/** `ClientTLSSettings`. */
export interface ClientTLSSettings {
  mode?: 'DISABLE' | 'SIMPLE' | 'MUTUAL' | 'ISTIO_MUTUAL';
  clientCertificate?: string;
  privateKey?: string;
  caCertificates?: string;
  credentialName?: string;
  subjectAltNames?: string[];
  sni?: string;
  insecureSkipVerify?: boolean;
  caCrl?: string;
}

/** `TrafficPolicy`. Connection pool and outlier detection are kept as they are. @see https://istio.io/latest/docs/reference/config/networking/destination-rule/#TrafficPolicy */
export interface TrafficPolicy {
  loadBalancer?: LoadBalancerSettings;
  connectionPool?: Record<string, unknown>;
  outlierDetection?: Record<string, unknown>;
  tls?: ClientTLSSettings;
  portLevelSettings?: Array<{ port?: PortSelector } & Omit<TrafficPolicy, 'portLevelSettings'>>;
  tunnel?: { protocol?: string; targetHost?: string; targetPort?: number };
  proxyProtocol?: { version?: 'V1' | 'V2' };
  retryBudget?: Record<string, unknown>;
}

/** `Subset`: the endpoints of the host whose labels include these labels. @see https://istio.io/latest/docs/reference/config/networking/destination-rule/#Subset */
export interface Subset {
  name: string;
  labels?: Record<string, string>;
  trafficPolicy?: TrafficPolicy;
}

/** `DestinationRule.spec`. @see https://istio.io/latest/docs/reference/config/networking/destination-rule/#DestinationRule */
export interface DestinationRuleSpec {
  host: string;
  trafficPolicy?: TrafficPolicy;
  subsets?: Subset[];
  exportTo?: string[];
  workloadSelector?: { matchLabels?: Record<string, string> };
}

export type DestinationRule = KubeObject<DestinationRuleSpec> & { kind?: 'DestinationRule' };

// ---- protocols -----------------------------------------------------------------------------

/** `protocol.Instance.IsHTTP()`: HTTP, HTTP2, GRPC, GRPC-Web and HTTP_PROXY (case-insensitive). */
export function isHTTPProtocol(p: string | undefined): boolean {
  return ['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB', 'HTTP_PROXY'].includes((p ?? '').toUpperCase());
}

/** Istio's gateway server classification (`pkg/config/gateway`). */
export type ServerKind =
  /** Plain-text HTTP (one merged route table per port). */
  | 'http'
  /** HTTPS with TLS terminated at the gateway (one route table per server). */
  | 'https'
  /** TLS passthrough (`PASSTHROUGH`/`AUTO_PASSTHROUGH`): routed by SNI with `tls` routes. */
  | 'tls-passthrough'
  /** TCP, optionally with TLS terminated (`TLS` + `SIMPLE`): routed with `tcp` routes. */
  | 'tcp';

/** The kind of a gateway server as Istio builds it. */
export function serverKind(server: Server): ServerKind {
  const p = (server.port?.protocol ?? '').toUpperCase();
  const mode = server.tls?.mode;
  const passthrough = server.tls !== undefined && (mode === 'PASSTHROUGH' || mode === 'AUTO_PASSTHROUGH');
  if (isHTTPProtocol(p)) return 'http';
  if (passthrough) return 'tls-passthrough';
  if (p === 'HTTPS') return 'https';
  return 'tcp';
}
