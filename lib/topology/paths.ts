/**
 * Every path a request can take through the topology, from the client to the pods of one route
 * destination, and the first link on it that is broken (in stage order).
 */
import type { BoundServer, GatewayProxy } from '../routing/gateway-proxy';
import type { GraphBuilder } from './graph';
import type { Stage } from './stages';
import type { TopologyPath } from './types';

/** A Gateway server as the topology reaches it (built from the first gateway pod that has it). */
export interface ServerPlan {
  id: string;
  bound: BoundServer;
  proxy: GatewayProxy;
  /** Gateway pod node ids that listen for it. */
  pods: string[];
}

/** One way in: client → (load balancer) → (NodePort) → gateway pods, reaching these servers. */
export interface EntryPlan {
  nodes: string[];
  pods: string[];
  servers: string[];
  /** No Service port exposes the servers (the path is broken at the server). */
  unexposed?: boolean;
}

export interface DestPlan {
  serviceId: string;
  subsetId?: string;
  podIds: string[];
  /** route → service, service → subset, → pods. */
  edgeIds: string[];
  weight: number;
  broken?: { node: string; stage: Stage; reason: string };
}

export interface RoutePlan {
  id: string;
  /** A redirect or direct response: the path ends at the route. */
  terminal: boolean;
  dests: DestPlan[];
}

export interface RoutingHalf {
  /** Server node id → bound VirtualService node ids. */
  vsByServer: Map<string, string[]>;
  /** `serverId|vsId` → the routes that apply to that server, with why one is unreachable. */
  routesByServerVs: Map<string, Array<{ routeId: string; unreachable?: string }>>;
  routes: Map<string, RoutePlan>;
}

type Broken = NonNullable<TopologyPath['broken']>;

export function buildPaths(g: GraphBuilder, entries: readonly EntryPlan[], servers: ReadonlyMap<string, ServerPlan>, half: RoutingHalf, max: number): TopologyPath[] {
  const paths: TopologyPath[] = [];
  const push = (p: TopologyPath) => {
    if (paths.length < max) paths.push(p);
  };
  for (const entry of entries) {
    for (const serverId of entry.servers) {
      const plan = servers.get(serverId);
      if (!plan) continue;
      const pods = entry.pods.filter((p) => plan.pods.includes(p));
      const prefix = [...entry.nodes, ...pods, serverId];
      const prefixEdges = chainEdges(g, [...entry.nodes.map((n) => [n]), pods, [serverId]]);
      let broken: Broken | undefined;
      if (pods.length === 0) {
        broken = { node: serverId, stage: 'gatewayServer', reason: `no gateway pod behind ${entry.nodes[entry.nodes.length - 1]} listens for this server` };
      } else if (pods.every((p) => g.hasError(p))) {
        broken = { node: pods[0]!, stage: 'gatewayPod', reason: pods.length > 1 ? 'none of the gateway pods is ready' : g.firstProblem(pods[0]!)! };
      } else if (entry.unexposed || g.hasError(serverId)) {
        broken = { node: serverId, stage: 'gatewayServer', reason: g.firstProblem(serverId, true)! };
      }
      const vsIds = half.vsByServer.get(serverId) ?? [];
      const base = `${entry.nodes[entry.nodes.length - 1]}|${serverId}`;
      if (vsIds.length === 0) {
        const what = plan.bound.kind === 'tcp' || plan.bound.kind === 'tls-passthrough' ? 'Envoy closes connections' : 'requests get 404 NR';
        push({ id: `path:${base}`, nodes: prefix, edges: prefixEdges, broken: broken ?? { node: serverId, stage: 'gatewayServer', reason: `no VirtualService binds to this server: ${what}` } });
        continue;
      }
      for (const vsId of vsIds) {
        const routes = half.routesByServerVs.get(`${serverId}|${vsId}`) ?? [];
        const vsEdges = [...prefixEdges, ...chainEdges(g, [[serverId], [vsId]])];
        if (routes.length === 0) {
          const kind = plan.bound.kind === 'tcp' ? 'tcp' : plan.bound.kind === 'tls-passthrough' ? 'tls' : 'http';
          push({ id: `path:${base}|${vsId}`, nodes: [...prefix, vsId], edges: vsEdges, broken: broken ?? { node: vsId, stage: 'virtualService', reason: `the VirtualService has no ${kind} routes for this ${plan.bound.server.port.protocol} server` } });
          continue;
        }
        for (const { routeId, unreachable } of routes) {
          const route = half.routes.get(routeId);
          if (!route) continue;
          const routeNodes = [...prefix, vsId, routeId];
          const routeEdges = [...vsEdges, ...chainEdges(g, [[vsId], [routeId]])];
          const routeBroken = broken ?? (unreachable ? { node: routeId, stage: 'route' as const, reason: unreachable } : g.hasError(routeId) ? { node: routeId, stage: 'route' as const, reason: g.firstProblem(routeId)! } : undefined);
          if (route.terminal || route.dests.length === 0) {
            push({ id: `path:${base}|${routeId}`, nodes: routeNodes, edges: routeEdges, ...(routeBroken ? { broken: routeBroken } : {}) });
            continue;
          }
          route.dests.forEach((d, i) => {
            const nodes = [...routeNodes, d.serviceId, ...(d.subsetId ? [d.subsetId] : []), ...d.podIds];
            const b = routeBroken ?? d.broken ?? (d.podIds.length && d.podIds.every((p) => g.hasError(p)) ? { node: d.podIds[0]!, stage: 'pod' as const, reason: 'no pod of this destination is ready' } : undefined);
            push({ id: `path:${base}|${routeId}|${i}`, nodes, edges: [...routeEdges, ...d.edgeIds], weight: d.weight, ...(b ? { broken: b } : {}) });
          });
        }
      }
    }
  }
  return paths;
}

/** Edges between consecutive groups of nodes. */
function chainEdges(g: GraphBuilder, groups: ReadonlyArray<readonly string[]>): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < groups.length; i++) {
    for (const a of groups[i]!) for (const b of groups[i + 1]!) out.push(...g.edgesBetween(a, b));
  }
  return out;
}
