/**
 * References between Istio and Kubernetes objects, resolved as istiod resolves them:
 *
 * - VirtualService `gateways` entries → `ns/name` or `mesh` (`model.resolveGatewayName`);
 * - `exportTo` visibility (`*` default, `.`, `~`, namespace names);
 * - destination hosts → Services, ports → Service ports → container ports;
 * - the DestinationRule that applies to a host for a client proxy (`PushContext.destinationRule`),
 *   and its subsets → pods.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#VirtualService (gateways)
 * @see https://istio.io/latest/docs/ops/best-practices/traffic-management/#cross-namespace-configuration
 */
import { isPodReady, resolveTargetPort, type Pod, type Service, type ServicePort } from '../kube/core';
import { objectKey } from '../kube/object';
import { matchesLabels } from '../kube/selector';
import { DEFAULT_CLUSTER_DOMAIN, isWildcard, moreSpecific, parseServiceFQDN, resolveShortname } from './host';
import type { Destination, DestinationRule, Gateway, Subset, VirtualService } from './types';

export const MESH_GATEWAY = 'mesh';
export const DEFAULT_ROOT_NAMESPACE = 'istio-system';

/** Mesh-wide settings that change how names resolve. */
export interface MeshOptions {
  /** Istio's root namespace (`meshConfig.rootNamespace`), default `istio-system`. */
  rootNamespace?: string;
  /** The cluster's DNS domain, default `cluster.local`. */
  clusterDomain?: string;
}

// ---- ordering ------------------------------------------------------------------------------

type Meta = { metadata: { name: string; namespace?: string; creationTimestamp?: string } };

/**
 * Istio's config order (`configCompareByCreationTime`): oldest first, then by name, then by
 * namespace. Objects without a creation time (YAML files) sort first, in name order.
 */
export function compareByCreation(a: Meta, b: Meta): number {
  const ta = a.metadata.creationTimestamp ? Date.parse(a.metadata.creationTimestamp) : Number.NEGATIVE_INFINITY;
  const tb = b.metadata.creationTimestamp ? Date.parse(b.metadata.creationTimestamp) : Number.NEGATIVE_INFINITY;
  if (ta !== tb) return ta < tb ? -1 : 1;
  if (a.metadata.name !== b.metadata.name) return a.metadata.name < b.metadata.name ? -1 : 1;
  const na = a.metadata.namespace ?? '';
  const nb = b.metadata.namespace ?? '';
  return na === nb ? 0 : na < nb ? -1 : 1;
}

/**
 * Memo of the sorted copies by input array: callers pass the same snapshot array thousands of
 * times per topology build (once per destination). Snapshots are not mutated in place; the
 * length check catches an array that grew anyway.
 */
const sortedMemo = new WeakMap<readonly object[], { length: number; sorted: readonly object[] }>();

export function sortByCreation<T extends Meta>(objs: readonly T[]): T[] {
  const hit = sortedMemo.get(objs);
  if (hit && hit.length === objs.length) return [...(hit.sorted as T[])];
  const sorted = [...objs].sort(compareByCreation);
  sortedMemo.set(objs, { length: objs.length, sorted });
  return [...sorted];
}

// ---- gateways ------------------------------------------------------------------------------

/** How a VirtualService wrote a gateway reference. */
export type GatewayRefForm = 'mesh' | 'name' | 'namespace/name' | './name' | 'fqdn';

export interface GatewayRef {
  /** As written in `spec.gateways` (or `http[].match[].gateways`). */
  raw: string;
  form: GatewayRefForm;
  /** `mesh`, or `namespace/name` of the Gateway. */
  key: string;
  namespace?: string;
  name?: string;
}

/**
 * Resolves one `gateways` entry relative to the VirtualService's namespace, as
 * `model.resolveGatewayName` does: `mesh`; `name` → `vsNamespace/name`; `ns/name`; `./name`;
 * and the legacy FQDN `name.ns.svc.cluster.local` (or `name.ns`) → `ns/name`.
 *
 * @example resolveGatewayRef('default-gateway.istio-system.svc.cluster.local', 'default').key // 'istio-system/default-gateway'
 */
