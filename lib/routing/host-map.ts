/**
 * Who owns which host on which port: per gateway workload (the gateway pods one Deployment/Service
 * runs), every port × host with the Gateway servers that accept it and the VirtualServices that
 * claim it, as istiod binds them (`gateway-proxy.ts`, `bindings.ts`). Highlighted:
 *
 * - **conflicts**: servers of different Gateways declaring the same host on the same port of the
 *   same pods (IST0145), servers istiod skips, several VirtualServices merged on one host (their
 *   routes are concatenated, so order decides), an Ingress of class istio routing the same host;
 * - **orphans**: a server host no VirtualService serves (every request for it gets 404 NR), and a
 *   VirtualService host no server accepts (the VirtualService does nothing for it), with the reason.
 */
import { isPodReady, type Pod } from '../kube/core';
import { objectKey, type KubeObject } from '../kube/object';
import { hostMatches, isWildcard } from '../istio/host';
import { indexGateways, virtualServiceGateways, MESH_GATEWAY, type MeshOptions } from '../istio/refs';
import type { MeshSnapshot } from '../istio/snapshot';
import { bindingProblem, httpBindingHosts, l4BindingHosts, virtualServiceHosts, virtualServicesForGateway } from './bindings';
import { buildGatewayProxy, gatewayPods, servicesSelectingPod, type BoundServer } from './gateway-proxy';

export type HostIssueKind = 'conflict' | 'skipped-server' | 'shared-host' | 'ingress' | 'orphan-host';

export interface HostIssue {
  kind: HostIssueKind;
  level: 'error' | 'warning';
  message: string;
}

export interface HostServerRef {
  /** `namespace/name#index`. */
  id: string;
  gateway: string;
  index: number;
  protocol: string;
  /** The server host as written that admits this host (`*`, `./web.example.com`). */
  declared: string;
  tlsMode?: string;
  /** Why istiod leaves this server out, when it does. */
  skipped?: string;
}

export interface HostClaim {
  /** `namespace/name` of the VirtualService. */
  virtualService: string;
  /** The server ids it binds this host through. */
  via: string[];
}

export interface HostRow {
  /** The Gateway server port (the gateway Service's port). */
  port: number;
  /** The gateway pod port Envoy listens on. */
  listenerPort: number;
  protocols: string[];
  host: string;
  servers: HostServerRef[];
  virtualServices: HostClaim[];
  /** Ingresses (class istio) that route this host through the same gateway. */
  ingresses: string[];
  issues: HostIssue[];
}

export interface WorkloadHosts {
  /** The gateway Service selecting the pods (`istio-system/istio-ingressgateway`), else the first pod. */
  workload: string;
  pods: string[];
  rows: HostRow[];
}

export interface OrphanVirtualServiceHost {
  virtualService: string;
  host: string;
  reason: string;
}

export interface HostMap {
  workloads: WorkloadHosts[];
  /** VirtualService hosts that no Gateway server accepts. */
  orphanVirtualServiceHosts: OrphanVirtualServiceHost[];
  counts: { conflicts: number; orphans: number };
}

const bare = (raw: string) => (raw.includes('/') ? raw.slice(raw.indexOf('/') + 1) : raw);

/** Wildcards after exact names, then by name (how people scan a host list). */
function compareHosts(a: string, b: string): number {
  const aw = isWildcard(a);
  const bw = isWildcard(b);
  if (aw !== bw) return aw ? 1 : -1;
  return a.localeCompare(b);
}

interface IngressLike extends KubeObject {
  spec?: { ingressClassName?: string; rules?: Array<{ host?: string }> };
}

function istioIngressHosts(snapshot: MeshSnapshot): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const i of (snapshot.ingresses ?? []) as IngressLike[]) {
    const cls = i.spec?.ingressClassName ?? i.metadata.annotations?.['kubernetes.io/ingress.class'];
    if (!(cls === 'istio' || (cls === undefined && snapshot.ingressDefaultIstio))) continue;
    for (const r of i.spec?.rules ?? []) if (r.host) out.set(r.host.toLowerCase(), [...(out.get(r.host.toLowerCase()) ?? []), objectKey(i)]);
  }
  return out;
}

