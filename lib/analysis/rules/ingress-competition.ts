/**
 * gatescope.IngressCompetitionAnalyzer — a Kubernetes Ingress (networking.k8s.io) whose host is
 * also exposed by an Istio Gateway. GSC0004 names the Gateways and says what happens:
 *
 * - class `istio`: istiod turns the Ingress into gateway routes on the same ingress gateway;
 *   they and the VirtualServices' routes for the host merge in an unspecified order;
 * - another class: a second controller serves the host; which one a client reaches depends on
 *   DNS and load balancers;
 * - no class: whichever controller claims class-less Ingresses serves it (Istio only with
 *   `meshConfig.ingressControllerMode: DEFAULT`).
 */
import { hostMatches } from '../support/hosts';
import { arr, fullName, obj, specOf, str } from '../support/objects';
import type { Analyzer, KubeObject } from '../types';

function ingressClass(ing: KubeObject): string {
  return str(specOf(ing).ingressClassName) || (ing.metadata.annotations?.['kubernetes.io/ingress.class'] ?? '');
}

function consequence(cls: string): string {
  if (cls === 'istio')
    return 'istiod serves this Ingress on the same ingress gateway, and its routes and the VirtualServices\' routes for this host are merged in an unspecified order, so either may answer.';
  if (cls) return `it is served by another ingress controller (class ${cls}); which one a client reaches depends on where DNS for the host points.`;
  return 'the Ingress has no class; whichever controller claims class-less Ingresses serves it too (Istio does with meshConfig.ingressControllerMode DEFAULT).';
}

/** The host patterns a Gateway exposes (namespace prefixes removed). */
function gatewayHosts(gw: KubeObject): string[] {
  return arr(specOf(gw).servers).flatMap((s) => arr<string>(obj(s).hosts).map((h) => (h.includes('/') ? h.slice(h.indexOf('/') + 1) : h)));
}

export const ingressCompetitionAnalyzer: Analyzer = {
  name: 'gatescope.IngressCompetitionAnalyzer',
  description: 'Finds Kubernetes Ingresses that serve hosts an Istio Gateway exposes',
  codes: ['GSC0004'],
  analyze(ctx) {
    const gateways = ctx.list('Gateway').map((gw) => ({ gw, hosts: gatewayHosts(gw) }));
    for (const ing of ctx.list('Ingress')) {
      const cls = ingressClass(ing);
      const rules = arr(specOf(ing).rules);
      // A rule without host, or a lone defaultBackend, catches every host.
      const entries: Array<[host: string, path: string]> = rules.map((r, i) => [str(obj(r).host) || '*', `spec.rules[${i}].host`]);
      if (rules.length === 0 && Object.keys(obj(specOf(ing).defaultBackend)).length > 0) entries.push(['*', 'spec.defaultBackend']);
      for (const [host, path] of entries) {
        const competing = gateways.filter(({ hosts }) => hosts.some((h) => hostMatches(h, host))).map(({ gw }) => fullName(gw));
        if (competing.length === 0) continue;
        ctx.report('GSC0004', ing, [host, competing.join(','), consequence(cls)], {
          path,
          fix: 'Serve the host from one entry point: move its routes into a VirtualService bound to the Gateway, or remove the host from the Gateway.',
        });
      }
    }
  },
};
