/**
 * destinationrule.CaCertificateAnalyzer — TLS origination (SIMPLE/MUTUAL) without
 * `caCertificates` does not verify the server (port of istio/istio
 * `pkg/config/analysis/analyzers/destinationrule/ca-certificates.go`). IST0128 at destination
 * level, IST0129 per port; a `credentialName` with a `workloadSelector` is accepted.
 */
import { arr, fullName, isObj, nsOf, num, obj, specOf, str } from '../support/objects';
import type { Analyzer } from '../types';

const verifies = (tls: Record<string, unknown>, hasSelector: boolean) =>
  str(tls.caCertificates) !== '' || (str(tls.credentialName) !== '' && hasSelector);

export const caCertificateAnalyzer: Analyzer = {
  name: 'destinationrule.CaCertificateAnalyzer',
  description: 'Checks if caCertificates is set when TLS mode is SIMPLE/MUTUAL',
  codes: ['IST0128', 'IST0129'],
  analyze(ctx) {
    for (const dr of ctx.list('DestinationRule')) {
      const s = specOf(dr);
      const hasSelector = isObj(s.workloadSelector);
      const tp = obj(s.trafficPolicy);
      const tls = obj(tp.tls);
      const mode = str(tls.mode);
      const fix = 'Set caCertificates (or a credentialName holding ca.crt) so the client verifies the server certificate.';
      if ((mode === 'SIMPLE' || mode === 'MUTUAL') && !verifies(tls, hasSelector)) {
        ctx.report('IST0128', dr, [fullName(dr), nsOf(dr), mode, str(s.host)], { path: 'spec.trafficPolicy.tls', fix });
      }
      arr(tp.portLevelSettings).forEach((p, i) => {
        const ptls = obj(obj(p).tls);
        const pmode = str(ptls.mode);
        if ((pmode === 'SIMPLE' || pmode === 'MUTUAL') && !verifies(ptls, hasSelector)) {
          const port = obj(obj(p).port);
          ctx.report('IST0129', dr, [fullName(dr), nsOf(dr), pmode, str(s.host), `number:${num(port.number)}`], {
            path: `spec.trafficPolicy.portLevelSettings[${i}].tls`,
            fix,
          });
        }
      });
    }
  },
};
