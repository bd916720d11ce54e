/**
 * Drift check: does a gateway pod's Envoy (its `/config_dump`) hold what the Gateways and
 * VirtualServices ask for? Per Gateway server: the listener and the route configuration (or
 * TCP/TLS filter chain); per VirtualService route: the virtual host (domain), the route with its
 * match, and its destinations and weights; per destination: the cluster and its healthy
 * endpoints. The answer reads like istioctl's "Listeners Match / Routes Match / Clusters Match",
 * with every difference in words ("route v1 of VirtualService default/web-service is missing
 * from route configuration http.8080 on istio-ingressgateway-7d9f-abc12").
 *
 * An area is checked only when the dump has its section (istioctl's test dumps often carry only
 * routes); endpoints are checked when the dump has EDS (`/config_dump?include_eds`) or the
 * cluster carries them inline. Routes Envoy holds for a VirtualService that the resources no
 * longer ask for (a rejected push leaves them) are reported too.
 *
 * Pure: the expectation comes from ./drift-expect, the lookups from ./config-query.
 */
import type { Pod } from '../kube/core';
import type { MeshSnapshot } from '../istio/snapshot';
import type { ConfigDumpModel, RouteConfigModel, RouteModel, VirtualHostModel } from './config-dump';
import { endpointsOf, findCluster, findListener, findRouteConfig, listenersOnPort, virtualHostsWithDomain } from './config-query';
import { describeServer, expectedGatewayConfig, matchKey, type ExpectedDestination, type ExpectedGatewayConfig, type ExpectedMatch, type ExpectedRoute, type ExpectedTcpChain } from './drift-expect';
import type { FilterChainModel, ListenerModel } from './listener-model';
import { routeDestinations } from './route-model';

export type DriftArea = 'listeners' | 'routes' | 'clusters';

export interface DriftDifference {
  area: DriftArea;
  kind: 'listener' | 'filterChain' | 'routeConfig' | 'virtualHost' | 'route' | 'extraRoute' | 'cluster' | 'endpoint';
  message: string;
  /** `namespace/name#index` of the Gateway server concerned. */
  server?: string;
  virtualService?: string;
  /** The route's label (`v1`, `http[2]`). */
  route?: string;
  cluster?: string;
}

export interface AreaResult {
  /** False when the dump has no such section. */
  checked: boolean;
  match: boolean;
  /** Items the resources ask for, and how many of them Envoy holds as asked. */
  expected: number;
  matched: number;
}

export type ItemState = 'match' | 'missing' | 'different' | 'not checked';

export interface ServerDrift {
  id: string;
  gateway: string;
  description: string;
  listener: string;
  routeConfig?: string;
  state: ItemState;
}

export interface RouteDrift {
  virtualService: string;
  route: string;
  routeConfig: string;
  domain: string;
  server: string;
  state: ItemState;
}

export interface PodDrift {
  pod: string;
  namespace: string;
  listeners: AreaResult;
  routes: AreaResult;
  clusters: AreaResult;
  /** Whether endpoint health was part of the clusters check. */
  endpointsChecked: boolean;
  /** `Listeners Match / Routes Match / Clusters Match` (istioctl's words; "Don't Match", "Not Checked"). */
  summary: string;
  servers: ServerDrift[];
  routeResults: RouteDrift[];
  differences: DriftDifference[];
  /** Servers istiod drops (conflicts), for context. */
  skippedServers: string[];
}

const AREA_TITLE: Record<DriftArea, string> = { listeners: 'Listeners', routes: 'Routes', clusters: 'Clusters' };

function areaWords(area: DriftArea, r: AreaResult): string {
  return `${AREA_TITLE[area]} ${!r.checked ? 'Not Checked' : r.match ? 'Match' : "Don't Match"}`;
}

// ---- actual side: Envoy's routes in the same vocabulary as drift-expect ----------------------------

function headerKey(h: RouteModel['match']['headers'][number]): string {
  const v = h.kind === 'present' || h.kind === 'any' ? 'present' : h.kind === 'range' ? `range ${h.range?.start ?? ''}-${h.range?.end ?? ''}` : `${h.kind} ${h.value ?? ''}`;
  return `${h.invert ? 'not ' : ''}${h.name.toLowerCase()} ${v}`;
}

