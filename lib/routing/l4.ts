/**
 * TCP and TLS (passthrough) routing at a gateway (`buildGatewayNetworkFiltersFromTCPRoutes`,
 * `buildGatewayNetworkFiltersFromTLSRoutes`, `l4SingleMatch`):
 *
 * - the VirtualServices bound to the server's Gateway whose hosts overlap the server's hosts
 *   are tried in Istio's order; the first `tcp[]` route whose match list is empty or has a match
 *   with a matching `port` (the server's port) and `gateways` wins — the whole connection goes
 *   to its destinations;
 * - TLS passthrough: every `tls[]` match that passes the same checks becomes a filter chain
 *   keyed by its `sniHosts`; Envoy picks the chain by the client's SNI (exact, then the longest
 *   wildcard); a chain whose SNI names were already used on the port is skipped;
 * - `sourceLabels`, `sourceNamespace` and `destinationSubnets` are **not** evaluated for TCP and
 *   TLS routes at a gateway.
 */
import { objectKey } from '../kube/object';
import { selectServerNameChain } from '../istio/host';
import { resolveGatewayRef, type MeshOptions } from '../istio/refs';
import type { MeshSnapshot } from '../istio/snapshot';
import type { L4MatchAttributes, RouteDestination, TLSMatchAttributes, VirtualService } from '../istio/types';
import { l4BindingHosts, virtualServicesForGateway } from './bindings';
import type { BoundServer, GatewayProxy } from './gateway-proxy';
import { routeLabel, type RouteRef } from './route-table';

export interface L4Rejection {
  virtualService: string;
  route: RouteRef;
  reason: string;
}

export interface L4Decision {
  virtualService?: VirtualService;
  route?: RouteRef;
  destinations?: readonly RouteDestination[];
  rejected: L4Rejection[];
  notes: string[];
  /** Set when no route takes the connection. */
  noMatch?: string;
}

const ignoredFields = (m: L4MatchAttributes | TLSMatchAttributes): string[] =>
  (['sourceLabels', 'sourceNamespace', 'destinationSubnets', 'sourceSubnet'] as const).filter((k) => {
    const v = (m as Record<string, unknown>)[k];
    return v !== undefined && !(Array.isArray(v) && v.length === 0) && !(typeof v === 'object' && v !== null && Object.keys(v).length === 0);
  });

/** Why an L4 match does not apply to this server (port and gateways only), or undefined. */
function l4Problem(m: L4MatchAttributes | TLSMatchAttributes, server: BoundServer, vsNamespace: string): string | undefined {
  if (m.port && m.port !== server.port) return `port ${m.port} is not the port ${server.port} of this Gateway server`;
  if (m.gateways?.length) {
    const keys = m.gateways.map((g) => resolveGatewayRef(g, vsNamespace).key);
    if (!keys.includes(server.gatewayKey)) return `its match is limited to gateways ${keys.join(', ')}, which do not include ${server.gatewayKey}`;
  }
  return undefined;
}

export function boundL4(snapshot: MeshSnapshot, proxy: GatewayProxy, server: BoundServer): VirtualService[] {
  const opts: MeshOptions = { clusterDomain: snapshot.clusterDomain };
  return virtualServicesForGateway(snapshot.virtualServices, server.gatewayKey, proxy.pod.metadata.namespace ?? '').filter(
    (vs) => l4BindingHosts(server, vs, opts).length > 0,
  );
}

/** The TCP route that takes a connection on a TCP server (TLS terminated or not). */
export function decideTcp(snapshot: MeshSnapshot, proxy: GatewayProxy, server: BoundServer): L4Decision {
  const out: L4Decision = { rejected: [], notes: [] };
  for (const vs of boundL4(snapshot, proxy, server)) {
    const vsKey = objectKey(vs);
    const ns = vs.metadata.namespace ?? '';
    for (const [i, tcp] of (vs.spec?.tcp ?? []).entries()) {
      const ref: RouteRef = { kind: 'tcp', index: i, label: routeLabel('tcp', i) };
      const matches = tcp.match ?? [];
      const problems = matches.map((m) => l4Problem(m, server, ns));
      const hit = matches.length === 0 ? -1 : problems.findIndex((p) => p === undefined);
      if (matches.length > 0 && hit < 0) {
        const reason = problems.map((p, j) => (matches.length > 1 ? `match[${j}]: ${p}` : p)).join('; ');
        out.rejected.push({ virtualService: vsKey, route: ref, reason });
        continue;
      }
      if (!tcp.route?.length) {
        out.rejected.push({ virtualService: vsKey, route: ref, reason: 'it has no destinations' });
        continue;
      }
      if (hit >= 0) {
        ref.match = hit;
        const ignored = ignoredFields(matches[hit]!);
        if (ignored.length) out.notes.push(`${vsKey} tcp[${i}]: ${ignored.join(', ')} are not evaluated for TCP routes at a gateway`);
      }
      return { ...out, virtualService: vs, route: ref, destinations: tcp.route };
    }
  }
  out.noMatch = `no VirtualService bound to Gateway ${server.gatewayKey} has a tcp route for port ${server.port}; Envoy closes the connection`;
  return out;
}