/** Gateway pods grouped by the workload that runs them (the first Service selecting them), by name. */
export function gatewayWorkloads(snapshot: MeshSnapshot): Array<{ workload: string; pods: Pod[] }> {
  const groups = new Map<string, Pod[]>();
  for (const p of gatewayPods(snapshot)) {
    if (p.metadata.deletionTimestamp) continue;
    const svc = servicesSelectingPod(snapshot.services, p)[0];
    const key = svc ? objectKey(svc) : objectKey(p);
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  return [...groups].map(([workload, pods]) => ({ workload, pods })).sort((a, b) => a.workload.localeCompare(b.workload));
}

/** Whether the VirtualService has routes of the kind this server uses (http for HTTP/HTTPS, tcp for TCP, tls for passthrough). */
function hasRoutesFor(b: BoundServer, vs: MeshSnapshot['virtualServices'][number]): boolean {
  if (b.kind === 'http' || b.kind === 'https') return (vs.spec?.http?.length ?? 0) > 0;
  if (b.kind === 'tls-passthrough') return (vs.spec?.tls?.length ?? 0) > 0;
  return (vs.spec?.tcp?.length ?? 0) > 0;
}

function serverRef(b: BoundServer, declared: string, skipped?: string): HostServerRef {
  const r: HostServerRef = { id: b.id, gateway: b.gatewayKey, index: b.index, protocol: b.server.port.protocol, declared };
  if (b.server.tls?.mode) r.tlsMode = b.server.tls.mode;
  if (skipped) r.skipped = skipped;
  return r;
}

function hostsForWorkload(snapshot: MeshSnapshot, pods: Pod[], ingressHosts: Map<string, string[]>, bound: Set<string>): HostRow[] {
  const pod = pods.find(isPodReady) ?? pods[0]!;
  const proxy = buildGatewayProxy(snapshot, pod);
  const opts: MeshOptions = { clusterDomain: snapshot.clusterDomain, rootNamespace: snapshot.rootNamespace };
  const proxyNs = pod.metadata.namespace ?? '';
  const rows = new Map<string, HostRow>();
  const row = (b: BoundServer, host: string): HostRow => {
    const key = `${b.port}|${host}`;
    let r = rows.get(key);
    if (!r) {
      r = { port: b.port, listenerPort: b.listenerPort, protocols: [], host, servers: [], virtualServices: [], ingresses: [], issues: [] };
      rows.set(key, r);
    }
    if (!r.protocols.includes(b.server.port.protocol)) r.protocols.push(b.server.port.protocol);
    return r;
  };
  const addServer = (r: HostRow, ref: HostServerRef) => {
    if (!r.servers.some((s) => s.id === ref.id)) r.servers.push(ref);
  };
  const skipped = new Map(proxy.skipped.map((s) => [s.server.id, s.reason]));

  for (const b of proxy.servers) {
    const skip = skipped.get(b.id);
    const claimedThrough = new Set<string>();
    if (!skip) {
      for (const vs of virtualServicesForGateway(snapshot.virtualServices, b.gatewayKey, proxyNs)) {
        if (!hasRoutesFor(b, vs)) continue;
        const hosts = b.kind === 'http' || b.kind === 'https' ? httpBindingHosts(b, vs, opts) : l4BindingHosts(b, vs, opts);
        for (const h of hosts) {
          const r = row(b, h);
          const declared = (b.server.hosts ?? []).find((raw) => bare(raw).toLowerCase() === h) ?? (b.server.hosts ?? []).find((raw) => isWildcard(bare(raw))) ?? (b.server.hosts ?? [])[0] ?? '';
          claimedThrough.add(bare(declared).toLowerCase());
          addServer(r, serverRef(b, declared));
          const claim = r.virtualServices.find((c) => c.virtualService === objectKey(vs));
          if (claim) {
            if (!claim.via.includes(b.id)) claim.via.push(b.id);
          } else r.virtualServices.push({ virtualService: objectKey(vs), via: [b.id] });
          for (const vh of virtualServiceHosts(vs, opts)) if (hostMatches(vh.toLowerCase(), h)) bound.add(`${objectKey(vs)}|${vh}`);
        }
      }
    }
    // Server hosts through which no VirtualService binds anything: orphans (or skipped servers).
    for (const raw of b.server.hosts ?? []) {
      const h = bare(raw).toLowerCase();
      if (claimedThrough.has(h) && !skip) continue;
      const r = row(b, h);
      addServer(r, serverRef(b, raw, skip));
    }
  }

  for (const r of rows.values()) {
    const gateways = [...new Set(r.servers.filter((s) => !s.skipped).map((s) => s.gateway))];
    const declaring = r.servers.filter((s) => bare(s.declared).toLowerCase() === r.host);
    const declaringGateways = [...new Set(declaring.map((s) => s.gateway))];
    if (declaringGateways.length > 1) {
      r.issues.push({
        kind: 'conflict',
        level: 'warning',
        message: `Gateways ${declaringGateways.join(' and ')} both declare ${r.host} on port ${r.port} for the same gateway pods (IST0145 ConflictingGateways): which VirtualServices apply depends on which Gateway they name`,
      });
    }
    for (const s of r.servers) {
      if (s.skipped) r.issues.push({ kind: 'skipped-server', level: 'error', message: `server ${s.id} is left out by istiod: ${s.skipped}` });
    }
    if (r.virtualServices.length > 1) {
      r.issues.push({
        kind: 'shared-host',
        level: 'warning',
        message: `${r.virtualServices.length} VirtualServices claim ${r.host} on port ${r.port} (${r.virtualServices.map((c) => c.virtualService).join(', ')}): Istio concatenates their routes in creation order, so the first match across them wins`,
      });
    }
    const ing = ingressHosts.get(r.host) ?? [];
    if (ing.length && r.protocols.some((p) => p.toUpperCase() === 'HTTP')) {
      r.ingresses = ing;
      if (r.virtualServices.length) {
        r.issues.push({
          kind: 'ingress',
          level: 'warning',
          message: `Ingress ${ing.join(', ')} (class istio) also routes ${r.host} through this gateway: depending on merge order requests bypass the VirtualService's routes`,
        });
      }
    }
    if (r.virtualServices.length === 0 && gateways.length > 0) {
      r.issues.push({
        kind: 'orphan-host',
        level: 'warning',
        message: `no VirtualService serves ${r.host} on port ${r.port} through ${gateways.join(', ')}: requests for it get 404 NR${r.protocols.some((p) => !p.toUpperCase().startsWith('HTTP')) ? ' (or a closed connection)' : ''}`,
      });
    }
  }
  return [...rows.values()].sort((a, b) => a.port - b.port || compareHosts(a.host, b.host));
}

/** Why no server accepts a VirtualService host, in words. */
function orphanReason(snapshot: MeshSnapshot, vs: MeshSnapshot['virtualServices'][number]): string {
  const byKey = indexGateways(snapshot.gateways);
  const refs = virtualServiceGateways(vs).filter((g) => g.raw !== MESH_GATEWAY);
  if (refs.length === 0) return 'it names no Gateway (only the mesh): it is not used by any gateway';
  const missing = refs.filter((g) => !byKey.has(g.key));
  if (missing.length === refs.length) return `Gateway ${missing.map((g) => g.key).join(', ')} does not exist`;
  const reasons: string[] = [];
  for (const g of refs) {
    const gw = byKey.get(g.key);
    if (!gw) {
      reasons.push(`Gateway ${g.key} does not exist`);
      continue;
    }
    const pods = gatewayPods(snapshot).filter((p) => buildGatewayProxy(snapshot, p).gateways.includes(gw));
    if (pods.length === 0) {
      reasons.push(`Gateway ${g.key} selects no gateway pod`);
      continue;
    }
    const proxy = buildGatewayProxy(snapshot, pods[0]!);
    for (const b of proxy.servers.filter((s) => s.gatewayKey === g.key)) {
      const why = bindingProblem(b, vs, pods[0]!.metadata.namespace ?? '', { clusterDomain: snapshot.clusterDomain, rootNamespace: snapshot.rootNamespace });
      if (why) reasons.push(`${b.id}: ${why}`);
    }
  }
  return reasons.join('; ') || 'no server of the Gateways it names accepts it';
}

/**
 * The host ownership map of every gateway workload.
 *
 * @example buildHostMap(snapshot).workloads[0].rows.map((r) => `${r.port} ${r.host}`) // ['80 httpbin.example.com', '80 web.example.com', '80 *', …]
 */
export function buildHostMap(snapshot: MeshSnapshot): HostMap {
  const ingressHosts = istioIngressHosts(snapshot);
  const bound = new Set<string>();
  const out: WorkloadHosts[] = gatewayWorkloads(snapshot).map(({ workload, pods }) => ({
    workload,
    pods: pods.map((p) => objectKey(p)),
    rows: hostsForWorkload(snapshot, pods, ingressHosts, bound),
  }));
  const orphans: OrphanVirtualServiceHost[] = [];
  for (const vs of snapshot.virtualServices) {
    if (!vs.spec?.hosts?.length) continue; // a delegate
    if (virtualServiceGateways(vs).every((g) => g.raw === MESH_GATEWAY)) continue; // mesh only: not the gateway's business
    const key = objectKey(vs);
    const hosts = virtualServiceHosts(vs, { clusterDomain: snapshot.clusterDomain });
    const unbound = hosts.filter((h) => !bound.has(`${key}|${h}`));
    if (unbound.length === 0) continue;
    // A host the VirtualService binds through no server (its other hosts may bind).
    const anyBound = unbound.length < hosts.length;
    const reason = anyBound ? 'no server of the Gateways it names accepts this host' : orphanReason(snapshot, vs);
    for (const h of unbound) orphans.push({ virtualService: key, host: h, reason });
  }
  orphans.sort((a, b) => a.virtualService.localeCompare(b.virtualService) || a.host.localeCompare(b.host));
  const all = out.flatMap((w) => w.rows);
  return {
    workloads: out,
    orphanVirtualServiceHosts: orphans,
    counts: {
      conflicts: all.filter((r) => r.issues.some((i) => i.kind === 'conflict' || i.kind === 'skipped-server' || i.kind === 'ingress')).length,
      orphans: all.filter((r) => r.issues.some((i) => i.kind === 'orphan-host')).length + orphans.length,
    },
  };
}
