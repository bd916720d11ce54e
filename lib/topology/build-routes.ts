/**
 * The routing half of the topology: VirtualServices bound to Gateway servers, their routes, and
 * the Services, subsets and pods the routes lead to, with the problems of each in words.
 * Route reachability per server uses the simulator's model of istiod (`route-status.ts`), so the
 * graph and the simulator agree. Each VirtualService and each route destination is recorded once
 * and replayed while what it read is unchanged (`memo.ts`).
 */
import { objectKey, type KubeObject } from '../kube/object';
import { destinationFQDN, findServiceByHost, podsSelectedByService, virtualServiceGateways } from '../istio/refs';
import { hostMatches, serverHostsForNamespace } from '../istio/host';
import type { MeshSnapshot } from '../istio/snapshot';
import type { Destination, Gateway, HTTPRoute, VirtualService } from '../istio/types';
import type { Pod } from '../kube/core';
import { describeFault } from '../routing/actions';
import { bindingProblem, virtualServiceHosts } from '../routing/bindings';
import { expandDelegates } from '../routing/delegate';
import { resolveDestination } from '../routing/destinations';
import { describeMatch, isCatchAllMatch } from '../routing/match';
import type { RouteRef } from '../routing/route-table';
import { checkWeights, normalizeWeights } from '../routing/weights';
import { ids } from './ids';
import { GraphRecorder, replay, type GraphOp, type GraphSink } from './graph';
import { createTopologyMemo, memoized, type TopologyMemo } from './memo';
import type { BoundServer } from '../routing/gateway-proxy';
import type { DestPlan, RoutePlan, RoutingHalf, ServerPlan } from './paths';
import type { RouteDestinationData } from './types';
import { delegationDep, routeKey, routeStatus, statusByVs, statusDeps } from './route-status';

export { routeKey };

interface RouteSpec {
  key: string;
  ref: RouteRef;
  http?: HTTPRoute;
  dests: ReadonlyArray<{ destination: Destination; weight?: number }>;
  matches: string[];
  catchAll: boolean;
}

function routeSpecs(vs: VirtualService, all: readonly VirtualService[]): { specs: RouteSpec[]; problems: string[] } {
  const specs: RouteSpec[] = [];
  const { routes, problems } = expandDelegates(vs, all);
  for (const e of routes) {
    const ref: RouteRef = { kind: 'http', index: e.rootIndex, label: e.route.name ?? `http[${e.rootIndex}]` };
    if (e.route.name) ref.name = e.route.name;
    if (e.delegate) {
      ref.delegate = e.delegate;
      ref.label += ` → ${e.delegate.virtualService} http[${e.delegate.index}]`;
    }
    const m = e.route.match ?? [];
    specs.push({ key: routeKey(ref), ref, http: e.route, dests: e.route.route ?? [], matches: m.map(describeMatch), catchAll: m.length === 0 || m.some(isCatchAllMatch) });
  }
  (vs.spec?.tcp ?? []).forEach((t, i) =>
    specs.push({ key: `tcp[${i}]`, ref: { kind: 'tcp', index: i, label: `tcp[${i}]` }, dests: t.route ?? [], matches: (t.match ?? []).map((x) => (x.port ? `port ${x.port}` : 'every connection')), catchAll: false }),
  );
  (vs.spec?.tls ?? []).forEach((t, i) =>
    specs.push({ key: `tls[${i}]`, ref: { kind: 'tls', index: i, label: `tls[${i}]` }, dests: t.route ?? [], matches: (t.match ?? []).map((x) => `sni ${x.sniHosts.join(', ')}`), catchAll: false }),
  );
  return { specs, problems: problems.map((p) => p.reason) };
}

function hostWarnings(g: GraphSink, vsId: string, vs: VirtualService, gateways: Gateway[], snapshot: MeshSnapshot): void {
  const ns = vs.metadata.namespace ?? '';
  for (const h of virtualServiceHosts(vs, snapshot)) {
    const ok = gateways.some((gw) => (gw.spec?.servers ?? []).some((s) => serverHostsForNamespace(s.hosts ?? [], gw.metadata.namespace ?? '', ns).some((sh) => hostMatches(sh, h))));
    if (!ok && gateways.length) {
      g.warn(vsId, 'warning', `host ${h} does not match any server host of Gateway ${gateways.map((x) => objectKey(x)).join(', ')} (for namespace ${ns})`);
    }
  }
}

