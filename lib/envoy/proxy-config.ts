/**
 * Text renderers for `istioctl proxy-config routes|clusters|listeners|endpoints|secret|all`, byte for
 * byte as istioctl prints them (istio/istio istioctl/pkg/writer/envoy/configdump/*.go and
 * istioctl/pkg/writer/compare/sds). They take a parsed config dump (`parseConfigDump`); the
 * matching `-o json` renderers are in ./proxy-config-json.
 *
 * Errors carry istioctl's messages (`no routes found`, `config dump has no configuration type …`).
 * Nothing here reads the clock: secret validity takes `now` (ms since the epoch).
 */
import type { ConfigDumpModel } from './config-dump';
import type { EnvoyClusterLoadAssignment, EnvoyLbEndpoint, HealthStatus, Locality } from './config-dump-types';
import { describeAddress, goParseSubsetKey, localityToString, safelyParseSubsetKey, type ClusterModel } from './cluster-model';
import { describeManagement, renderRouteSummary, type RouteFilter } from './proxy-config-routes';
import { renderListenerSummary, type ListenerFilter } from './proxy-config-listeners';
import { renderSecretSummary } from './proxy-config-secrets';
import { ProxyConfigError, sectionMissing } from './proxy-config-errors';
import { goSortSlice, goStringLess } from '../format/go-sort';
import { tabwrite } from '../format/tabwriter';

export { ProxyConfigError } from './proxy-config-errors';
export { renderRouteSummary, describeMatch, describeRouteDomains, renderIstioConfig, sortedRouteConfigs, type RouteFilter } from './proxy-config-routes';
export { renderListenerSummary, listenerType, describeFilterChainMatch, describeFilterChainDestination, type ListenerFilter } from './proxy-config-listeners';
export { renderSecretSummary, envoySecretItems, type SecretItem } from './proxy-config-secrets';

export interface ClusterFilter {
  /** Substring of the cluster name. */
  fqdn?: string;
  port?: number;
  subset?: string;
  direction?: string;
}

export interface EndpointFilter {
  address?: string;
  port?: number;
  cluster?: string;
  /** HEALTHY, UNHEALTHY, … (case-insensitive). */
  status?: string;
}

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

function verifyCluster(name: string, f: ClusterFilter): boolean {
  if (!f.fqdn && !f.port && !f.subset && !f.direction) return true;
  if (f.fqdn && !name.includes(f.fqdn)) return false;
  if (f.direction && !name.includes(f.direction)) return false;
  if (f.subset && !name.includes(f.subset)) return false;
  if (f.port && !name.includes(`|${f.port}|`)) return false;
  return true;
}

function subsetKeyLess(a: string, b: string): boolean {
  const i = safelyParseSubsetKey(a);
  const j = safelyParseSubsetKey(b);
  if (i.host === j.host) {
    if (i.subset === j.subset) {
      if (i.port === j.port) return goStringLess(i.direction, j.direction);
      return i.port < j.port;
    }
    return goStringLess(i.subset, j.subset);
  }
  return goStringLess(i.host, j.host);
}

/** Active clusters in istioctl's order (dynamic then static, sorted by host, subset, port, direction). */
export function sortedClusters(model: ConfigDumpModel): ClusterModel[] {
  if (!model.sections.includes('clusters')) throw new ProxyConfigError(sectionMissing('clusters'));
  const clusters = model.clusters.filter((c) => c.state === 'active');
  if (clusters.length === 0) throw new ProxyConfigError('no clusters found');
  return goSortSlice([...clusters], (a, b) => subsetKeyLess(a.name, b.name));
}

export function filteredClusters(model: ConfigDumpModel, filter: ClusterFilter = {}): ClusterModel[] {
  return sortedClusters(model).filter((c) => verifyCluster(c.name, filter));
}

/** The cluster table of `istioctl proxy-config clusters` (byte for byte). */
export function renderClusterSummary(model: ConfigDumpModel, filter: ClusterFilter = {}, opts: { includeConfigType?: boolean } = {}): string {
  const rows: string[] = [
    opts.includeConfigType ? 'NAME\tSERVICE FQDN\tPORT\tSUBSET\tDIRECTION\tTYPE\tDESTINATION RULE' : 'SERVICE FQDN\tPORT\tSUBSET\tDIRECTION\tTYPE\tDESTINATION RULE',
  ];
  for (const c of filteredClusters(model, filter)) {
    const dr = describeManagement(c.raw.metadata);
    if (c.name.split('|').length > 3) {
      const k = goParseSubsetKey(c.name);
      const subset = k.subset === '' ? '-' : k.subset;
      const cells = [k.host, String(k.port), subset, k.direction, c.type, dr];
      rows.push((opts.includeConfigType ? [`cluster/${c.name}`, ...cells] : cells).join('\t'));
    } else if (opts.includeConfigType && c.name.length > 0) {
      const name = `cluster/${c.name}`;
      rows.push([name, name, '-', '-', '-', c.type, dr].join('\t'));
    } else {
      rows.push([c.name, '-', '-', '-', c.type, dr].join('\t'));
    }
  }
  return tabwrite(rows.map((r) => `${r}\n`).join(''));
}

// ---- endpoints -----------------------------------------------------------------------------------

function endpointAddresses(ep: EnvoyLbEndpoint): string[] {
  const extra = Array.isArray(ep.endpoint?.additional_addresses) ? ep.endpoint.additional_addresses : [];
  return [describeAddress(ep.endpoint?.address), ...extra.map((a) => describeAddress(isObj(a) ? a.address : undefined))];
}