/** One filter chain of a TLS passthrough server: a `tls[].match[]` with its SNI names. */
export interface TlsChain {
  virtualService: VirtualService;
  route: RouteRef;
  sniHosts: string[];
  destinations: readonly RouteDestination[];
}

/**
 * The filter chains the bound VirtualServices' `tls` routes produce on a passthrough server, in
 * Istio's order, and the matches that produce none.
 */
export function tlsChains(snapshot: MeshSnapshot, proxy: GatewayProxy, server: BoundServer): { chains: TlsChain[]; rejected: L4Rejection[] } {
  const chains: TlsChain[] = [];
  const rejected: L4Rejection[] = [];
  const known = new Set<string>();
  for (const vs of boundL4(snapshot, proxy, server)) {
    const vsKey = objectKey(vs);
    const ns = vs.metadata.namespace ?? '';
    for (const [i, tls] of (vs.spec?.tls ?? []).entries()) {
      if (!tls.route?.length) continue;
      for (const [j, m] of (tls.match ?? []).entries()) {
        const ref: RouteRef = { kind: 'tls', index: i, match: j, label: routeLabel('tls', i) };
        const p = l4Problem(m, server, ns);
        if (p) {
          rejected.push({ virtualService: vsKey, route: ref, reason: p });
          continue;
        }
        const dup = m.sniHosts.filter((h) => known.has(h));
        if (dup.length) {
          rejected.push({ virtualService: vsKey, route: ref, reason: `SNI ${dup.join(', ')} is already routed by an earlier tls route on this port; Istio skips this one` });
          continue;
        }
        m.sniHosts.forEach((h) => known.add(h));
        chains.push({ virtualService: vs, route: ref, sniHosts: m.sniHosts, destinations: tls.route });
      }
    }
  }
  return { chains, rejected };
}

/**
 * The TLS route that takes a passthrough connection, chosen by SNI among all filter chains the
 * bound VirtualServices produce.
 */
export function decideTlsPassthrough(snapshot: MeshSnapshot, proxy: GatewayProxy, server: BoundServer, sni: string | undefined): L4Decision {
  const { chains, rejected } = tlsChains(snapshot, proxy, server);
  const out: L4Decision = { rejected, notes: [] };
  const idx = selectServerNameChain(
    chains.map((c) => c.sniHosts),
    sni,
  );
  const miss = (c: TlsChain): L4Rejection => ({ virtualService: objectKey(c.virtualService), route: c.route, reason: `sniHosts ${c.sniHosts.join(', ')} do not match SNI ${sni ?? '(none)'}` });
  if (idx === undefined) {
    out.rejected.push(...chains.map(miss));
    out.noMatch = chains.length
      ? `no tls route on port ${server.port} has sniHosts matching SNI ${sni ?? '(none)'}; Envoy closes the connection`
      : `no VirtualService bound to Gateway ${server.gatewayKey} has a tls route for port ${server.port}; Envoy closes the connection`;
    return out;
  }
  const c = chains[idx]!;
  out.rejected.push(...chains.slice(0, idx).map(miss));
  return { ...out, virtualService: c.virtualService, route: c.route, destinations: c.destinations };
}

/**
 * AUTO_PASSTHROUGH: the SNI names the cluster (`outbound_.8080_.v1_.reviews.default.svc.cluster.local`).
 *
 * @returns the destination, or undefined when the SNI is not of that form.
 */
export function parseAutoPassthroughSni(sni: string | undefined): RouteDestination | undefined {
  const m = /^outbound_\.(\d+)_\.([^_]*)_\.(.+)$/.exec(sni ?? '');
  if (!m) return undefined;
  const destination: RouteDestination['destination'] = { host: m[3]!, port: { number: Number(m[1]) } };
  if (m[2]) destination.subset = m[2];
  return { destination };
}