/** The kind of VirtualService route a server uses. */
function routeKindFor(plan: ServerPlan): RouteRef['kind'] {
  return plan.bound.kind === 'tcp' ? 'tcp' : plan.bound.kind === 'tls-passthrough' ? 'tls' : 'http';
}

/** The caller's own steps in a VirtualService's recording (replayed in order by `buildRoutingHalf`). */
type RoutingNote =
  | { k: 'vsOfServer'; server: string; vs: string }
  | { k: 'routeOfServer'; key: string; entry: { routeId: string; unreachable?: string } }
  | { k: 'route'; id: string; terminal: boolean }
  | { k: 'dest'; task: DestTask };

/** A route destination to resolve against the current Services, DestinationRules and pods. */
interface DestTask {
  routeId: string;
  destination: Destination;
  weight: number;
  vsNamespace: string;
  listenPort: number;
  clientNamespace: string;
  clientLabels?: Record<string, string>;
}

/** Adds VirtualService, route, Service, subset and pod nodes. */
export function buildRoutingHalf(g: GraphSink, snapshot: MeshSnapshot, servers: ReadonlyMap<string, ServerPlan>, memo: TopologyMemo = createTopologyMemo()): RoutingHalf {
  const half: RoutingHalf = { vsByServer: new Map(), routesByServerVs: new Map(), routes: new Map() };
  const gatewaysByKey = new Map(snapshot.gateways.map((gw) => [objectKey(gw), gw]));
  const byGroup = new Map<readonly BoundServer[], Map<string, string | undefined>>();
  const boundByGateway = new Map<string, readonly VirtualService[]>();
  const statusByServer = new Map<string, { status: Map<string, string | undefined>; byVs: Map<string, string> }>();
  const plansByGateway = new Map<string, ServerPlan[]>();
  for (const p of servers.values()) {
    statusByServer.set(
      p.id,
      memoized(memo.status, p, statusDeps(snapshot, p, boundByGateway), () => {
        const status = routeStatus(snapshot, p, byGroup);
        return { status, byVs: statusByVs(status) };
      }),
    );
    const list = plansByGateway.get(p.bound.gatewayKey);
    if (list) list.push(p);
    else plansByGateway.set(p.bound.gatewayKey, [p]);
  }
  const anyPlan = [...servers.values()][0];
  const clientNamespace = anyPlan?.proxy.pod.metadata.namespace ?? snapshot.rootNamespace ?? 'istio-system';
  const delegation = delegationDep(snapshot.virtualServices);

  for (const vs of snapshot.virtualServices) {
    const refs = virtualServiceGateways(vs).filter((r) => r.key !== 'mesh');
    if (refs.length === 0) continue;
    const vsKey = objectKey(vs);
    const deps: unknown[] = [servers, snapshot.services, snapshot.destinationRules, snapshot.clusterDomain, snapshot.rootNamespace, delegation];
    for (const r of refs) {
      deps.push(gatewaysByKey.get(r.key));
      for (const p of plansByGateway.get(r.key) ?? []) deps.push(p, statusByServer.get(p.id)!.byVs.get(vsKey) ?? '');
    }
    const ops = memoized(memo.virtualServices, vs, deps, () => recordVirtualService(vs, refs, snapshot, servers, gatewaysByKey, statusByServer, clientNamespace)) as ReadonlyArray<GraphOp<RoutingNote>>;
    let current: RoutePlan | undefined;
    replay(ops, g, (note) => {
      if (note.k === 'vsOfServer') half.vsByServer.set(note.server, [...(half.vsByServer.get(note.server) ?? []), note.vs]);
      else if (note.k === 'routeOfServer') half.routesByServerVs.set(note.key, [...(half.routesByServerVs.get(note.key) ?? []), note.entry]);
      else if (note.k === 'route') half.routes.set(note.id, (current = { id: note.id, dests: [], terminal: note.terminal }));
      else current!.dests.push(destination(g, snapshot, note.task, memo));
    });
  }
  return half;
}