function healthOf(ep: EnvoyLbEndpoint): HealthStatus {
  return ep.health_status ?? 'UNKNOWN';
}

function verifyEndpoint(ep: EnvoyLbEndpoint, cluster: string, f: EndpointFilter): boolean {
  if (!f.address && !f.port && !f.cluster && !f.status) return true;
  if (f.address) {
    const want = f.address.toLowerCase();
    if (!endpointAddresses(ep).some((a) => a.toLowerCase() === want)) return false;
  }
  if (f.port && (ep.endpoint?.address?.socket_address?.port_value ?? 0) !== f.port) return false;
  if (f.cluster && cluster.toLowerCase() !== f.cluster.toLowerCase()) return false;
  if (f.status && healthOf(ep).toLowerCase() !== f.status.toLowerCase()) return false;
  return true;
}

/**
 * The cluster load assignments istioctl prints: dynamic then static, endpoints not matching the
 * filter removed, assignments left empty dropped, sorted like clusters. Returns filtered copies.
 */
export function sortedEndpointAssignments(model: ConfigDumpModel, filter: EndpointFilter = {}): EnvoyClusterLoadAssignment[] {
  if (!model.sections.includes('endpoints')) return [];
  const out: EnvoyClusterLoadAssignment[] = [];
  for (const e of model.endpoints) {
    const cla = e.raw;
    const clusterName = cla.cluster_name ?? '';
    let count = 0;
    const localities = (Array.isArray(cla.endpoints) ? cla.endpoints : []).map((llb) => {
      const kept = (Array.isArray(llb.lb_endpoints) ? llb.lb_endpoints : []).filter((ep) => verifyEndpoint(ep, clusterName, filter));
      count += kept.length;
      const copy = { ...llb, lb_endpoints: kept };
      if (kept.length === 0) delete (copy as { lb_endpoints?: unknown }).lb_endpoints;
      return copy;
    });
    if (count === 0) continue;
    out.push(Array.isArray(cla.endpoints) ? { ...cla, endpoints: localities } : { ...cla });
  }
  return goSortSlice(out, (a, b) => subsetKeyLess(a.cluster_name ?? '', b.cluster_name ?? ''));
}

/** The endpoint table of `istioctl proxy-config endpoints` (byte for byte). */
export function renderEndpointSummary(model: ConfigDumpModel, filter: EndpointFilter = {}, opts: { includeConfigType?: boolean } = {}): string {
  const rows: string[] = ['NAME\tSTATUS\tLOCALITY\tCLUSTER'];
  for (const cla of sortedEndpointAssignments(model, filter)) {
    for (const llb of cla.endpoints ?? []) {
      for (const ep of llb.lb_endpoints ?? []) {
        const addr = endpointAddresses(ep).join(',');
        const locality = localityToString(isObj(llb.locality) ? (llb.locality as Locality) : undefined);
        rows.push([opts.includeConfigType ? `endpoint/${addr}` : addr, healthOf(ep), locality, cla.cluster_name ?? ''].join('\t'));
      }
    }
  }
  return tabwrite(rows.map((r) => `${r}\n`).join(''));
}

// ---- bootstrap and the full summary ----------------------------------------------------------------

/** The version lines `istioctl proxy-config all` starts with (Go tabwriter, padding 1). */
export function renderBootstrapSummary(model: ConfigDumpModel): string {
  const b = model.bootstrap;
  if (!b) throw new ProxyConfigError(sectionMissing('bootstrap'));
  let text = '';
  if (b.istioVersion) text += `Istio Version:\t${b.istioVersion}\n`;
  if (b.istioProxySha) text += `Istio Proxy Version:\t${b.istioProxySha}\n`;
  if (b.envoyVersion) text += `Envoy Version:\t${b.envoyVersion}\n`;
  return tabwrite(text, { padding: 1 });
}

export interface FullSummaryOptions {
  /** For the secrets' VALID CERT column (ms since the epoch). */
  now: number;
  /** `--with-headers`: `------ CLUSTER INFO ------` before each part. */
  withHeaders?: boolean;
  clusters?: ClusterFilter;
  listeners?: ListenerFilter;
  routes?: RouteFilter;
  endpoints?: EndpointFilter;
}

/**
 * `istioctl proxy-config all` (the summary): bootstrap, clusters, listeners, routes, secrets and
 * endpoints, each table with a NAME column prefixed by its type. Like istioctl it stops at the
 * first failing part; the thrown ProxyConfigError carries what was printed before it.
 */
export function renderFullSummary(model: ConfigDumpModel, opts: FullSummaryOptions): string {
  let out = '';
  const part = (title: string, render: () => string, last = false): void => {
    if (opts.withHeaders) out += `------ ${title} ------\n\n`;
    try {
      out += render();
    } catch (e) {
      throw new ProxyConfigError(e instanceof Error ? e.message : String(e), out);
    }
    if (!last) out += '\n';
  };
  const t = { includeConfigType: true };
  part('BOOTSTRAP INFO', () => renderBootstrapSummary(model));
  part('CLUSTER INFO', () => renderClusterSummary(model, opts.clusters, t));
  part('LISTENER INFO', () => renderListenerSummary(model, opts.listeners, t));
  part('ROUTE INFO', () => renderRouteSummary(model, opts.routes, t));
  part('SECRET INFO', () => renderSecretSummary(model, { now: opts.now, includeConfigType: true }));
  part('ENDPOINTS INFO', () => renderEndpointSummary(model, opts.endpoints, t), true);
  return out;
}
