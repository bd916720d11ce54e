/**
 * virtualservice.DestinationRuleAnalyzer — route and mirror destinations naming a subset that no
 * DestinationRule defines for that host (port of istio/istio
 * `pkg/config/analysis/analyzers/virtualservice/destinationrules.go`). IST0101
 * `host+subset in destinationrule` / `mirror+subset in destinationrule`.
 *
 * Hosts are compared as Istio's analyzer does: a short name is the Service in the
 * VirtualService's (or DestinationRule's) namespace, `name.ns.svc.cluster.local` that Service,
 * anything else literally (so `reviews.bookinfo` is not `reviews` — istiod does not expand it).
 */
import { resourceNameFromHost } from '../support/hosts';
import { arr, nsOf, obj, specOf, str } from '../support/objects';
import { httpMirrorDestinations, routeDestinations } from '../support/routes';
import type { Analyzer, AnalyzerContext } from '../types';

const key = (ns: string, host: string, subset: string) => {
  const n = resourceNameFromHost(ns, host);
  return `${n.namespace}/${n.name}+${subset}`;
};

export function definedSubsets(ctx: AnalyzerContext): Set<string> {
  const out = new Set<string>();
  for (const dr of ctx.list('DestinationRule')) {
    const s = specOf(dr);
    for (const ss of arr(s.subsets)) out.add(key(nsOf(dr), str(s.host), str(obj(ss).name)));
  }
  return out;
}

export const virtualServiceSubsetAnalyzer: Analyzer = {
  name: 'virtualservice.DestinationRuleAnalyzer',
  description: 'Checks the destination rules associated with each virtual service',
  codes: ['IST0101'],
  analyze(ctx) {
    const subsets = definedSubsets(ctx);
    for (const vs of ctx.list('VirtualService')) {
      const ns = nsOf(vs);
      const check = (ds: ReturnType<typeof routeDestinations>, refType: string) => {
        for (const d of ds) {
          const host = str(d.destination.host);
          const subset = str(d.destination.subset);
          if (subset === '' || subsets.has(key(ns, host, subset))) continue;
          ctx.report('IST0101', vs, [refType, `${host}+${subset}`], {
            path: `${d.path}.subset`,
            fix: `Define subset ${subset} in the DestinationRule for ${host}, or route to an existing subset.`,
          });
        }
      };
      check(routeDestinations(vs), 'host+subset in destinationrule');
      check(httpMirrorDestinations(vs), 'mirror+subset in destinationrule');
    }
  },
};
