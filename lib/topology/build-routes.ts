/**
 * The routing half of the topology: VirtualServices bound to Gateway servers, their routes, and
 * the Services, subsets and pods the routes lead to, with the problems of each in words.
 * Route reachability per server uses the simulator's model of istiod (route tables, catch-all
 * ordering, TCP and TLS route selection), so the graph and the simulator agree.
 */
import { objectKey } from '../kube/object';
import { hostMatches, serverHostsForNamespace } from '../istio/host';
import { virtualServiceGateways } from '../istio/refs';
import type { MeshSnapshot } from '../istio/snapshot';
import type { Destination, DestinationRule, Gateway, HTTPRoute, VirtualService } from '../istio/types';
import type { Pod, Service } from '../kube/core';
import { describeFault } from '../routing/actions';
import { bindingProblem, virtualServiceHosts } from '../routing/bindings';
import { expandDelegates } from '../routing/delegate';
import { resolveDestination } from '../routing/destinations';
import { decideTcp, tlsChains } from '../routing/l4';
import { describeMatch, isCatchAllMatch } from '../routing/match';
import { buildRouteTable, type RouteRef } from '../routing/route-table';
import { checkWeights, normalizeWeights } from '../routing/weights';
import { ids } from './ids';
import type { GraphBuilder } from './graph';
import type { DestPlan, RoutePlan, RoutingHalf, ServerPlan } from './paths';
import type { RouteDestinationData } from './types';

/** `http[2]`, `http[0]>default/reviews[1]`: a route's key inside its VirtualService. */
export function routeKey(ref: Pick<RouteRef, 'kind' | 'index' | 'delegate'>): string {
  return `${ref.kind}[${ref.index}]${ref.delegate ? `>${ref.delegate.virtualService}[${ref.delegate.index}]` : ''}`;
}

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

function hostWarnings(g: GraphBuilder, vsId: string, vs: VirtualService, gateways: Gateway[], snapshot: MeshSnapshot): void {
  const ns = vs.metadata.namespace ?? '';
  for (const h of virtualServiceHosts(vs, snapshot)) {
    const ok = gateways.some((gw) => (gw.spec?.servers ?? []).some((s) => serverHostsForNamespace(s.hosts ?? [], gw.metadata.namespace ?? '', ns).some((sh) => hostMatches(sh, h))));
    if (!ok && gateways.length) {
      g.warn(vsId, 'warning', `host ${h} does not match any server host of Gateway ${gateways.map((x) => objectKey(x)).join(', ')} (for namespace ${ns})`);
    }
  }
}

/** Reachability of each route of each bound VirtualService on one server: undefined = reachable. */
function routeStatus(snapshot: MeshSnapshot, plan: ServerPlan): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  const b = plan.bound;
  if (b.kind === 'http' || b.kind === 'https') {
    const group = b.kind === 'http' ? (plan.proxy.listeners.get(b.listenerPort)?.http ?? [b]) : [b];
    const table = buildRouteTable(snapshot, plan.proxy, group, b.kind);
    const seen = new Map<string, boolean>();
    for (const vh of table.virtualHosts) {
      let catchAll: string | undefined;
      for (const e of vh.routes) {
        const k = `${e.vsKey}|${routeKey(e.ref)}`;
        if (catchAll) {
          if (!seen.get(k)) out.set(k, `unreachable on ${vh.domain}: ${catchAll} comes first and matches every request`);
        } else {
          seen.set(k, true);
          out.set(k, undefined);
        }
        if (e.catchAll && !catchAll) catchAll = `${e.ref.label} of ${e.vsKey}`;
      }
    }
    for (const n of table.notGenerated) {
      const k = `${n.virtualService}|${routeKey(n.ref)}`;
      if (!out.has(k)) out.set(k, `not generated by istiod: ${n.reason}`);
    }
  } else if (b.kind === 'tcp') {
    const d = decideTcp(snapshot, plan.proxy, b);
    for (const r of d.rejected) out.set(`${r.virtualService}|${routeKey(r.route)}`, r.reason);
    if (d.virtualService && d.route) {
      const winner = `${objectKey(d.virtualService)}|${routeKey(d.route)}`;
      out.set(winner, undefined);
      for (const vs of snapshot.virtualServices) {
        (vs.spec?.tcp ?? []).forEach((_, i) => {
          const k = `${objectKey(vs)}|tcp[${i}]`;
          if (!out.has(k)) out.set(k, `${d.route!.label} of ${objectKey(d.virtualService!)} takes every connection on port ${b.port} first`);
        });
      }
    }
  } else {
    const { chains, rejected } = tlsChains(snapshot, plan.proxy, b);
    for (const r of rejected) out.set(`${r.virtualService}|${routeKey(r.route)}`, r.reason);
    for (const c of chains) out.set(`${objectKey(c.virtualService)}|${routeKey(c.route)}`, undefined);
  }
  return out;
}

/** The kind of VirtualService route a server uses. */
function routeKindFor(plan: ServerPlan): RouteRef['kind'] {
  return plan.bound.kind === 'tcp' ? 'tcp' : plan.bound.kind === 'tls-passthrough' ? 'tls' : 'http';
}

