/**
 * gatescope.TLSModeConflictAnalyzer — a DestinationRule with `trafficPolicy.tls.mode: DISABLE`
 * towards workloads whose PeerAuthentication is STRICT: clients send plain text, servers require
 * mutual TLS, requests fail. GSC0007.
 *
 * The effective PeerAuthentication of a namespace is its namespace-wide one (no selector), else
 * the mesh-wide one (no selector, in the root namespace). A wildcard host (`*.local`) concerns the
 * whole mesh and is checked against the mesh-wide policy.
 */
import { resourceNameFromHost } from '../support/hosts';
import { fullName, isObj, nsOf, obj, specOf, str } from '../support/objects';
import type { Analyzer, KubeObject } from '../types';

function mode(pa: KubeObject): string {
  return str(obj(specOf(pa).mtls).mode) || 'UNSET';
}

export const tlsModeConflictAnalyzer: Analyzer = {
  name: 'gatescope.TLSModeConflictAnalyzer',
  description: 'Finds DestinationRules that disable TLS towards workloads requiring mutual TLS',
  codes: ['GSC0007'],
  analyze(ctx) {
    const root = ctx.options.rootNamespace ?? 'istio-system';
    const wide = ctx.list('PeerAuthentication').filter((pa) => !isObj(specOf(pa).selector) && mode(pa) !== 'UNSET');
    const mesh = wide.find((pa) => nsOf(pa) === root);
    const forNamespace = (ns: string) => wide.find((pa) => nsOf(pa) === ns) ?? mesh;
    for (const dr of ctx.list('DestinationRule')) {
      const s = specOf(dr);
      if (str(obj(obj(s.trafficPolicy).tls).mode) !== 'DISABLE') continue;
      const host = str(s.host);
      const pa = host.startsWith('*') ? mesh : forNamespace(resourceNameFromHost(nsOf(dr), host).namespace);
      if (!pa || mode(pa) !== 'STRICT') continue;
      ctx.report('GSC0007', dr, [host, fullName(pa)], {
        path: 'spec.trafficPolicy.tls.mode',
        fix: 'Use ISTIO_MUTUAL (or remove the tls block: auto mTLS), or make the PeerAuthentication PERMISSIVE.',
      });
    }
  },
};
