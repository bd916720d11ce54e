/**
 * Route destinations → Envoy clusters → Services, subsets and pods, as seen from one gateway pod:
 * the host is resolved in the VirtualService's namespace, the port defaults as
 * `route.GetDestinationCluster` does, the subset is looked up in the DestinationRule that applies
 * to the gateway's namespace, and the endpoints are the Service's ready pods carrying the subset's
 * labels, each with the container port the Service's `targetPort` resolves to.
 */
import { objectKey } from '../kube/object';
import {
  clusterName,
  destinationFQDN,
  destinationPort,
  findDestinationRule,
  findServiceByHost,
  findSubset,
  podsForSubset,
  podsSelectedByService,
  serviceEndpoints,
  servicePort,
  subsetNames,
  type Endpoint,
} from '../istio/refs';
import type { MeshSnapshot } from '../istio/snapshot';
import type { Destination } from '../istio/types';
import { normalizeWeights } from './weights';

/** One destination of the matched route. */
export interface SimDestination {
  /** `destination.host` as written. */
  host: string;
  /** The host resolved to an FQDN. */
  fqdn: string;
  port: number;
  subset?: string;
  /** Share of the route's traffic in percent. */
  weight: number;
  /** `weight` as configured (absent for a lone destination without one). */
  configuredWeight?: number;
  /** Envoy's cluster: `outbound|80|v1|web-service.default.svc.cluster.local`. */
  cluster: string;
  /** `namespace/name` of the Service, when the host is one. */
  service?: string;
  /** `namespace/name` of the DestinationRule that defines the subset (or applies to the host). */
  destinationRule?: string;
  /** The Service's endpoints for this port and subset (ready or not). */
  pods: Endpoint[];
  /** Why requests to this destination fail, in words. */
  problem?: string;
  /** The stage the problem belongs to. */
  problemStage?: 'service' | 'subset' | 'pod';
  /** What Envoy answers when it picks this destination and it is broken (`503 NC`: no cluster, `503 UH`: no healthy endpoint). */
  envoyResponse?: '503 NC' | '503 UH';
}

export interface DestinationContext {
  snapshot: MeshSnapshot;
  /** The VirtualService's namespace (short hosts resolve there). */
  vsNamespace: string;
  /** The gateway server's port (default destination port). */
  listenPort: number;
  /** The gateway pod: its namespace selects DestinationRules. */
  clientNamespace: string;
  clientLabels?: Record<string, string>;
}

/** Resolves one destination (weight filled in by `resolveDestinations`). */
export function resolveDestination(dest: Destination, ctx: DestinationContext): Omit<SimDestination, 'weight'> {
  const s = ctx.snapshot;
  const opts = { rootNamespace: s.rootNamespace, clusterDomain: s.clusterDomain };
  const fqdn = destinationFQDN(dest, ctx.vsNamespace, opts);
  const service = findServiceByHost(s.services, fqdn, opts);
  const port = destinationPort(dest, service, ctx.listenPort);
  const out: Omit<SimDestination, 'weight'> = { host: dest.host, fqdn, port, cluster: clusterName(fqdn, port, dest.subset), pods: [] };
  if (dest.subset) out.subset = dest.subset;
  if (!service) {
    out.problem =
      fqdn === dest.host && dest.host.split('.').length === 2
        ? `host ${dest.host} is not a Service: Istio does not expand names with a dot, write ${dest.host}.svc.${s.clusterDomain ?? 'cluster.local'} or the short name`
        : `no Service ${fqdn} exists`;
    out.problemStage = 'service';
    out.envoyResponse = '503 NC';
    return out;
  }
  out.service = objectKey(service);
  const sp = servicePort(service, port);
  const drMatch = findDestinationRule(s.destinationRules, fqdn, {
    ...opts,
    clientNamespace: ctx.clientNamespace,
    ...(ctx.clientLabels ? { clientLabels: ctx.clientLabels } : {}),
    serviceNamespace: service.metadata.namespace ?? '',
  });
  if (drMatch) out.destinationRule = objectKey(drMatch.rules[0]!);
  if (!sp) {
    const ports = (service.spec?.ports ?? []).map((p) => p.port).join(', ') || 'none';
    out.problem = `Service ${out.service} has no port ${port} (its ports: ${ports})`;
    out.problemStage = 'service';
    out.envoyResponse = '503 NC';
    return out;
  }
  let subset;
  if (dest.subset) {
    const found = findSubset(drMatch, dest.subset);
    if (!found) {
      const known = subsetNames(drMatch);
      out.problem = drMatch
        ? `subset ${dest.subset} is not defined in DestinationRule ${out.destinationRule}${known.length ? ` (it defines ${known.join(', ')})` : ''}`
        : `subset ${dest.subset} is not defined: no DestinationRule for ${fqdn} applies to the gateway`;
      out.problemStage = 'subset';
      out.envoyResponse = '503 NC';
      return out;
    }
    subset = found.subset;
    out.destinationRule = objectKey(found.rule);
  }
  if (!service.spec?.selector || Object.keys(service.spec.selector).length === 0) {
    out.problem = `Service ${out.service} has no selector: its endpoints are managed outside Kubernetes' Endpoints controller and are not shown`;
    out.problemStage = 'service';
    return out;
  }
  const selected = new Set(podsForSubset(podsSelectedByService(service, s.pods), subset).map((p) => objectKey(p)));
  out.pods = serviceEndpoints(service, sp, s.pods).filter((e) => selected.has(e.pod));
  if (out.pods.length === 0) {
    out.problem = subset ? `subset ${dest.subset} selects no pods of Service ${out.service}` : `Service ${out.service} selects no pods`;
    out.problemStage = subset ? 'subset' : 'service';
    out.envoyResponse = '503 UH';
  } else if (!out.pods.some((e) => e.ready)) {
    out.problem = `none of the ${out.pods.length} pod(s) of ${subset ? `subset ${dest.subset}` : `Service ${out.service}`} is ready`;
    out.problemStage = 'pod';
    out.envoyResponse = '503 UH';
  }
  return out;
}

/**
 * Resolves a route's destinations with their traffic shares. Destinations with weight 0 next to
 * others are kept (weight 0) so the user sees them, although Istio leaves them out.
 */
export function resolveDestinations(route: ReadonlyArray<{ destination: Destination; weight?: number }>, ctx: DestinationContext): SimDestination[] {
  return normalizeWeights(route).map((d) => {
    const r: SimDestination = { ...resolveDestination(d.destination, ctx), weight: d.percent };
    if (d.weight !== undefined) r.configuredWeight = d.weight;
    return r;
  });
}
