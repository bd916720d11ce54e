/**
 * The Istio networking config in pilot's PushContext shape: VirtualServices per gateway (hosts and
 * destination hosts resolved to FQDNs), and the DestinationRule that applies to a service host.
 */
import type { StoredObject } from '../../../api/store';
import { RES } from '../constants';
import { hostSubsetOf, resolveGatewayName, resolveShortname } from './hosts';
import { byCreation, specOf, type ObjectSource } from './source';

export interface StringMatch {
  exact?: string;
  prefix?: string;
  regex?: string;
}

export interface HTTPMatchRequest {
  name?: string;
  uri?: StringMatch;
  scheme?: StringMatch;
  method?: StringMatch;
  authority?: StringMatch;
  headers?: Record<string, StringMatch>;
  port?: number;
  sourceLabels?: Record<string, string>;
  gateways?: string[];
  queryParams?: Record<string, StringMatch>;
  ignoreUriCase?: boolean;
  withoutHeaders?: Record<string, StringMatch>;
  sourceNamespace?: string;
  statPrefix?: string;
}

export interface Destination {
  host: string;
  subset?: string;
  port?: { number?: number };
}

export interface Headers {
  request?: { set?: Record<string, string>; add?: Record<string, string>; remove?: string[] };
  response?: { set?: Record<string, string>; add?: Record<string, string>; remove?: string[] };
}

export interface HTTPRouteDestination {
  destination: Destination;
  weight?: number;
  headers?: Headers;
}

export interface HTTPRoute {
  name?: string;
  match?: HTTPMatchRequest[];
  route?: HTTPRouteDestination[];
  redirect?: {
    uri?: string;
    authority?: string;
    port?: number;
    derivePort?: 'FROM_PROTOCOL_DEFAULT' | 'FROM_REQUEST_PORT';
    scheme?: string;
    redirectCode?: number;
  };
  directResponse?: { status: number; body?: { string?: string; bytes?: string } };
  rewrite?: { uri?: string; authority?: string; uriRegexRewrite?: { match: string; rewrite: string } };
  timeout?: string;
  retries?: { attempts?: number; perTryTimeout?: string; retryOn?: string; retryRemoteLocalities?: boolean; retryIgnorePreviousHosts?: boolean; backoff?: string };
  fault?: {
    delay?: { fixedDelay?: string; percentage?: { value?: number }; percent?: number; exponentialDelay?: string };
    abort?: { httpStatus?: number; grpcStatus?: string; percentage?: { value?: number } };
  };
  mirror?: Destination;
  mirrorPercentage?: { value?: number };
  mirrorPercent?: number;
  mirrors?: Array<{ destination?: Destination; percentage?: { value?: number } }>;
  corsPolicy?: Record<string, unknown>;
  headers?: Headers;
}

export interface L4Match {
  port?: number;
  gateways?: string[];
  sourceLabels?: Record<string, string>;
  destinationSubnets?: string[];
  sniHosts?: string[];
}

export interface RouteDestination {
  destination: Destination;
  weight?: number;
}

export interface VirtualServiceModel {
  obj: StoredObject;
  name: string;
  namespace: string;
  hosts: string[];
  gateways: string[];
  http: HTTPRoute[];
  tcp: Array<{ match?: L4Match[]; route?: RouteDestination[] }>;
  tls: Array<{ match?: L4Match[]; route?: RouteDestination[] }>;
}

export interface Subset {
  name: string;
  labels?: Record<string, string>;
  trafficPolicy?: TrafficPolicy;
}

export interface TrafficPolicy {
  loadBalancer?: {
    simple?: string;
    consistentHash?: { httpHeaderName?: string; httpCookie?: { name: string; ttl?: string; path?: string }; useSourceIp?: boolean; httpQueryParameterName?: string };
  };
  connectionPool?: {
    tcp?: { maxConnections?: number; connectTimeout?: string; idleTimeout?: string };
    http?: { http1MaxPendingRequests?: number; http2MaxRequests?: number; maxRequestsPerConnection?: number; maxRetries?: number; idleTimeout?: string };
  };
  outlierDetection?: { consecutive5xxErrors?: number; consecutiveGatewayErrors?: number; interval?: string; baseEjectionTime?: string; maxEjectionPercent?: number };
  tls?: { mode?: string; sni?: string; credentialName?: string; insecureSkipVerify?: boolean; subjectAltNames?: string[] };
  portLevelSettings?: Array<TrafficPolicy & { port?: { number?: number } }>;
}

export interface DestinationRuleModel {
  obj: StoredObject;
  name: string;
  namespace: string;
  host: string;
  trafficPolicy?: TrafficPolicy;
  subsets: Subset[];
}

