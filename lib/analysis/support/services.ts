/**
 * The analyzers' view of services (`util/service_lookup.go`): every ServiceEntry host and every
 * Kubernetes Service, keyed by `scope/fqdn` (scope = the namespace it is visible from, or `*`).
 */
import type { AnalyzerContext } from '../types';
import { convertHostToFQDN, EXPORT_TO_ALL, EXPORT_TO_LOCAL, scopedFqdn, splitScopedFqdn } from './hosts';
import { arr, isObj, nsOf, num, obj, specOf, str } from './objects';

export interface ServicePort {
  number: number;
  name: string;
  protocol: string;
}

/** A ServiceEntry, or a Service seen as one (hosts + ports; no workload selector for Services). */
export interface MeshService {
  kind: 'ServiceEntry' | 'Service';
  namespace: string;
  name: string;
  hosts: string[];
  ports: ServicePort[];
  workloadSelector?: Record<string, string>;
}

const EXPORT_TO_ANNOTATION = 'networking.istio.io/exportTo';

export function serviceHostMap(ctx: AnalyzerContext): Map<string, MeshService> {
  const result = new Map<string, MeshService>();
  for (const r of ctx.list('ServiceEntry')) {
    const s = specOf(r);
    const ns = nsOf(r);
    const exportTo = arr<string>(s.exportTo);
    const ws = obj(s.workloadSelector).labels;
    const se: MeshService = {
      kind: 'ServiceEntry',
      namespace: ns,
      name: r.metadata.name,
      hosts: arr<string>(s.hosts),
      ports: arr(s.ports).filter(isObj).map((p) => ({ number: num(p.number), name: str(p.name), protocol: str(p.protocol) })),
      ...(isObj(ws) ? { workloadSelector: ws as Record<string, string> } : {}),
    };
    let exportsToAll = false;
    for (const h of se.hosts) {
      if (exportTo.length === 0 || exportsToAll) {
        result.set(scopedFqdn(EXPORT_TO_ALL, ns, h), se);
        continue;
      }
      for (const e of exportTo) {
        if (e === EXPORT_TO_ALL) {
          result.set(scopedFqdn(EXPORT_TO_ALL, ns, h), se);
          exportsToAll = true;
        } else if (e === EXPORT_TO_LOCAL) result.set(scopedFqdn(ns, ns, h), se);
        else result.set(scopedFqdn(e, ns, h), se);
        if (exportsToAll) break;
      }
    }
  }
  for (const r of ctx.list('Service')) {
    const ns = nsOf(r);
    const name = r.metadata.name;
    const se: MeshService = {
      kind: 'Service',
      namespace: ns,
      name,
      hosts: [convertHostToFQDN(ns, name)],
      ports: arr(specOf(r).ports)
        .filter(isObj)
        .map((p) => ({ number: num(p.port), name: str(p.name), protocol: str(p.protocol) })),
    };
    for (const scope of visibleNamespaces(r.metadata.annotations?.[EXPORT_TO_ANNOTATION] ?? '', ns)) {
      result.set(scopedFqdn(scope, ns, name), se);
    }
  }
  return result;
}

function visibleNamespaces(anno: string, ns: string): string[] {
  if (anno === '') return [EXPORT_TO_ALL];
  return anno.split(',').map((x) => (x.trim() === EXPORT_TO_LOCAL ? ns : x.trim()));
}

/** `util.GetDestinationHost`: the service a destination host names, as seen from `sourceNs`. */
export function destinationHost(
  sourceNs: string,
  exportTo: readonly string[],
  host: string,
  services: Map<string, MeshService>,
): MeshService | undefined {
  const all = services.get(scopedFqdn(EXPORT_TO_ALL, sourceNs, host));
  if (all) return all;
  if (exportTo.length === 0) {
    const s = services.get(scopedFqdn(sourceNs, sourceNs, host));
    if (s) return s;
  } else {
    for (let e of exportTo) {
      if (e === EXPORT_TO_LOCAL) e = sourceNs;
      const s = services.get(scopedFqdn(e, sourceNs, host));
      if (s) return s;
    }
  }
  for (const [key, s] of services) {
    const [scope, seHost] = splitScopedFqdn(key);
    if (!seHost.startsWith('*')) continue;
    if (scope !== EXPORT_TO_ALL && scope !== sourceNs) continue;
    if (host.replace(/^\*/, '').endsWith(seHost.slice(1))) return s;
  }
  return undefined;
}
