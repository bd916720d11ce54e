/**
 * Which part of the request path served an access-log line: the gateway pod that wrote it, the
 * VirtualService route (by `%ROUTE_NAME%` and the authority against the VirtualService hosts), the
 * Service and the subset (from the upstream cluster `outbound|80|v1|web-service.default.svc.cluster.local`).
 * Ids are lib/topology's node ids, so rates can be drawn on the overview graph.
 */
import { parseUpstreamCluster } from '../accesslog/upstream-cluster';
import { hostMatches } from '../istio/host';
import { ids } from '../topology/ids';

/** What attribution reads from a parsed line (a subset of AccessLogEntry). */
export interface LineFacts {
  /** `namespace/name` of the gateway pod. */
  pod: string;
  authority?: string;
  routeName?: string;
  upstreamCluster?: string;
}

export interface Attribution {
  podId: string;
  vsId?: string;
  routeId?: string;
  serviceId?: string;
  subsetId?: string;
  /** `outbound|80|v1|…` split, for display. */
  fqdn?: string;
  subset?: string;
}

export interface IndexedDestination {
  /** Subset node id, or the Service node id when the destination has no subset. */
  id: string;
  host: string;
  fqdn: string;
  subset?: string;
  port?: number;
  /** Configured share, percent. */
  weight: number;
}

export interface IndexedRoute {
  id: string;
  vsId: string;
  /** `namespace/name` of the VirtualService. */
  virtualService: string;
  routeKind: string;
  index: number;
  name?: string;
  label: string;
  hosts: string[];
  destinations: IndexedDestination[];
}

/** A topology node as the index reads it (lib/topology's TopologyNode or the view's ViewNode). */
export interface NodeLike {
  id: string;
  data?: unknown;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

export function destinationId(fqdn: string, subset: string | undefined): string {
  return subset ? ids.subset(fqdn, subset) : ids.service(fqdn);
}

export class RouteIndex {
  readonly routes: IndexedRoute[] = [];
  private readonly memo: Level = new Map();
  private memoSize = 0;
  private readonly recent = new Array<RecentAttribution | undefined>(RECENT_SLOTS);

  constructor(nodes: readonly NodeLike[]) {
    const hosts = new Map<string, string[]>();
    for (const n of nodes) {
      const d = n.data as Record<string, unknown> | undefined;
      if (d?.['kind'] === 'virtualService') hosts.set(str(d['virtualService']) ?? '', (d['hosts'] as string[] | undefined) ?? []);
    }
    for (const n of nodes) {
      const d = n.data as Record<string, unknown> | undefined;
      if (d?.['kind'] !== 'route') continue;
      const vs = str(d['virtualService']) ?? '';
      const dests = ((d['destinations'] as Array<Record<string, unknown>> | undefined) ?? []).map((x) => {
        const fqdn = str(x['fqdn']) ?? '';
        const subset = str(x['subset']);
        return { id: destinationId(fqdn, subset), host: str(x['host']) ?? fqdn, fqdn, ...(subset ? { subset } : {}), ...(num(x['port']) !== undefined ? { port: num(x['port']) } : {}), weight: num(x['weight']) ?? 0 };
      });
      const name = str(d['name']);
      this.routes.push({
        id: n.id,
        vsId: ids.virtualService(vs),
        virtualService: vs,
        routeKind: str(d['routeKind']) ?? 'http',
        index: num(d['index']) ?? 0,
        ...(name ? { name } : {}),
        label: str(d['label']) ?? n.id,
        hosts: hosts.get(vs) ?? [],
        destinations: dests,
      });
    }
    this.routes.sort((a, b) => (a.virtualService < b.virtualService ? -1 : a.virtualService > b.virtualService ? 1 : a.index - b.index));
  }

  /** Routes with two or more destinations (a traffic split). */
  weighted(): IndexedRoute[] {
    return this.routes.filter((r) => r.destinations.length >= 2);
  }

  attribute(f: LineFacts): Attribution {
    return this.attributeLine(f.pod, f.authority, f.routeName, f.upstreamCluster);
  }

  /** `attribute` without a LineFacts object, for the per-line path. */
  attributeLine(pod: string, authority: string | undefined, routeName: string | undefined, upstreamCluster: string | undefined): Attribution {
    // A small direct-mapped cache first: the lines of a gateway repeat a handful of (cluster,
    // route, authority, pod) combinations, and comparing four strings is cheaper than hashing
    // the freshly sliced ones for the maps below. A collision only costs the map lookup.
    const uc = upstreamCluster ?? '';
    const rn = routeName ?? '';
    const au = authority ?? '';
    const slot = recentSlot(uc, rn, au, pod);
    const recent = this.recent[slot];
    if (recent !== undefined && recent.pod === pod && recent.uc === uc && recent.rn === rn && recent.au === au) return recent.a;
    const a = this.memoized({ pod, authority, routeName, upstreamCluster });
    this.recent[slot] = { uc, rn, au, pod, a };
    return a;
  }

