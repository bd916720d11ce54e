/**
 * Live traffic per edge of the overview's request path, from lib/traffic's snapshot (the gateway
 * access logs): what each hop carries in requests/s and which share of it failed.
 *
 * - Measured directly: VirtualService → route (the route's lines), route → Service (per subset:
 *   the route's split destinations), Service → subset.
 * - Summed from what flows through: gateway pod → Gateway server → VirtualService (each pod's
 *   lines per route, handed to the servers that bind the route's VirtualService on that pod) and
 *   the entry hops (load balancer, NodePort → gateway pod, by listener port).
 * - Marked `estimated` where the logs cannot tell: a VirtualService bound to several servers of
 *   one pod (HTTP and HTTPS) gets an even share on each; lines no route served (404 NR) are spread
 *   over a pod's entry ports in proportion to the routed ones.
 * - Service/subset → pod: not measured (the aggregator does not count upstream hosts), no rate.
 *
 * Pure: index the view once (`edgeFlowIndex`), then `edgeRates(index, snapshot)` per tick.
 *
 * @example edgeRates(edgeFlowIndex(view), trafficSnapshot)['virtualService:default/web-service->route:default/web-service:http[2]']
 */
import type { Stage } from './stages';

/** What a rate carries (lib/traffic's RateStats, structurally). */
export interface StatsLike {
  n: number;
  rps: number;
  errorPct: number;
  clientErrorPct?: number;
}

/** The parts of lib/traffic's TrafficSnapshot read here. */
export interface TrafficLike {
  nodes: Record<string, StatsLike>;
  /** `source>target`: gatewayPod>route, route>service, service>subset. */
  edges: Record<string, StatsLike>;
  /** Routes with two or more destinations, with each destination's share (`id`: subset or Service node id). */
  routes?: ReadonlyArray<{ routeId: string; destinations: ReadonlyArray<StatsLike & { id: string }> }>;
}

export interface EdgeRate {
  /** Requests in the window. */
  n: number;
  rps: number;
  /** 5xx (and HTTP without a response), percent of n. */
  errorPct: number;
  /** 4xx, percent of n. */
  clientErrorPct: number;
  /** Shared out by a rule rather than read from the logs (see the file comment). */
  estimated?: boolean;
}

interface NodeLike {
  id: string;
  stage: Stage;
  data?: Record<string, unknown> | undefined;
}
interface EdgeLike {
  id: string;
  source: string;
  target: string;
  port?: number | undefined;
  subset?: string | undefined;
}
export interface ViewLike {
  nodes: readonly NodeLike[];
  edges: readonly EdgeLike[];
}

export interface EdgeFlowIndex {
  stage: ReadonlyMap<string, Stage>;
  nodeData: ReadonlyMap<string, Record<string, unknown> | undefined>;
  edges: readonly EdgeLike[];
  byId: ReadonlyMap<string, EdgeLike>;
  /** route id → its VirtualService node id. */
  vsOfRoute: ReadonlyMap<string, string>;
  /** `${podId}\n${vsId}` → server node ids bound on that pod to that VirtualService, with their kind. */
  serversOf: ReadonlyMap<string, ReadonlyArray<{ id: string; kind: string }>>;
  /** `${a}\n${b}` → edge ids between them (route → Service has one per port/subset). */
  between: ReadonlyMap<string, readonly string[]>;
  incoming: ReadonlyMap<string, readonly EdgeLike[]>;
  outgoing: ReadonlyMap<string, readonly EdgeLike[]>;
}

/** Percent thresholds of the edge colours: below `warn` neutral, `warn` to `fail` amber, above `fail` red. */
export const ERROR_THRESHOLDS = { warn: 1, fail: 5 } as const;
export type ErrorLevel = 'ok' | 'warn' | 'fail';

export function errorLevel(errorPct: number): ErrorLevel {
  if (errorPct > ERROR_THRESHOLDS.fail) return 'fail';
  if (errorPct >= ERROR_THRESHOLDS.warn) return 'warn';
  return 'ok';
}

const k2 = (a: string, b: string) => `${a}\n${b}`;
const push = <T>(m: Map<string, T[]>, k: string, v: T) => {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
};

/** The route kind a Gateway server serves (istiod binds http routes to HTTP/HTTPS servers, tcp to TCP…). */
function serverKind(d: Record<string, unknown> | undefined): string {
  const protocol = String(d?.['protocol'] ?? '').toUpperCase();
  const mode = String((d?.['tls'] as Record<string, unknown> | undefined)?.['mode'] ?? '').toUpperCase();
  if (protocol === 'TCP' || protocol === 'MONGO' || protocol === 'MYSQL') return 'tcp';
  if (protocol === 'TLS') return mode === 'PASSTHROUGH' || mode === 'AUTO_PASSTHROUGH' ? 'tls' : 'tcp';
  return 'http';
}