export function resolveGatewayRef(raw: string, vsNamespace: string): GatewayRef {
  if (raw === MESH_GATEWAY) return { raw, form: 'mesh', key: MESH_GATEWAY };
  const slash = raw.indexOf('/');
  if (slash >= 0) {
    const ns = raw.slice(0, slash);
    const name = raw.slice(slash + 1);
    const namespace = ns === '.' ? vsNamespace : ns;
    return { raw, form: ns === '.' ? './name' : 'namespace/name', key: `${namespace}/${name}`, namespace, name };
  }
  const dot = raw.indexOf('.');
  if (dot < 0) return { raw, form: 'name', key: `${vsNamespace}/${raw}`, namespace: vsNamespace, name: raw };
  const name = raw.slice(0, dot);
  const rest = raw.slice(dot + 1);
  const next = rest.indexOf('.');
  const namespace = next < 0 ? rest : rest.slice(0, next);
  return { raw, form: 'fqdn', key: `${namespace}/${name}`, namespace, name };
}

/** The VirtualService's gateways, resolved; no `gateways` field means `mesh` only. */
const gatewayRefsMemo = new WeakMap<VirtualService, { gateways: readonly string[] | undefined; length: number; ns: string; refs: GatewayRef[] }>();

export function virtualServiceGateways(vs: VirtualService): GatewayRef[] {
  const ns = vs.metadata.namespace ?? '';
  // Memo per object (asked once per Gateway server when a route table is built); an edited
  // `gateways` array or namespace is a new key.
  const gateways = vs.spec?.gateways;
  const hit = gatewayRefsMemo.get(vs);
  if (hit && hit.gateways === gateways && hit.length === (gateways?.length ?? 0) && hit.ns === ns && hit.refs.every((r, i) => !gateways?.length || r.raw === gateways[i])) return hit.refs;
  const raw = gateways?.length ? gateways : [MESH_GATEWAY];
  const refs = raw.map((g) => resolveGatewayRef(g, ns));
  gatewayRefsMemo.set(vs, { gateways, length: gateways?.length ?? 0, ns, refs });
  return refs;
}

/** Gateways by `namespace/name`. */
export function indexGateways(gateways: readonly Gateway[]): Map<string, Gateway> {
  return new Map(gateways.map((g) => [objectKey(g), g]));
}

// ---- exportTo ------------------------------------------------------------------------------

/**
 * Whether an object with this `exportTo` in `ownNamespace` is visible from `clientNamespace`:
 * absent or `*` everywhere, `.` its own namespace, `~` nowhere, otherwise the named namespaces.
 * (The mesh-wide default `defaultVirtualServiceExportTo` etc. is assumed to be `*`.)
 */
export function isExportedTo(exportTo: readonly string[] | undefined, ownNamespace: string, clientNamespace: string): boolean {
  if (!exportTo || exportTo.length === 0 || exportTo.includes('*')) return true;
  if (exportTo.includes('~')) return false;
  return exportTo.some((e) => (e === '.' ? ownNamespace : e) === clientNamespace);
}

// ---- services and ports --------------------------------------------------------------------

/** The FQDN a destination names, resolved in the VirtualService's namespace. */
export function destinationFQDN(dest: Destination, vsNamespace: string, opts: MeshOptions = {}): string {
  return resolveShortname(dest.host, vsNamespace, opts.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN);
}

/**
 * The Kubernetes Service an FQDN names (`name.ns.svc.cluster.local`), or undefined: hosts with
 * another form (`web-service.default`, `example.com`) are not Kubernetes Services.
 */
export function findServiceByHost(services: readonly Service[], fqdn: string, opts: MeshOptions = {}): Service | undefined {
  const n = parseServiceFQDN(fqdn, opts.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN);
  if (!n) return undefined;
  return servicesByKey(services).get(`${n.namespace}/${n.name}`);
}

const servicesByKeyMemo = new WeakMap<readonly Service[], { length: number; byKey: Map<string, Service> }>();

/** Services by `namespace/name` (the first of equal keys, as `find` would), once per array. */
function servicesByKey(services: readonly Service[]): Map<string, Service> {
  const hit = servicesByKeyMemo.get(services);
  if (hit && hit.length === services.length) return hit.byKey;
  const byKey = new Map<string, Service>();
  for (const s of services) {
    const k = `${s.metadata.namespace ?? ''}/${s.metadata.name}`;
    if (!byKey.has(k)) byKey.set(k, s);
  }
  servicesByKeyMemo.set(services, { length: services.length, byKey });
  return byKey;
}

