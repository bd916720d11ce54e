/**
 * Normalized Envoy clusters and endpoints, and Istio's cluster names
 * (`outbound|80|v1|web-service.default.svc.cluster.local`).
 */
import type { EnvoyAddress, EnvoyCluster, EnvoyClusterLoadAssignment, EnvoyLbEndpoint, HealthStatus, Locality } from './config-dump-types';
import { istioConfigOf, type IstioConfigRef } from './route-model';

/** Go's strconv.Atoi for the values Istio writes: 0 when it is not a decimal integer. */
export function goAtoi(s: string): number {
  if (!/^[+-]?\d+$/.test(s)) return 0;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : 0;
}

export interface ParsedClusterName {
  /** `outbound`, `inbound`, `inbound-vip`, … */
  direction: string;
  port: number;
  /** DestinationRule subset ('' when none). */
  subset: string;
  /** The service host ('' when the name does not have four parts). */
  host: string;
  /** `name` and `namespace` when host is `<name>.<namespace>.svc.<domain>`. */
  service?: string;
  namespace?: string;
}

/**
 * Istio's `model.ParseSubsetKey`: `direction|port|subset|host`, or the DNS SRV form
 * `outbound_.80_.v1_.host`. Returns undefined for names that are not subset keys (`agent`,
 * `PassthroughCluster`, `BlackHoleCluster`, `xds-grpc`, …).
 */
export function parseClusterName(name: string): ParsedClusterName | undefined {
  const sep = name.startsWith('outbound_') || name.startsWith('inbound_') ? '_.' : '|';
  const parts: string[] = [];
  let rest = name;
  for (let i = 0; i < 3; i++) {
    const at = rest.indexOf(sep);
    if (at < 0) return undefined;
    parts.push(rest.slice(0, at));
    rest = rest.slice(at + sep.length);
  }
  if (rest.includes(sep)) return undefined;
  const [direction, port, subset] = parts as [string, string, string];
  const parsed: ParsedClusterName = { direction, port: goAtoi(port), subset, host: rest };
  const svc = rest.indexOf('.svc.');
  if (svc > 0) {
    const labels = rest.slice(0, svc).split('.');
    if (labels.length === 2 && labels[0] && labels[1]) [parsed.service, parsed.namespace] = labels as [string, string];
  }
  return parsed;
}

/** istioctl's `safelyParseSubsetKey`: names with fewer than four `|`-parts sort as a bare host. */
export function safelyParseSubsetKey(name: string): { direction: string; subset: string; host: string; port: number } {
  if (name.split('|').length > 3) return goParseSubsetKey(name);
  return { direction: '', subset: '', host: name, port: 0 };
}

/** `model.ParseSubsetKey` exactly, including its partial results on malformed names. */
export function goParseSubsetKey(s: string): { direction: string; subset: string; host: string; port: number } {
  const sep = s.startsWith('outbound_') || s.startsWith('inbound_') ? '_.' : '|';
  const out = { direction: '', subset: '', host: '', port: 0 };
  const cut = (x: string): [string, string] | undefined => {
    const i = x.indexOf(sep);
    return i < 0 ? undefined : [x.slice(0, i), x.slice(i + sep.length)];
  };
  const a = cut(s);
  if (!a) return out;
  out.direction = a[0];
  const b = cut(a[1]);
  if (!b) return out;
  out.port = goAtoi(b[0]);
  const c = cut(b[1]);
  if (!c) return out;
  out.subset = c[0];
  if (!c[1].includes(sep)) out.host = c[1];
  return out;
}

export interface EndpointModel {
  /** As istioctl prints it: `ip:port`, a pipe path, `envoy://listener/id`, or `unknown`. */
  address: string;
  /** The primary address and any additional ones, in that form. */
  addresses: string[];
  ip?: string;
  port?: number;
  health: HealthStatus;
  /** Envoy load-balances to HEALTHY and UNKNOWN (no health information) endpoints. */
  healthy: boolean;
  /** `region/zone/sub_zone` as istioctl prints it ('' when unset). */
  locality: string;
  weight?: number;
  priority: number;
  /** Istio's `filter_metadata.istio.workload`: `name;namespace;canonical-service;revision;cluster`. */
  workload?: { name: string; namespace: string; canonicalService: string; canonicalRevision: string; clusterId: string };
  raw: EnvoyLbEndpoint;
}

export interface ClusterEndpointsModel {
  clusterName: string;
  source: 'static' | 'dynamic';
  endpoints: EndpointModel[];
  raw: EnvoyClusterLoadAssignment;
}

