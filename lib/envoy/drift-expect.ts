/**
 * What a gateway pod's Envoy should hold according to the Istio resources, in Envoy's terms: the
 * listeners (`0.0.0.0_8080`), the route configurations (`http.8080`,
 * `https.443.https.default-gateway.istio-system`) with their virtual hosts and routes (match,
 * action, weighted clusters), the TCP/TLS filter chains and the clusters with the endpoints the
 * resources select. Built on lib/routing's model of istiod (`buildGatewayProxy`,
 * `buildRouteTable`, `decideTcp`, `tlsChains`), so the drift check, the simulator and the topology
 * agree on which servers and routes apply to which gateway pod.
 */
import type { Pod } from '../kube/core';
import { objectKey } from '../kube/object';
import type { Endpoint } from '../istio/refs';
import type { MeshSnapshot } from '../istio/snapshot';
import type { HTTPMatchRequest, HTTPRoute, RouteDestination, StringMatch } from '../istio/types';
import { resolveDestinations, type SimDestination } from '../routing/destinations';
import { buildGatewayProxy, describeServer, serverSniHosts, type BoundServer, type GatewayProxy } from '../routing/gateway-proxy';
import { decideTcp, tlsChains } from '../routing/l4';
import { isPresenceMatch } from '../routing/match';
import { buildRouteTable, type RouteEntry } from '../routing/route-table';

/** A path/header/query matcher in Envoy's vocabulary, comparable as a string key. */
export interface ExpectedMatch {
  /** `prefix /v1`, `path /login`, `regex ^/api/.*`. */
  path: string;
  /** `ignoreUriCase`. */
  ignoreCase: boolean;
  /** `:method exact GET`, `x-canary exact true`, `not x-debug present`. */
  headers: string[];
  /** `version exact v2`. */
  query: string[];
}

export interface ExpectedDestination {
  cluster: string;
  /** Share of the route's traffic (percent). */
  percent: number;
  destination: SimDestination;
}

export type ExpectedAction =
  | { kind: 'route'; destinations: ExpectedDestination[] }
  | { kind: 'redirect' }
  | { kind: 'direct_response'; status: number };

export interface ExpectedRoute {
  /** `namespace/name` of the VirtualService (the root one for delegated routes). */
  virtualService: string;
  /** `namespace/name` of the delegate it comes from, when delegated. */
  delegate?: string;
  /** `v1`, `http[2]`, `http[0] match[1]`. */
  label: string;
  /** The Envoy route name Istio sets (`http.name`, `.match.name` appended), '' when none. */
  envoyName: string;
  match: ExpectedMatch;
  action: ExpectedAction;
  server: BoundServer;
}

export interface ExpectedVirtualHost {
  domain: string;
  name: string;
  routes: ExpectedRoute[];
  virtualServices: string[];
}

export interface ExpectedRouteConfig {
  name: string;
  /** The listener that loads it. */
  listener: string;
  servers: BoundServer[];
  virtualHosts: ExpectedVirtualHost[];
}

export interface ExpectedTcpChain {
  server: BoundServer;
  /** SNI names the chain matches (TLS passthrough); empty for plain TCP. */
  sniHosts: string[];
  virtualService?: string;
  label?: string;
  destinations: ExpectedDestination[];
}

export interface ExpectedListener {
  name: string;
  port: number;
  servers: BoundServer[];
  /** Route configurations its HTTP filter chains load. */
  routeConfigs: string[];
  tcpChains: ExpectedTcpChain[];
}

export interface ExpectedCluster {
  name: string;
  /** Who sends traffic there (`route v1 of VirtualService default/web-service`). */
  usedBy: string[];
  /** Ready endpoints the resources select (`ip:port`, pod key). */
  endpoints: Array<{ address: string; pod: string }>;
  /** False when the Service has no selector: its endpoints are not known from the pods. */
  endpointsKnown: boolean;
}

export interface ExpectedGatewayConfig {
  proxy: GatewayProxy;
  listeners: ExpectedListener[];
  routeConfigs: ExpectedRouteConfig[];
  clusters: ExpectedCluster[];
}

// ---- matches ---------------------------------------------------------------------------------