/** An Envoy route's match in drift-expect's terms. */
export function actualMatch(r: RouteModel): ExpectedMatch {
  const m = r.match;
  const path =
    m.kind === 'prefix'
      ? `prefix ${m.value}`
      : m.kind === 'path'
        ? `path ${m.value}`
        : m.kind === 'safe_regex'
          ? `regex ${m.value}`
          : m.kind === 'path_separated_prefix'
            ? `prefix ${m.value}`
            : m.kind;
  return {
    path,
    ignoreCase: !m.caseSensitive,
    headers: m.headers.map(headerKey).sort(),
    query: m.queryParameters.map((q) => `${q.name} ${q.kind === 'present' || q.kind === 'any' ? 'present' : `${q.kind} ${q.value ?? ''}`}`).sort(),
  };
}

function vsKeyOf(r: RouteModel): string | undefined {
  const c = r.istioConfig;
  return c?.namespace && c.name && (c.kind === undefined || c.kind === 'virtual-service') ? `${c.namespace}/${c.name}` : undefined;
}

const fmtPercent = (p: number) => `${Math.round(p * 100) / 100}%`;

function sharesOf(r: RouteModel): Array<{ cluster: string; percent: number }> {
  const d = routeDestinations(r);
  const total = d.reduce((a, x) => a + x.weight, 0);
  return d.map((x) => ({ cluster: x.name, percent: total > 0 ? (x.weight * 100) / total : 0 }));
}

function describeShares(s: ReadonlyArray<{ cluster: string; percent: number }>): string {
  if (s.length === 0) return 'nowhere';
  if (s.length === 1) return s[0]!.cluster;
  return s.map((x) => `${x.cluster} ${fmtPercent(x.percent)}`).join(', ');
}

