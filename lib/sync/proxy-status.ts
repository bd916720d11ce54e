/**
 * `istioctl proxy-status` tables, byte for byte (Go text/tabwriter, padding 5):
 *
 * - `current` (istioctl ≥ 1.27, istioctl/pkg/writer/pilot/status.go):
 *   `NAME CLUSTER ISTIOD VERSION SUBSCRIBED TYPES`, e.g. `5 (CDS,LDS,EDS,RDS,ECDS)`.
 * - `verbose` (`--verbosity` > 0): `NAME CLUSTER <one column per type, sorted by type URL> ISTIOD VERSION`.
 * - `legacy` (Istio ≤ 1.26): `NAME CLUSTER CDS LDS EDS RDS ECDS ISTIOD VERSION`.
 * - `istio-1.7` (the HTTP-syncz writer of Istio 1.7–1.9): `NAME CDS LDS EDS RDS ISTIOD VERSION`,
 *   with `STALE (Never Acknowledged)` and the `proxy_version*` fallback of that writer.
 *
 * Rows are sorted by proxy id with Go's sort.Slice. istioctl appends the age of a type's last push
 * (`SYNCED (5m)`) when istiod reports it; pass `now` to get that, leave it out for the plain states.
 */
import type { ProxySyncStatus, XdsResourceSync } from './syncz';
import { TYPE_URLS, shortType } from './syncz';
import { goSortSlice, goSortStrings, goStringLess } from '../format/go-sort';
import { humanDuration, parseRfc3339 } from '../format/human-duration';
import { tabwriteRows } from '../format/tabwriter';

export type ProxyStatusLayout = 'current' | 'verbose' | 'legacy' | 'istio-1.7';

export interface ProxyStatusOptions {
  layout?: ProxyStatusLayout;
  /** ms since the epoch; when set, states of types with a push time get istioctl's ` (age)` suffix. */
  now?: number;
  /** Keep only proxies of this namespace (istioctl `-n`). */
  namespace?: string;
}

const CORE_ORDER = [TYPE_URLS.CDS, TYPE_URLS.LDS, TYPE_URLS.EDS, TYPE_URLS.RDS];
const KNOWN_TYPES = [TYPE_URLS.CDS, TYPE_URLS.LDS, TYPE_URLS.EDS, TYPE_URLS.RDS, TYPE_URLS.ECDS];

/** istioctl's formatStatus. */
function formatState(r: XdsResourceSync | undefined, now: number | undefined): string {
  if (!r || r.state === 'IGNORED') return 'IGNORED';
  if (r.state === 'NOT SENT') return 'NOT SENT';
  if (now !== undefined && r.sentTime) {
    const t = parseRfc3339(r.sentTime);
    if (t !== undefined) return `${r.state} (${humanDuration(now - t)})`;
  }
  return r.state;
}

function sortedRows(statuses: readonly ProxySyncStatus[], namespace: string | undefined): ProxySyncStatus[] {
  const rows = statuses.filter((s) => !namespace || s.namespace === namespace);
  return goSortSlice([...rows], (a, b) => goStringLess(a.proxy, b.proxy));
}

function resourceOf(s: ProxySyncStatus, typeUrl: string): XdsResourceSync | undefined {
  return s.resources.find((r) => r.typeUrl === typeUrl);
}

/** All type URLs seen, core ones first in CDS, LDS, EDS, RDS order, then the rest sorted (istioctl's allTypes). */
function allTypes(rows: readonly ProxySyncStatus[]): string[] {
  const seen = new Set(rows.flatMap((r) => r.resources.map((x) => x.typeUrl)));
  const core = CORE_ORDER.filter((t) => seen.has(t));
  const extras = goSortStrings([...seen].filter((t) => !CORE_ORDER.includes(t)));
  return [...core, ...extras];
}

function renderCurrent(rows: ProxySyncStatus[]): string {
  const types = allTypes(rows);
  const table = [['NAME', 'CLUSTER', 'ISTIOD', 'VERSION', 'SUBSCRIBED TYPES']];
  for (const s of rows) {
    const subscribed = types.filter((t) => {
      const r = resourceOf(s, t);
      return r !== undefined && r.state !== 'IGNORED';
    });
    const cell = subscribed.length === 0 ? '0' : `${subscribed.length} (${subscribed.map((t) => resourceOf(s, t)!.shortType).join(',')})`;
    table.push([s.proxy, s.clusterId ?? '', s.istiod ?? '', s.istiodVersion ?? '', cell]);
  }
  return tabwriteRows(table);
}

function renderVerbose(rows: ProxySyncStatus[], now: number | undefined): string {
  const types = goSortStrings([...new Set([...allTypes(rows), ...KNOWN_TYPES])]);
  const table = [['NAME', 'CLUSTER', ...types.map(shortType), 'ISTIOD', 'VERSION']];
  for (const s of rows) table.push([s.proxy, s.clusterId ?? '', ...types.map((t) => formatState(resourceOf(s, t), now)), s.istiod ?? '', s.istiodVersion ?? '']);
  return tabwriteRows(table);
}

function renderLegacy(rows: ProxySyncStatus[], now: number | undefined): string {
  const table = [['NAME', 'CLUSTER', 'CDS', 'LDS', 'EDS', 'RDS', 'ECDS', 'ISTIOD', 'VERSION']];
  const cell = (s: ProxySyncStatus, url: string): string => formatState(resourceOf(s, url), now);
  for (const s of rows) {
    table.push([s.proxy, s.clusterId ?? '', cell(s, TYPE_URLS.CDS), cell(s, TYPE_URLS.LDS), cell(s, TYPE_URLS.EDS), cell(s, TYPE_URLS.RDS), cell(s, TYPE_URLS.ECDS), s.istiod ?? '', s.istiodVersion ?? '']);
  }
  return tabwriteRows(table);
}

/** The 1.7 writer's xdsStatus(sent, acked). */
function state17(r: XdsResourceSync | undefined): string {
  if (!r?.sent) return 'NOT SENT';
  if (r.sent === r.acked) return 'SYNCED';
  if (!r.acked) return 'STALE (Never Acknowledged)';
  return 'STALE';
}

function render17(rows: ProxySyncStatus[]): string {
  const table = [['NAME', 'CDS', 'LDS', 'EDS', 'RDS', 'ISTIOD', 'VERSION']];
  const cell = (s: ProxySyncStatus, url: string): string => state17(resourceOf(s, url));
  for (const s of rows) {
    const version = s.istiodVersion ?? `${s.proxyVersion ?? ''}*`;
    table.push([s.proxy, cell(s, TYPE_URLS.CDS), cell(s, TYPE_URLS.LDS), cell(s, TYPE_URLS.EDS), cell(s, TYPE_URLS.RDS), s.istiod ?? '', version]);
  }
  return tabwriteRows(table);
}

/** Renders the proxy-status table for these proxies (from one or several istiods). */
export function renderProxyStatus(statuses: readonly ProxySyncStatus[], opts: ProxyStatusOptions = {}): string {
  const rows = sortedRows(statuses, opts.namespace);
  switch (opts.layout ?? 'current') {
    case 'verbose':
      return renderVerbose(rows, opts.now);
    case 'legacy':
      return renderLegacy(rows, opts.now);
    case 'istio-1.7':
      return render17(rows);
    default:
      return renderCurrent(rows);
  }
}