/** One VirtualService's node, bindings and routes, recorded (its destinations as tasks). */
function recordVirtualService(
  vs: VirtualService,
  refs: ReturnType<typeof virtualServiceGateways>,
  snapshot: MeshSnapshot,
  servers: ReadonlyMap<string, ServerPlan>,
  gatewaysByKey: ReadonlyMap<string, Gateway>,
  statusByServer: ReadonlyMap<string, { status: Map<string, string | undefined> }>,
  clientNamespace: string,
): ReadonlyArray<GraphOp<RoutingNote>> {
  const g = new GraphRecorder<RoutingNote>();
  const vsKey = objectKey(vs);
  const vsId = g.node(ids.virtualService(vsKey), 'virtualService', vs.metadata.name, {
    kind: 'virtualService',
    virtualService: vsKey,
    hosts: [...(vs.spec?.hosts ?? [])],
    gateways: virtualServiceGateways(vs).map((r) => r.key),
  });
  const existing: Gateway[] = [];
  for (const r of refs) {
    const gw = gatewaysByKey.get(r.key);
    if (gw) existing.push(gw);
    else g.warn(vsId, 'error', `VirtualService names Gateway ${r.key}, which does not exist`);
  }
  hostWarnings(g, vsId, vs, existing, snapshot);
  const { specs, problems } = routeSpecs(vs, snapshot.virtualServices);
  problems.forEach((p) => g.warn(vsId, 'warning', p));
  if (specs.length === 0) g.warn(vsId, 'warning', 'VirtualService has no http, tcp or tls routes');

  // Servers it binds to: the host binding holds and it has routes of the server's kind
  // (istiod ignores a VirtualService without http routes on an HTTP server, and so on).
  const boundPlans: ServerPlan[] = [];
  const kindsHere = new Set(specs.map((x) => x.ref.kind));
  let hostBound = 0;
  for (const plan of servers.values()) {
    if (!refs.some((r) => r.key === plan.bound.gatewayKey)) continue;
    const problem = bindingProblem(plan.bound, vs, plan.proxy.pod.metadata.namespace ?? '', snapshot);
    if (problem) {
      if (!problem.startsWith('hosts ') && !problem.startsWith('server hosts')) g.warn(vsId, 'warning', problem);
      continue;
    }
    hostBound++;
    if (!kindsHere.has(routeKindFor(plan))) continue;
    boundPlans.push(plan);
    g.edge(plan.id, vsId);
    g.note({ k: 'vsOfServer', server: plan.id, vs: vsId });
  }
  if (hostBound > 0 && boundPlans.length === 0 && specs.length > 0) {
    g.warn(vsId, 'warning', `its ${[...kindsHere].join('/')} routes do not fit the protocol of any Gateway server it binds to`);
  }

  let afterCatchAll: string | undefined;
  for (const spec of specs) {
    const routeId = ids.route(vsKey, spec.key);
    addRoute(g, snapshot, vs, vsId, routeId, spec, boundPlans, clientNamespace);
    if (spec.ref.kind === 'http') {
      if (afterCatchAll) g.warn(routeId, 'warning', `never used: ${afterCatchAll} before it matches every request, and Istio drops the routes after it`);
      else if (spec.catchAll) afterCatchAll = spec.ref.label;
    }
    for (const bp of boundPlans) {
      if (spec.ref.kind !== routeKindFor(bp)) continue;
      const status = statusByServer.get(bp.id)!.status;
      const k = `${vsKey}|${spec.key}`;
      const reason = status.has(k) ? status.get(k) : 'not generated by istiod for this server';
      g.note({ k: 'routeOfServer', key: `${bp.id}|${vsId}`, entry: { routeId, ...(reason ? { unreachable: reason } : {}) } });
    }
  }
  return g.ops;
}

/** A route destination's nodes and plan: replayed when its Service, DestinationRules and selected pods are the same objects. */
function destination(g: GraphSink, snapshot: MeshSnapshot, task: DestTask, memo: TopologyMemo): DestPlan {
  const opts = { rootNamespace: snapshot.rootNamespace, clusterDomain: snapshot.clusterDomain };
  const service = findServiceByHost(snapshot.services, destinationFQDN(task.destination, task.vsNamespace, opts), opts);
  const selected = service ? podsSelectedByService(service, snapshot.pods) : [];
  const deps = [
    task.routeId,
    task.weight,
    task.vsNamespace,
    task.listenPort,
    task.clientNamespace,
    task.clientLabels,
    snapshot.services,
    snapshot.destinationRules,
    snapshot.clusterDomain,
    snapshot.rootNamespace,
    ...selected,
  ];
  const unit = memoized(memo.destinations, task.destination, deps, () => {
    const rec = new GraphRecorder();
    const d = resolveDestination(task.destination, {
      snapshot,
      vsNamespace: task.vsNamespace,
      listenPort: task.listenPort,
      clientNamespace: task.clientNamespace,
      ...(task.clientLabels ? { clientLabels: task.clientLabels } : {}),
    });
    // The endpoints are pods of `selected`: look them up there, not in an index of every pod.
    const podsByKey = new Map(selected.map((p) => [objectKey(p), p]));
    const plan = addDestination(rec, snapshot, task.routeId, d, task.weight, podsByKey);
    return { ops: rec.ops, plan };
  });
  replay(unit.ops, g);
  return unit.plan;
}

