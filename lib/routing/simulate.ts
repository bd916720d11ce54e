/**
 * The request simulator: which Gateway server, VirtualService, route and destinations serve a
 * request at the ingress gateway, and why each earlier route did not — evaluated on Istio's
 * resources with Istio's semantics (see `gateway-proxy.ts`, `route-table.ts`, `match.ts`,
 * `l4.ts`), not on an Envoy config dump.
 *
 * The request enters through the gateway Service: `request.port` is a Service port (80), a
 * NodePort (30000) or a gateway pod port (8080); the result's `entry` says which.
 */
import { isPodReady, resolveTargetPort, type Pod } from '../kube/core';
import { objectKey } from '../kube/object';
import { selectServerNameChain, selectVirtualHostDomain, splitAuthority } from '../istio/host';
import type { MeshSnapshot } from '../istio/snapshot';
import { applyRedirect, applyRewrite, describeFault, type FaultResult, type RedirectResult, type RewriteResult } from './actions';
import { resolveDestinations, type SimDestination } from './destinations';
import { buildGatewayProxy, gatewayPods, serverSniHosts, servicesSelectingPod, type BoundServer, type GatewayProxy, type Listener } from './gateway-proxy';
import { decideTcp, decideTlsPassthrough, parseAutoPassthroughSni, type L4Decision } from './l4';
import { explainMatch } from './explain';
import { evaluateMatch } from './match';
import { requestView, type RequestView, type SimRequest } from './request';
import { buildRouteTable, type RouteEntry, type RouteRef } from './route-table';
import { pickWeighted } from './weights';

export type { SimRequest } from './request';

/** What the client gets when nothing routes the request. */
export type NoMatchResponse = '404 NR' | 'connection refused' | 'connection closed (NR)';

export interface ServerSummary {
  /** `namespace/name#index`. */
  id: string;
  gateway: string;
  index: number;
  port: number;
  protocol: string;
  hosts: string[];
  /** The gateway pod port it listens on. */
  listenerPort: number;
  tlsMode?: string;
}

export interface EntryPoint {
  /** The gateway Service the port belongs to (absent when a pod port was used directly). */
  service?: string;
  via: 'servicePort' | 'nodePort' | 'containerPort';
  servicePort?: number;
  nodePort?: number;
  /** The gateway pod port (Envoy listener). */
  listenerPort: number;
}

export interface Rejection {
  virtualService: string;
  /** The route's name, or `http[i]` / `tcp[i]` / `tls[i]`. */
  route: string;
  ref: RouteRef;
  reason: string;
}

export interface SimResult {
  entry?: EntryPoint;
  gatewayPod?: string;
  gatewayServer?: ServerSummary;
  /** `http.8080`, `https.443.https.default-gateway.istio-system`. */
  routeTable?: string;
  virtualHost?: { domain: string; name: string; virtualServices: string[] };
  /** `namespace/name`. */
  virtualService?: string;
  /** The route's name, or `http[i]` / `tcp[i]` / `tls[i]`. */
  route?: string;
  routeRef?: RouteRef;
  /** Why the matched route matched, one sentence per condition. */
  matchedBecause?: string[];
  destinations: SimDestination[];
  /** Index in `destinations` chosen with `options.random01`. */
  picked?: number;
  rewrite?: RewriteResult;
  redirect?: RedirectResult;
  directResponse?: { status: number; body?: string };
  fault?: FaultResult;
  /** Routes evaluated (or left out by istiod) before the one that matched, with the reason. */
  rejected: Rejection[];
  noMatch?: { reason: string; envoyResponse: NoMatchResponse };
  /** Other things worth knowing (servers istiod skipped on this port, ignored fields). */
  notes: string[];
}

export interface SimulateOptions {
  /** `namespace/name` of the gateway pod; default: the first ready one behind a gateway Service. */
  gatewayPod?: string;
  /** A number in [0, 1) to pick one destination by weight (`picked`). */
  random01?: number;
}

function summarize(b: BoundServer): ServerSummary {
  const s: ServerSummary = {
    id: b.id,
    gateway: b.gatewayKey,
    index: b.index,
    port: b.port,
    protocol: b.server.port.protocol,
    hosts: [...(b.server.hosts ?? [])],
    listenerPort: b.listenerPort,
  };
  if (b.server.tls?.mode) s.tlsMode = b.server.tls.mode;
  return s;
}

