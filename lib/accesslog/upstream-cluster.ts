/**
 * Istio cluster names as they appear in `%UPSTREAM_CLUSTER_RAW%` / `%UPSTREAM_CLUSTER%`:
 * `direction|port|subset|host` (e.g. `outbound|80|v1|web-service.default.svc.cluster.local`,
 * `inbound|8080||`, the ambient `inbound-vip|9080|http|details.bookinfo.svc.cluster.local`), the
 * SNI-style form `outbound_.8000_._.httpbin.foo.svc.cluster.local`, and Istio's special clusters
 * (`PassthroughCluster`, `BlackHoleCluster`, `InboundPassthroughCluster…`).
 */

export interface UpstreamClusterInfo {
  /** `outbound`, `inbound`, `inbound-vip`, … (the first segment of an Istio subset key). */
  direction?: string;
  port?: number;
  /** DestinationRule subset (for waypoints' `inbound-vip` keys: the protocol, e.g. `http`). */
  subset?: string;
  /** The host: a Kubernetes service FQDN or a ServiceEntry host. */
  service?: string;
  /** Service name, when `service` is `<name>.<namespace>.svc.<domain>`. */
  name?: string;
  namespace?: string;
  /** Set for names that are not subset keys: Istio's special clusters, or any other name. */
  kind?: 'passthrough' | 'inbound-passthrough' | 'blackhole' | 'other';
  /** For `kind`: the cluster name as printed. */
  cluster?: string;
}

const DIRECTIONS = new Set(['outbound', 'inbound', 'inbound-vip', 'outbound-vip', 'connect_originate']);

function withService(info: UpstreamClusterInfo, host: string): UpstreamClusterInfo {
  if (!host) return info;
  info.service = host;
  const i = host.indexOf('.svc.');
  if (i > 0) {
    const [name, namespace, ...rest] = host.slice(0, i).split('.');
    if (name && namespace && rest.length === 0) {
      info.name = name;
      info.namespace = namespace;
    }
  }
  return info;
}

function portOf(s: string): number | undefined {
  if (!/^\d{1,5}$/.test(s)) return undefined;
  const n = Number(s);
  return n <= 65535 ? n : undefined;
}

/**
 * Split an upstream cluster name. `-`, empty and undefined give undefined. A trailing `;` (printed
 * by some Envoy versions for `%UPSTREAM_CLUSTER%` with an observability name) is ignored.
 */
export function parseUpstreamCluster(value: string | undefined): UpstreamClusterInfo | undefined {
  if (value === undefined) return undefined;
  const s = value.trim().replace(/;+$/, '');
  if (s === '' || s === '-') return undefined;

  const parts = s.split('|');
  if (parts.length === 4 && DIRECTIONS.has(parts[0]!)) {
    const port = portOf(parts[1]!);
    if (port !== undefined) {
      const info: UpstreamClusterInfo = { direction: parts[0]!, port };
      if (parts[2]) info.subset = parts[2];
      return withService(info, parts[3]!);
    }
  }

  // SNI / DNS-style key: outbound_.8000_.v1_.reviews.default.svc.cluster.local (`_` = no subset).
  const sni = /^(outbound|inbound)_\.(\d{1,5})_\.([^.]*)_\.(.*)$/.exec(s);
  if (sni) {
    const port = portOf(sni[2]!);
    if (port !== undefined) {
      const info: UpstreamClusterInfo = { direction: sni[1]!, port };
      if (sni[3] && sni[3] !== '_') info.subset = sni[3];
      return withService(info, sni[4]!);
    }
  }

  if (s === 'PassthroughCluster') return { kind: 'passthrough', cluster: s };
  if (s.startsWith('InboundPassthroughCluster')) return { kind: 'inbound-passthrough', cluster: s };
  if (s === 'BlackHoleCluster') return { kind: 'blackhole', cluster: s };
  return { kind: 'other', cluster: s };
}