  private memoized(f: LineFacts): Attribution {
    // Nested maps rather than one concatenated key: no string built per line.
    const byCluster = level(this.memo, f.upstreamCluster ?? '');
    const byRoute = level(byCluster, f.routeName ?? '');
    const byAuthority = level(byRoute, f.authority ?? '');
    const hit = byAuthority.get(f.pod) as Attribution | undefined;
    if (hit) return hit;
    const out = this.compute(f);
    if (++this.memoSize > 20_000) {
      this.memo.clear();
      this.memoSize = 0;
    }
    byAuthority.set(f.pod, out);
    return out;
  }

  private compute(f: LineFacts): Attribution {
    const out: Attribution = { podId: ids.gatewayPod(f.pod) };
    const uc = parseUpstreamCluster(f.upstreamCluster);
    const fqdn = uc?.service;
    const subset = uc?.subset;
    if (fqdn) {
      out.fqdn = fqdn;
      out.serviceId = ids.service(fqdn);
      if (subset) {
        out.subset = subset;
        out.subsetId = ids.subset(fqdn, subset);
      }
    }
    const host = authorityHost(f.authority);
    const byHost = host ? this.routes.filter((r) => r.routeKind === 'http' && r.hosts.some((h) => hostMatches(h, host))) : this.routes.filter((r) => r.routeKind !== 'http');
    const servesDest = (r: IndexedRoute) => !fqdn || r.destinations.some((d) => d.fqdn === fqdn && (d.subset ?? '') === (subset ?? ''));
    const rn = f.routeName && f.routeName !== '-' ? f.routeName : undefined;
    let pick: IndexedRoute | undefined;
    if (rn) {
      const named = byHost.filter((r) => routeNameMatches(r, rn));
      pick = named.find(servesDest) ?? named[0];
    }
    if (!pick && fqdn) {
      const serving = byHost.filter(servesDest);
      // Without a route name, only an unambiguous destination tells the route.
      const unnamed = serving.filter((r) => !r.name);
      pick = serving.length === 1 ? serving[0] : unnamed.length === 1 && !rn ? unnamed[0] : undefined;
    }
    if (pick) {
      out.routeId = pick.id;
      out.vsId = pick.vsId;
    }
    return out;
  }
}

type Level = Map<string, Level | Attribution>;

interface RecentAttribution {
  uc: string;
  rn: string;
  au: string;
  pod: string;
  a: Attribution;
}

const RECENT_SLOTS = 256;

/**
 * Slot of a (cluster, route name, authority, pod): lengths and a few characters, where the names
 * differ (the subset and port of `outbound|80|v1|…`, the authority's ends, the pod name's suffix).
 */
function recentSlot(uc: string, rn: string, au: string, pod: string): number {
  let h = Math.imul(uc.length, 0x9e3779b1) ^ Math.imul(rn.length + 1, 0x85ebca6b) ^ Math.imul(au.length + 3, 0xc2b2ae35) ^ Math.imul(pod.length + 7, 0x27d4eb2f);
  const ucEnd = uc.length < 18 ? uc.length : 18;
  for (let i = 9; i < ucEnd; i++) h = Math.imul(h ^ uc.charCodeAt(i), 0x01000193);
  if (rn.length) h = Math.imul(h ^ rn.charCodeAt(rn.length - 1), 0x01000193);
  if (au.length) h = Math.imul(h ^ au.charCodeAt(0) ^ (au.charCodeAt(au.length - 1) << 8), 0x01000193);
  if (pod.length) h = Math.imul(h ^ pod.charCodeAt(pod.length - 1) ^ (pod.charCodeAt(pod.length - 2) << 8), 0x01000193);
  return (h ^ (h >>> 15)) & (RECENT_SLOTS - 1);
}

function level(m: Level, key: string): Level {
  let next = m.get(key) as Level | undefined;
  if (!next) m.set(key, (next = new Map()));
  return next;
}

/** `web.example.com:8080` → `web.example.com`; `[::1]:80` → `::1`. */
export function authorityHost(authority: string | undefined): string | undefined {
  if (!authority) return undefined;
  let a = authority.toLowerCase();
  if (a.startsWith('[')) {
    const end = a.indexOf(']');
    return end > 0 ? a.slice(1, end) : a;
  }
  const colon = a.lastIndexOf(':');
  if (colon > 0 && /^\d+$/.test(a.slice(colon + 1))) a = a.slice(0, colon);
  return a;
}

/**
 * `%ROUTE_NAME%` as Istio sets it: the HTTPRoute `name` (plus `.matchName` when the match block is
 * named); older releases name unnamed routes `<namespace>.<vs>.<index>` or `<vs>.<namespace>.<index>`.
 */
function routeNameMatches(r: IndexedRoute, rn: string): boolean {
  if (r.name && (rn === r.name || rn.startsWith(`${r.name}.`))) return true;
  const slash = r.virtualService.indexOf('/');
  const ns = r.virtualService.slice(0, slash);
  const name = r.virtualService.slice(slash + 1);
  return rn === `${ns}.${name}.${r.index}` || rn === `${name}.${ns}.${r.index}`;
}