function choosePod(snapshot: MeshSnapshot, wanted?: string): Pod | undefined {
  const pods = gatewayPods(snapshot);
  if (wanted) return pods.find((p) => objectKey(p) === wanted) ?? snapshot.pods.find((p) => objectKey(p) === wanted);
  const behindService = (p: Pod) => servicesSelectingPod(snapshot.services, p).length > 0;
  return pods.find((p) => isPodReady(p) && behindService(p)) ?? pods.find(isPodReady) ?? pods[0];
}

function resolveEntry(snapshot: MeshSnapshot, pod: Pod, port: number, proxy: GatewayProxy): EntryPoint | undefined {
  const services = servicesSelectingPod(snapshot.services, pod);
  for (const s of services) {
    const p = s.spec?.ports?.find((x) => x.port === port);
    const target = p && resolveTargetPort(p, pod);
    if (p && target !== undefined) {
      const e: EntryPoint = { service: objectKey(s), via: 'servicePort', servicePort: p.port, listenerPort: target };
      if (p.nodePort) e.nodePort = p.nodePort;
      return e;
    }
  }
  for (const s of services) {
    const p = s.spec?.ports?.find((x) => x.nodePort === port);
    const target = p && resolveTargetPort(p, pod);
    if (p && target !== undefined) return { service: objectKey(s), via: 'nodePort', servicePort: p.port, nodePort: port, listenerPort: target };
  }
  if (proxy.listeners.has(port)) return { via: 'containerPort', listenerPort: port };
  return undefined;
}

const rejection = (virtualService: string, ref: RouteRef, reason: string): Rejection => ({ virtualService, route: ref.label, ref, reason });

/** Groups consecutive non-matching entries of one route into one rejection. */
function pushRejection(out: Rejection[], e: RouteEntry, reasons: string[]) {
  const prefix = e.route.match && e.route.match.length > 1 ? `match[${e.ref.match}]: ` : '';
  const text = prefix + reasons.join('; ');
  const last = out[out.length - 1];
  if (last && last.virtualService === e.vsKey && last.ref.kind === 'http' && last.ref.index === e.ref.index && !last.ref.delegate === !e.ref.delegate) {
    last.reason += `; ${text}`;
    return;
  }
  out.push(rejection(e.vsKey, e.ref, text));
}

function routeHttp(snapshot: MeshSnapshot, proxy: GatewayProxy, servers: BoundServer[], tableName: string, view: RequestView, result: SimResult, opts: SimulateOptions): SimResult {
  const table = buildRouteTable(snapshot, proxy, servers, tableName);
  result.routeTable = table.name;
  const domain = selectVirtualHostDomain(
    table.virtualHosts.map((v) => v.domain),
    view.host,
  );
  const vh = table.virtualHosts.find((v) => v.domain === domain);
  if (!vh) {
    const hosts = table.virtualHosts.map((v) => v.domain);
    result.gatewayServer = summarize(servers[0]!);
    result.noMatch = {
      reason: hosts.length
        ? `no virtual host for ${view.host} in route table ${table.name} (it has ${hosts.join(', ')}): no VirtualService bound to these Gateway servers claims this host`
        : `route table ${table.name} has no virtual hosts: no VirtualService binds to ${servers.map((s) => s.gatewayKey).join(', ')} on port ${servers[0]!.port}`,
      envoyResponse: '404 NR',
    };
    return result;
  }
  result.virtualHost = { domain: vh.domain, name: vh.name, virtualServices: vh.virtualServices };
  if (vh.requireTls && view.scheme === 'http') {
    result.gatewayServer = summarize(vh.routes[0]?.server ?? servers[0]!);
    result.redirect = { code: 301, location: `https://${view.host}${view.rawPath}` };
    result.notes.push(`the server has tls.httpsRedirect: Envoy answers every plain-text request for ${vh.domain} with a redirect to https`);
    return result;
  }
  const vsOrder = new Map(vh.routes.map((r) => [r.vsKey, r.order[0]]));
  let winner: RouteEntry | undefined;
  for (const e of vh.routes) {
    const outcome = e.match ? evaluateMatch(e.match, view) : { matched: true, reasons: [] };
    if (outcome.matched) {
      winner = e;
      break;
    }
    pushRejection(result.rejected, e, outcome.reasons);
  }
  // Routes istiod left out of this virtual host, up to the winner.
  const before = (o: [number, number, number]) =>
    !winner || o[0] < winner.order[0] || (o[0] === winner.order[0] && (o[1] < winner.order[1] || (o[1] === winner.order[1] && o[2] < winner.order[2])));
  for (const n of table.notGenerated) {
    if (vsOrder.has(n.virtualService) && before(n.order)) result.rejected.push(rejection(n.virtualService, n.ref, n.reason));
  }
  if (!winner) {
    result.gatewayServer = summarize(vh.routes[0]?.server ?? servers[0]!);
    result.noMatch = {
      reason: vh.routes.length
        ? `none of the ${vh.routes.length} route(s) of virtual host ${vh.name} (${vh.virtualServices.join(', ')}) matches ${view.method} ${view.path}`
        : `virtual host ${vh.name} has no routes`,
      envoyResponse: '404 NR',
    };
    return result;
  }
  result.gatewayServer = summarize(winner.server);
  result.virtualService = winner.vsKey;
  result.route = winner.ref.label;
  result.routeRef = winner.ref;
  result.matchedBecause = explainMatch(winner.match, view);
  const r = winner.route;
  const redirect = applyRedirect(r, winner.match, view, winner.server.port);
  if (redirect) result.redirect = redirect;
  else if (r.directResponse) {
    result.directResponse = { status: r.directResponse.status };
    if (r.directResponse.body?.string !== undefined) result.directResponse.body = r.directResponse.body.string;
  } else {
    result.destinations = resolveDestinations(r.route ?? [], {
      snapshot,
      vsNamespace: winner.virtualService.metadata.namespace ?? '',
      listenPort: winner.server.port,
      clientNamespace: proxy.pod.metadata.namespace ?? '',
      ...(proxy.pod.metadata.labels ? { clientLabels: proxy.pod.metadata.labels } : {}),
    });
    const rw = applyRewrite(r, winner.match, view);
    if (rw) result.rewrite = rw;
  }
  const fault = describeFault(r.fault);
  if (fault) result.fault = fault;
  if (opts.random01 !== undefined && result.destinations.length) {
    const i = pickWeighted(
      result.destinations.map((d) => ({ weight: d.weight })),
      opts.random01,
    );
    if (i !== undefined) result.picked = i;
  }
  return result;
}

