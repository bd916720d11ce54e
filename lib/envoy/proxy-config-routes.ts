/**
 * `istioctl proxy-config routes` (istio/istio istioctl/pkg/writer/envoy/configdump/route.go):
 * NAME / VHOST NAME / DOMAINS / MATCH / VIRTUAL SERVICE, Go tabwriter with padding 5.
 */
import type { ConfigDumpModel } from './config-dump';
import type { RouteConfigModel, RouteMatchModel, RouteModel } from './route-model';
import { ProxyConfigError, sectionMissing } from './proxy-config-errors';
import { goSortSlice } from '../format/go-sort';
import { tabwrite } from '../format/tabwriter';

export interface RouteFilter {
  name?: string;
  /** istioctl's default is true (one row per route); false prints NAME / VIRTUAL HOSTS. */
  verbose?: boolean;
}

const PASSTHROUGH_CLUSTER = 'PassthroughCluster';

/** istioctl's describeMatch: `/prefix*`, `/exact`, `regex …`, `PathPrefix:/p` (headers are not shown). */
export function describeMatch(m: RouteMatchModel): string {
  const conds: string[] = [];
  if (m.kind === 'prefix' && m.value) conds.push(`${m.value}*`);
  if (m.kind === 'path_separated_prefix' && m.value) conds.push(`PathPrefix:${m.value}`);
  if (m.kind === 'path' && m.value) conds.push(m.value);
  if (m.kind === 'safe_regex') conds.push(`regex ${m.value ?? ''}`);
  return conds.join(' ');
}

function unexpandDomains(domains: string[]): string[] {
  const unique = new Set(domains);
  const drop = new Set<string>();
  for (const h of domains) {
    const full = h.endsWith('.svc.cluster.local') ? h.slice(0, -'.svc.cluster.local'.length) : h;
    if (full !== h && unique.has(full)) drop.add(h);
    const partial = h.endsWith('.svc') ? h.slice(0, -'.svc'.length) : h;
    if (partial !== h && unique.has(partial)) drop.add(h);
  }
  return domains.filter((h) => !drop.has(h));
}

/** istioctl's describeRouteDomains: the domains without ports (and without redundant `.svc…` forms), at most two. */
export function describeRouteDomains(domains: readonly string[]): string {
  if (domains.length === 0) return '';
  if (domains.length === 1) return domains[0]!;
  const withoutPort: string[] = [];
  for (const d of domains) {
    const colons = d.split(':').length - 1;
    if (colons === 0) withoutPort.push(d);
    else if (colons > 2 && d.endsWith(']')) withoutPort.push(d);
  }
  const list = unexpandDomains(withoutPort);
  const maximum = 2;
  if (list.length > maximum) return `${list.slice(0, maximum).join(', ')} + ${list.length - maximum} more...`;
  return list.join(', ');
}

/** istioctl's renderConfig: `/apis/networking.istio.io/v1/namespaces/default/virtual-service/web` → `web.default`. */
export function renderIstioConfig(configPath: string): string {
  if (configPath.startsWith('/apis/networking.istio.io/')) {
    const pieces = configPath.split('/');
    return pieces.length === 8 ? `${pieces[7]}.${pieces[5]}` : '';
  }
  return '<unknown>';
}

/** istioctl's describeManagement: the VirtualService column. */
export function describeManagement(metadata: unknown): string {
  if (!metadata || typeof metadata !== 'object') return '';
  const fm = (metadata as { filter_metadata?: Record<string, unknown> }).filter_metadata;
  const istio = fm?.['istio'];
  if (!istio || typeof istio !== 'object' || !('config' in istio)) return '';
  const config = (istio as Record<string, unknown>)['config'];
  return renderIstioConfig(typeof config === 'string' ? config : '');
}

function atoi(s: string): number | undefined {
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Route configurations in istioctl's order: dynamic, then static, numeric names sorted among themselves. */
export function sortedRouteConfigs(model: ConfigDumpModel): RouteConfigModel[] {
  if (!model.sections.includes('routes')) throw new ProxyConfigError(sectionMissing('routes'));
  const routes = model.routeConfigs.filter((r) => r.source !== 'inline');
  if (routes.length === 0) throw new ProxyConfigError('no routes found');
  return goSortSlice([...routes], (a, b) => {
    const i = atoi(a.name);
    if (i === undefined) return false;
    const j = atoi(b.name);
    if (j === undefined) return false;
    return i < j;
  });
}

function isPassthrough(r: RouteModel): boolean {
  return r.action.kind === 'route' && r.action.cluster === PASSTHROUGH_CLUSTER;
}

/** The route table of `istioctl proxy-config routes` (byte for byte). */
export function renderRouteSummary(model: ConfigDumpModel, filter: RouteFilter = {}, opts: { includeConfigType?: boolean } = {}): string {
  const verbose = filter.verbose ?? true;
  const rows: string[] = [verbose ? 'NAME\tVHOST NAME\tDOMAINS\tMATCH\tVIRTUAL SERVICE' : 'NAME\tVIRTUAL HOSTS'];
  for (const rc of sortedRouteConfigs(model)) {
    if (filter.name && filter.name !== rc.name) continue;
    const name = opts.includeConfigType ? `route/${rc.name}` : rc.name;
    if (!verbose) {
      rows.push(`${name}\t${rc.virtualHosts.length}`);
      continue;
    }
    for (const vh of rc.virtualHosts) {
      const domains = describeRouteDomains(vh.domains);
      for (const r of vh.routes) {
        if (!isPassthrough(r)) rows.push([name, vh.name, domains, describeMatch(r.match), describeManagement(r.raw.metadata)].join('\t'));
      }
      if (vh.routes.length === 0) rows.push([name, vh.name, domains, '/*', '404'].join('\t'));
    }
  }
  return tabwrite(rows.map((r) => `${r}\n`).join(''));
}
