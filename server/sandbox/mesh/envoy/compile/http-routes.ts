/**
 * RDS for a gateway: one RouteConfiguration per route name, as pilot's buildGatewayHTTPRouteConfig
 * (pilot/pkg/networking/core/gateway.go): virtual hosts `host:port` per intersecting host, routes of
 * every VirtualService bound to the server's gateway merged per host, catch-all routes last,
 * httpsRedirect as require_tls, duplicate route lists collapsed, a `blackhole:port` vhost when
 * nothing is bound.
 */
import { TYPE } from '../constants';
import type { Route, RouteConfiguration, VirtualHost } from '../types';
import type { ConfigIndex, VirtualServiceModel } from './config-index';
import { hostIntersection, namesForNamespace } from './hosts';
import type { MergedGateway } from './merge-gateways';
import { buildRoutesForVirtualService, sortVHostRoutes, type RouteContext } from './route-translate';

export const MAX_DIRECT_RESPONSE_BODY_SIZE_BYTES = 1048576;

export function buildGatewayRouteConfig(routeName: string, merged: MergedGateway, index: ConfigIndex, ctx: RouteContext): RouteConfiguration {
  const servers = merged.serversByRouteName.get(routeName);
  const base = { '@type': TYPE.routeConfiguration, name: routeName };
  if (!servers || servers.length === 0) return { ...base, virtual_hosts: [], validate_clusters: false };

  const cache = new Map<string, Route[] | null>();
  const vhosts = new Map<string, VirtualHost>();
  for (const server of servers) {
    const port = server.port.number;
    const vses: VirtualServiceModel[] = index.forGateway(server.gateway);
    for (const vs of vses) {
      const serverHosts = namesForNamespace(server.hosts, vs.namespace);
      const hosts = hostIntersection(serverHosts, vs.hosts);
      if (hosts.length === 0) continue;
      const key = `${server.gateway}|${vs.namespace}/${vs.name}`;
      let routes = cache.get(key);
      if (routes === undefined) {
        const built = buildRoutesForVirtualService(ctx, vs, port, new Set([server.gateway]), !!server.tls);
        routes = built.length > 0 ? built : null; // pilot: "no routes matched" → VirtualService omitted
        cache.set(key, routes);
      }
      if (!routes) continue;
      for (const h of hosts) {
        const hostname = h.toLowerCase();
        const existing = vhosts.get(hostname);
        if (existing) {
          existing.routes!.push(...routes);
          if (server.tls?.httpsRedirect) existing.require_tls = 'ALL';
        } else {
          const vh: VirtualHost = { name: `${hostname}:${port}`, domains: [hostname], routes: [...routes] };
          if (server.tls?.httpsRedirect) vh.require_tls = 'ALL';
          vh.include_request_attempt_count = true;
          vhosts.set(hostname, vh);
        }
      }
    }
    if (server.tls?.httpsRedirect) {
      for (const raw of server.hosts) {
        const hostname = (raw.includes('/') ? raw.split('/')[1]! : raw).toLowerCase();
        const existing = vhosts.get(hostname);
        if (existing) {
          existing.require_tls = 'ALL';
          continue;
        }
        vhosts.set(hostname, { name: `${hostname}:${port}`, domains: [hostname], require_tls: 'ALL', include_request_attempt_count: true });
      }
    }
  }

  let virtualHosts: VirtualHost[];
  if (vhosts.size === 0) {
    virtualHosts = [{ name: `blackhole:${servers[0]!.port.number}`, domains: ['*'], routes: [] }];
  } else {
    virtualHosts = collapseDuplicateRoutes(vhosts).map((vh) => orderVirtualHost({ ...vh, routes: vh.routes ? sortVHostRoutes(vh.routes) : undefined }));
  }
  virtualHosts.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    ...base,
    virtual_hosts: virtualHosts,
    validate_clusters: false,
    max_direct_response_body_size_bytes: MAX_DIRECT_RESPONSE_BODY_SIZE_BYTES,
    ignore_port_in_host_matching: true,
  };
}

function orderVirtualHost(vh: VirtualHost): VirtualHost {
  const out: VirtualHost = { name: vh.name, domains: vh.domains };
  if (vh.routes) out.routes = vh.routes;
  if (vh.require_tls) out.require_tls = vh.require_tls;
  if (vh.include_request_attempt_count) out.include_request_attempt_count = true;
  return out;
}

/** Vhosts whose route lists are the very same routes (one VirtualService, several hosts) become one vhost. */
function collapseDuplicateRoutes(input: Map<string, VirtualHost>): VirtualHost[] {
  const keys = [...input.keys()].sort();
  const out: VirtualHost[] = [];
  for (const k of keys) {
    const vh = input.get(k)!;
    const twin = out.find(
      (o) =>
        o.require_tls === vh.require_tls &&
        o.include_request_attempt_count === vh.include_request_attempt_count &&
        (o.routes?.length ?? -1) === (vh.routes?.length ?? -1) &&
        (o.routes ?? []).every((r, i) => r === vh.routes![i]),
    );
    if (twin) twin.domains = [...twin.domains, ...vh.domains];
    else out.push({ ...vh, domains: [...vh.domains] });
  }
  return out;
}
