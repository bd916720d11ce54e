/**
 * istiod's proxy sync status, from either of its two doors:
 *
 * - HTTP `GET :15014/debug/syncz` (`parseSyncz`): a JSON array of istiod's `SyncStatus`
 *   (pilot/pkg/xds/debug.go). Two shapes: Istio ≤ 1.14 (`cluster_sent` / `cluster_acked` … per type,
 *   no `proxy_type`, no `resources`) and current (`proxy_type`, and `resources` keyed by type URL
 *   with `sent`, `acked`, `sentTime`, `lastError`).
 * - xDS `istio.io/debug/syncz`, what `istioctl proxy-status` reads (`parseSyncStatusResponse`): a
 *   DiscoveryResponse of `envoy.service.status.v3.ClientConfig` (`istioctl proxy-status -o json`).
 *
 * States (pilot/pkg/xds/statusgen.go debugSyncStatus, and istioctl's table): ERROR when Envoy
 * NACKed the last push (`lastError`), NOT SENT when nothing was sent, SYNCED when the acked nonce
 * equals the sent one, STALE otherwise; IGNORED for a type the proxy does not watch. In the
 * current shape a type missing from `resources` is not watched (IGNORED); the 1.14 shape cannot
 * tell, so an absent `*_sent` is NOT SENT, as istioctl of that era printed it. Nonces are compared
 * for equality only, never parsed.
 */
import { compareGoStrings } from '../format/go-sort';

export const XDS_SHORT_TYPES = ['CDS', 'LDS', 'EDS', 'RDS', 'ECDS'] as const;
export type XdsShortType = (typeof XDS_SHORT_TYPES)[number];
export type SyncState = 'SYNCED' | 'NOT SENT' | 'STALE' | 'ERROR' | 'IGNORED';

export const TYPE_URLS: Record<XdsShortType, string> = {
  CDS: 'type.googleapis.com/envoy.config.cluster.v3.Cluster',
  LDS: 'type.googleapis.com/envoy.config.listener.v3.Listener',
  EDS: 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
  RDS: 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
  ECDS: 'type.googleapis.com/envoy.config.core.v3.TypedExtensionConfig',
};

const SHORT_TYPES: Record<string, string> = {
  [TYPE_URLS.CDS]: 'CDS',
  [TYPE_URLS.LDS]: 'LDS',
  [TYPE_URLS.RDS]: 'RDS',
  [TYPE_URLS.EDS]: 'EDS',
  [TYPE_URLS.ECDS]: 'ECDS',
  'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret': 'SDS',
  'type.googleapis.com/istio.networking.nds.v1.NameTable': 'NDS',
  'type.googleapis.com/istio.mesh.v1alpha1.ProxyConfig': 'PCDS',
  'type.googleapis.com/istio.workload.Address': 'WDS',
  'type.googleapis.com/istio.workload.Workload': 'WDS',
  'type.googleapis.com/istio.security.Authorization': 'WADS',
};

/** Istio's `GetShortType`: CDS, LDS, …, SDS, or the type URL itself when it has no short name. */
export function shortType(typeUrl: string): string {
  return SHORT_TYPES[typeUrl] ?? typeUrl;
}

/** One xDS type as istiod reports it for one proxy. */
export interface XdsResourceSync {
  typeUrl: string;
  /** CDS, LDS, … (Istio's short name, or the type URL). */
  shortType: string;
  state: SyncState;
  sent?: string;
  acked?: string;
  /** When istiod last sent this type (RFC 3339); absent for Go's zero time. */
  sentTime?: string;
  /** Envoy's error_detail of the last NACK. */
  lastError?: string;
}