function sameShares(a: ReadonlyArray<{ cluster: string; percent: number }>, b: readonly ExpectedDestination[]): boolean {
  const key = (c: string, p: number) => `${c}\u0000${Math.round(p * 100)}`;
  const x = a.map((s) => key(s.cluster, s.percent)).sort();
  const y = b.map((s) => key(s.cluster, s.percent)).sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/** The differences of a found route's action, in words ('' when it does what the VirtualService says). */
function actionDifference(e: ExpectedRoute, r: RouteModel): string {
  const a = r.action;
  if (e.action.kind === 'redirect') return a.kind === 'redirect' ? '' : `does not redirect (Envoy: ${a.kind})`;
  if (e.action.kind === 'direct_response') {
    if (a.kind !== 'direct_response') return `does not answer directly with ${e.action.status} (Envoy: ${a.kind})`;
    return a.status === e.action.status ? '' : `answers ${a.status} instead of ${e.action.status}`;
  }
  if (a.kind !== 'route') return `does not route to ${describeShares(e.action.destinations)} (Envoy: ${a.kind})`;
  const got = sharesOf(r);
  if (sameShares(got, e.action.destinations)) return '';
  return `sends traffic to ${describeShares(got)} instead of ${describeShares(e.action.destinations)}`;
}

// ---- the check -------------------------------------------------------------------------------

interface Ctx {
  pod: string;
  dump: ConfigDumpModel;
  diffs: DriftDifference[];
}

function checkListener(ctx: Ctx, l: ExpectedGatewayConfig['listeners'][number], servers: ServerDrift[]): boolean {
  const on = ` on ${ctx.pod}`;
  const serverIds = l.servers.map((s) => s.id);
  const setState = (id: string, state: ItemState) => servers.filter((s) => s.id === id).forEach((s) => (s.state = s.state === 'missing' ? s.state : state));
  const actual: ListenerModel | undefined = findListener(ctx.dump, l.name) ?? listenersOnPort(ctx.dump, l.port)[0];
  const what = l.servers.map((s) => `${describeServer(s)} of Gateway ${s.gatewayKey}`).join('; ');
  if (!actual) {
    ctx.diffs.push({ area: 'listeners', kind: 'listener', message: `listener ${l.name} (${what}) is missing${on}`, server: serverIds[0] });
    serverIds.forEach((id) => setState(id, 'missing'));
    return false;
  }
  let ok = true;
  if (actual.errorState?.details) {
    ctx.diffs.push({ area: 'listeners', kind: 'listener', message: `listener ${l.name}${on} rejected its last update: ${actual.errorState.details}` });
    ok = false;
  }
  const chains = actual.filterChains;
  for (const rc of l.routeConfigs) {
    const loads = (fc: FilterChainModel) => fc.http?.rds === rc || fc.http?.routeConfig?.name === rc;
    if (!chains.some(loads)) {
      const servers = l.servers.filter((s) => (rc.startsWith('http.') ? s.kind === 'http' : rc.startsWith(`https.${s.port}.${s.server.port.name}.${s.gateway.metadata.name}.`)));
      ctx.diffs.push({ area: 'listeners', kind: 'filterChain', message: `listener ${l.name}${on} has no filter chain that loads route configuration ${rc} (${servers.map((s) => `${describeServer(s)} of Gateway ${s.gatewayKey}`).join('; ')})`, server: servers[0]?.id });
      servers.forEach((s) => setState(s.id, 'missing'));
      ok = false;
    }
  }
  for (const c of l.tcpChains) if (!checkTcpChain(ctx, l.name, chains, c, setState)) ok = false;
  return ok;
}

function checkTcpChain(ctx: Ctx, listener: string, chains: FilterChainModel[], c: ExpectedTcpChain, setState: (id: string, s: ItemState) => void): boolean {
  if (!c.virtualService) return true; // nothing routes there: Istio builds no chain
  const on = ` on ${ctx.pod}`;
  const sni = c.sniHosts;
  const candidates = chains.filter((fc) => fc.tcp && (sni.length === 0 || sni.every((h) => fc.match?.serverNames.includes(h))));
  const route = `route ${c.label} of VirtualService ${c.virtualService}`;
  if (candidates.length === 0) {
    ctx.diffs.push({ area: 'listeners', kind: 'filterChain', message: `${route} has no TCP filter chain${sni.length ? ` for SNI ${sni.join(', ')}` : ''} on listener ${listener}${on}`, server: c.server.id, virtualService: c.virtualService, route: c.label });
    setState(c.server.id, 'missing');
    return false;
  }
  const shares = (fc: FilterChainModel) => {
    const w = fc.tcp?.weightedClusters ?? (fc.tcp?.cluster ? [{ name: fc.tcp.cluster, weight: 100 }] : []);
    const total = w.reduce((a, x) => a + x.weight, 0);
    return w.map((x) => ({ cluster: x.name, percent: total > 0 ? (x.weight * 100) / total : 0 }));
  };
  if (candidates.some((fc) => sameShares(shares(fc), c.destinations))) return true;
  ctx.diffs.push({
    area: 'listeners',
    kind: 'filterChain',
    message: `${route} on listener ${listener}${on} sends connections to ${describeShares(shares(candidates[0]!))} instead of ${describeShares(c.destinations)}`,
    server: c.server.id,
    virtualService: c.virtualService,
    route: c.label,
  });
  setState(c.server.id, 'different');
  return false;
}

/** Finds the Envoy route for an expected one among `routes` not yet used. */
function findRoute(e: ExpectedRoute, routes: readonly RouteModel[], used: Set<RouteModel>): { route?: RouteModel; byNameOnly?: boolean } {
  const fromVs = (r: RouteModel) => {
    const k = vsKeyOf(r);
    return k === undefined || k === e.virtualService || k === e.delegate;
  };
  const key = matchKey(e.match);
  const free = routes.filter((r) => !used.has(r) && fromVs(r));
  const exact = free.find((r) => matchKey(actualMatch(r)) === key && (!e.envoyName || !r.name || r.name === e.envoyName));
  if (exact) return { route: exact };
  if (e.envoyName) {
    const named = free.find((r) => r.name === e.envoyName);
    if (named) return { route: named, byNameOnly: true };
  }
  return {};
}

function checkRouteConfig(ctx: Ctx, rc: ExpectedGatewayConfig['routeConfigs'][number], results: RouteDrift[], servers: ServerDrift[]): { ok: boolean; expected: number; matched: number } {
  const on = ` on ${ctx.pod}`;
  const actual: RouteConfigModel | undefined = findRouteConfig(ctx.dump, rc.name);
  const expectedRoutes = rc.virtualHosts.reduce((a, vh) => a + vh.routes.length, 0);
  const push = (vh: { domain: string }, e: ExpectedRoute, state: ItemState) =>
    results.push({ virtualService: e.virtualService, route: e.label, routeConfig: rc.name, domain: vh.domain, server: e.server.id, state });
  if (!actual) {
    if (rc.virtualHosts.length > 0 || rc.servers.length > 0) {
      ctx.diffs.push({ area: 'routes', kind: 'routeConfig', message: `route configuration ${rc.name} (${rc.servers.map((s) => `${describeServer(s)} of Gateway ${s.gatewayKey}`).join('; ')}) is missing${on}`, server: rc.servers[0]?.id });
      for (const s of servers) if (rc.servers.some((b) => b.id === s.id) && s.state === 'match') s.state = 'missing';
    }
    for (const vh of rc.virtualHosts) for (const e of vh.routes) push(vh, e, 'missing');
    return { ok: false, expected: expectedRoutes, matched: 0 };
  }
  let ok = true;
  let matched = 0;
  const expectedVs = new Set<string>();
  const seenVhosts = new Set<VirtualHostModel>();
  for (const vh of rc.virtualHosts) {
    vh.virtualServices.forEach((v) => expectedVs.add(v));
    const vsList = vh.virtualServices.join(', ');
    const hosts = virtualHostsWithDomain(actual, vh.domain);
    const avh = hosts[0];
    if (!avh) {
      ctx.diffs.push({ area: 'routes', kind: 'virtualHost', message: `virtual host ${vh.domain} (VirtualService ${vsList}) is missing from route configuration ${rc.name}${on}`, virtualService: vh.virtualServices[0] });
      for (const e of vh.routes) push(vh, e, 'missing');
      ok = false;
      continue;
    }
    seenVhosts.add(avh);
    const multiHost = rc.virtualHosts.filter((x) => x.virtualServices.some((v) => vh.virtualServices.includes(v))).length > 1;
    const where = multiHost ? ` (virtual host ${vh.domain})` : '';
    const used = new Set<RouteModel>();
    for (const e of vh.routes) {
      const id = { virtualService: e.virtualService, route: e.label, server: e.server.id };
      const found = findRoute(e, avh.routes, used);
      if (!found.route) {
        ctx.diffs.push({ area: 'routes', kind: 'route', message: `route ${e.label} of VirtualService ${e.virtualService} is missing from route configuration ${rc.name}${where}${on}`, ...id });
        push(vh, e, 'missing');
        ok = false;
        continue;
      }
      used.add(found.route);
      const problems: string[] = [];
      if (found.byNameOnly) problems.push(`matches ${matchKey(actualMatch(found.route))} instead of ${matchKey(e.match)}`);
      const act = actionDifference(e, found.route);
      if (act) problems.push(act);
      if (problems.length) {
        ctx.diffs.push({ area: 'routes', kind: 'route', message: `route ${e.label} of VirtualService ${e.virtualService} in route configuration ${rc.name}${where}${on} ${problems.join(', and ')}`, ...id });
        push(vh, e, 'different');
        ok = false;
      } else {
        push(vh, e, 'match');
        matched++;
      }
    }
    for (const r of avh.routes) {
      const k = vsKeyOf(r);
      if (used.has(r) || !k) continue;
      ctx.diffs.push({
        area: 'routes',
        kind: 'extraRoute',
        message: `route configuration ${rc.name}${where}${on} still has a route of VirtualService ${k}${r.name ? ` (${r.name})` : ''} matching ${matchKey(actualMatch(r))} that the resources no longer ask for`,
        virtualService: k,
      });
      ok = false;
    }
  }
  for (const avh of actual.virtualHosts) {
    if (seenVhosts.has(avh)) continue;
    const vses = [...new Set(avh.routes.map(vsKeyOf).filter((k): k is string => k !== undefined))];
    if (vses.length === 0) continue;
    ctx.diffs.push({
      area: 'routes',
      kind: 'extraRoute',
      message: `route configuration ${rc.name}${on} still has virtual host ${avh.name || avh.domains.join(', ')} of VirtualService ${vses.join(', ')} that the resources no longer ask for`,
      virtualService: vses[0],
    });
    ok = false;
  }
  return { ok, expected: expectedRoutes, matched };
}

/**
 * Compares a gateway pod's config_dump with what the resources in `snapshot` ask of it.
 * `pod` must be the Pod object from the snapshot (its labels select the Gateways).
 */
export function checkDrift(dump: ConfigDumpModel, snapshot: MeshSnapshot, pod: Pod): PodDrift {
  const podName = pod.metadata.name;
  const expected = expectedGatewayConfig(snapshot, pod);
  const ctx: Ctx = { pod: podName, dump, diffs: [] };
  const has = (s: ConfigDumpModel['sections'][number]) => dump.sections.includes(s);
  const listenersChecked = has('listeners');
  const routesChecked = has('routes') || (listenersChecked && dump.listeners.some((l) => l.filterChains.some((fc) => fc.http?.routeConfig)));
  const clustersChecked = has('clusters');

  const servers: ServerDrift[] = expected.proxy.servers
    .filter((b) => !expected.proxy.skipped.some((s) => s.server.id === b.id))
    .map((b) => ({
      id: b.id,
      gateway: b.gatewayKey,
      description: describeServer(b),
      listener: `0.0.0.0_${b.listenerPort}`,
      ...(b.kind === 'http' ? { routeConfig: `http.${b.listenerPort}` } : b.kind === 'https' ? { routeConfig: expected.routeConfigs.find((rc) => rc.servers.includes(b))?.name } : {}),
      state: 'match' as ItemState,
    }));

  // Listeners
  const listeners: AreaResult = { checked: listenersChecked, match: true, expected: expected.listeners.length, matched: 0 };
  if (listenersChecked) {
    for (const l of expected.listeners) if (checkListener(ctx, l, servers)) listeners.matched++;
    listeners.match = listeners.matched === listeners.expected && !ctx.diffs.some((d) => d.area === 'listeners');
  }

  // Routes
  const routeResults: RouteDrift[] = [];
  const routes: AreaResult = { checked: routesChecked, match: true, expected: 0, matched: 0 };
  for (const rc of expected.routeConfigs) {
    if (!routesChecked) {
      for (const vh of rc.virtualHosts) for (const e of vh.routes) routeResults.push({ virtualService: e.virtualService, route: e.label, routeConfig: rc.name, domain: vh.domain, server: e.server.id, state: 'not checked' });
      continue;
    }
    const r = checkRouteConfig(ctx, rc, routeResults, servers);
    routes.expected += r.expected;
    routes.matched += r.matched;
    if (!r.ok) routes.match = false;
  }
  for (const s of servers) {
    if (!listenersChecked && !routesChecked) s.state = 'not checked';
    else if (s.state === 'match' && routeResults.some((r) => r.server === s.id && (r.state === 'missing' || r.state === 'different'))) s.state = 'different';
  }

  // Clusters and endpoints
  const clusters: AreaResult = { checked: clustersChecked, match: true, expected: expected.clusters.length, matched: 0 };
  let endpointsChecked = false;
  if (clustersChecked) {
    for (const c of expected.clusters) {
      const used = c.usedBy.join(', ');
      const found = findCluster(dump, c.name);
      if (!found) {
        ctx.diffs.push({ area: 'clusters', kind: 'cluster', message: `cluster ${c.name} (${used}) is missing on ${podName}`, cluster: c.name });
        continue;
      }
      const eps = endpointsOf(dump, c.name);
      if (eps === undefined) {
        clusters.matched++;
        continue;
      }
      endpointsChecked = true;
      let ok = true;
      if (!eps.some((e) => e.healthy)) {
        ctx.diffs.push({ area: 'clusters', kind: 'endpoint', message: `cluster ${c.name} has no healthy endpoint`, cluster: c.name });
        ok = false;
      }
      if (c.endpointsKnown) {
        const have = new Set(eps.map((e) => e.address));
        for (const want of c.endpoints) {
          if (have.has(want.address)) continue;
          ctx.diffs.push({ area: 'clusters', kind: 'endpoint', message: `endpoint ${want.address} (pod ${want.pod}) is missing from cluster ${c.name} on ${podName}`, cluster: c.name });
          ok = false;
        }
        const wanted = new Set(c.endpoints.map((e) => e.address));
        for (const e of eps) {
          if (wanted.has(e.address) || !e.healthy) continue;
          ctx.diffs.push({ area: 'clusters', kind: 'endpoint', message: `cluster ${c.name} on ${podName} still sends traffic to ${e.address}, which no ready pod of the Service has`, cluster: c.name });
          ok = false;
        }
      }
      if (ok) clusters.matched++;
    }
    clusters.match = clusters.matched === clusters.expected;
  }

  const summary = [areaWords('listeners', listeners), areaWords('routes', routes), areaWords('clusters', clusters)].join(' / ');
  return {
    pod: podName,
    namespace: pod.metadata.namespace ?? '',
    listeners,
    routes,
    clusters,
    endpointsChecked,
    summary,
    servers,
    routeResults,
    differences: ctx.diffs,
    skippedServers: expected.proxy.skipped.map((s) => `${describeServer(s.server)} of Gateway ${s.server.gatewayKey}: ${s.reason}`),
  };
}
