/**
 * Access-log lines → live traffic per edge of the request path (gateway pod → route → Service →
 * subset) and the observed split of every weighted route next to its configured weights.
 *
 * @example
 *   const agg = new TrafficAggregator(topology.nodes);
 *   agg.addEntry('istio-system/istio-ingressgateway-abc', entry);
 *   agg.snapshot(Date.now(), 60).routes[0].destinations // [{ configured: 80, observed: 79.6, … }]
 */
import type { AccessLogEntry } from '../accesslog/format';
import { splitFlags } from '../accesslog/response-flags';
import { RouteIndex, destinationId, type Attribution, type NodeLike } from './attribute';
import { TrafficWindow, type RateStats } from './window';

export type { RateStats } from './window';

export interface SplitDestination extends RateStats {
  /** Subset node id (or Service node id without a subset). */
  id: string;
  host: string;
  fqdn: string;
  subset?: string;
  /** Configured weight, percent. */
  configured: number;
  /** Observed share of the route's requests in the window, percent (undefined with no request). */
  observed?: number;
}

export interface RouteSplit {
  routeId: string;
  virtualService: string;
  label: string;
  hosts: string[];
  n: number;
  rps: number;
  errorPct: number;
  destinations: SplitDestination[];
  /** Requests per step of each destination (same order), oldest first. */
  series?: { step: number; points: number[][] };
}

export interface TrafficSnapshot {
  /** End of the window, ms since the epoch. */
  at: number;
  seconds: number;
  covered: number;
  /** Every line counted in the window, whatever it reached. */
  total: RateStats;
  /** Per topology node id (gateway pods, VirtualServices, routes, Services, subsets). */
  nodes: Record<string, RateStats>;
  /** Per edge `source>target` (gatewayPod>route, route>service, service>subset). */
  edges: Record<string, RateStats>;
  /** Every route with two or more destinations, in VirtualService order. */
  routes: RouteSplit[];
  /** Lines of the window no route could be found for (no upstream, NR, unknown host). */
  unattributed: number;
}

export const TOTAL_KEY = '*';
const UNATTRIBUTED_KEY = '?';
const routeDestKey = (routeId: string, destId: string) => `${routeId}=>${destId}`;

/** The keys one attributed request counts under. */
export function keysOf(a: Attribution): string[] {
  const keys = [TOTAL_KEY, a.podId];
  const dest = a.subsetId ?? a.serviceId;
  if (a.routeId) {
    keys.push(a.routeId, `${a.podId}>${a.routeId}`);
    if (a.vsId) keys.push(a.vsId);
    if (dest) keys.push(routeDestKey(a.routeId, dest));
    if (a.serviceId) keys.push(`${a.routeId}>${a.serviceId}`);
  } else {
    keys.push(UNATTRIBUTED_KEY);
    if (a.serviceId) keys.push(`${a.podId}>${a.serviceId}`);
  }
  if (a.serviceId) keys.push(a.serviceId);
  if (a.subsetId && a.serviceId) keys.push(a.subsetId, `${a.serviceId}>${a.subsetId}`);
  return keys;
}

/**
 * Milliseconds of an RFC3339 UTC time such as Envoy's `%START_TIME%` (`2026-12-05T06:00:00.123Z`,
 * any fraction length): the date-time part is parsed once per second seen, the fraction by hand.
 */
let lastPrefix = '';
let lastPrefixMs = 0;
export function isoMillis(s: string | undefined): number | undefined {
  if (!s || s.length < 20 || s.charCodeAt(s.length - 1) !== 90 /* Z */) return undefined;
  // startsWith: no string is built for the lines of a second already seen.
  if (lastPrefix === '' || !s.startsWith(lastPrefix)) {
    const prefix = s.slice(0, 19);
    const ms = Date.parse(`${prefix}Z`);
    if (Number.isNaN(ms) || s.charCodeAt(10) !== 84 /* T */) return undefined;
    lastPrefix = prefix;
    lastPrefixMs = ms;
  }
  if (s.length === 20) return lastPrefixMs;
  if (s.charCodeAt(19) !== 46 /* . */) return undefined;
  let frac = 0;
  let scale = 100;
  for (let i = 20; i < s.length - 1; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return undefined;
    if (scale >= 1) frac += d * scale;
    scale /= 10;
  }
  return lastPrefixMs + frac;
}

