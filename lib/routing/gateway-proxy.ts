/**
 * What istiod configures on one gateway pod (`PushContext.mergeGateways` and `mergeGateways` in
 * `pilot/pkg/model/gateway.go`): the Gateways that select it, their servers translated from the
 * gateway Service's port to the pod's port (`80` → `8080`), and the listeners those servers end
 * up in, with the servers istiod drops because they conflict with an earlier one.
 *
 * Not modelled: `bind` (all servers are taken to share the wildcard address), QUIC/HTTP3, and the
 * Gateway API's generated Gateways.
 */
import { resolveTargetPort, type Pod, type Service, type ServicePort } from '../kube/core';
import { objectKey } from '../kube/object';
import { matchesLabels } from '../kube/selector';
import { parseServerHost, sniHostsForServer, type ServerHost } from '../istio/host';
import { sortByCreation } from '../istio/refs';
import type { MeshSnapshot } from '../istio/snapshot';
import { isHTTPProtocol, serverKind, type Gateway, type Server, type ServerKind } from '../istio/types';

/** Services carrying this label opt out of gateway port translation. */
export const DISABLE_PORT_TRANSLATION_LABEL = 'networking.istio.io/disable-gateway-port-translation';

/** One server block of a Gateway, as bound to a gateway pod. */
export interface BoundServer {
  /** `namespace/name#index` (index in `spec.servers`). */
  id: string;
  gateway: Gateway;
  gatewayKey: string;
  index: number;
  server: Server;
  kind: ServerKind;
  /** `server.port.number`: the gateway Service port it is written for. */
  port: number;
  /** The pod port Envoy listens on (the Service's `targetPort`, or `port` when no Service port has that number). */
  listenerPort: number;
  /** The gateway Service port that exposes it, when there is one. */
  exposedBy?: { service: string; port: ServicePort };
  hosts: ServerHost[];
}

export interface SkippedServer {
  server: BoundServer;
  reason: string;
}

/** One Envoy listener of the gateway pod (`0.0.0.0_8080`). */
export interface Listener {
  port: number;
  /** Plain-text HTTP servers, merged into one route table `http.<port>`. */
  http: BoundServer[];
  /** The plain-text TCP server (opaque TCP: one filter chain). */
  tcp?: BoundServer;
  /** TLS servers (HTTPS terminated, TLS passthrough, TCP behind TLS), one filter chain each, chosen by SNI. */
  tls: BoundServer[];
}

export interface GatewayProxy {
  pod: Pod;
  podKey: string;
  /** Gateways selecting the pod, oldest first (Istio's order). */
  gateways: Gateway[];
  servers: BoundServer[];
  listeners: Map<number, Listener>;
  skipped: SkippedServer[];
}

/** Whether a Gateway configures this pod: its `selector` labels are a subset of the pod's; no selector: every gateway pod. */
export function gatewaySelectsPod(gateway: Gateway, pod: Pod): boolean {
  return matchesLabels(gateway.spec?.selector, pod.metadata.labels);
}

/** An Istio proxy started in router mode (`pilot-agent proxy router`): a gateway. */
export function isRouterPod(pod: Pod): boolean {
  return (pod.spec?.containers ?? []).some((c) => (c.args ?? [])[0] === 'proxy' && (c.args ?? []).includes('router'));
}

/**
 * The gateway pods of a snapshot: pods a Gateway with a non-empty selector selects, and pods
 * running the proxy in router mode. Sorted by key.
 */
export function gatewayPods(snapshot: MeshSnapshot): Pod[] {
  const selectors = distinctSelectors(snapshot.gateways);
  return snapshot.pods
    .filter((p) => isRouterPod(p) || selectors.some((sel) => matchesLabels(sel, p.metadata.labels)))
    .sort((a, b) => objectKey(a).localeCompare(objectKey(b)));
}

const selectorsMemo = new WeakMap<readonly Gateway[], { length: number; selectors: Array<Record<string, string>> }>();

/** The distinct non-empty selectors of the Gateways (many Gateways share one), once per array. */
function distinctSelectors(gateways: readonly Gateway[]): Array<Record<string, string>> {
  const hit = selectorsMemo.get(gateways);
  if (hit && hit.length === gateways.length) return hit.selectors;
  const seen = new Map<string, Record<string, string>>();
  for (const g of gateways) {
    const sel = g.spec?.selector ?? {};
    if (Object.keys(sel).length === 0) continue;
    const key = JSON.stringify(Object.entries(sel));
    if (!seen.has(key)) seen.set(key, sel);
  }
  const selectors = [...seen.values()];
  selectorsMemo.set(gateways, { length: gateways.length, selectors });
  return selectors;
}

/** Whether a Service selects a pod: same namespace, a non-empty selector the pod's labels match. */
export function serviceSelectsPod(s: Service, pod: Pod): boolean {
  const sel = s.spec?.selector;
  return (s.metadata.namespace ?? '') === (pod.metadata.namespace ?? '') && !!sel && Object.keys(sel).length > 0 && matchesLabels(sel, pod.metadata.labels);
}

/** Services that select a pod (same namespace), oldest first. */
export function servicesSelectingPod(services: readonly Service[], pod: Pod): Service[] {
  return sortByCreation(services.filter((s) => serviceSelectsPod(s, pod)));
}