export interface ProxySyncStatus {
  /** istiod's proxy id: `<pod>.<namespace>` for Kubernetes proxies. */
  proxy: string;
  /** `router` (gateways), `sidecar`, `waypoint`, `ztunnel`; absent in Istio ≤ 1.14. */
  proxyType?: string;
  clusterId?: string;
  /**
   * The proxy's Istio version as istiod reports it (`istio_version`, node metadata ISTIO_VERSION):
   * the VERSION column of istioctl proxy-status.
   */
  istiodVersion?: string;
  /** The istiod instance that reported this proxy (the ISTIOD column); set by the caller for HTTP syncz. */
  istiod?: string;
  /** Namespace: from node metadata (xDS), else the part of `proxy` after the last dot. */
  namespace?: string;
  /** The state of the five types istioctl tabulates. */
  types: Record<XdsShortType, SyncState>;
  /** lastError per type, for types in ERROR. */
  errors?: Partial<Record<XdsShortType, string>>;
  /** Every type istiod reported for the proxy (incl. SDS…), sorted by type URL. */
  resources: XdsResourceSync[];
  /** Which answer this came from. */
  format: 'syncz-1.14' | 'syncz' | 'xds';
  /** `proxy_version` of Istio ≤ 1.1 (shown with a `*` when there is no Istio version). */
  proxyVersion?: string;
}

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** statusgen.go debugSyncStatus. */
export function syncState(sent: string | undefined, acked: string | undefined, lastError?: string): Exclude<SyncState, 'IGNORED'> {
  if (lastError) return 'ERROR';
  if (!sent) return 'NOT SENT';
  return sent === acked ? 'SYNCED' : 'STALE';
}

const LEGACY_PREFIX: Record<XdsShortType, string> = { CDS: 'cluster', LDS: 'listener', EDS: 'endpoint', RDS: 'route', ECDS: 'extensionconfig' };
const ZERO_TIME = /^0001-01-01T00:00:00(\.0+)?Z$/;

function finish(partial: Omit<ProxySyncStatus, 'types' | 'errors'>): ProxySyncStatus {
  const resources = [...partial.resources].sort((a, b) => compareGoStrings(a.typeUrl, b.typeUrl));
  const types = {} as Record<XdsShortType, SyncState>;
  const errors: Partial<Record<XdsShortType, string>> = {};
  for (const t of XDS_SHORT_TYPES) {
    const r = resources.find((x) => x.typeUrl === TYPE_URLS[t]);
    types[t] = r ? r.state : 'IGNORED';
    if (r?.lastError) errors[t] = r.lastError;
  }
  const out: ProxySyncStatus = { ...partial, types, resources };
  if (Object.keys(errors).length > 0) out.errors = errors;
  return out;
}

function namespaceOf(proxy: string): string | undefined {
  const dot = proxy.lastIndexOf('.');
  return dot > 0 ? proxy.slice(dot + 1) : undefined;
}

/**
 * Reads one istiod's `/debug/syncz` answer (the JSON text or value). Entries without a proxy id
 * are skipped. Throws when the answer is not a JSON array.
 */
export function parseSyncz(json: unknown, opts: { istiod?: string } = {}): ProxySyncStatus[] {
  const value: unknown = typeof json === 'string' ? JSON.parse(json) : json;
  if (!Array.isArray(value)) throw new Error('/debug/syncz did not answer a JSON array');
  const out: ProxySyncStatus[] = [];
  for (const item of value) {
    if (!isObj(item)) continue;
    const proxy = str(item['proxy']);
    if (!proxy) continue;
    const current = isObj(item['resources']) || 'proxy_type' in item;
    const resources: XdsResourceSync[] = [];
    if (current) {
      const res = isObj(item['resources']) ? item['resources'] : {};
      for (const [typeUrl, r] of Object.entries(res)) {
        if (!isObj(r)) continue;
        const sent = str(r['sent']);
        const acked = str(r['acked']);
        const lastError = str(r['lastError']);
        const t = str(r['sentTime']);
        resources.push({ typeUrl, shortType: shortType(typeUrl), state: syncState(sent, acked, lastError), sent, acked, sentTime: t && !ZERO_TIME.test(t) ? t : undefined, lastError });
      }
    } else {
      for (const t of XDS_SHORT_TYPES) {
        const sent = str(item[`${LEGACY_PREFIX[t]}_sent`]);
        const acked = str(item[`${LEGACY_PREFIX[t]}_acked`]);
        resources.push({ typeUrl: TYPE_URLS[t], shortType: t, state: syncState(sent, acked), sent, acked });
      }
    }
    out.push(
      finish({
        proxy,
        proxyType: str(item['proxy_type']),
        clusterId: str(item['cluster_id']),
        istiodVersion: str(item['istio_version']),
        proxyVersion: str(item['proxy_version']),
        istiod: opts.istiod,
        namespace: namespaceOf(proxy),
        resources,
        format: current ? 'syncz' : 'syncz-1.14',
      }),
    );
  }
  return out;
}

