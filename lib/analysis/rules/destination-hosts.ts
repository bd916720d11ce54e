/**
 * virtualservice.DestinationHostAnalyzer — route and mirror destinations name an existing
 * Service or ServiceEntry host and one of its ports (port of istio/istio
 * `pkg/config/analysis/analyzers/virtualservice/destinationhosts.go`):
 * IST0101 `host` / `mirror host` / `host:port`, IST0112 (no port given but the service has
 * several), IST0140 (a gateway route without subset to a host whose subsets another
 * VirtualService selects: those subset rules do not apply to ingress traffic).
 */
import { arr, fullName, nsOf, num, obj, specOf, str } from '../support/objects';
import { destinationHost, serviceHostMap, type MeshService } from '../support/services';
import { httpMirrorDestinations, routeDestinations, type AnnotatedDestination } from '../support/routes';
import type { Analyzer, AnalyzerContext, KubeObject } from '../types';

function checkPorts(ctx: AnalyzerContext, vs: KubeObject, d: AnnotatedDestination, s: MeshService): void {
  const host = str(d.destination.host);
  const port = d.destination.port;
  if (port === undefined || port === null) {
    if (s.ports.length > 1) {
      ctx.report('IST0112', vs, [host, s.ports.map((p) => p.number)], {
        path: d.path,
        fix: `Set destination.port.number to one of ${s.ports.map((p) => p.number).join(', ')}.`,
      });
    }
    return;
  }
  const n = num(obj(port).number);
  if (!s.ports.some((p) => p.number === n)) {
    ctx.report('IST0101', vs, ['host:port', `${host}:${n}`], {
      path: `${d.path}.port.number`,
      fix: `${s.kind} ${fullName(s)} exposes port${s.ports.length === 1 ? '' : 's'} ${s.ports.map((p) => p.number).join(', ') || '(none)'}.`,
    });
  }
}

/** VirtualService → the destinations with a subset whose host is one of its own hosts. */
function subsetDestinations(vss: readonly KubeObject[]): Map<KubeObject, string[]> {
  const out = new Map<KubeObject, string[]>();
  for (const vs of vss) {
    const hosts = arr<string>(specOf(vs).hosts);
    for (const r of arr(specOf(vs).http)) {
      for (const rd of arr(obj(r).route)) {
        const d = obj(obj(rd).destination);
        if (str(d.subset) === '') continue;
        for (const h of hosts) if (str(d.host) === h) out.set(vs, [...(out.get(vs) ?? []), str(d.host)]);
      }
    }
  }
  return out;
}

export const destinationHostAnalyzer: Analyzer = {
  name: 'virtualservice.DestinationHostAnalyzer',
  description: 'Checks the destination hosts associated with each virtual service',
  codes: ['IST0101', 'IST0112', 'IST0140'],
  analyze(ctx) {
    const services = serviceHostMap(ctx);
    const vss = ctx.list('VirtualService');
    const withSubsets = subsetDestinations(vss);
    for (const vs of vss) {
      const exportTo = arr<string>(specOf(vs).exportTo);
      for (const [list, refType] of [
        [routeDestinations(vs), 'host'],
        [httpMirrorDestinations(vs), 'mirror host'],
      ] as const) {
        for (const d of list) {
          const host = str(d.destination.host);
          const s = destinationHost(nsOf(vs), exportTo, host, services);
          if (!s) {
            ctx.report('IST0101', vs, [refType, host], {
              path: `${d.path}.host`,
              fix: 'Route to an existing Service (name, name.namespace.svc.cluster.local) or ServiceEntry host.',
            });
            continue;
          }
          checkPorts(ctx, vs, d, s);
        }
      }
      // analyzeSubset: ingress routes without subset to hosts other VirtualServices split by subset.
      if (arr(specOf(vs).gateways).length === 0) continue;
      arr(specOf(vs).http).forEach((http, i) =>
        arr(obj(http).route).forEach((route, j) => {
          const d = obj(obj(route).destination);
          if (str(d.subset) !== '') return;
          for (const [other, hosts] of withSubsets) {
            for (const h of hosts) {
              if (h !== str(d.host)) continue;
              ctx.report('IST0140', vs, [fullName(other), fullName(vs)], {
                path: `spec.http[${i}].route[${j}].destination`,
                fix: `Gateway traffic does not pass through ${fullName(other)}'s subset routing: set a subset here, or bind ${fullName(other)} to this gateway too.`,
              });
            }
          }
        }),
      );
    }
  },
};