export function edgeFlowIndex(view: ViewLike): EdgeFlowIndex {
  const stage = new Map<string, Stage>();
  const nodeData = new Map<string, Record<string, unknown> | undefined>();
  for (const n of view.nodes) {
    stage.set(n.id, n.stage);
    nodeData.set(n.id, n.data);
  }
  const vsOfRoute = new Map<string, string>();
  const between = new Map<string, string[]>();
  const incoming = new Map<string, EdgeLike[]>();
  const outgoing = new Map<string, EdgeLike[]>();
  const serversOfVs = new Map<string, string[]>();
  for (const e of view.edges) {
    push(between, k2(e.source, e.target), e.id);
    push(incoming, e.target, e);
    push(outgoing, e.source, e);
    const s = stage.get(e.source);
    const t = stage.get(e.target);
    if (s === 'virtualService' && t === 'route') vsOfRoute.set(e.target, e.source);
    if (s === 'gatewayServer' && t === 'virtualService') push(serversOfVs, e.target, e.source);
  }
  const serversOf = new Map<string, Array<{ id: string; kind: string }>>();
  for (const [vsId, servers] of serversOfVs) {
    for (const serverId of servers) {
      for (const e of incoming.get(serverId) ?? []) {
        if (stage.get(e.source) !== 'gatewayPod') continue;
        push(serversOf, k2(e.source, vsId), { id: serverId, kind: serverKind(nodeData.get(serverId)) });
      }
    }
  }
  const byId = new Map(view.edges.map((e) => [e.id, e]));
  return { stage, nodeData, edges: view.edges, byId, vsOfRoute, serversOf, between, incoming, outgoing };
}

/** Counts, so that flows add up; turned into percentages at the end. */
interface Flow {
  n: number;
  rps: number;
  e5: number;
  e4: number;
  estimated: boolean;
}