const CONFIG_STATUS: Record<string, SyncState> = { SYNCED: 'SYNCED', NOT_SENT: 'NOT SENT', STALE: 'STALE', ERROR: 'ERROR', UNKNOWN: 'IGNORED' };
const CONFIG_STATUS_NUM = ['UNKNOWN', 'SYNCED', 'NOT_SENT', 'STALE', 'ERROR'];
const LEGACY_XDS_CONFIG: Record<string, string> = {
  listenerConfig: TYPE_URLS.LDS,
  clusterConfig: TYPE_URLS.CDS,
  routeConfig: TYPE_URLS.RDS,
  endpointConfig: TYPE_URLS.EDS,
  scopedRouteConfig: '',
};

function configStatus(v: unknown): SyncState {
  const name = typeof v === 'number' ? CONFIG_STATUS_NUM[v] : typeof v === 'string' ? v : 'UNKNOWN';
  return CONFIG_STATUS[name ?? 'UNKNOWN'] ?? 'IGNORED';
}

/** The istiod id in `controlPlane.identifier` (`{"Component":"istiod","ID":"istiod-…",…}`). */
export function controlPlaneId(response: unknown): string | undefined {
  const cp = isObj(response) && isObj(response['controlPlane']) ? response['controlPlane'] : undefined;
  const identifier = str(cp?.['identifier']);
  if (!identifier) return undefined;
  try {
    const parsed: unknown = JSON.parse(identifier);
    return isObj(parsed) ? str(parsed['ID']) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads the xDS flavour (`istio.io/debug/syncz` DiscoveryResponse, as `istioctl proxy-status -o json`
 * prints it). Like istioctl: `genericXdsConfigs` when present, else the deprecated `xdsConfig`;
 * configStatus UNKNOWN is IGNORED; `namespace` filters on node metadata NAMESPACE.
 */
export function parseSyncStatusResponse(json: unknown, opts: { istiod?: string; namespace?: string } = {}): ProxySyncStatus[] {
  const value: unknown = typeof json === 'string' ? JSON.parse(json) : json;
  if (!isObj(value)) throw new Error('not an xDS DiscoveryResponse');
  const istiod = opts.istiod ?? controlPlaneId(value);
  const out: ProxySyncStatus[] = [];
  for (const res of Array.isArray(value['resources']) ? value['resources'] : []) {
    if (!isObj(res)) continue;
    const node = isObj(res['node']) ? res['node'] : {};
    const md = isObj(node['metadata']) ? node['metadata'] : {};
    const namespace = str(md['NAMESPACE']);
    if (opts.namespace && namespace !== opts.namespace) continue;
    const resources: XdsResourceSync[] = [];
    const generic = res['genericXdsConfigs'];
    if (Array.isArray(generic)) {
      for (const g of generic) {
        if (!isObj(g)) continue;
        const typeUrl = str(g['typeUrl']) ?? '';
        const errorState = isObj(g['errorState']) ? g['errorState'] : undefined;
        resources.push({ typeUrl, shortType: shortType(typeUrl), state: configStatus(g['configStatus']), sentTime: str(g['lastUpdated']), lastError: str(errorState?.['details']) });
      }
    } else if (Array.isArray(res['xdsConfig'])) {
      for (const x of res['xdsConfig']) {
        if (!isObj(x)) continue;
        const key = Object.keys(LEGACY_XDS_CONFIG).find((k) => k in x);
        const typeUrl = key ? LEGACY_XDS_CONFIG[key] : '';
        if (typeUrl) resources.push({ typeUrl, shortType: shortType(typeUrl), state: configStatus(x['status']) });
      }
    }
    out.push(
      finish({
        proxy: str(node['id']) ?? '',
        clusterId: str(md['CLUSTER_ID']),
        istiodVersion: str(md['ISTIO_VERSION']),
        istiod,
        namespace,
        resources,
        format: 'xds',
      }),
    );
  }
  return out;
}