/**
 * `resolvePorts` with the legacy label selector: the first Service port numbered like the server
 * gives its targetPort; no such port leaves the number as it is.
 */
export function resolveServerPort(number: number, pod: Pod, services: readonly Service[]): { listenerPort: number; exposedBy?: BoundServer['exposedBy'] } {
  for (const s of services) {
    if (s.metadata.labels?.[DISABLE_PORT_TRANSLATION_LABEL] !== undefined) continue;
    for (const p of s.spec?.ports ?? []) {
      if (p.port !== number) continue;
      const target = resolveTargetPort(p, pod);
      if (target === undefined) continue;
      return { listenerPort: target, exposedBy: { service: objectKey(s), port: p } };
    }
  }
  return { listenerPort: number };
}

/**
 * Everything istiod builds for one gateway pod, in Istio's merge order: Gateways oldest first,
 * servers in order; per listener port, plain-text HTTP servers merge; a TCP server, or an HTTP
 * server after a TCP one (or the reverse), is dropped; TLS servers with a host already used on
 * the port are dropped.
 */
export function buildGatewayProxy(snapshot: MeshSnapshot, pod: Pod): GatewayProxy {
  const gateways = sortByCreation(snapshot.gateways.filter((g) => gatewaySelectsPod(g, pod)));
  const services = servicesSelectingPod(snapshot.services, pod);
  const servers: BoundServer[] = [];
  const skipped: SkippedServer[] = [];
  const listeners = new Map<number, Listener>();
  const plainKind = new Map<number, { kind: 'http' | 'tcp'; first: BoundServer }>();
  const tlsHosts = new Map<number, Map<string, string>>();
  const httpsRoutes = new Set<string>();

  for (const gateway of gateways) {
    const gatewayKey = objectKey(gateway);
    const ns = gateway.metadata.namespace ?? '';
    for (const [index, server] of (gateway.spec?.servers ?? []).entries()) {
      if (!server?.port) continue;
      const { listenerPort, exposedBy } = resolveServerPort(server.port.number, pod, services);
      const b: BoundServer = {
        id: `${gatewayKey}#${index}`,
        gateway,
        gatewayKey,
        index,
        server,
        kind: serverKind(server),
        port: server.port.number,
        listenerPort,
        hosts: (server.hosts ?? []).map((h) => parseServerHost(h, ns)),
      };
      if (exposedBy) b.exposedBy = exposedBy;
      servers.push(b);
      const skip = (reason: string) => skipped.push({ server: b, reason });

      if (server.tls) {
        const known = tlsHosts.get(listenerPort) ?? new Map<string, string>();
        tlsHosts.set(listenerPort, known);
        const dup = (server.hosts ?? []).filter((h) => known.has(h));
        if (dup.length) {
          skip(`host ${dup.join(', ')} is already used by a TLS server of Gateway ${known.get(dup[0]!)} on port ${listenerPort}; Istio skips this server`);
          continue;
        }
        for (const h of server.hosts ?? []) known.set(h, gatewayKey);
      }
      const plain = plainKind.get(listenerPort);
      const listener = listeners.get(listenerPort) ?? { port: listenerPort, http: [], tls: [] };
      const isTLSServer = !!server.tls && !isHTTPProtocol(server.port.protocol);
      const label = (s: BoundServer) => `${s.server.port.protocol} server ${s.index} of Gateway ${s.gatewayKey}`;
      if (plain) {
        if (plain.kind !== 'http' || b.kind !== 'http') {
          skip(`pod port ${listenerPort} already has the ${label(plain.first)}; Istio cannot merge a ${server.port.protocol} server into it and skips this one`);
          continue;
        }
        listener.http.push(b);
      } else if (!isTLSServer) {
        plainKind.set(listenerPort, { kind: b.kind === 'http' ? 'http' : 'tcp', first: b });
        if (b.kind === 'http') listener.http.push(b);
        else listener.tcp = b;
      } else {
        if (b.kind === 'https') {
          const route = `https.${b.port}.${server.port.name}.${gateway.metadata.name}.${ns}`;
          if (httpsRoutes.has(route)) {
            skip(`another HTTPS server of Gateway ${gatewayKey} on port ${b.port} has the port name ${server.port.name}; Istio skips this one`);
            continue;
          }
          httpsRoutes.add(route);
        }
        listener.tls.push(b);
      }
      listeners.set(listenerPort, listener);
    }
  }
  return { pod, podKey: objectKey(pod), gateways, servers, listeners, skipped };
}

/** The SNI names a TLS server's filter chain matches (`*` = any). */
export function serverSniHosts(b: BoundServer): string[] {
  return sniHostsForServer(b.server.hosts ?? []);
}

/** `HTTP 80 · *` style label of a server. */
export function describeServer(b: BoundServer): string {
  const tls = b.server.tls?.mode ? ` (TLS ${b.server.tls.mode})` : b.server.tls?.httpsRedirect ? ' (httpsRedirect)' : '';
  return `${b.server.port.protocol} ${b.port}${tls} · ${(b.server.hosts ?? []).join(', ')}`;
}
