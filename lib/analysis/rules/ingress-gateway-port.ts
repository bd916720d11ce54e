/**
 * gateway.IngressGatewayPortAnalyzer — a Gateway's server ports against the ports of the
 * Services that select its workload pods (port of istio/istio
 * `pkg/config/analysis/analyzers/gateway/gateway.go`).
 *
 * - IST0101 when no pod matches the Gateway's selector;
 * - IST0162 when a server port is neither a target port nor a port of those Services.
 *
 * Difference: a Service port without `protocol` counts as TCP (the API server's default);
 * istioctl, reading files, skips it.
 */
import { selectorMatches, selectorString } from '../support/labels';
import { arr, isObj, labelsOf, nsOf, num, obj, specOf, str } from '../support/objects';
import type { Analyzer, KubeObject } from '../types';

/** `intstr.IntValue()`: a number, or a numeric string; 0 otherwise. */
export function intValue(v: unknown): number {
  if (typeof v === 'number') return Math.trunc(v);
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v);
  return 0;
}

export const ingressGatewayPortAnalyzer: Analyzer = {
  name: 'gateway.IngressGatewayPortAnalyzer',
  description: "Checks a gateway's ports against the gateway's Kubernetes service ports",
  codes: ['IST0101', 'IST0162'],
  analyze(ctx) {
    for (const gw of ctx.list('Gateway')) {
      const selector = obj(specOf(gw).selector) as Record<string, string>;
      const servicePorts = new Set<number>();
      const portMapping = new Map<number, number>();
      let matches = 0;
      for (const pod of ctx.list('Pod')) {
        if (!selectorMatches(selector, labelsOf(pod))) continue;
        matches++;
        for (const svc of ctx.list('Service')) {
          if (nsOf(svc) !== nsOf(pod)) continue;
          if (!selectorMatches(obj(specOf(svc).selector) as Record<string, string>, labelsOf(pod))) continue;
          for (const p of arr(specOf(svc).ports).filter(isObj)) {
            if ((str(p.protocol) || 'TCP') !== 'TCP') continue;
            const tp = intValue(p.targetPort);
            if (tp !== 0) {
              servicePorts.add(tp);
              if (!portMapping.has(num(p.port))) portMapping.set(num(p.port), tp);
            } else servicePorts.add(num(p.port));
          }
        }
      }
      if (matches === 0) {
        ctx.report('IST0101', gw, ['selector', selectorString(selector)], {
          path: 'spec.selector',
          fix: 'Change the selector to the labels of the gateway pods (for the default ingress gateway: istio: ingressgateway).',
        });
        continue;
      }
      arr(specOf(gw).servers).forEach((server, i) => {
        const port = obj(server).port;
        if (!isObj(port)) return;
        const n = num(port.number);
        if (!servicePorts.has(n) && !portMapping.has(n)) {
          ctx.report('IST0162', gw, [n, selectorString(selector)], {
            path: `spec.servers[${i}].port.number`,
            fix: `Listen on a port the gateway Service exposes (${[...portMapping.keys()].join(', ') || 'none'}), or add port ${n} to that Service.`,
          });
        }
      });
    }
  },
};

/** The pods a Gateway selects (its workload instances), input order. */
export function gatewayPods(pods: readonly KubeObject[], gw: KubeObject): KubeObject[] {
  const selector = obj(specOf(gw).selector) as Record<string, string>;
  return pods.filter((p) => selectorMatches(selector, labelsOf(p)));
}
