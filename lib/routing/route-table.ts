/**
 * The HTTP route table istiod builds for a gateway listener (`buildGatewayHTTPRouteConfig` and
 * `BuildHTTPRoutesForVirtualService`), evaluated on Istio's resources directly:
 *
 * - for each server (in merge order) and each VirtualService bound to its Gateway (in Istio's
 *   order), one virtual host per intersected host name; a host claimed by several
 *   VirtualServices gets their routes **concatenated** in that order (Istio's gateway merge);
 * - each `http[]` route becomes one Envoy route per `match[]` block; a match whose `port` is not
 *   the server's port, whose `gateways` exclude this Gateway, or whose `sourceLabels` /
 *   `sourceNamespace` do not describe the gateway pod itself is not generated;
 * - after a catch-all route (no match, or prefix `/` / regex `.*` without header or query
 *   conditions), the rest of that VirtualService is dropped;
 * - in the merged virtual host, catch-all routes move to the end (`SortVHostRoutes`), keeping
 *   the order of the others.
 */
import { objectKey } from '../kube/object';
import { matchesLabels } from '../kube/selector';
import { resolveGatewayRef, type MeshOptions } from '../istio/refs';
import type { MeshSnapshot } from '../istio/snapshot';
import type { HTTPMatchRequest, HTTPRoute, VirtualService } from '../istio/types';
import { httpBindingHosts, virtualServicesForGateway } from './bindings';
import { expandDelegates, type ExpandedRoute } from './delegate';
import type { BoundServer, GatewayProxy } from './gateway-proxy';
import { isCatchAllMatch } from './match';

/** Names one route of a VirtualService. */
export interface RouteRef {
  kind: 'http' | 'tcp' | 'tls';
  /** Index in `spec.http` / `spec.tcp` / `spec.tls` (of the root VirtualService for delegated routes). */
  index: number;
  name?: string;
  /** Index in `match[]`, when the route has match blocks. */
  match?: number;
  delegate?: { virtualService: string; index: number };
  /** `v1`, `http[2]`, `http[0] → default/reviews http[1]`. */
  label: string;
}

/** One Envoy route: one match block of one HTTP route. */
export interface RouteEntry {
  virtualService: VirtualService;
  vsKey: string;
  server: BoundServer;
  route: HTTPRoute;
  ref: RouteRef;
  match?: HTTPMatchRequest;
  catchAll: boolean;
  /** Position before the catch-all sort: [VirtualService order, route, match]. */
  order: [number, number, number];
}

/** A route istiod does not put into this table, and why. */
export interface NotGenerated {
  virtualService: string;
  ref: RouteRef;
  reason: string;
  order: [number, number, number];
}

export interface VirtualHostModel {
  /** The domain Envoy matches (`web.example.com`, `*`). */
  domain: string;
  /** Envoy's name: `web.example.com:80`. */
  name: string;
  routes: RouteEntry[];
  /** `tls.httpsRedirect`: plain-text requests get a 301 to https. */
  requireTls: boolean;
  /** VirtualServices contributing routes, in order. */
  virtualServices: string[];
}

export interface RouteTable {
  /** `http.8080`, or `https.443.https.default-gateway.istio-system`. */
  name: string;
  virtualHosts: VirtualHostModel[];
  notGenerated: NotGenerated[];
}

export function routeLabel(kind: RouteRef['kind'], index: number, name?: string, delegate?: RouteRef['delegate'], delegateName?: string): string {
  const base = name ?? `${kind}[${index}]`;
  return delegate ? `${base} → ${delegate.virtualService} ${delegateName ?? `http[${delegate.index}]`}` : base;
}

function refOf(e: ExpandedRoute, match?: number): RouteRef {
  const ref: RouteRef = { kind: 'http', index: e.rootIndex, label: routeLabel('http', e.rootIndex, e.route.name, e.delegate) };
  if (e.route.name) ref.name = e.route.name;
  if (match !== undefined) ref.match = match;
  if (e.delegate) ref.delegate = e.delegate;
  return ref;
}

/**
 * `sourceMatchHTTP` at a gateway: a match with `gateways` applies only to those Gateways;
 * otherwise its `sourceLabels` and `sourceNamespace` are compared with the **gateway pod's own**
 * labels and namespace (the gateway is the source of the requests it forwards).
 */
export function gatewaySourceProblem(match: HTTPMatchRequest, vs: VirtualService, gatewayKey: string, proxy: GatewayProxy): string | undefined {
  const ns = vs.metadata.namespace ?? '';
  if (match.gateways?.length) {
    const keys = match.gateways.map((g) => resolveGatewayRef(g, ns).key);
    return keys.includes(gatewayKey) ? undefined : `its match is limited to gateways ${keys.join(', ')}, which do not include ${gatewayKey}`;
  }
  const podLabels = proxy.pod.metadata.labels ?? {};
  if (match.sourceLabels && !matchesLabels(match.sourceLabels, podLabels)) {
    const want = Object.entries(match.sourceLabels).map(([k, v]) => `${k}=${v}`).join(',');
    return `sourceLabels ${want} are not labels of the gateway pod ${proxy.podKey}: at a gateway Istio compares sourceLabels with the gateway's own labels, not the client's`;
  }
  const podNs = proxy.pod.metadata.namespace ?? '';
  if (match.sourceNamespace && match.sourceNamespace !== podNs) {
    return `sourceNamespace ${match.sourceNamespace} is not the gateway pod's namespace ${podNs}: at a gateway Istio compares it with the gateway's own namespace, not the client's`;
  }
  return undefined;
}

