/**
 * Resources → the request-path graph (`client → loadBalancer → nodePort → gatewayPod →
 * gatewayServer → virtualService → route → service → subset → pod`), with warnings in words
 * on each node, and every path a request can take with its first broken link.
 *
 * This file builds the entry half (client to Gateway servers); `build-routes.ts` the routing
 * half; `paths.ts` walks both.
 */
import { isPodReady, podIP, type Pod, type Service } from '../kube/core';
import { objectKey } from '../kube/object';
import { matchesLabels } from '../kube/selector';
import type { MeshSnapshot } from '../istio/snapshot';
import { buildGatewayProxy, gatewayPods, serviceSelectsPod, servicesSelectingPod, type BoundServer, type GatewayProxy } from '../routing/gateway-proxy';
import { buildRoutingHalf } from './build-routes';
import { checkConflictingGateways, checkIngressConflicts } from './conflicts';
import { GraphBuilder, GraphRecorder, replay, type GraphSink } from './graph';
import { createTopologyMemo, sameDeps, type EntryHalf, type TopologyMemo } from './memo';
import { buildPaths, type EntryPlan, type ServerPlan } from './paths';
import { CLIENT_ID, ids } from './ids';
import type { Topology } from './types';

export { CLIENT_ID, ids } from './ids';

export interface TopologyOptions {
  /**
   * Stop enumerating paths after this many (a large mesh can have many); nodes and edges are
   * always complete. Default 5000.
   */
  maxPaths?: number;
}

function serverLabel(b: BoundServer): string {
  const tls = b.server.tls?.mode ? ` ${b.server.tls.mode}` : '';
  return `${b.gateway.metadata.name} · ${b.server.port.protocol}${tls} ${b.port} · ${(b.server.hosts ?? []).join(', ')}`;
}

function addServerNode(g: GraphSink, b: BoundServer): string {
  const id = ids.gatewayServer(b.id);
  const tls = b.server.tls;
  g.node(id, 'gatewayServer', serverLabel(b), {
    kind: 'gatewayServer',
    id: b.id,
    gateway: b.gatewayKey,
    index: b.index,
    ...(b.server.name ? { name: b.server.name } : {}),
    port: b.port,
    protocol: b.server.port.protocol,
    hosts: [...(b.server.hosts ?? [])],
    ...(tls ? { tls: { ...(tls.mode ? { mode: tls.mode } : {}), ...(tls.credentialName ? { credentialName: tls.credentialName } : {}), ...(tls.httpsRedirect ? { httpsRedirect: true } : {}) } } : {}),
    ...(b.listenerPort ? { listenerPort: b.listenerPort } : {}),
    ...(b.exposedBy ? { exposedBy: `${b.exposedBy.service}:${b.exposedBy.port.port}` } : {}),
  });
  return id;
}

/** TLS credential checks that need the Secrets (only when the snapshot has them). */
function checkCredentials(g: GraphSink, id: string, b: BoundServer, pod: Pod, snapshot: MeshSnapshot): void {
  const secrets = snapshot.secrets ?? [];
  if (secrets.length === 0) return;
  const ns = pod.metadata.namespace ?? '';
  const names = [...(b.server.tls?.credentialNames ?? []), ...(b.server.tls?.credentialName ? [b.server.tls.credentialName] : [])];
  for (const n of names) {
    if (n.includes('://')) continue;
    if (!secrets.some((s) => s.metadata.name === n && (s.metadata.namespace ?? '') === ns)) {
      g.warn(id, 'error', `credentialName ${n}: no Secret ${ns}/${n} in the gateway pod's namespace; the TLS handshake fails`);
    }
  }
}

/**
 * Builds the request-path graph of a snapshot. With `memo` (the one the previous build used),
 * the steps whose inputs are the same objects as last time are replayed, not recomputed: the
 * result is the same as without it.
 *
 * @example buildTopology(meshSnapshot(cache.objects())).paths.filter((p) => p.broken)
 */
