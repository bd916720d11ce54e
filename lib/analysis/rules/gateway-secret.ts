/**
 * gateway.SecretAnalyzer — the Secrets a Gateway's servers reference by `tls.credentialName`
 * (port of istio/istio `pkg/config/analysis/analyzers/gateway/secret.go`).
 *
 * The Secret must live in the namespace of the gateway workload (the first pod the selector
 * matches). IST0101 when no pod matches or the Secret is missing; IST0161 when the Secret has no
 * usable certificate, or (with `options.now`) the certificate is expired or not yet valid.
 */
import { selectorMatches, selectorString } from '../support/labels';
import { arr, labelsOf, nsOf, obj, shortOrFullName, specOf, str } from '../support/objects';
import { checkGatewaySecret } from '../support/secrets';
import type { Analyzer, AnalyzerContext, KubeObject } from '../types';

/** `getGatewayNamespace`: the namespace of the first pod the Gateway selects; undefined if none. */
export function gatewayNamespace(ctx: AnalyzerContext, gw: KubeObject): string | undefined {
  const selector = obj(specOf(gw).selector) as Record<string, string>;
  const pod = ctx.list('Pod').find((p) => selectorMatches(selector, labelsOf(p)));
  return pod ? nsOf(pod) : undefined;
}

export const nowOf = (ctx: AnalyzerContext): number | undefined =>
  ctx.options.now === undefined ? undefined : new Date(ctx.options.now).getTime();

export const secretAnalyzer: Analyzer = {
  name: 'gateway.SecretAnalyzer',
  description: "Checks a gateway's referenced secrets for correctness",
  codes: ['IST0101', 'IST0161'],
  analyze(ctx) {
    for (const gw of ctx.list('Gateway')) {
      const gwNs = gatewayNamespace(ctx, gw);
      // Istio compares with "" (a pod without namespace in a file counts as not found).
      if (!gwNs) {
        ctx.report('IST0101', gw, ['selector', selectorString(obj(specOf(gw).selector) as Record<string, string>)], {
          path: 'spec.selector',
        });
        continue;
      }
      arr(specOf(gw).servers).forEach((srv, i) => {
        const cn = str(obj(obj(srv).tls).credentialName);
        if (!cn) return;
        const ref = shortOrFullName(gwNs, cn);
        const secret = ctx.find('Secret', ref.namespace, ref.name);
        const path = `spec.servers[${i}].tls.credentialName`;
        if (!secret) {
          ctx.report('IST0101', gw, ['credentialName', cn], {
            path,
            fix: `Create the TLS Secret ${ref.name} in namespace ${ref.namespace} (where the gateway pods run), or fix the name.`,
          });
          return;
        }
        const check = checkGatewaySecret(secret, nowOf(ctx));
        if (!check.ok) {
          ctx.report('IST0161', gw, [gw.metadata.name, gwNs], {
            path,
            fix: `Secret ${ref.namespace}/${ref.name}: ${check.reason}.`,
          });
        }
      });
    }
  },
};