function routeL4(snapshot: MeshSnapshot, proxy: GatewayProxy, server: BoundServer, decision: L4Decision, result: SimResult, opts: SimulateOptions): SimResult {
  result.gatewayServer = summarize(server);
  result.rejected.push(...decision.rejected.map((r) => rejection(r.virtualService, r.route, r.reason)));
  result.notes.push(...decision.notes);
  if (!decision.destinations) {
    result.noMatch = { reason: decision.noMatch ?? 'no route', envoyResponse: 'connection closed (NR)' };
    return result;
  }
  if (decision.virtualService) result.virtualService = objectKey(decision.virtualService);
  if (decision.route) {
    result.route = decision.route.label;
    result.routeRef = decision.route;
  }
  result.destinations = resolveDestinations(decision.destinations, {
    snapshot,
    vsNamespace: decision.virtualService?.metadata.namespace ?? proxy.pod.metadata.namespace ?? '',
    listenPort: server.port,
    clientNamespace: proxy.pod.metadata.namespace ?? '',
    ...(proxy.pod.metadata.labels ? { clientLabels: proxy.pod.metadata.labels } : {}),
  });
  if (opts.random01 !== undefined) {
    const i = pickWeighted(result.destinations, opts.random01);
    if (i !== undefined) result.picked = i;
  }
  return result;
}

function routeTls(snapshot: MeshSnapshot, proxy: GatewayProxy, listener: Listener, req: SimRequest, sni: string | undefined, result: SimResult, opts: SimulateOptions): SimResult {
  const idx = selectServerNameChain(listener.tls.map(serverSniHosts), sni);
  if (idx === undefined) {
    const plain = listener.http.length ? 'an HTTP (plain-text) server' : listener.tcp ? 'a plain TCP server' : 'no server';
    result.noMatch = {
      reason: listener.tls.length
        ? `no TLS server on pod port ${listener.port} accepts SNI ${sni ?? '(none)'} (servers: ${listener.tls.map((s) => serverSniHosts(s).join(', ')).join(' | ')})`
        : `pod port ${listener.port} has ${plain}, not a TLS server: the TLS handshake fails`,
      envoyResponse: 'connection closed (NR)',
    };
    if (listener.tls.length === 0 && (listener.http[0] ?? listener.tcp)) result.gatewayServer = summarize((listener.http[0] ?? listener.tcp)!);
    return result;
  }
  const server = listener.tls[idx]!;
  if (server.kind === 'https') {
    if (req.protocol === 'TLS') result.notes.push(`server ${server.id} terminates TLS and expects HTTP inside`);
    const view = requestView(req, 'https');
    const name = `https.${server.port}.${server.server.port.name}.${server.gateway.metadata.name}.${server.gateway.metadata.namespace ?? ''}`;
    return routeHttp(snapshot, proxy, [server], name, view, result, opts);
  }
  if (server.kind === 'tls-passthrough') {
    if (server.server.tls?.mode === 'AUTO_PASSTHROUGH') {
      const d = parseAutoPassthroughSni(sni);
      const decision: L4Decision = d
        ? { rejected: [], notes: ['AUTO_PASSTHROUGH: the SNI names the destination cluster'], destinations: [d] }
        : { rejected: [], notes: [], noMatch: `SNI ${sni ?? '(none)'} is not an Istio cluster name (outbound_.PORT_.SUBSET_.HOST), which AUTO_PASSTHROUGH servers require` };
      return routeL4(snapshot, proxy, server, decision, result, opts);
    }
    return routeL4(snapshot, proxy, server, decideTlsPassthrough(snapshot, proxy, server, sni), result, opts);
  }
  return routeL4(snapshot, proxy, server, decideTcp(snapshot, proxy, server), result, opts);
}

