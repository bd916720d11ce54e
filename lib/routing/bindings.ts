/**
 * Which VirtualServices bind to a Gateway server (`PushContext.VirtualServicesForGateway` and the
 * host intersection in `buildGatewayHTTPRouteConfig` / `pickMatchingGatewayHosts`):
 *
 * - the VirtualService names the Gateway in `gateways` (any reference form);
 * - it is visible to the gateway pod's namespace (`exportTo`);
 * - its hosts intersect the server's hosts, counting only server hosts whose namespace part
 *   (`ns/host`) admits the VirtualService's namespace.
 *
 * Order: VirtualServices private to the gateway's namespace, then those exported to it by name,
 * then public ones; each group oldest first (creation time, then name, then namespace).
 */
import { objectKey } from '../kube/object';
import { DEFAULT_CLUSTER_DOMAIN, hostMatches, hostsIntersection, resolveShortname, serverHostsForNamespace } from '../istio/host';
import { isExportedTo, sortByCreation, virtualServiceGateways, type MeshOptions } from '../istio/refs';
import type { VirtualService } from '../istio/types';
import type { BoundServer } from './gateway-proxy';

/** The VirtualService's hosts, short names resolved in its namespace (`ResolveVirtualServiceShortnames`). */
export function virtualServiceHosts(vs: VirtualService, opts: MeshOptions = {}): string[] {
  const ns = vs.metadata.namespace ?? '';
  return (vs.spec?.hosts ?? []).map((h) => resolveShortname(h, ns, opts.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN));
}

/** Whether the VirtualService names the Gateway (`namespace/name`). */
export function namesGateway(vs: VirtualService, gatewayKey: string): boolean {
  return virtualServiceGateways(vs).some((g) => g.key === gatewayKey);
}

/**
 * VirtualServices a Gateway's servers may use on a gateway pod in `proxyNamespace`, in Istio's
 * order. Delegates (VirtualServices without hosts) are never bound directly.
 */
export function virtualServicesForGateway(all: readonly VirtualService[], gatewayKey: string, proxyNamespace: string): VirtualService[] {
  const rank = (vs: VirtualService): number => {
    const ns = vs.metadata.namespace ?? '';
    const e = vs.spec?.exportTo;
    if (!e || e.length === 0 || e.includes('*')) return 2;
    if (ns === proxyNamespace && e.some((x) => x === '.' || x === ns)) return 0;
    return 1;
  };
  return sortByCreation(
    byGateway(all)
      .get(gatewayKey)
      ?.filter((vs) => (vs.spec?.hosts?.length ?? 0) > 0 && namesGateway(vs, gatewayKey) && isExportedTo(vs.spec?.exportTo, vs.metadata.namespace ?? '', proxyNamespace)) ?? [],
  ).sort((a, b) => rank(a) - rank(b));
}

/** VirtualServices by the Gateway keys they name, built once per array (asked once per server). */
const byGatewayMemo = new WeakMap<readonly VirtualService[], { length: number; map: Map<string, VirtualService[]> }>();
function byGateway(all: readonly VirtualService[]): Map<string, VirtualService[]> {
  const hit = byGatewayMemo.get(all);
  if (hit && hit.length === all.length) return hit.map;
  const map = new Map<string, VirtualService[]>();
  for (const vs of all) {
    for (const key of new Set(virtualServiceGateways(vs).map((g) => g.key))) {
      const list = map.get(key);
      if (list) list.push(vs);
      else map.set(key, [vs]);
    }
  }
  byGatewayMemo.set(all, { length: all.length, map });
  return map;
}

/** The virtual-host names a VirtualService gets on an HTTP server (`Names.Intersection`), lower case. */
export function httpBindingHosts(server: BoundServer, vs: VirtualService, opts: MeshOptions = {}): string[] {
  const serverHosts = serverHostsForNamespace(server.server.hosts ?? [], server.gateway.metadata.namespace ?? '', vs.metadata.namespace ?? '');
  return hostsIntersection(serverHosts, virtualServiceHosts(vs, opts)).map((h) => h.toLowerCase());
}

/** `pickMatchingGatewayHosts` (TCP and TLS servers): any VirtualService host overlapping a server host the namespace may use. */
export function l4BindingHosts(server: BoundServer, vs: VirtualService, opts: MeshOptions = {}): string[] {
  const serverHosts = serverHostsForNamespace(server.server.hosts ?? [], server.gateway.metadata.namespace ?? '', vs.metadata.namespace ?? '');
  return virtualServiceHosts(vs, opts).filter((h) => serverHosts.some((s) => hostMatches(s, h)));
}

/** Why a VirtualService that names a Gateway does not bind to one of its servers, in words (undefined: it binds). */
export function bindingProblem(server: BoundServer, vs: VirtualService, proxyNamespace: string, opts: MeshOptions = {}): string | undefined {
  const vsKey = objectKey(vs);
  if (!namesGateway(vs, server.gatewayKey)) return `VirtualService ${vsKey} does not name Gateway ${server.gatewayKey}`;
  if (!isExportedTo(vs.spec?.exportTo, vs.metadata.namespace ?? '', proxyNamespace)) {
    return `VirtualService ${vsKey} is not exported to namespace ${proxyNamespace} of the gateway pod (exportTo: ${(vs.spec?.exportTo ?? []).join(', ')})`;
  }
  const hosts = server.kind === 'http' || server.kind === 'https' ? httpBindingHosts(server, vs, opts) : l4BindingHosts(server, vs, opts);
  if (hosts.length) return undefined;
  const visible = serverHostsForNamespace(server.server.hosts ?? [], server.gateway.metadata.namespace ?? '', vs.metadata.namespace ?? '');
  if (visible.length === 0) {
    return `server hosts ${(server.server.hosts ?? []).join(', ')} of Gateway ${server.gatewayKey} do not admit VirtualServices from namespace ${vs.metadata.namespace ?? ''}`;
  }
  return `hosts ${virtualServiceHosts(vs, opts).join(', ')} of VirtualService ${vsKey} do not match server hosts ${visible.join(', ')} of Gateway ${server.gatewayKey}`;
}