/** The Service port with this number. */
export function servicePort(service: Service | undefined, port: number): ServicePort | undefined {
  return service?.spec?.ports?.find((p) => p.port === port);
}

/**
 * The port a destination reaches (`route.GetDestinationCluster`): `destination.port.number`; else
 * the Service's only port; else the port of the gateway server the request came in on.
 */
export function destinationPort(dest: Destination, service: Service | undefined, listenerPort: number): number {
  if (dest.port?.number) return dest.port.number;
  const ports = service?.spec?.ports ?? [];
  if (ports.length === 1) return ports[0]!.port;
  return listenerPort;
}

/** Envoy's cluster name for a destination: `outbound|80|v1|web-service.default.svc.cluster.local`. */
export function clusterName(fqdn: string, port: number, subset?: string): string {
  return `outbound|${port}|${subset ?? ''}|${fqdn}`;
}

/** Pods a Service selects (same namespace, `spec.selector`); a Service without a selector selects none. */
export function podsSelectedByService(service: Service, pods: readonly Pod[]): Pod[] {
  const sel = service.spec?.selector;
  if (!sel || Object.keys(sel).length === 0) return [];
  // The pods of the namespace carrying the selector's first label (in array order), then the
  // whole selector: the same pods, in the same order, as filtering every pod of the namespace.
  const [k, v] = Object.entries(sel)[0]!;
  const candidates = podsWithLabel(pods, service.metadata.namespace ?? '', k, v);
  return candidates.filter((p) => matchesLabels(sel, p.metadata.labels));
}

const byLabelMemo = new WeakMap<readonly Pod[], { length: number; byLabel: Map<string, Pod[]> }>();

/** The pods of one namespace with one label, from an index built once per pods array. */
function podsWithLabel(pods: readonly Pod[], ns: string, key: string, value: string): readonly Pod[] {
  let hit = byLabelMemo.get(pods);
  if (!hit || hit.length !== pods.length) {
    const byLabel = new Map<string, Pod[]>();
    for (const p of pods) {
      const pns = p.metadata.namespace ?? '';
      for (const [lk, lv] of Object.entries(p.metadata.labels ?? {})) {
        const k = `${pns}\u0000${lk}\u0000${lv}`;
        const list = byLabel.get(k);
        if (list) list.push(p);
        else byLabel.set(k, [p]);
      }
    }
    hit = { length: pods.length, byLabel };
    byLabelMemo.set(pods, hit);
  }
  return hit.byLabel.get(`${ns}\u0000${key}\u0000${value}`) ?? [];
}

const sameLabels = (a: Pod, b: Pod): boolean => {
  if ((a.metadata.namespace ?? '') !== (b.metadata.namespace ?? '')) return false;
  const la = a.metadata.labels ?? {};
  const lb = b.metadata.labels ?? {};
  const ka = Object.keys(la);
  return ka.length === Object.keys(lb).length && ka.every((k) => Object.prototype.hasOwnProperty.call(lb, k) && lb[k] === la[k]);
};

/**
 * Hands the label index of `prev` on to `next` when `next` is `prev` with a few pods replaced
 * by pods of the same namespace and labels (a readiness flip, a new IP): the same index, with
 * the new objects in place of the old ones, instead of indexing every pod again. Anything else
 * (pods added, removed, relabelled, moved) leaves `next` to be indexed on first use.
 */
export function carryPodIndex(prev: readonly Pod[], next: readonly Pod[]): void {
  const hit = byLabelMemo.get(prev);
  if (!hit || hit.length !== prev.length || prev.length !== next.length || byLabelMemo.has(next)) return;
  const changed: number[] = [];
  for (let i = 0; i < next.length; i++) {
    if (prev[i] === next[i]) continue;
    if (changed.length >= 64 || !sameLabels(prev[i]!, next[i]!)) return;
    changed.push(i);
  }
  // An object that is still in `next` elsewhere would keep its place in the index: index afresh.
  if (changed.some((i) => next.includes(prev[i]!))) return;
  const byLabel = new Map(hit.byLabel);
  for (const i of changed) {
    const before = prev[i]!;
    const after = next[i]!;
    const ns = before.metadata.namespace ?? '';
    for (const [lk, lv] of Object.entries(before.metadata.labels ?? {})) {
      const k = `${ns}\u0000${lk}\u0000${lv}`;
      const list = byLabel.get(k);
      if (list) byLabel.set(k, list.map((p) => (p === before ? after : p)));
    }
  }
  byLabelMemo.set(next, { length: next.length, byLabel });
}

