/**
 * gatescope.ExportToNamespaceAnalyzer — `exportTo` entries naming namespaces that do not exist
 * (VirtualService, DestinationRule, ServiceEntry). GSC0008. Runs only when the namespaces are
 * known (`options.namespaces`, or Namespace objects in the snapshot).
 */
import { EXPORT_TO_ALL, EXPORT_TO_LOCAL } from '../support/hosts';
import { arr, specOf } from '../support/objects';
import type { Analyzer } from '../types';

export const exportToNamespaceAnalyzer: Analyzer = {
  name: 'gatescope.ExportToNamespaceAnalyzer',
  description: 'Checks that exportTo names existing namespaces',
  codes: ['GSC0008'],
  analyze(ctx) {
    const known = ctx.options.namespaces ?? ctx.list('Namespace').map((n) => n.metadata.name);
    if (known.length === 0) return;
    const set = new Set(known);
    for (const kind of ['VirtualService', 'DestinationRule', 'ServiceEntry']) {
      for (const o of ctx.list(kind)) {
        arr<string>(specOf(o).exportTo).forEach((ns, i) => {
          if (ns === EXPORT_TO_ALL || ns === EXPORT_TO_LOCAL || set.has(ns)) return;
          ctx.report('GSC0008', o, [ns], { path: `spec.exportTo[${i}]`, fix: 'Fix the namespace name, or remove the entry.' });
        });
      }
    }
  },
};
