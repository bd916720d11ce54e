/**
 * Which Gateway servers a gateway pod serves, merged per listener port as pilot's mergeGateways
 * does (pilot/pkg/model/gateway.go): Service port → targetPort translation, RDS route names
 * (`http.8080`, `https.443.https.default-gateway.istio-system`), HTTP servers sharing a port,
 * TLS servers sharing a port by SNI, and the conflicts istiod drops.
 */
import type { StoredObject } from '../../../api/store';
import { RES } from '../constants';
import { sanitizeServerHosts } from './hosts';
import type { ServiceRegistry } from './registry';
import { byCreation, labelsMatch, specOf, type ObjectSource } from './source';

export interface ServerTLSSettings {
  mode?: 'PASSTHROUGH' | 'SIMPLE' | 'MUTUAL' | 'AUTO_PASSTHROUGH' | 'ISTIO_MUTUAL' | 'OPTIONAL_MUTUAL';
  httpsRedirect?: boolean;
  serverCertificate?: string;
  privateKey?: string;
  caCertificates?: string;
  credentialName?: string;
  credentialNames?: string[];
  subjectAltNames?: string[];
  minProtocolVersion?: string;
  maxProtocolVersion?: string;
  cipherSuites?: string[];
}

export interface GatewayServerSpec {
  port?: { number: number; protocol: string; name?: string; targetPort?: number };
  hosts?: string[];
  tls?: ServerTLSSettings;
  bind?: string;
  name?: string;
}

export interface GatewayServer {
  /** `namespace/name` of the Gateway. */
  gateway: string;
  gatewayNamespace: string;
  gatewayName: string;
  index: number;
  port: { number: number; protocol: string; name: string };
  hosts: string[];
  tls?: ServerTLSSettings;
  bind: string;
  name: string;
}

export interface ServerPort {
  number: number;
  protocol: string;
  bind: string;
}

export interface MergedServers {
  servers: GatewayServer[];
  routeName: string;
}

export interface MergedGateway {
  serverPorts: ServerPort[];
  mergedServers: Map<string, MergedServers>;
  serversByRouteName: Map<string, GatewayServer[]>;
  tlsServerInfo: Map<GatewayServer, { routeName: string; sniHosts: string[] }>;
  gatewayNames: Set<string>;
  warnings: string[];
}

export const portKey = (p: ServerPort) => `${p.number}|${p.protocol.toUpperCase()}|${p.bind}`;

export function protocolOf(p: string): string {
  const u = p.toUpperCase();
  if (u === 'HTTP' || u === 'HTTP2' || u === 'GRPC' || u === 'GRPC-WEB' || u === 'HTTP_PROXY') return u;
  if (u === 'HTTPS' || u === 'TLS' || u === 'TCP' || u === 'MONGO' || u === 'REDIS' || u === 'MYSQL' || u === 'UDP') return u;
  return 'UNSUPPORTED';
}

export const isHTTPProtocol = (p: string) => ['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB', 'HTTP_PROXY'].includes(protocolOf(p));
export const isPassthrough = (s: GatewayServer) => s.tls?.mode === 'PASSTHROUGH' || s.tls?.mode === 'AUTO_PASSTHROUGH';
export const isTLSServer = (s: GatewayServer) => !!s.tls && !isHTTPProtocol(s.port.protocol);
export const isHTTPServer = (s: GatewayServer) =>
  isHTTPProtocol(s.port.protocol) || (protocolOf(s.port.protocol) === 'HTTPS' && !isPassthrough(s));
export const isHTTPSWithTermination = (s: GatewayServer) => !!s.tls && protocolOf(s.port.protocol) === 'HTTPS' && !isPassthrough(s);

function canMergeProtocols(incoming: string, existing: string): boolean {
  return (isHTTPProtocol(incoming) || protocolOf(incoming) === protocolOf(existing)) && isHTTPProtocol(existing);
}

function rdsRouteName(s: GatewayServer, port: number, gw: { name: string; namespace: string }): string {
  const bind = s.bind ? `.${s.bind}` : '';
  if (isHTTPProtocol(s.port.protocol)) return `http.${port}${bind}`;
  if (protocolOf(s.port.protocol) === 'HTTPS' && !isPassthrough(s)) {
    return `https.${s.port.number}.${s.port.name}.${gw.name}.${gw.namespace}${bind}`;
  }
  return '';
}

function sniHostsFor(s: GatewayServer): string[] {
  if (!s.tls) return [];
  const set = new Set<string>();
  for (const h of s.hosts) set.add(h.includes('/') ? h.split('/')[1]! : h);
  return [...set].sort();
}

/** Gateways whose selector picks the pod (no selector: every gateway workload), in config order. */
export function gatewaysForPod(source: ObjectSource, pod: StoredObject): StoredObject[] {
  return source
    .list(RES.gateways)
    .items.filter((g) => {
      const sel = specOf<{ selector?: Record<string, string> }>(g).selector;
      return !sel || labelsMatch(sel, pod.metadata.labels);
    })
    .sort(byCreation);
}