/** A backend endpoint: a pod with the container port a Service port leads to. */
export interface Endpoint {
  pod: string;
  ip?: string;
  ready: boolean;
  /** Container port (Service `targetPort`, resolved by name on the pod when it is a name). */
  port?: number;
}

/**
 * Endpoints of a Service port: its selected pods, each with the container port the `targetPort`
 * resolves to. A pod whose named port does not exist has no port (and is not an endpoint to
 * kube-proxy, hence `ready: false` here).
 */
export function serviceEndpoints(service: Service, port: ServicePort | undefined, pods: readonly Pod[]): Endpoint[] {
  return podsSelectedByService(service, pods).map((p) => {
    const cp = port ? resolveTargetPort(port, p) : undefined;
    const e: Endpoint = { pod: objectKey(p), ready: isPodReady(p) && (port === undefined || cp !== undefined) };
    const ip = p.status?.podIP;
    if (ip) e.ip = ip;
    if (cp !== undefined) e.port = cp;
    return e;
  });
}

// ---- DestinationRules ----------------------------------------------------------------------

/** Where the applicable DestinationRule was found (the steps of `PushContext.destinationRule`). */
export type DestinationRuleScope = 'client-namespace' | 'root-namespace-local' | 'service-namespace' | 'root-namespace';

export interface DestinationRuleMatch {
  /** The rules that apply, merged in creation order (Istio merges same-host rules of one namespace). */
  rules: DestinationRule[];
  /** The DestinationRule host that matched (FQDN or wildcard). */
  host: string;
  scope: DestinationRuleScope;
}

export interface DestinationRuleLookup extends MeshOptions {
  /** The namespace of the proxy sending the request (the gateway pod's namespace). */
  clientNamespace: string;
  /** The proxy's labels (for DestinationRules with a `workloadSelector`). */
  clientLabels?: Record<string, string>;
  /** The destination Service's namespace, when the host is a Service. */
  serviceNamespace?: string;
}

const drHost = (dr: DestinationRule, domain: string) => resolveShortname(dr.spec?.host ?? '', dr.metadata.namespace ?? '', domain);

function mostSpecific(rules: readonly DestinationRule[], fqdn: string, domain: string): { host: string; rules: DestinationRule[] } | undefined {
  const exact = rules.filter((r) => drHost(r, domain) === fqdn);
  if (exact.length) return { host: fqdn, rules: exact };
  let best: string | undefined;
  for (const r of rules) {
    const h = drHost(r, domain);
    if (!isWildcard(h)) continue;
    const matches = isWildcard(fqdn) ? fqdn.slice(1).endsWith(h.slice(1)) : fqdn.endsWith(h.slice(1));
    if (matches && (best === undefined || moreSpecific(h, best))) best = h;
  }
  return best === undefined ? undefined : { host: best, rules: rules.filter((r) => drHost(r, domain) === best) };
}

/**
 * The DestinationRule(s) that apply to `fqdn` for a client proxy, in Istio's order
 * (`PushContext.destinationRule`):
 *
 * 1. rules in the client's own namespace (when the client is in the root namespace: only the
 *    root namespace's private rules);
 * 2. rules in the Service's namespace exported to the client's namespace;
 * 3. rules in the root namespace exported to the client's namespace.
 *
 * Within a step, an exact host beats a wildcard and a longer wildcard beats a shorter one; rules
 * with a `workloadSelector` apply only to the client they select, and only in its namespace.
 */