export function buildTopology(snapshot: MeshSnapshot, opts: TopologyOptions = {}, memo: TopologyMemo = createTopologyMemo()): Topology {
  const g = new GraphBuilder();
  g.node(CLIENT_ID, 'client', 'Client', { kind: 'client' });

  const pods = gatewayPods(snapshot);
  const deps = [snapshot.gateways, snapshot.services, snapshot.nodes, snapshot.secrets, ...pods];
  if (!memo.entry || !sameDeps(memo.entry.deps, deps)) memo.entry = { deps, value: buildEntryHalf(snapshot, pods) };
  const entry = memo.entry.value;
  replay(entry.ops, g);

  const routing = buildRoutingHalf(g, snapshot, entry.servers, memo);
  checkIngressConflicts(g, snapshot);
  return g.build(buildPaths(g, entry.entries, entry.servers, routing, opts.maxPaths ?? 5000));
}

/** Client to Gateway servers: gateway pods, servers, load balancers and NodePorts (reads only the objects in `buildTopology`'s deps). */
function buildEntryHalf(snapshot: MeshSnapshot, pods: readonly Pod[]): EntryHalf {
  const g = new GraphRecorder();
  const proxies = new Map<string, GatewayProxy>(pods.map((p) => [objectKey(p), buildGatewayProxy(snapshot, p)]));
  const servers = new Map<string, ServerPlan>();

  // Gateway pods.
  for (const p of pods) {
    const key = objectKey(p);
    const proxy = proxies.get(key)!;
    const id = g.node(ids.gatewayPod(key), 'gatewayPod', p.metadata.name, {
      kind: 'gatewayPod',
      pod: key,
      ...(podIP(p) ? { ip: podIP(p) } : {}),
      ready: isPodReady(p),
      ...(p.spec?.nodeName ? { node: p.spec.nodeName } : {}),
      gateways: proxy.gateways.map((gw) => objectKey(gw)),
    });
    if (!isPodReady(p)) g.warn(id, 'error', 'pod is not ready: the gateway Service sends it no traffic');
    if (proxy.gateways.length === 0) g.warn(id, 'warning', 'no Gateway selects this pod: it has no listeners');
    for (const b of proxy.servers) {
      const sid = addServerNode(g, b);
      g.edge(id, sid, { port: b.listenerPort });
      const plan = servers.get(sid) ?? { id: sid, bound: b, proxy, pods: [] };
      plan.pods.push(id);
      servers.set(sid, plan);
      checkCredentials(g, sid, b, p, snapshot);
    }
    for (const s of proxy.skipped) g.warn(ids.gatewayServer(s.server.id), 'error', `Istio skips this server: ${s.reason}`);
  }

  // Gateways that select no pod.
  for (const gw of snapshot.gateways) {
    const key = objectKey(gw);
    if (pods.some((p) => proxies.get(objectKey(p))!.gateways.includes(gw))) continue;
    for (const [index, server] of (gw.spec?.servers ?? []).entries()) {
      if (!server?.port) continue;
      const id = addServerNode(g, {
        id: `${key}#${index}`,
        gateway: gw,
        gatewayKey: key,
        index,
        server,
        kind: 'http',
        port: server.port.number,
        listenerPort: 0,
        hosts: [],
      });
      const sel = Object.entries(gw.spec?.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
      g.warn(id, 'error', `Gateway selector ${sel || '(none)'} matches no gateway pod: this server is not configured anywhere`);
    }
  }

  // Gateway Services: load balancer and NodePort entries.
  const entries: EntryPlan[] = [];
  const gatewayServices = snapshot.services.filter((s) => pods.some((p) => serviceSelectsPod(s, p)));
  const exposedServers = new Set<string>();
  for (const svc of gatewayServices) entries.push(...serviceEntries(g, snapshot, svc, pods, servers, exposedServers));

  // Servers no Service port exposes.
  for (const plan of servers.values()) {
    if (exposedServers.has(plan.id)) continue;
    const b = plan.bound;
    const svcNames = servicesSelectingPod(snapshot.services, plan.proxy.pod).map((s) => s.metadata.name);
    g.warn(
      plan.id,
      'warning',
      svcNames.length
        ? `Gateway port ${b.port} is not exposed by Service ${svcNames.join(', ')}: clients outside the cluster cannot reach it`
        : `no Service selects the gateway pods, so Gateway port ${b.port} is not reachable from outside the cluster`,
    );
    for (const podId of plan.pods) g.edge(CLIENT_ID, podId, { port: b.listenerPort });
    entries.push({ nodes: [CLIENT_ID], pods: plan.pods, servers: [plan.id], unexposed: true });
  }

  checkConflictingGateways(g, servers);
  return { ops: g.ops, servers, entries, proxies };
}

function serviceEntries(
  g: GraphSink,
  snapshot: MeshSnapshot,
  svc: Service,
  pods: readonly Pod[],
  servers: ReadonlyMap<string, ServerPlan>,
  exposed: Set<string>,
): EntryPlan[] {
  const key = objectKey(svc);
  const type = svc.spec?.type ?? 'ClusterIP';
  const addresses = (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? i.hostname ?? '').filter(Boolean);
  const nodeAddresses = (snapshot.nodes ?? []).flatMap((n) => (n.status?.addresses ?? []).filter((a) => a.type === 'ExternalIP' || a.type === 'InternalIP').map((a) => a.address));
  const selected = pods.filter((p) => (p.metadata.namespace ?? '') === (svc.metadata.namespace ?? '') && matchesLabels(svc.spec?.selector, p.metadata.labels));
  const out: EntryPlan[] = [];
  for (const port of svc.spec?.ports ?? []) {
    const reached = [...servers.values()].filter((s) => s.bound.exposedBy?.service === key && s.bound.exposedBy.port.port === port.port);
    if (reached.length === 0) continue; // a port no Gateway server uses (status-port 15021)
    reached.forEach((s) => exposed.add(s.id));
    const nodes = [CLIENT_ID];
    let last = CLIENT_ID;
    if (type === 'LoadBalancer') {
      const id = g.node(ids.loadBalancer(key, port.port), 'loadBalancer', `${addresses[0] ?? '<pending>'}:${port.port}`, {
        kind: 'loadBalancer',
        service: key,
        port: port.port,
        ...(port.name ? { portName: port.name } : {}),
        addresses,
      });
      if (addresses.length === 0) g.warn(id, 'warning', `LoadBalancer Service ${key} has no external address yet (status.loadBalancer.ingress is empty)`);
      g.edge(CLIENT_ID, id, { port: port.port });
      nodes.push(id);
      last = id;
    }
    if (port.nodePort && (type === 'LoadBalancer' || type === 'NodePort')) {
      const id = g.node(ids.nodePort(key, port.nodePort), 'nodePort', `${nodeAddresses[0] ?? 'node'}:${port.nodePort}`, {
        kind: 'nodePort',
        service: key,
        port: port.port,
        nodePort: port.nodePort,
        nodeAddresses,
      });
      g.edge(last, id, { port: port.nodePort });
      nodes.push(id);
      last = id;
    }
    if (type === 'ClusterIP' || type === 'ExternalName') {
      reached.forEach((s) => g.warn(s.id, 'warning', `gateway Service ${key} is of type ${type}: port ${port.port} is reachable only inside the cluster`));
    }
    const podIds = selected.map((p) => ids.gatewayPod(objectKey(p)));
    for (const podId of podIds) {
      const target = reached.find((s) => s.pods.includes(podId))?.bound.listenerPort;
      g.edge(last, podId, target ? { port: target } : {});
    }
    if (podIds.length === 0) reached.forEach((s) => g.warn(s.id, 'error', `Service ${key} selects no gateway pod`));
    out.push({ nodes, pods: podIds, servers: reached.map((s) => s.id) });
  }
  return out;
}