export interface ClusterModel {
  name: string;
  source: 'static' | 'dynamic';
  state: 'active' | 'warming';
  versionInfo?: string;
  lastUpdated?: string;
  /** The discovery type as istioctl prints it (`STATIC` when Envoy's `type` is unset or a custom cluster_type is used). */
  type: string;
  /** `cluster_type.name` for custom clusters (e.g. `envoy.clusters.aggregate`). */
  customType?: string;
  parsed?: ParsedClusterName;
  edsServiceName?: string;
  /** The DestinationRule that shaped this cluster (`filter_metadata.istio.config`). */
  destinationRule?: IstioConfigRef;
  /** `filter_metadata.istio.services`. */
  services: Array<{ name?: string; namespace?: string; host?: string }>;
  /** Endpoints carried inline (`load_assignment`, STATIC / STRICT_DNS clusters). */
  inlineEndpoints?: EndpointModel[];
  /** Upstream transport socket name (`envoy.transport_sockets.tls`, `internal_upstream`, …). */
  transportSocket?: string;
  raw: EnvoyCluster;
}

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function num(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return undefined;
}

/** istioctl's address rendering of one core.v3.Address. */
export function describeAddress(a: EnvoyAddress | undefined): string {
  if (a?.socket_address) return `${a.socket_address.address ?? ''}:${num(a.socket_address.port_value) ?? 0}`;
  if (a?.pipe) return a.pipe.path ?? '';
  const internal = a?.envoy_internal_address;
  if (internal && internal.server_listener_name !== undefined) return `envoy://${internal.server_listener_name}/${internal.endpoint_id ?? ''}`;
  return 'unknown';
}

export function localityToString(l: Locality | undefined): string {
  if (!l) return '';
  let s = l.region ?? '';
  if (!l.zone) return s;
  s += `/${l.zone}`;
  if (!l.sub_zone) return s;
  return `${s}/${l.sub_zone}`;
}

const HEALTH: ReadonlySet<string> = new Set(['UNKNOWN', 'HEALTHY', 'UNHEALTHY', 'DRAINING', 'TIMEOUT', 'DEGRADED']);

function normalizeEndpoint(ep: EnvoyLbEndpoint, locality: string, priority: number): EndpointModel {
  const addrs = [ep.endpoint?.address, ...arr(ep.endpoint?.additional_addresses).map((a) => (isObj(a) ? (a['address'] as EnvoyAddress) : undefined))];
  const addresses = addrs.map(describeAddress);
  const sock = ep.endpoint?.address?.socket_address;
  const health = (HEALTH.has(ep.health_status ?? '') ? ep.health_status : 'UNKNOWN') as HealthStatus;
  const istio = ep.metadata?.filter_metadata?.['istio'];
  const w = isObj(istio) ? str(istio['workload']) : undefined;
  let workload: EndpointModel['workload'];
  if (w !== undefined) {
    const [name = '', namespace = '', canonicalService = '', canonicalRevision = '', clusterId = ''] = w.split(';');
    workload = { name, namespace, canonicalService, canonicalRevision, clusterId };
  }
  return {
    address: addresses.join(','),
    addresses,
    ip: sock?.address,
    port: sock ? (num(sock.port_value) ?? 0) : undefined,
    health,
    healthy: health === 'HEALTHY' || health === 'UNKNOWN',
    locality,
    weight: num(ep.load_balancing_weight),
    priority,
    workload,
    raw: ep,
  };
}

export function normalizeLoadAssignment(cla: EnvoyClusterLoadAssignment): EndpointModel[] {
  const out: EndpointModel[] = [];
  for (const llb of arr(cla.endpoints)) {
    if (!isObj(llb)) continue;
    const locality = localityToString(isObj(llb['locality']) ? (llb['locality'] as Locality) : undefined);
    const priority = num(llb['priority']) ?? 0;
    for (const ep of arr(llb['lb_endpoints'])) if (isObj(ep)) out.push(normalizeEndpoint(ep as EnvoyLbEndpoint, locality, priority));
  }
  return out;
}

export function normalizeClusterEndpoints(cla: EnvoyClusterLoadAssignment, source: ClusterEndpointsModel['source']): ClusterEndpointsModel {
  return { clusterName: cla.cluster_name ?? '', source, endpoints: normalizeLoadAssignment(cla), raw: cla };
}

export function normalizeCluster(
  c: EnvoyCluster,
  source: ClusterModel['source'],
  state: ClusterModel['state'],
  extra: { versionInfo?: string; lastUpdated?: string } = {},
): ClusterModel {
  const name = c.name ?? '';
  const istio = c.metadata?.filter_metadata?.['istio'];
  const services = isObj(istio)
    ? arr(istio['services']).filter(isObj).map((s) => ({ name: str(s['name']), namespace: str(s['namespace']), host: str(s['host']) }))
    : [];
  return {
    name,
    source,
    state,
    versionInfo: extra.versionInfo,
    lastUpdated: extra.lastUpdated,
    type: typeof c.type === 'string' ? c.type : 'STATIC',
    customType: c.cluster_type?.name,
    parsed: parseClusterName(name),
    edsServiceName: c.eds_cluster_config?.service_name,
    destinationRule: istioConfigOf(c.metadata),
    services,
    inlineEndpoints: c.load_assignment ? normalizeLoadAssignment(c.load_assignment) : undefined,
    transportSocket: c.transport_socket?.name,
    raw: c,
  };
}