export function findDestinationRule(rules: readonly DestinationRule[], fqdn: string, lookup: DestinationRuleLookup): DestinationRuleMatch | undefined {
  const domain = lookup.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN;
  const root = lookup.rootNamespace ?? DEFAULT_ROOT_NAMESPACE;
  const client = lookup.clientNamespace;
  const inNamespace = destinationRulesByNamespace(rules);
  const ns = (r: DestinationRule) => r.metadata.namespace ?? '';
  const applies = (r: DestinationRule) =>
    !r.spec?.workloadSelector || (ns(r) === client && matchesLabels(r.spec.workloadSelector.matchLabels, lookup.clientLabels));
  const privateOnly = (r: DestinationRule) => {
    const e = r.spec?.exportTo;
    if (r.spec?.workloadSelector) return true;
    return !!e && e.length === 1 && (e[0] === '.' || e[0] === ns(r));
  };
  const localTo = (r: DestinationRule) => isExportedTo(r.spec?.exportTo, ns(r), ns(r)) || !!r.spec?.workloadSelector;
  const pick = (candidates: DestinationRule[], scope: DestinationRuleScope): DestinationRuleMatch | undefined => {
    const m = mostSpecific(candidates.filter(applies), fqdn, domain);
    return m && m.rules.length ? { rules: mergeable(m.rules), host: m.host, scope } : undefined;
  };

  const step1 =
    client !== root
      ? pick(inNamespace(client).filter((r) => localTo(r)), 'client-namespace')
      : pick(inNamespace(root).filter((r) => privateOnly(r)), 'root-namespace-local');
  if (step1) return step1;
  const exported = (owner: string) => inNamespace(owner).filter((r) => !privateOnly(r) && isExportedTo(r.spec?.exportTo, owner, client));
  if (lookup.serviceNamespace) {
    const step2 = pick(exported(lookup.serviceNamespace), 'service-namespace');
    if (step2) return step2;
  }
  return pick(exported(root), 'root-namespace');
}

const drByNamespaceMemo = new WeakMap<readonly DestinationRule[], { length: number; byNs: Map<string, DestinationRule[]> }>();

/**
 * The rules of one namespace in lookup order (those with a `workloadSelector` first, then
 * creation order), from an index built once per rules array (one lookup per route destination).
 */
function destinationRulesByNamespace(rules: readonly DestinationRule[]): (ns: string) => readonly DestinationRule[] {
  let hit = drByNamespaceMemo.get(rules);
  if (!hit || hit.length !== rules.length) {
    const byNs = new Map<string, DestinationRule[]>();
    const sorted = sortByCreation(rules).sort((a, b) => Number(!a.spec?.workloadSelector) - Number(!b.spec?.workloadSelector));
    for (const r of sorted) {
      const k = r.metadata.namespace ?? '';
      const list = byNs.get(k);
      if (list) list.push(r);
      else byNs.set(k, [r]);
    }
    hit = { length: rules.length, byNs };
    drByNamespaceMemo.set(rules, hit);
  }
  const byNs = hit.byNs;
  return (ns) => byNs.get(ns) ?? [];
}

/** Istio merges same-host rules without selector; a rule with a selector stands alone (the first applicable). */
function mergeable(rules: DestinationRule[]): DestinationRule[] {
  const first = rules[0]!;
  if (first.spec?.workloadSelector) return [first];
  return rules.filter((r) => !r.spec?.workloadSelector);
}

/**
 * A subset by name among merged DestinationRules: the first definition wins, as Istio's merge
 * skips later subsets with a name already seen.
 */
export function findSubset(match: DestinationRuleMatch | undefined, name: string): { subset: Subset; rule: DestinationRule } | undefined {
  for (const rule of match?.rules ?? []) {
    const subset = rule.spec?.subsets?.find((s) => s.name === name);
    if (subset) return { subset, rule };
  }
  return undefined;
}

/** All subset names of merged DestinationRules, first definition first. */
export function subsetNames(match: DestinationRuleMatch | undefined): string[] {
  const out: string[] = [];
  for (const r of match?.rules ?? []) for (const s of r.spec?.subsets ?? []) if (!out.includes(s.name)) out.push(s.name);
  return out;
}

/** Pods of a Service that also carry a subset's labels. */
export function podsForSubset(servicePods: readonly Pod[], subset: Subset | undefined): Pod[] {
  if (!subset) return [...servicePods];
  return servicePods.filter((p) => matchesLabels(subset.labels, p.metadata.labels));
}