function stringMatchKey(m: StringMatch | undefined): string {
  if (isPresenceMatch(m)) return 'present';
  if (m!.exact !== undefined) return `exact ${m!.exact}`;
  if (m!.prefix !== undefined) return `prefix ${m!.prefix}`;
  return `regex ${m!.regex}`;
}

/** `TranslateRouteMatch` of a VirtualService's match block (undefined: no match block, `prefix /`). */
export function expectedMatch(m: HTTPMatchRequest | undefined): ExpectedMatch {
  const out: ExpectedMatch = { path: 'prefix /', ignoreCase: m?.ignoreUriCase === true, headers: [], query: [] };
  const uri = m?.uri;
  if (uri && uri.exact !== undefined) out.path = `path ${uri.exact}`;
  else if (uri && uri.prefix !== undefined) out.path = `prefix ${uri.prefix}`;
  else if (uri && uri.regex !== undefined) out.path = `regex ${uri.regex}`;
  if (m?.method) out.headers.push(`:method ${stringMatchKey(m.method)}`);
  if (m?.authority) out.headers.push(`:authority ${stringMatchKey(m.authority)}`);
  if (m?.scheme) out.headers.push(`:scheme ${stringMatchKey(m.scheme)}`);
  for (const [k, v] of Object.entries(m?.headers ?? {})) out.headers.push(`${k.toLowerCase()} ${stringMatchKey(v)}`);
  for (const [k, v] of Object.entries(m?.withoutHeaders ?? {})) out.headers.push(`not ${k.toLowerCase()} ${stringMatchKey(v)}`);
  for (const [k, v] of Object.entries(m?.queryParams ?? {})) out.query.push(`${k} ${stringMatchKey(v)}`);
  out.headers.sort();
  out.query.sort();
  return out;
}

export function matchKey(m: ExpectedMatch): string {
  return [m.path, m.ignoreCase ? 'any case' : '', ...m.headers.map((h) => `header ${h}`), ...m.query.map((q) => `query ${q}`)].filter(Boolean).join(', ');
}

// ---- destinations ----------------------------------------------------------------------------

function destinationsOf(route: ReadonlyArray<RouteDestination>, server: BoundServer, vsNamespace: string, snapshot: MeshSnapshot, pod: Pod): ExpectedDestination[] {
  const resolved = resolveDestinations(route, { snapshot, vsNamespace, listenPort: server.port, clientNamespace: pod.metadata.namespace ?? '', clientLabels: pod.metadata.labels ?? {} });
  return resolved.filter((d) => d.weight > 0).map((d) => ({ cluster: d.cluster, percent: d.weight, destination: d }));
}

function actionOf(route: HTTPRoute, server: BoundServer, vsNamespace: string, snapshot: MeshSnapshot, pod: Pod): ExpectedAction {
  if (route.redirect) return { kind: 'redirect' };
  if (route.directResponse) return { kind: 'direct_response', status: route.directResponse.status };
  return { kind: 'route', destinations: destinationsOf(route.route ?? [], server, vsNamespace, snapshot, pod) };
}

function routeLabelOf(e: RouteEntry): string {
  const matches = e.route.match ?? [];
  return e.ref.match !== undefined && matches.length > 1 ? `${e.ref.label} match[${e.ref.match}]` : e.ref.label;
}

function envoyRouteName(e: RouteEntry): string {
  let n = e.route.name ?? '';
  if (e.match?.name) n = `${n}.${e.match.name}`;
  return n;
}

// ---- the whole pod ---------------------------------------------------------------------------

/** `https.443.https.default-gateway.istio-system`: the RDS name of one HTTPS server. */
export function httpsRouteName(b: BoundServer): string {
  return `https.${b.port}.${b.server.port.name}.${b.gateway.metadata.name}.${b.gateway.metadata.namespace ?? ''}`;
}

export function listenerName(port: number): string {
  return `0.0.0.0_${port}`;
}

class ClusterCollector {
  readonly byName = new Map<string, ExpectedCluster>();
  add(d: ExpectedDestination, usedBy: string): void {
    // A destination istiod cannot build a cluster for (no Service, no subset) is a
    // configuration error shown by validation, not drift: Envoy answers 503 NC there too.
    if (d.destination.envoyResponse === '503 NC') return;
    let c = this.byName.get(d.cluster);
    if (!c) {
      const pods = d.destination.pods as Endpoint[];
      c = {
        name: d.cluster,
        usedBy: [],
        endpoints: pods.filter((p) => p.ready && p.ip && p.port).map((p) => ({ address: `${p.ip}:${p.port}`, pod: p.pod })),
        endpointsKnown: !/has no selector/.test(d.destination.problem ?? ''),
      };
      this.byName.set(d.cluster, c);
    }
    if (!c.usedBy.includes(usedBy)) c.usedBy.push(usedBy);
  }
}