function addRoute(
  g: GraphRecorder<RoutingNote>,
  snapshot: MeshSnapshot,
  vs: VirtualService,
  vsId: string,
  routeId: string,
  spec: RouteSpec,
  boundPlans: readonly ServerPlan[],
  clientNamespace: string,
): void {
  const vsKey = objectKey(vs);
  const r = spec.http;
  const shares = normalizeWeights(spec.dests);
  const destinations: RouteDestinationData[] = [];
  const listenPort = boundPlans[0]?.bound.port ?? 80;
  const ctx = {
    vsNamespace: vs.metadata.namespace ?? '',
    listenPort,
    clientNamespace: boundPlans[0]?.proxy.pod.metadata.namespace ?? clientNamespace,
    ...(boundPlans[0]?.proxy.pod.metadata.labels ? { clientLabels: boundPlans[0].proxy.pod.metadata.labels } : {}),
  };
  // Only what does not depend on pods is used here; the destinations' pods are resolved when
  // the recording is replayed (`destination`).
  const resolved = spec.dests.map((d) => resolveDestination(d.destination, { snapshot, ...ctx }));
  resolved.forEach((d, i) => destinations.push({ host: d.host, fqdn: d.fqdn, port: d.port, ...(d.subset ? { subset: d.subset } : {}), weight: shares[i]!.percent }));
  const fault = describeFault(r?.fault);
  const rw = r?.rewrite;
  g.node(routeId, 'route', spec.ref.label, {
    kind: 'route',
    virtualService: vsKey,
    routeKind: spec.ref.kind,
    index: spec.ref.index,
    ...(spec.ref.name ? { name: spec.ref.name } : {}),
    label: spec.ref.label,
    ...(spec.ref.delegate ? { delegate: spec.ref.delegate } : {}),
    matches: spec.matches,
    ...(rw?.uri || rw?.uriRegexRewrite || rw?.authority ? { rewrite: [rw.uri && `uri → ${rw.uri}`, rw.uriRegexRewrite && `uri ${rw.uriRegexRewrite.match} → ${rw.uriRegexRewrite.rewrite}`, rw.authority && `authority → ${rw.authority}`].filter(Boolean).join(', ') } : {}),
    ...(r?.redirect ? { redirect: `${r.redirect.redirectCode ?? 301} → ${r.redirect.scheme ? `${r.redirect.scheme}://` : ''}${r.redirect.authority ?? ''}${r.redirect.uri ?? r.redirect.prefixRewrite ?? ''}` } : {}),
    ...(r?.directResponse ? { directResponse: r.directResponse.status } : {}),
    ...(fault ? { fault: fault.description } : {}),
    destinations,
  });
  g.edge(vsId, routeId);
  const terminal = !!(r?.redirect || r?.directResponse);
  g.note({ k: 'route', id: routeId, terminal });
  if (!terminal && spec.dests.length === 0) g.warn(routeId, 'error', 'route has no destination, redirect or direct response');
  const wc = checkWeights(spec.dests);
  wc.errors.forEach((e) => g.warn(routeId, 'error', e));
  wc.notes.filter((n) => !n.includes('receive')).forEach((n) => g.warn(routeId, 'warning', n));
  if (r?.match?.length && boundPlans.length && r.match.every((m) => m.port && !boundPlans.some((b) => b.bound.port === m.port))) {
    g.warn(routeId, 'warning', `match port ${r.match.map((m) => m.port).join(', ')} is not the port of any Gateway server this VirtualService binds to`);
  }
  if (terminal) return;

  spec.dests.forEach((d, i) => {
    if (shares[i]!.percent === 0 && spec.dests.length > 1) return;
    g.note({ k: 'dest', task: { routeId, destination: d.destination, weight: shares[i]!.percent, ...ctx } });
  });
}

/** Objects by `namespace/name`, built once per array. */
const indexMemo = new WeakMap<readonly KubeObject[], { length: number; byKey: Map<string, KubeObject> }>();
function byKey<T extends KubeObject>(objs: readonly T[]): Map<string, T> {
  let hit = indexMemo.get(objs);
  if (!hit || hit.length !== objs.length) {
    hit = { length: objs.length, byKey: new Map(objs.map((o) => [objectKey(o), o])) };
    indexMemo.set(objs, hit);
  }
  return hit.byKey as Map<string, T>;
}
function indexOf(snapshot: MeshSnapshot) {
  return {
    get services() {
      return byKey(snapshot.services);
    },
    get destinationRules() {
      return byKey(snapshot.destinationRules);
    },
  };
}

function addDestination(g: GraphSink, snapshot: MeshSnapshot, routeId: string, d: ReturnType<typeof resolveDestination>, weight: number, podsByKey: ReadonlyMap<string, Pod>): DestPlan {
  const svc = d.service ? indexOf(snapshot).services.get(d.service) : undefined;
  const serviceId = g.node(ids.service(d.fqdn), 'service', d.service ?? d.fqdn, {
    kind: 'service',
    fqdn: d.fqdn,
    ...(d.service ? { service: d.service } : {}),
    ports: (svc?.spec?.ports ?? []).map((p) => p.port),
  });
  const edge = g.edge(routeId, serviceId, { port: d.port, weight, ...(d.subset ? { subset: d.subset } : {}) }, `${d.port}|${d.subset ?? ''}`);
  const plan: DestPlan = { serviceId, podIds: [], edgeIds: [edge], weight };
  let subsetId: string | undefined;
  if (d.subset) {
    subsetId = g.node(ids.subset(d.fqdn, d.subset), 'subset', d.subset, {
      kind: 'subset',
      fqdn: d.fqdn,
      subset: d.subset,
      ...(d.destinationRule ? { destinationRule: d.destinationRule } : {}),
      ...(labelsOfSubset(snapshot, d.destinationRule, d.subset) ?? {}),
    });
    plan.subsetId = subsetId;
    plan.edgeIds.push(g.edge(serviceId, subsetId, { port: d.port, subset: d.subset }));
  }
  const last = subsetId ?? serviceId;
  for (const e of d.pods) {
    const pod = podsByKey.get(e.pod);
    const podId = g.node(ids.pod(e.pod), 'pod', pod?.metadata.name ?? e.pod, { kind: 'pod', pod: e.pod, ...(e.ip ? { ip: e.ip } : {}), ready: e.ready, labels: { ...(pod?.metadata.labels ?? {}) } });
    if (!e.ready) g.warn(podId, 'error', e.port === undefined ? 'the Service targetPort names a port this pod does not have' : 'pod is not ready: it gets no traffic');
    plan.edgeIds.push(g.edge(last, podId, e.port !== undefined ? { port: e.port } : {}));
    plan.podIds.push(podId);
  }
  if (d.problem && d.problemStage) {
    // A wrong port on an existing Service is the route's mistake: other routes to that Service work.
    const routeMistake = d.problemStage === 'service' && !!svc && d.envoyResponse === '503 NC';
    const at = routeMistake ? routeId : d.problemStage === 'subset' ? (subsetId ?? serviceId) : d.problemStage === 'pod' ? (plan.podIds[0] ?? last) : serviceId;
    const informational = d.envoyResponse === undefined; // a Service without selector still routes
    if (d.problemStage !== 'pod') g.warn(at, informational ? 'warning' : 'error', d.problem);
    // An undefined subset (its DestinationRule deleted or edited) is also said on the route that names it.
    if (d.problemStage === 'subset' && d.envoyResponse === '503 NC') g.warn(routeId, 'error', `destination ${d.host}${d.subset ? ` subset ${d.subset}` : ''}: ${d.problem}`);
    if (!informational) plan.broken = { node: at, stage: routeMistake ? 'route' : d.problemStage, reason: d.problem };
  }
  return plan;
}

function labelsOfSubset(snapshot: MeshSnapshot, dr: string | undefined, subset: string): { labels: Record<string, string> } | undefined {
  const rule = dr ? indexOf(snapshot).destinationRules.get(dr) : undefined;
  const labels = rule?.spec?.subsets?.find((s) => s.name === subset)?.labels;
  return labels ? { labels } : undefined;
}
