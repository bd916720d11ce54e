/**
 * service.PortNameAnalyzer — Service port names that do not tell Istio the protocol (port of
 * istio/istio `pkg/config/analysis/analyzers/service/portname.go` and
 * `pkg/config/kube/conversion.go` `ConvertProtocol`). IST0118, or IST0150 for ExternalName
 * Services. Control-plane Services (label `istio`, or `release: istio`) and Services managed by
 * Istio's gateway controllers are skipped.
 */
import { arr, isObj, labelsOf, num, specOf, str } from '../support/objects';
import type { Analyzer } from '../types';

const WELL_KNOWN_PORTS = new Set([25, 53, 3306, 27017]);
const MANAGED = new Set(['istio.io-gateway-controller', 'istio.io-mesh-controller', 'istio.io-eastwest-controller']);

/** `protocol.Parse` (case-insensitive names Istio knows). */
export function parseProtocol(s: string): string {
  const p: Record<string, string> = {
    tcp: 'TCP',
    udp: 'UDP',
    grpc: 'GRPC',
    'grpc-web': 'GRPC-Web',
    http: 'HTTP',
    http_proxy: 'HTTP_PROXY',
    http2: 'HTTP2',
    https: 'HTTPS',
    tls: 'TLS',
    mongo: 'Mongo',
    redis: 'Redis',
    mysql: 'MySQL',
  };
  return p[s.toLowerCase()] ?? 'UnsupportedProtocol';
}

/** `kube.ConvertProtocol`: the protocol Istio infers for a Service port. */
export function convertProtocol(port: number, name: string, proto: string, appProtocol?: string): string {
  if (proto === 'UDP') return 'UDP';
  let n = name;
  if (appProtocol !== undefined) {
    n = appProtocol;
    if (n === 'kubernetes.io/h2c') return 'HTTP2';
    if (n === 'kubernetes.io/ws') return 'HTTP';
    if (n === 'kubernetes.io/wss') return 'HTTPS';
  }
  if (n.length >= 8 && n.slice(0, 8).toLowerCase() === 'grpc-web') return 'GRPC-Web';
  const i = n.indexOf('-');
  if (i >= 0) n = n.slice(0, i);
  const p = parseProtocol(n);
  return p === 'UnsupportedProtocol' && WELL_KNOWN_PORTS.has(port) ? 'TCP' : p;
}

export const portNameAnalyzer: Analyzer = {
  name: 'service.PortNameAnalyzer',
  description: 'Checks the port names associated with each service',
  codes: ['IST0118', 'IST0150'],
  analyze(ctx) {
    for (const svc of ctx.list('Service')) {
      const labels = labelsOf(svc);
      if ('istio' in labels || labels.release === 'istio') continue;
      if (MANAGED.has(labels['gateway.istio.io/managed'] ?? '')) continue;
      const spec = specOf(svc);
      const external = spec.type === 'ExternalName';
      arr(spec.ports)
        .filter(isObj)
        .forEach((p, i) => {
          const name = str(p.name);
          const proto = convertProtocol(num(p.port), name, str(p.protocol), typeof p.appProtocol === 'string' ? p.appProtocol : undefined);
          if (proto === 'UnsupportedProtocol' || (name === 'tcp' && external)) {
            const tp = p.targetPort === undefined ? '0' : String(p.targetPort);
            if (external) ctx.report('IST0150', svc, [], { path: `spec.ports[${i}].name` });
            else
              ctx.report('IST0118', svc, [name, num(p.port), tp], {
                path: `spec.ports[${i}].name`,
                fix: `Name the port <protocol>[-<suffix>] (e.g. http-${name || 'web'}), or set appProtocol.`,
              });
          }
        });
    }
  },
};
