/**
 * istiod's `/debug/syncz` answer, read into one row per proxy with the state of each xDS type.
 *
 * Minimal reader owned by server/sync until `lib/sync` lands (then this file adapts its output).
 * Shapes: Istio ≤ 1.14 (`cluster_sent`/`cluster_acked`… per type, no `proxy_type`) and current
 * (`proxy_type`, and `resources` keyed by type URL with `sent`, `acked`, `sentTime`, `lastError`);
 * see fixtures/PROVENANCE.md. States follow istiod's statusgen and istioctl's table: NACK (istioctl
 * prints ERROR) when `lastError` is set, NOT SENT when nothing was sent, SYNCED when the acked
 * nonce equals the sent one, STALE otherwise. Nonces are compared for equality only.
 */

export const XDS_TYPES = ['CDS', 'LDS', 'EDS', 'RDS', 'ECDS', 'SDS'] as const;
export type XdsType = (typeof XDS_TYPES)[number];
/** The types every table shows (SDS only when a proxy watches it). */
export const CORE_XDS_TYPES: readonly XdsType[] = ['CDS', 'LDS', 'EDS', 'RDS', 'ECDS'];

export const TYPE_URLS: Record<XdsType, string> = {
  CDS: 'type.googleapis.com/envoy.config.cluster.v3.Cluster',
  LDS: 'type.googleapis.com/envoy.config.listener.v3.Listener',
  EDS: 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
  RDS: 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
  ECDS: 'type.googleapis.com/envoy.config.core.v3.TypedExtensionConfig',
  SDS: 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret',
};
const LEGACY_PREFIX: Partial<Record<XdsType, string>> = { CDS: 'cluster', LDS: 'listener', EDS: 'endpoint', RDS: 'route', ECDS: 'extensionconfig' };

export type XdsState = 'SYNCED' | 'NOT SENT' | 'STALE' | 'NACK';

export interface XdsTypeStatus {
  state: XdsState;
  sent?: string;
  acked?: string;
  /** When istiod sent the last response of this type (ms since epoch; current istiod only). */
  sentTime?: number;
  /** Envoy's error_detail of the last NACK. */
  error?: string;
}

export interface ProxySync {
  /** `<pod>.<namespace>`, istiod's proxy id. */
  proxy: string;
  pod: string;
  namespace: string;
  /** router (gateways), sidecar, waypoint, ztunnel; undefined on Istio ≤ 1.14. */
  proxyType?: string;
  clusterId?: string;
  istioVersion?: string;
  /** The istiod pod this proxy is connected to. */
  istiod: string;
  types: Partial<Record<XdsType, XdsTypeStatus>>;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function stateOf(sent: string | undefined, acked: string | undefined, error: string | undefined): XdsState {
  if (error) return 'NACK';
  if (!sent) return 'NOT SENT';
  return sent === acked ? 'SYNCED' : 'STALE';
}

function parseTime(v: unknown): number | undefined {
  const s = str(v);
  if (!s) return undefined;
  const t = Date.parse(s);
  return Number.isFinite(t) && t > 0 ? t : undefined;
}

/** Reads one istiod's /debug/syncz JSON. Throws with a message when it is not that shape. */
export function parseSyncz(json: unknown, istiod: string): ProxySync[] {
  if (!Array.isArray(json)) throw new Error('/debug/syncz did not answer a JSON array');
  const out: ProxySync[] = [];
  for (const item of json) {
    if (!item || typeof item !== 'object') continue;
    const o = item as Record<string, unknown>;
    const proxy = str(o['proxy']);
    if (!proxy) continue;
    const dot = proxy.lastIndexOf('.');
    const resources = o['resources'] && typeof o['resources'] === 'object' ? (o['resources'] as Record<string, Record<string, unknown> | undefined>) : undefined;
    const types: ProxySync['types'] = {};
    for (const t of XDS_TYPES) {
      const r = resources?.[TYPE_URLS[t]];
      const legacy = LEGACY_PREFIX[t];
      const sent = str(r?.['sent']) ?? (legacy ? str(o[`${legacy}_sent`]) : undefined);
      const acked = str(r?.['acked']) ?? (legacy ? str(o[`${legacy}_acked`]) : undefined);
      const error = str(r?.['lastError']);
      if (t === 'SDS' && !r) continue; // shown only when watched
      types[t] = { state: stateOf(sent, acked, error), sent, acked, sentTime: parseTime(r?.['sentTime']), error };
    }
    out.push({
      proxy,
      pod: dot > 0 ? proxy.slice(0, dot) : proxy,
      namespace: dot > 0 ? proxy.slice(dot + 1) : '',
      proxyType: str(o['proxy_type']),
      clusterId: str(o['cluster_id']),
      istioVersion: str(o['istio_version']),
      istiod,
      types,
    });
  }
  return out;
}

/** The newest sentTime of a row (ms), or 0. */
export function lastSent(p: ProxySync): number {
  let t = 0;
  for (const s of Object.values(p.types)) if (s?.sentTime && s.sentTime > t) t = s.sentTime;
  return t;
}

/**
 * One row per proxy over several istiod replicas. A proxy is connected to one istiod; during a
 * reconnect two may list it, and the one that pushed to it last wins (then the first by name).
 */
export function mergeReplicas(perIstiod: ProxySync[][]): ProxySync[] {
  const byProxy = new Map<string, ProxySync>();
  for (const rows of perIstiod) {
    for (const r of rows) {
      const prev = byProxy.get(r.proxy);
      if (!prev || lastSent(r) > lastSent(prev) || (lastSent(r) === lastSent(prev) && r.istiod < prev.istiod)) byProxy.set(r.proxy, r);
    }
  }
  return [...byProxy.values()].sort((a, b) => (a.proxy < b.proxy ? -1 : a.proxy > b.proxy ? 1 : 0));
}

/** A proxy-status line in words ("LDS rejected: …", "RDS not acknowledged yet"), or undefined when all is synced. */
export function describeProxy(p: ProxySync): string | undefined {
  const parts: string[] = [];
  for (const t of XDS_TYPES) {
    const s = p.types[t];
    if (!s) continue;
    if (s.state === 'NACK') parts.push(`${t} rejected: ${s.error}`);
    else if (s.state === 'STALE') parts.push(`${t} not acknowledged yet`);
  }
  return parts.length ? parts.join('; ') : undefined;
}