export class TrafficAggregator {
  private index: RouteIndex;
  private readonly keys = new WeakMap<Attribution, string[]>();
  readonly window: TrafficWindow;
  /** Lines counted (parsed access-log lines with a time). */
  counted = 0;

  constructor(nodes: readonly NodeLike[] = [], maxSeconds = 900) {
    this.index = new RouteIndex(nodes);
    this.window = new TrafficWindow(maxSeconds);
  }

  /** A new topology (routes, weights): later lines are attributed with it. */
  setTopology(nodes: readonly NodeLike[]): void {
    this.index = new RouteIndex(nodes);
  }

  attribute(pod: string, e: Pick<AccessLogEntry, 'authority' | 'routeName' | 'upstreamCluster'>): Attribution {
    return this.index.attribute({ pod, authority: e.authority, routeName: e.routeName, upstreamCluster: e.upstreamCluster });
  }

  /**
   * Counts one parsed line. `fallbackMs` is used when the entry has no parseable START_TIME (e.g.
   * the pods/log timestamp). Returns the attribution (for the log row), or undefined when not counted.
   */
  addEntry(pod: string, e: Omit<AccessLogEntry, 'raw'>, fallbackMs?: number): Attribution | undefined {
    const t = isoMillis(e.startTime) ?? fallbackMs;
    if (t === undefined) return undefined;
    const a = this.index.attributeLine(pod, e.authority, e.routeName, e.upstreamCluster);
    const http = e.protocol !== undefined || e.method !== undefined;
    let keys = this.keys.get(a);
    if (!keys) this.keys.set(a, (keys = keysOf(a)));
    // No Sample object and no flag array per line (most lines have no response flag).
    this.window.addLine(keys, t, e.responseCode ?? 0, e.duration, e.responseFlags === undefined ? undefined : splitFlags(e.responseFlags), http);
    this.counted++;
    return a;
  }

  snapshot(nowMs: number, seconds: number, opts: { seriesStep?: number } = {}): TrafficSnapshot {
    const v = this.window.view(nowMs, seconds);
    const nodes: Record<string, RateStats> = {};
    const edges: Record<string, RateStats> = {};
    for (const [k, s] of v.stats) {
      if (k === TOTAL_KEY || k === UNATTRIBUTED_KEY || k.includes('=>')) continue;
      if (k.includes('>')) edges[k] = s;
      else nodes[k] = s;
    }
    const empty: RateStats = { n: 0, rps: 0, errorPct: 0, clientErrorPct: 0 };
    const routes: RouteSplit[] = [];
    for (const r of this.index.weighted()) {
      const rs = v.stats.get(r.id) ?? empty;
      let attributed = 0;
      const dests: SplitDestination[] = r.destinations.map((d) => {
        const s = v.stats.get(routeDestKey(r.id, d.id)) ?? empty;
        attributed += s.n;
        return { ...s, id: d.id, host: d.host, fqdn: d.fqdn, ...(d.subset ? { subset: d.subset } : {}), configured: d.weight };
      });
      for (const d of dests) if (attributed > 0) d.observed = Math.round((d.n / attributed) * 1000) / 10;
      const split: RouteSplit = { routeId: r.id, virtualService: r.virtualService, label: r.label, hosts: r.hosts, n: rs.n, rps: rs.rps, errorPct: rs.errorPct, destinations: dests };
      if (opts.seriesStep) {
        const keys = r.destinations.map((d) => routeDestKey(r.id, d.id));
        const series = this.window.series(nowMs, seconds, opts.seriesStep, keys);
        split.series = { step: opts.seriesStep, points: keys.map((k) => series[k]!) };
      }
      routes.push(split);
    }
    return {
      at: nowMs,
      seconds: v.seconds,
      covered: v.covered,
      total: v.stats.get(TOTAL_KEY) ?? empty,
      nodes,
      edges,
      routes,
      unattributed: v.stats.get(UNATTRIBUTED_KEY)?.n ?? 0,
    };
  }
}

export { destinationId };