/** The Envoy routes one VirtualService contributes to one server, and the routes it does not. */
export function routesForVirtualService(
  vs: VirtualService,
  vsOrder: number,
  server: BoundServer,
  proxy: GatewayProxy,
  all: readonly VirtualService[],
): { entries: RouteEntry[]; notGenerated: NotGenerated[] } {
  const vsKey = objectKey(vs);
  const entries: RouteEntry[] = [];
  const notGenerated: NotGenerated[] = [];
  const { routes, problems } = expandDelegates(vs, all);
  for (const p of problems) notGenerated.push({ virtualService: vsKey, ref: { kind: 'http', index: p.rootIndex, label: `http[${p.rootIndex}]` }, reason: p.reason, order: [vsOrder, p.rootIndex, 0] });
  let catchAllAt: RouteRef | undefined;
  for (const [i, e] of routes.entries()) {
    if (catchAllAt) {
      notGenerated.push({
        virtualService: vsKey,
        ref: refOf(e),
        reason: `${catchAllAt.label} before it in the same VirtualService matches every request, so Istio drops the routes after it`,
        order: [vsOrder, i, 0],
      });
      continue;
    }
    const matches = e.route.match ?? [];
    if (matches.length === 0) {
      entries.push({ virtualService: vs, vsKey, server, route: e.route, ref: refOf(e), catchAll: true, order: [vsOrder, i, 0] });
      catchAllAt = refOf(e);
      continue;
    }
    for (const [j, m] of matches.entries()) {
      const ref = refOf(e, j);
      const matchLabel = matches.length > 1 ? `match[${j}] ` : '';
      if (m.port && m.port !== server.port) {
        notGenerated.push({ virtualService: vsKey, ref, reason: `${matchLabel}port ${m.port} is not the port ${server.port} of this Gateway server, so Istio does not generate it here`, order: [vsOrder, i, j] });
        continue;
      }
      const src = gatewaySourceProblem(m, vs, server.gatewayKey, proxy);
      if (src) {
        notGenerated.push({ virtualService: vsKey, ref, reason: `${matchLabel}${src}, so Istio does not generate it`, order: [vsOrder, i, j] });
        continue;
      }
      const catchAll = isCatchAllMatch(m);
      entries.push({ virtualService: vs, vsKey, server, route: e.route, ref, match: m, catchAll, order: [vsOrder, i, j] });
      if (catchAll) {
        catchAllAt = ref;
        break;
      }
    }
  }
  return { entries, notGenerated };
}

/** Moves catch-all routes to the end, keeping the order of the others (`SortVHostRoutes`). */
export function sortVirtualHostRoutes(routes: readonly RouteEntry[]): RouteEntry[] {
  return [...routes.filter((r) => !r.catchAll), ...routes.filter((r) => r.catchAll)];
}

/** Builds the route table of a group of HTTP servers (one plain-text listener, or one HTTPS server). */
export function buildRouteTable(snapshot: MeshSnapshot, proxy: GatewayProxy, servers: readonly BoundServer[], name: string): RouteTable {
  const opts: MeshOptions = { clusterDomain: snapshot.clusterDomain, rootNamespace: snapshot.rootNamespace };
  const proxyNs = proxy.pod.metadata.namespace ?? '';
  const vhosts = new Map<string, VirtualHostModel>();
  const notGenerated: NotGenerated[] = [];
  const cache = new Map<string, { entries: RouteEntry[]; notGenerated: NotGenerated[] }>();
  let vsOrder = 0;
  for (const server of servers) {
    const bound = virtualServicesForGateway(snapshot.virtualServices, server.gatewayKey, proxyNs);
    for (const vs of bound) {
      const hosts = httpBindingHosts(server, vs, opts);
      if (hosts.length === 0) continue;
      const key = `${server.gatewayKey}|${objectKey(vs)}`;
      let built = cache.get(key);
      if (!built) {
        built = routesForVirtualService(vs, vsOrder++, server, proxy, snapshot.virtualServices);
        cache.set(key, built);
        notGenerated.push(...built.notGenerated);
      }
      if (built.entries.length === 0) continue;
      for (const h of hosts) {
        const vh = vhosts.get(h) ?? { domain: h, name: `${h}:${server.port}`, routes: [], requireTls: false, virtualServices: [] };
        vh.routes.push(...built.entries);
        if (!vh.virtualServices.includes(objectKey(vs))) vh.virtualServices.push(objectKey(vs));
        if (server.server.tls?.httpsRedirect) vh.requireTls = true;
        vhosts.set(h, vh);
      }
    }
    if (server.server.tls?.httpsRedirect) {
      for (const raw of server.server.hosts ?? []) {
        const h = (raw.startsWith('./') ? `${server.gateway.metadata.namespace}/${raw.slice(2)}` : raw.startsWith('*/') ? raw.slice(2) : raw).toLowerCase();
        const vh = vhosts.get(h) ?? { domain: h, name: `${h}:${server.port}`, routes: [], requireTls: true, virtualServices: [] };
        vh.requireTls = true;
        vhosts.set(h, vh);
      }
    }
  }
  const virtualHosts = [...vhosts.values()].map((vh) => ({ ...vh, routes: sortVirtualHostRoutes(vh.routes) }));
  return { name, virtualHosts, notGenerated };
}