/** Everything the resources ask of one gateway pod's Envoy. */
export function expectedGatewayConfig(snapshot: MeshSnapshot, pod: Pod): ExpectedGatewayConfig {
  const proxy = buildGatewayProxy(snapshot, pod);
  const listeners: ExpectedListener[] = [];
  const routeConfigs: ExpectedRouteConfig[] = [];
  const clusters = new ClusterCollector();

  const addRouteConfig = (name: string, listener: string, servers: BoundServer[]) => {
    const table = buildRouteTable(snapshot, proxy, servers, name);
    const virtualHosts = table.virtualHosts.map((vh) => ({
      domain: vh.domain,
      name: vh.name,
      virtualServices: vh.virtualServices,
      routes: vh.routes.map((e): ExpectedRoute => {
        const ns = e.virtualService.metadata.namespace ?? '';
        const r: ExpectedRoute = {
          virtualService: e.vsKey,
          label: routeLabelOf(e),
          envoyName: envoyRouteName(e),
          match: expectedMatch(e.match),
          action: actionOf(e.route, e.server, e.ref.delegate ? e.ref.delegate.virtualService.split('/')[0] ?? ns : ns, snapshot, pod),
          server: e.server,
        };
        if (e.ref.delegate) r.delegate = e.ref.delegate.virtualService;
        if (r.action.kind === 'route') for (const d of r.action.destinations) clusters.add(d, `route ${r.label} of VirtualService ${r.virtualService}`);
        return r;
      }),
    }));
    routeConfigs.push({ name, listener, servers, virtualHosts });
  };

  for (const l of [...proxy.listeners.values()].sort((a, b) => a.port - b.port)) {
    const name = listenerName(l.port);
    const out: ExpectedListener = { name, port: l.port, servers: [...l.http, ...(l.tcp ? [l.tcp] : []), ...l.tls], routeConfigs: [], tcpChains: [] };
    if (l.http.length) {
      out.routeConfigs.push(`http.${l.port}`);
      addRouteConfig(`http.${l.port}`, name, l.http);
    }
    for (const b of l.tls) {
      if (b.kind === 'https') {
        const rn = httpsRouteName(b);
        out.routeConfigs.push(rn);
        addRouteConfig(rn, name, [b]);
      } else if (b.kind === 'tls-passthrough') {
        for (const c of tlsChains(snapshot, proxy, b).chains) {
          const vs = objectKey(c.virtualService);
          const chain: ExpectedTcpChain = { server: b, sniHosts: c.sniHosts, virtualService: vs, label: c.route.label, destinations: destinationsOf(c.destinations, b, c.virtualService.metadata.namespace ?? '', snapshot, pod) };
          chain.destinations.forEach((d) => clusters.add(d, `route ${c.route.label} of VirtualService ${vs}`));
          out.tcpChains.push(chain);
        }
      } else {
        out.tcpChains.push(tcpChain(b));
      }
    }
    if (l.tcp) out.tcpChains.push(tcpChain(l.tcp));
    listeners.push(out);
  }

  function tcpChain(b: BoundServer): ExpectedTcpChain {
    const d = decideTcp(snapshot, proxy, b);
    const vs = d.virtualService ? objectKey(d.virtualService) : undefined;
    const chain: ExpectedTcpChain = { server: b, sniHosts: b.server.tls ? serverSniHosts(b).filter((h) => h !== '*') : [], destinations: [] };
    if (vs && d.destinations && d.route) {
      chain.virtualService = vs;
      chain.label = d.route.label;
      chain.destinations = destinationsOf(d.destinations, b, d.virtualService!.metadata.namespace ?? '', snapshot, pod);
      chain.destinations.forEach((x) => clusters.add(x, `route ${d.route!.label} of VirtualService ${vs}`));
    }
    return chain;
  }

  return { proxy, listeners, routeConfigs, clusters: [...clusters.byName.values()] };
}

export { describeServer };