const none = (): Flow => ({ n: 0, rps: 0, e5: 0, e4: 0, estimated: false });
const fromStats = (s: StatsLike, share = 1): Flow => ({
  n: s.n * share,
  rps: s.rps * share,
  e5: ((s.n * s.errorPct) / 100) * share,
  e4: ((s.n * (s.clientErrorPct ?? 0)) / 100) * share,
  estimated: share !== 1,
});
function addInto(into: Flow, f: Flow, share = 1): void {
  into.n += f.n * share;
  into.rps += f.rps * share;
  into.e5 += f.e5 * share;
  into.e4 += f.e4 * share;
  into.estimated ||= f.estimated || share !== 1;
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
function toRate(f: Flow): EdgeRate {
  const r: EdgeRate = {
    n: round(f.n, 1),
    rps: round(f.rps, 2),
    errorPct: f.n > 0 ? round((f.e5 / f.n) * 100, 1) : 0,
    clientErrorPct: f.n > 0 ? round((f.e4 / f.n) * 100, 1) : 0,
  };
  if (f.estimated) r.estimated = true;
  return r;
}

/** Per edge id, what it carried over the snapshot's window. Edges without traffic are left out. */
export function edgeRates(index: EdgeFlowIndex, traffic: TrafficLike): Record<string, EdgeRate> {
  const flows = new Map<string, Flow>();
  const flowOf = (id: string) => {
    let f = flows.get(id);
    if (!f) flows.set(id, (f = none()));
    return f;
  };
  const { stage } = index;
  const splits = new Map<string, ReadonlyArray<StatsLike & { id: string }>>();
  for (const r of traffic.routes ?? []) splits.set(r.routeId, r.destinations);

  // Measured hops: route → Service (per subset), Service → subset, VirtualService → route.
  for (const e of index.edges) {
    const s = stage.get(e.source);
    const t = stage.get(e.target);
    if (s === 'route' && t === 'service') {
      const siblings = index.between.get(k2(e.source, e.target)) ?? [e.id];
      const dests = splits.get(e.source);
      const fqdn = e.target.slice('service:'.length);
      const destId = e.subset ? `subset:${fqdn}:${e.subset}` : e.target;
      const d = dests?.find((x) => x.id === destId);
      // Several edges to one destination id differ only by port: the logs do not tell them apart.
      const same = dests ? siblings.filter((id) => (index.byId.get(id)?.subset ?? '') === (e.subset ?? '')).length : siblings.length;
      const stats = d ?? (dests ? undefined : traffic.edges[`${e.source}>${e.target}`]);
      if (stats && stats.n > 0) flows.set(e.id, fromStats(stats, 1 / Math.max(1, same)));
    } else if (s === 'service' && t === 'subset') {
      const stats = traffic.edges[`${e.source}>${e.target}`];
      if (stats && stats.n > 0) flows.set(e.id, fromStats(stats));
    } else if (s === 'virtualService' && t === 'route') {
      const stats = traffic.nodes[e.target];
      if (stats && stats.n > 0) flows.set(e.id, fromStats(stats));
    }
  }

  // Gateway pod → server → VirtualService: each pod's lines per route, on the servers binding it.
  const routedByPod = new Map<string, Flow>();
  for (const [key, stats] of Object.entries(traffic.edges)) {
    const gt = key.indexOf('>');
    const podId = key.slice(0, gt);
    const routeId = key.slice(gt + 1);
    if (stats.n <= 0 || stage.get(podId) !== 'gatewayPod' || stage.get(routeId) !== 'route') continue;
    const vsId = index.vsOfRoute.get(routeId);
    if (!vsId) continue;
    const all = index.serversOf.get(k2(podId, vsId)) ?? [];
    const kind = String(index.nodeData.get(routeId)?.['routeKind'] ?? 'http');
    const fitting = all.filter((x) => x.kind === kind);
    const servers = fitting.length ? fitting : all;
    if (servers.length === 0) continue;
    const f = fromStats(stats);
    const share = 1 / servers.length;
    for (const srv of servers) {
      for (const id of index.between.get(k2(podId, srv.id)) ?? []) addInto(flowOf(id), f, share);
      for (const id of index.between.get(k2(srv.id, vsId)) ?? []) addInto(flowOf(id), f, share);
    }
    let routed = routedByPod.get(podId);
    if (!routed) routedByPod.set(podId, (routed = none()));
    addInto(routed, f);
  }

  // Entry hops into a gateway pod, by listener port; then upstream, what the next hop sends on.
  for (const [podId, podStage] of stage) {
    if (podStage !== 'gatewayPod') continue;
    const inEdges = index.incoming.get(podId) ?? [];
    if (inEdges.length === 0) continue;
    const total = traffic.nodes[podId];
    if (inEdges.length === 1) {
      if (total && total.n > 0) flows.set(inEdges[0]!.id, fromStats(total));
      continue;
    }
    const byPort = new Map<number | undefined, Flow>();
    for (const out of index.outgoing.get(podId) ?? []) {
      const f = flows.get(out.id);
      if (!f) continue;
      let p = byPort.get(out.port);
      if (!p) byPort.set(out.port, (p = none()));
      addInto(p, f);
    }
    const perEdge = inEdges.map((e) => {
      const f = none();
      const sameport = inEdges.filter((x) => x.port === e.port).length;
      const p = byPort.get(e.port);
      if (p) addInto(f, p, 1 / sameport);
      return f;
    });
    // Lines no route served: spread in proportion to the routed ones (evenly when none was).
    const routed = routedByPod.get(podId) ?? none();
    const rest = total ? { n: Math.max(0, total.n - routed.n), rps: Math.max(0, total.rps - routed.rps), e5: Math.max(0, (total.n * total.errorPct) / 100 - routed.e5), e4: Math.max(0, (total.n * (total.clientErrorPct ?? 0)) / 100 - routed.e4), estimated: true } : none();
    const sum = perEdge.reduce((a, f) => a + f.n, 0);
    if (rest.n > 0.0001) {
      const shares = perEdge.map((f) => (sum > 0 ? f.n / sum : 1 / inEdges.length));
      perEdge.forEach((f, i) => addInto(f, rest, shares[i]));
    }
    inEdges.forEach((e, i) => {
      if (perEdge[i]!.n > 0) flows.set(e.id, perEdge[i]!);
    });
  }
  // Load balancer → NodePort, client → load balancer / NodePort: what the target passes on, shared by its way in.
  for (const hop of ['nodePort', 'loadBalancer'] as const) {
    for (const [id, st] of stage) {
      if (st !== hop) continue;
      const out = none();
      for (const e of index.outgoing.get(id) ?? []) {
        const f = flows.get(e.id);
        if (f) addInto(out, f);
      }
      const ins = index.incoming.get(id) ?? [];
      if (out.n <= 0 || ins.length === 0) continue;
      for (const e of ins) {
        const f = none();
        addInto(f, out, 1 / ins.length);
        flows.set(e.id, f);
      }
    }
  }

  const out: Record<string, EdgeRate> = {};
  for (const [id, f] of flows) if (f.n > 0) out[id] = toRate(f);
  return out;
}