/** Adds VirtualService, route, Service, subset and pod nodes. */
export function buildRoutingHalf(g: GraphBuilder, snapshot: MeshSnapshot, servers: ReadonlyMap<string, ServerPlan>): RoutingHalf {
  const half: RoutingHalf = { vsByServer: new Map(), routesByServerVs: new Map(), routes: new Map() };
  const gatewaysByKey = new Map(snapshot.gateways.map((gw) => [objectKey(gw), gw]));
  const statusByServer = new Map([...servers.values()].map((p) => [p.id, routeStatus(snapshot, p)]));
  const anyPlan = [...servers.values()][0];
  const clientNamespace = anyPlan?.proxy.pod.metadata.namespace ?? snapshot.rootNamespace ?? 'istio-system';

  for (const vs of snapshot.virtualServices) {
    const refs = virtualServiceGateways(vs).filter((r) => r.key !== 'mesh');
    if (refs.length === 0) continue;
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
      half.vsByServer.set(plan.id, [...(half.vsByServer.get(plan.id) ?? []), vsId]);
    }
    if (hostBound > 0 && boundPlans.length === 0 && specs.length > 0) {
      g.warn(vsId, 'warning', `its ${[...kindsHere].join('/')} routes do not fit the protocol of any Gateway server it binds to`);
    }

    let afterCatchAll: string | undefined;
    for (const spec of specs) {
      const routeId = ids.route(vsKey, spec.key);
      const plan = addRoute(g, snapshot, vs, vsId, routeId, spec, boundPlans, clientNamespace);
      half.routes.set(routeId, plan);
      if (spec.ref.kind === 'http') {
        if (afterCatchAll) g.warn(routeId, 'warning', `never used: ${afterCatchAll} before it matches every request, and Istio drops the routes after it`);
        else if (spec.catchAll) afterCatchAll = spec.ref.label;
      }
      for (const bp of boundPlans) {
        if (spec.ref.kind !== routeKindFor(bp)) continue;
        const status = statusByServer.get(bp.id)!;
        const k = `${vsKey}|${spec.key}`;
        const reason = status.has(k) ? status.get(k) : 'not generated by istiod for this server';
        const key = `${bp.id}|${vsId}`;
        half.routesByServerVs.set(key, [...(half.routesByServerVs.get(key) ?? []), { routeId, ...(reason ? { unreachable: reason } : {}) }]);
      }
    }
  }
  return half;
}

function addRoute(
  g: GraphBuilder,
  snapshot: MeshSnapshot,
  vs: VirtualService,
  vsId: string,
  routeId: string,
  spec: RouteSpec,
  boundPlans: readonly ServerPlan[],
  clientNamespace: string,
): RoutePlan {
  const vsKey = objectKey(vs);
  const r = spec.http;
  const shares = normalizeWeights(spec.dests);
  const destinations: RouteDestinationData[] = [];
  const listenPort = boundPlans[0]?.bound.port ?? 80;
  const resolved = spec.dests.map((d) =>
    resolveDestination(d.destination, {
      snapshot,
      vsNamespace: vs.metadata.namespace ?? '',
      listenPort,
      clientNamespace: boundPlans[0]?.proxy.pod.metadata.namespace ?? clientNamespace,
      ...(boundPlans[0]?.proxy.pod.metadata.labels ? { clientLabels: boundPlans[0].proxy.pod.metadata.labels } : {}),
    }),
  );
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
  const plan: RoutePlan = { id: routeId, dests: [], terminal: !!(r?.redirect || r?.directResponse) };
  if (!plan.terminal && spec.dests.length === 0) g.warn(routeId, 'error', 'route has no destination, redirect or direct response');
  const wc = checkWeights(spec.dests);
  wc.errors.forEach((e) => g.warn(routeId, 'error', e));
  wc.notes.filter((n) => !n.includes('receive')).forEach((n) => g.warn(routeId, 'warning', n));
  if (r?.match?.length && boundPlans.length && r.match.every((m) => m.port && !boundPlans.some((b) => b.bound.port === m.port))) {
    g.warn(routeId, 'warning', `match port ${r.match.map((m) => m.port).join(', ')} is not the port of any Gateway server this VirtualService binds to`);
  }
  if (plan.terminal) return plan;

  resolved.forEach((d, i) => {
    if (shares[i]!.percent === 0 && spec.dests.length > 1) return;
    plan.dests.push(addDestination(g, snapshot, routeId, d, shares[i]!.percent));
  });
  return plan;
}

/** Objects by `namespace/name`, built once per snapshot. */
const indexMemo = new WeakMap<MeshSnapshot, { sizes: string; pods: Map<string, Pod>; services: Map<string, Service>; destinationRules: Map<string, DestinationRule> }>();
function indexOf(snapshot: MeshSnapshot) {
  const sizes = `${snapshot.pods.length}/${snapshot.services.length}/${snapshot.destinationRules.length}`;
  let hit = indexMemo.get(snapshot);
  if (!hit || hit.sizes !== sizes) {
    hit = {
      sizes,
      pods: new Map(snapshot.pods.map((p) => [objectKey(p), p])),
      services: new Map(snapshot.services.map((x) => [objectKey(x), x])),
      destinationRules: new Map(snapshot.destinationRules.map((x) => [objectKey(x), x])),
    };
    indexMemo.set(snapshot, hit);
  }
  return hit;
}

function addDestination(g: GraphBuilder, snapshot: MeshSnapshot, routeId: string, d: ReturnType<typeof resolveDestination>, weight: number): DestPlan {
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
    const pod = indexOf(snapshot).pods.get(e.pod);
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
