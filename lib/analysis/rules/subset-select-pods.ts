/**
 * destinationrule.SubsetSelectPodAnalyzer — a DestinationRule's host is a known service
 * (IST0174) and each of its subsets selects at least one pod (IST0173) (port of istio/istio
 * `pkg/config/analysis/analyzers/destinationrule/subset.go`).
 *
 * As in Istio, a subset's selector is its labels plus the ServiceEntry's workloadSelector (a
 * Kubernetes Service contributes none), matched against every pod's labels augmented with its
 * node's topology labels.
 */
import { selectorMatches } from '../support/labels';
import { arr, labelsOf, nsOf, obj, specOf, str } from '../support/objects';
import { destinationHost, serviceHostMap } from '../support/services';
import type { Analyzer, KubeObject } from '../types';

/** The labels Istio adds to a pod's (`label.AugmentLabels`, empty cluster and network). */
function augmentedLabels(pod: KubeObject, nodes: Map<string, Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = { ...labelsOf(pod) };
  const nodeName = str(specOf(pod).nodeName);
  const node = nodes.get(nodeName);
  if (node) {
    const region = node['topology.kubernetes.io/region'] ?? '';
    const zone = node['topology.kubernetes.io/zone'] ?? '';
    const subzone = node['topology.istio.io/subzone'] ?? '';
    if (region) out['topology.kubernetes.io/region'] = region;
    if (zone) out['topology.kubernetes.io/zone'] = zone;
    if (subzone) out['topology.istio.io/subzone'] = subzone;
  }
  if (nodeName) out['kubernetes.io/hostname'] = nodeName;
  return out;
}

export const subsetSelectPodAnalyzer: Analyzer = {
  name: 'destinationrule.SubsetSelectPodAnalyzer',
  description: 'Checks if pods are selected by subsets in destination rules.',
  codes: ['IST0173', 'IST0174'],
  analyze(ctx) {
    const services = serviceHostMap(ctx);
    const nodes = new Map(ctx.list('Node').map((n) => [n.metadata.name, labelsOf(n)] as const));
    const matchers: Array<{ dr: KubeObject; index: number; subset: string; selector: Record<string, string>; matched: boolean }> = [];
    for (const dr of ctx.list('DestinationRule')) {
      const s = specOf(dr);
      const se = destinationHost(nsOf(dr), arr<string>(s.exportTo), str(s.host), services);
      if (!se) {
        ctx.report('IST0174', dr, [str(s.host)], {
          path: 'spec.host',
          fix: 'Use the host of an existing Service (name.namespace.svc.cluster.local) or ServiceEntry.',
        });
        continue;
      }
      arr(s.subsets).forEach((ss, index) => {
        const sub = obj(ss);
        matchers.push({
          dr,
          index,
          subset: str(sub.name),
          selector: { ...(se.workloadSelector ?? {}), ...(obj(sub.labels) as Record<string, string>) },
          matched: false,
        });
      });
    }
    for (const pod of ctx.list('Pod')) {
      const lbls = augmentedLabels(pod, nodes);
      for (const m of matchers) if (!m.matched && selectorMatches(m.selector, lbls)) m.matched = true;
    }
    for (const m of matchers) {
      if (m.matched) continue;
      ctx.report('IST0173', m.dr, [m.subset], {
        path: `spec.subsets[${m.index}]`,
        fix: `No pod carries the labels ${Object.entries(m.selector)
          .map(([k, v]) => `${k}=${v}`)
          .join(',')}: fix the subset labels or deploy that version.`,
      });
    }
  },
};
