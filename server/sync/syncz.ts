/**
 * istiod's `/debug/syncz` answer, read into one row per proxy with the state of each xDS type.
 *
 * The parsing is lib/sync's (`parseSyncz`); this file adapts it to the console's rows. Shapes: Istio ≤ 1.14 (`cluster_sent`/`cluster_acked`… per type, no `proxy_type`) and current
 * (`proxy_type`, and `resources` keyed by type URL with `sent`, `acked`, `sentTime`, `lastError`);
 * see fixtures/PROVENANCE.md. States follow istiod's statusgen and istioctl's table: NACK (istioctl
 * prints ERROR) when `lastError` is set, NOT SENT when nothing was sent, SYNCED when the acked
 * nonce equals the sent one, STALE otherwise. Nonces are compared for equality only.
 */
import { parseSyncz as readSyncz } from '../../lib/sync/syncz';

export { XDS_TYPES, CORE_XDS_TYPES, type XdsType, type XdsState, type XdsTypeStatus, type ProxySync } from '../../lib/sync/snapshot';
import { XDS_TYPES, type ProxySync, type XdsState, type XdsType } from '../../lib/sync/snapshot';

export const TYPE_URLS: Record<XdsType, string> = {
  CDS: 'type.googleapis.com/envoy.config.cluster.v3.Cluster',
  LDS: 'type.googleapis.com/envoy.config.listener.v3.Listener',
  EDS: 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
  RDS: 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
  ECDS: 'type.googleapis.com/envoy.config.core.v3.TypedExtensionConfig',
  SDS: 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret',
};

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);


function parseTime(v: unknown): number | undefined {
  const s = str(v);
  if (!s) return undefined;
  const t = Date.parse(s);
  return Number.isFinite(t) && t > 0 ? t : undefined;
}

/**
 * Reads one istiod's /debug/syncz JSON (both shapes, through lib/sync's reader, which the CLI
 * uses too) into the console's rows: per type its state, nonces, send time and NACK error.
 * Throws with a message when it is not that shape.
 */
export function parseSyncz(json: unknown, istiod: string): ProxySync[] {
  if (!Array.isArray(json)) throw new Error('/debug/syncz did not answer a JSON array');
  return readSyncz(json, { istiod }).map((s) => {
    const dot = s.proxy.lastIndexOf('.');
    const types: ProxySync['types'] = {};
    for (const t of XDS_TYPES) {
      const r = s.resources.find((x) => x.typeUrl === TYPE_URLS[t]);
      if (!r && t === 'SDS') continue; // shown only when watched
      const state: XdsState = !r ? 'NOT SENT' : r.state === 'ERROR' ? 'NACK' : r.state === 'IGNORED' ? 'NOT SENT' : r.state;
      types[t] = { state, sent: r?.sent, acked: r?.acked, sentTime: parseTime(r?.sentTime), error: r?.lastError };
    }
    return {
      proxy: s.proxy,
      pod: dot > 0 ? s.proxy.slice(0, dot) : s.proxy,
      namespace: dot > 0 ? s.proxy.slice(dot + 1) : '',
      proxyType: s.proxyType,
      clusterId: s.clusterId,
      istioVersion: s.istiodVersion,
      istiod,
      types,
    };
  });
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
