/**
 * Questions a drift check asks of a parsed config_dump: is listener `0.0.0.0_8080` there, which
 * virtual host of route configuration `http.8080` serves `web.example.com`, which routes came from
 * VirtualService `default/web-service`, where do they send traffic, and does cluster
 * `outbound|80|v2|web-service.default.svc.cluster.local` have healthy endpoints.
 */
import type { ClusterModel, ConfigDumpModel, EndpointModel, ListenerModel, RouteConfigModel, RouteModel, VirtualHostModel, WeightedClusterModel } from './config-dump';
import type { ListenerState } from './listener-model';
import { routeDestinations } from './route-model';

export function findListener(model: ConfigDumpModel, name: string, state: ListenerState = 'active'): ListenerModel | undefined {
  return model.listeners.find((l) => l.name === name && l.state === state);
}

/** Active listeners bound to `port` (any address). */
export function listenersOnPort(model: ConfigDumpModel, port: number): ListenerModel[] {
  return model.listeners.filter((l) => l.state === 'active' && l.port === port);
}

/** A route configuration by name: RDS ones first, then those inline in listeners. */
export function findRouteConfig(model: ConfigDumpModel, name: string): RouteConfigModel | undefined {
  const rds = model.routeConfigs.find((r) => r.name === name);
  if (rds) return rds;
  for (const l of model.listeners) {
    for (const fc of l.filterChains) if (fc.http?.routeConfig?.name === name) return fc.http.routeConfig;
  }
  return undefined;
}

/** Virtual hosts that list `domain` literally (`web.example.com`, `web.example.com:*`), case-insensitively. */
export function virtualHostsWithDomain(rc: RouteConfigModel, domain: string): VirtualHostModel[] {
  const d = domain.toLowerCase();
  return rc.virtualHosts.filter((vh) => vh.domains.some((x) => x.toLowerCase() === d));
}

/**
 * The virtual host Envoy picks for a request's Host (`:authority`) header: exact domain, then the
 * longest `*.suffix` wildcard, then the longest `prefix*` wildcard (this is how `host:*` matches any
 * port), then `*`. Wildcards match at least one character. With `ignore_port_in_host_matching`
 * the port is removed from the host first.
 */
export function selectVirtualHost(rc: RouteConfigModel, hostHeader: string): VirtualHostModel | undefined {
  let host = hostHeader.toLowerCase();
  if (rc.ignorePortInHostMatching) {
    const m = /^(\[[^\]]*\]|[^:]*)(:\d+)?$/.exec(host);
    if (m) host = m[1]!;
  }
  // The virtual host whose domain passes `test` with the largest score (-1: no match).
  const pick = (test: (d: string) => number): VirtualHostModel | undefined => {
    let best: { vh: VirtualHostModel; score: number } | undefined;
    for (const vh of rc.virtualHosts) {
      for (const d of vh.domains) {
        const score = test(d.toLowerCase());
        if (score >= 0 && (!best || score > best.score)) best = { vh, score };
      }
    }
    return best?.vh;
  };
  return (
    pick((d) => (d === host ? 0 : -1)) ??
    pick((d) => (d.length > 1 && d.startsWith('*') && host.length > d.length - 1 && host.endsWith(d.slice(1)) ? d.length : -1)) ??
    pick((d) => (d.length > 1 && d.endsWith('*') && host.length > d.length - 1 && host.startsWith(d.slice(0, -1)) ? d.length : -1)) ??
    rc.virtualHosts.find((vh) => vh.domains.includes('*'))
  );
}

export interface RouteLocation {
  routeConfig: RouteConfigModel;
  virtualHost: VirtualHostModel;
  route: RouteModel;
  /** Index of the route within its virtual host (Envoy evaluates routes in order). */
  index: number;
}

/** Every route (RDS and inline) for which `predicate` holds. */
export function findRoutes(model: ConfigDumpModel, predicate: (r: RouteModel, vh: VirtualHostModel, rc: RouteConfigModel) => boolean): RouteLocation[] {
  const out: RouteLocation[] = [];
  const visit = (rc: RouteConfigModel): void => {
    for (const vh of rc.virtualHosts) vh.routes.forEach((route, index) => predicate(route, vh, rc) && out.push({ routeConfig: rc, virtualHost: vh, route, index }));
  };
  model.routeConfigs.forEach(visit);
  for (const l of model.listeners) for (const fc of l.filterChains) if (fc.http?.routeConfig) visit(fc.http.routeConfig);
  return out;
}

/**
 * Routes Istio generated from one config object, by `filter_metadata.istio.config`
 * (`kind` as in the path: `virtual-service`, `http-route`, …).
 */
export function routesFromIstioConfig(model: ConfigDumpModel, ref: { kind?: string; namespace: string; name: string }): RouteLocation[] {
  return findRoutes(
    model,
    (r) => r.istioConfig?.namespace === ref.namespace && r.istioConfig?.name === ref.name && (ref.kind === undefined || r.istioConfig?.kind === ref.kind),
  );
}

/** True when `route` sends traffic to exactly these (cluster, weight) pairs, in any order. */
export function hasDestinations(route: RouteModel, expected: readonly WeightedClusterModel[]): boolean {
  const key = (d: WeightedClusterModel): string => `${d.name}\u0000${d.weight}`;
  const got = routeDestinations(route).map(key).sort();
  const want = expected.map(key).sort();
  return got.length === want.length && got.every((g, i) => g === want[i]);
}

export function findCluster(model: ConfigDumpModel, name: string): ClusterModel | undefined {
  return model.clusters.find((c) => c.name === name && c.state === 'active') ?? model.clusters.find((c) => c.name === name);
}

/**
 * The endpoints Envoy has for a cluster: its EDS assignment (looked up by `eds_cluster_config.service_name`
 * or the cluster name), else the endpoints carried inline in the cluster. undefined when neither is known.
 */
export function endpointsOf(model: ConfigDumpModel, clusterName: string): EndpointModel[] | undefined {
  const cluster = findCluster(model, clusterName);
  const edsName = cluster?.edsServiceName || clusterName;
  const eds = model.endpoints.find((e) => e.clusterName === edsName) ?? model.endpoints.find((e) => e.clusterName === clusterName);
  if (eds) return eds.endpoints;
  return cluster?.inlineEndpoints;
}

export function healthyEndpoints(model: ConfigDumpModel, clusterName: string): EndpointModel[] {
  return (endpointsOf(model, clusterName) ?? []).filter((e) => e.healthy);
}