/**
 * Simulates one request at the ingress gateway.
 *
 * @example simulateRequest(snapshot, { host: 'web.example.com', path: '/v1' }).route // 'v1'
 */
export function simulateRequest(snapshot: MeshSnapshot, req: SimRequest, opts: SimulateOptions = {}): SimResult {
  const result: SimResult = { destinations: [], rejected: [], notes: [] };
  const protocol = req.protocol ?? 'HTTP';
  const tls = protocol === 'HTTPS' || protocol === 'TLS';
  const authority = splitAuthority(req.host);
  const port = req.port ?? authority.port ?? (tls ? 443 : 80);
  const pod = choosePod(snapshot, opts.gatewayPod);
  if (!pod) {
    result.noMatch = { reason: 'no gateway pod: no pod is selected by a Gateway or runs the Istio proxy in router mode', envoyResponse: 'connection refused' };
    return result;
  }
  result.gatewayPod = objectKey(pod);
  if (!isPodReady(pod)) result.notes.push(`gateway pod ${result.gatewayPod} is not ready: the gateway Service sends it no traffic`);
  const proxy = buildGatewayProxy(snapshot, pod);
  if (proxy.gateways.length === 0) {
    result.noMatch = { reason: `no Gateway selects pod ${result.gatewayPod}`, envoyResponse: 'connection refused' };
    return result;
  }
  const entry = resolveEntry(snapshot, pod, port, proxy);
  if (!entry) {
    const ports = servicesSelectingPod(snapshot.services, pod).flatMap((s) => (s.spec?.ports ?? []).map((p) => `${p.port}${p.nodePort ? `/${p.nodePort}` : ''}`));
    result.noMatch = {
      reason: `port ${port} is neither a port nor a NodePort of the gateway Service${ports.length ? ` (${ports.join(', ')})` : ''}, nor a port the gateway pod listens on`,
      envoyResponse: 'connection refused',
    };
    return result;
  }
  result.entry = entry;
  const listener = proxy.listeners.get(entry.listenerPort);
  for (const s of proxy.skipped) if (s.server.listenerPort === entry.listenerPort) result.notes.push(`${s.server.id}: ${s.reason}`);
  if (!listener) {
    const via = entry.service ? ` (Service ${entry.service} port ${entry.servicePort} → pod port ${entry.listenerPort})` : '';
    result.noMatch = { reason: `no Gateway server listens on pod port ${entry.listenerPort}${via}: the connection is refused`, envoyResponse: 'connection refused' };
    return result;
  }
  if (tls) return routeTls(snapshot, proxy, listener, req, req.sni ?? authority.host, result, opts);
  if (listener.http.length) {
    if (protocol === 'TCP') result.notes.push(`pod port ${listener.port} speaks HTTP; the bytes are parsed as HTTP`);
    return routeHttp(snapshot, proxy, listener.http, `http.${listener.port}`, requestView(req, 'http'), result, opts);
  }
  if (listener.tcp) return routeL4(snapshot, proxy, listener.tcp, decideTcp(snapshot, proxy, listener.tcp), result, opts);
  result.noMatch = {
    reason: `pod port ${listener.port} has only TLS servers (${listener.tls.map((s) => s.id).join(', ')}); a plain-text connection matches no filter chain`,
    envoyResponse: 'connection closed (NR)',
  };
  return result;
}
