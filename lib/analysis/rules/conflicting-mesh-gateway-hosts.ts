/**
 * virtualservice.ConflictingMeshGatewayHostsAnalyzer — several VirtualServices bound to the mesh
 * gateway define the same host, visible from the same namespace (port of istio/istio
 * `pkg/config/analysis/analyzers/virtualservice/conflictingmeshgatewayhosts.go`). IST0109, once
 * per VirtualService.
 */
import { EXPORT_TO_ALL, EXPORT_TO_LOCAL, hostMatches, isExportToAll, MESH_GATEWAY, scopedFqdn, splitScopedFqdn } from '../support/hosts';
import { arr, fullName, nsOf, specOf } from '../support/objects';
import type { Analyzer, KubeObject } from '../types';

function meshGatewayHosts(vss: readonly KubeObject[]): Map<string, KubeObject[]> {
  const out = new Map<string, KubeObject[]>();
  for (const vs of vss) {
    const s = specOf(vs);
    const gateways = arr<string>(s.gateways);
    if (gateways.length > 0 && !gateways.includes(MESH_GATEWAY)) continue;
    const ns = nsOf(vs);
    const exportTo = arr<string>(s.exportTo);
    const scopes = isExportToAll(exportTo) ? [EXPORT_TO_ALL] : [...new Set(exportTo.map((e) => (e === EXPORT_TO_LOCAL ? ns : e)))];
    for (const scope of scopes) {
      for (const h of arr<string>(s.hosts)) {
        const key = scopedFqdn(scope, ns, h);
        out.set(key, [...(out.get(key) ?? []), vs]);
      }
    }
  }
  return out;
}

export const conflictingMeshGatewayHostsAnalyzer: Analyzer = {
  name: 'virtualservice.ConflictingMeshGatewayHostsAnalyzer',
  description: 'Checks if multiple virtual services associated with the mesh gateway have conflicting hosts',
  codes: ['IST0109'],
  analyze(ctx) {
    const hs = meshGatewayHosts(ctx.list('VirtualService'));
    const reported = new Set<KubeObject>();
    for (const [scoped, list] of hs) {
      const [scope, fqdn] = splitScopedFqdn(scoped);
      let vsList = list;
      if (scope !== EXPORT_TO_ALL) {
        const extra: KubeObject[] = [];
        for (const [other, resources] of hs) {
          const [oScope, oHost] = splitScopedFqdn(other);
          if (oScope === EXPORT_TO_ALL && hostMatches(fqdn, oHost)) extra.push(...resources);
        }
        vsList = [...list, ...extra];
      }
      if (vsList.length <= 1) continue;
      const names = vsList.map((v) => fullName(v)).sort().join(',');
      for (const vs of vsList) {
        if (reported.has(vs)) continue;
        reported.add(vs);
        ctx.report('IST0109', vs, [names, scoped], {
          path: 'spec.hosts',
          fix: 'Merge the VirtualServices that route this host for the mesh into one resource.',
        });
      }
    }
  },
};