export function mergeGateways(gateways: StoredObject[], pod: StoredObject, registry: ServiceRegistry, unprivileged = true): MergedGateway {
  const out: MergedGateway = {
    serverPorts: [],
    mergedServers: new Map(),
    serversByRouteName: new Map(),
    tlsServerInfo: new Map(),
    gatewayNames: new Set(),
    warnings: [],
  };
  const targets = registry.servicesSelecting(pod);
  const resolvePort = (n: number): number => {
    for (const svc of targets) {
      for (const sp of svc.ports) {
        if (sp.port === n) return registry.targetPortFor(sp, pod) ?? n;
      }
    }
    return n;
  };
  const gatewayPorts = new Set<number>();
  const plainText = new Map<number, ServerPort>();
  const tlsHostsByPort = new Map<number, Map<string, string>>();
  const bindsByPort = new Map<number, Set<string>>();

  const addPlainText = (s: GatewayServer, sp: ServerPort, routeName: string) => {
    if (!isTLSServer(s)) plainText.set(sp.number, sp);
    if (isHTTPServer(s)) out.serversByRouteName.set(routeName, [s]);
    out.mergedServers.set(portKey(sp), { servers: [s], routeName });
    out.serverPorts.push(sp);
  };

  for (const gw of gateways) {
    const gwName = `${gw.metadata.namespace}/${gw.metadata.name}`;
    const spec = specOf<{ servers?: GatewayServerSpec[] }>(gw);
    (spec.servers ?? []).forEach((raw, index) => {
      if (!raw.port) {
        out.warnings.push(`invalid server without port: "${gwName}"`);
        return;
      }
      const s: GatewayServer = {
        gateway: gwName,
        gatewayNamespace: gw.metadata.namespace ?? 'default',
        gatewayName: gw.metadata.name,
        index,
        port: { number: raw.port.number, protocol: raw.port.protocol ?? 'HTTP', name: raw.port.name ?? '' },
        hosts: sanitizeServerHosts(raw.hosts ?? [], gw.metadata.namespace ?? 'default'),
        tls: raw.tls,
        bind: raw.bind ?? '',
        name: raw.name ?? '',
      };
      out.gatewayNames.add(gwName);
      const resolved = resolvePort(s.port.number);
      if (unprivileged && resolved < 1024) {
        out.warnings.push(`buildGatewayListeners: skipping privileged gateway port ${resolved} for server ${gwName}/${s.port.name}`);
        return;
      }
      const routeName = rdsRouteName(s, resolved, { name: gw.metadata.name, namespace: gw.metadata.namespace ?? 'default' });
      if (s.tls) {
        const known = tlsHostsByPort.get(resolved) ?? new Map<string, string>();
        tlsHostsByPort.set(resolved, known);
        const dups = s.hosts.filter((h) => known.has(h) && known.get(h) === s.bind);
        if (dups.length > 0) {
          out.warnings.push(`skipping server on gateway ${gwName}, duplicate host names: ${dups.join(',')}`);
          return;
        }
        for (const h of s.hosts) known.set(h, s.bind);
        out.tlsServerInfo.set(s, { routeName, sniHosts: sniHostsFor(s) });
      }
      const sp: ServerPort = { number: resolved, protocol: s.port.protocol, bind: s.bind };
      if (!gatewayPorts.has(resolved)) {
        gatewayPorts.add(resolved);
        addPlainText(s, sp, routeName);
        return;
      }
      const current = plainText.get(resolved);
      if (current) {
        if (!canMergeProtocols(s.port.protocol, current.protocol) && current.bind === sp.bind) {
          out.warnings.push(`skipping server on gateway ${gw.metadata.name} port ${s.port.name}.${resolved}.${s.port.protocol}: conflict with existing server ${current.number}.${current.protocol}`);
          return;
        }
        if (routeName === '' && current.bind === sp.bind) {
          out.warnings.push(`skipping server on gateway ${gw.metadata.name} port ${s.port.name}.${resolved}.${s.port.protocol}: could not build RDS name from server`);
          return;
        }
        if (current.bind !== sp.bind) {
          const ms = out.mergedServers.get(portKey(sp));
          if (!ms) addPlainText(s, sp, routeName);
          else {
            ms.routeName = routeName;
            ms.servers.push(s);
            out.serversByRouteName.set(routeName, [...(out.serversByRouteName.get(routeName) ?? []), s]);
          }
          return;
        }
        out.mergedServers.get(portKey(current))!.servers.push(s);
        out.serversByRouteName.set(routeName, [...(out.serversByRouteName.get(routeName) ?? []), s]);
        return;
      }
      if (!isTLSServer(s)) {
        plainText.set(resolved, sp);
        if (isHTTPServer(s)) out.serversByRouteName.set(routeName, [s]);
        out.mergedServers.set(portKey(sp), { servers: [s], routeName });
        out.serverPorts.push(sp);
        return;
      }
      if (isHTTPServer(s)) {
        if (routeName === '') return;
        if (out.serversByRouteName.has(routeName)) {
          out.warnings.push(`skipping server on gateway ${gw.metadata.name} port ${s.port.name}.${resolved}.${s.port.protocol}: non unique port name for HTTPS port`);
          return;
        }
        out.serversByRouteName.set(routeName, [s]);
      }
      const binds = bindsByPort.get(resolved) ?? new Set<string>();
      const newBind = !binds.has(sp.bind);
      binds.add(sp.bind);
      bindsByPort.set(resolved, binds);
      if (!s.tls && !newBind) {
        out.warnings.push(`TLS server without TLS options ${gwName}`);
        return;
      }
      const ms = out.mergedServers.get(portKey(sp));
      if (!ms) {
        out.mergedServers.set(portKey(sp), { servers: [s], routeName: '' });
        out.serverPorts.push(sp);
      } else ms.servers.push(s);
    });
  }
  return out;
}