function resolveDestination(d: Destination, ns: string): Destination {
  return { ...d, host: resolveShortname(d.host, ns) };
}

export class ConfigIndex {
  readonly virtualServices: VirtualServiceModel[];
  readonly destinationRules: DestinationRuleModel[];

  constructor(source: ObjectSource) {
    this.virtualServices = source
      .list(RES.virtualServices)
      .items.sort(byCreation)
      .map((o) => {
        const spec = specOf<{ hosts?: string[]; gateways?: string[]; http?: HTTPRoute[]; tcp?: VirtualServiceModel['tcp']; tls?: VirtualServiceModel['tls'] }>(o);
        const ns = o.metadata.namespace ?? 'default';
        const http = (spec.http ?? []).map((r) => ({
          ...r,
          route: r.route?.map((d) => ({ ...d, destination: resolveDestination(d.destination, ns) })),
          mirror: r.mirror ? resolveDestination(r.mirror, ns) : undefined,
          mirrors: r.mirrors?.map((m) => ({ ...m, destination: m.destination ? resolveDestination(m.destination, ns) : undefined })),
          match: r.match?.map((m) => ({ ...m, gateways: m.gateways?.map((g) => resolveGatewayName(g, ns)) })),
        }));
        const l4 = (routes: VirtualServiceModel['tcp'] | undefined) =>
          (routes ?? []).map((r) => ({
            ...r,
            route: r.route?.map((d) => ({ ...d, destination: resolveDestination(d.destination, ns) })),
            match: r.match?.map((m) => ({ ...m, gateways: m.gateways?.map((g) => resolveGatewayName(g, ns)) })),
          }));
        return {
          obj: o,
          name: o.metadata.name,
          namespace: ns,
          hosts: (spec.hosts ?? []).map((h) => resolveShortname(h, ns)),
          gateways: (spec.gateways ?? ['mesh']).map((g) => resolveGatewayName(g, ns)),
          http,
          tcp: l4(spec.tcp),
          tls: l4(spec.tls),
        };
      });
    this.destinationRules = source
      .list(RES.destinationRules)
      .items.sort(byCreation)
      .map((o) => {
        const spec = specOf<{ host?: string; trafficPolicy?: TrafficPolicy; subsets?: Subset[] }>(o);
        const ns = o.metadata.namespace ?? 'default';
        return { obj: o, name: o.metadata.name, namespace: ns, host: resolveShortname(spec.host ?? '', ns), trafficPolicy: spec.trafficPolicy, subsets: spec.subsets ?? [] };
      });
  }

  /** VirtualServices bound to `gateway` (`ns/name`), in config order. */
  forGateway(gateway: string): VirtualServiceModel[] {
    return this.virtualServices.filter((vs) => vs.gateways.includes(gateway));
  }

  /**
   * The DestinationRule for a service host, as seen by a proxy in `proxyNamespace`: the most
   * specific host match, preferring the proxy's namespace, then the service's, then the root
   * namespace. Rules for the same host in the same namespace are merged (subsets appended, the
   * first traffic policy kept), as pilot's mergeDestinationRule.
   */
  destinationRuleFor(hostname: string, serviceNamespace: string, proxyNamespace: string, rootNamespace: string): DestinationRuleModel | undefined {
    const order = [proxyNamespace, serviceNamespace, rootNamespace];
    for (const ns of order) {
      const candidates = this.destinationRules.filter((dr) => dr.namespace === ns && dr.host && hostSubsetOf(hostname, dr.host));
      if (candidates.length === 0) continue;
      // Most specific host first: exact beats wildcard, longer wildcard beats shorter.
      candidates.sort((a, b) => specificity(b.host) - specificity(a.host));
      const best = candidates.filter((c) => c.host === candidates[0]!.host);
      if (best.length === 1) return best[0];
      const merged: DestinationRuleModel = { ...best[0]!, subsets: [...best[0]!.subsets] };
      for (const extra of best.slice(1)) {
        for (const ss of extra.subsets) if (!merged.subsets.some((s) => s.name === ss.name)) merged.subsets.push(ss);
        merged.trafficPolicy ??= extra.trafficPolicy;
      }
      return merged;
    }
    return undefined;
  }
}

function specificity(host: string): number {
  return host.startsWith('*') ? host.length : 100_000 + host.length;
}

/** `/apis/networking.istio.io/v1/namespaces/default/virtual-service/web-service` (util.BuildConfigInfoMetadata). */
export function configPath(kind: 'virtual-service' | 'destination-rule' | 'gateway', namespace: string, name: string): string {
  return `/apis/networking.istio.io/v1/namespaces/${namespace}/${kind}/${name}`;
}
