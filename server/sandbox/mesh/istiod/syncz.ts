/**
 * istiod's `/debug/syncz` in its current shape (istio/istio pilot/pkg/xds/debug.go `SyncStatus`,
 * `ResourceStatus`; field list in shared/fixtures/syncz/debug-syncz.fields.json):
 *
 * - a JSON array, one object per connected proxy, in connection order (`SortedClients`: by
 *   connection id); `[]` when none;
 * - fields in struct order, each omitted when empty (`omitempty`); `proxy_version` is never filled;
 * - `resources`: one entry per xDS type the proxy watches, keyed by type URL (sorted, as Go prints
 *   map keys), `{sent, acked, sentTime, lastError}`; `sentTime` is a Go `time.Time`, never omitted
 *   (`0001-01-01T00:00:00Z` before the first send);
 * - `?namespace=NS` keeps the proxies of one namespace, `?pretty` indents by 4 spaces.
 *
 * Status words a reader derives per type (istioctl's rules): ERROR when lastError is set, NOT SENT
 * when nothing was sent, SYNCED when sent == acked, STALE otherwise.
 */
import type { XdsType } from '../xds';
import { formatRFC3339Nano, goJson, type GoTime } from './go-format';

export const TYPE_URLS: Record<XdsType, string> = {
  CDS: 'type.googleapis.com/envoy.config.cluster.v3.Cluster',
  EDS: 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
  LDS: 'type.googleapis.com/envoy.config.listener.v3.Listener',
  RDS: 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
  SDS: 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret',
  ECDS: 'type.googleapis.com/envoy.config.core.v3.TypedExtensionConfig',
};

/** What istiod remembers per proxy and watched type (pilot's WatchedResource). */
export interface WatchedTypeStatus {
  /** Nonce of the last response sent. */
  sent?: string;
  /** Nonce of the last response the proxy ACKed. */
  acked?: string;
  sentTime?: GoTime;
  /** error_detail.message of the last NACK; cleared by the next ACK. */
  lastError?: string;
}

export interface ProxySyncState {
  /** Connection id (`<proxy id>-<counter>`), the sort key. */
  conId: string;
  clusterId: string;
  /** `<pod>.<namespace>` */
  proxy: string;
  namespace: string;
  proxyType: string;
  istioVersion: string;
  /** Watched types; insertion order does not matter (keys are sorted on output). */
  watched: ReadonlyMap<XdsType, WatchedTypeStatus>;
}

export type SyncStatusWord = 'SYNCED' | 'STALE' | 'NOT SENT' | 'ERROR';

export function statusWord(s: WatchedTypeStatus | undefined): SyncStatusWord {
  if (s?.lastError) return 'ERROR';
  if (!s?.sent) return 'NOT SENT';
  return s.sent === s.acked ? 'SYNCED' : 'STALE';
}

const TOP_LEVEL: Array<[XdsType, string]> = [
  ['CDS', 'cluster'],
  ['LDS', 'listener'],
  ['RDS', 'route'],
  ['EDS', 'endpoint'],
  ['ECDS', 'extensionconfig'],
];

/** One SyncStatus object, keys in Go struct order, empty values left out. */
export function syncStatusObject(p: ProxySyncState): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  const put = (k: string, v: string | undefined) => {
    if (v) o[k] = v;
  };
  put('cluster_id', p.clusterId);
  put('proxy', p.proxy);
  put('proxy_type', p.proxyType);
  put('istio_version', p.istioVersion);
  for (const [t, prefix] of TOP_LEVEL) {
    const w = p.watched.get(t);
    put(`${prefix}_sent`, w?.sent);
    put(`${prefix}_acked`, w?.acked);
  }
  if (p.watched.size > 0) {
    const resources: Record<string, unknown> = {};
    const entries = [...p.watched.entries()].map(([t, w]) => [TYPE_URLS[t], w] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    for (const [url, w] of entries) {
      const r: Record<string, unknown> = {};
      if (w.sent) r['sent'] = w.sent;
      if (w.acked) r['acked'] = w.acked;
      r['sentTime'] = formatRFC3339Nano(w.sentTime);
      if (w.lastError) r['lastError'] = w.lastError;
      resources[url] = r;
    }
    o['resources'] = resources;
  }
  return o;
}

export interface SynczQuery {
  namespace?: string;
  pretty?: boolean;
}

/** The response body of `/debug/syncz` (no trailing newline, as Go's writeJSON). */
export function renderSyncz(proxies: readonly ProxySyncState[], q: SynczQuery = {}): string {
  const rows = [...proxies]
    .sort((a, b) => (a.conId < b.conId ? -1 : a.conId > b.conId ? 1 : 0))
    .filter((p) => !q.namespace || p.namespace === q.namespace)
    .map(syncStatusObject);
  return goJson(rows, q.pretty);
}

/** `?namespace=` and `?pretty` as Go reads them (`Query().Get`, `Query().Has`). */
export function parseSynczQuery(search: URLSearchParams): SynczQuery {
  return { namespace: search.get('namespace') ?? undefined, pretty: search.has('pretty') };
}
