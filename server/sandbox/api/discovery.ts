/**
 * Legacy discovery documents: /api, /api/v1, /apis, /apis/{group}, /apis/{group}/{version}.
 * Clients asking for aggregated discovery (apidiscovery.k8s.io/v2) get these with
 * `Content-Type: application/json`, which client-go accepts as the legacy shape.
 */
import { apiVersionOf, type Registry, type ResourceDef } from './registry';

const SUB_VERBS: Record<string, { verbs: string[]; kind?: string; group?: string; version?: string }> = {
  status: { verbs: ['get', 'patch', 'update'] },
  scale: { verbs: ['get', 'patch', 'update'], kind: 'Scale', group: 'autoscaling', version: 'v1' },
  log: { verbs: ['get'] },
  proxy: { verbs: ['create', 'delete', 'get', 'patch', 'update'] },
  portforward: { verbs: ['create', 'get'] },
  finalize: { verbs: ['update'] },
};

const PROXY_KIND: Record<string, string> = { pods: 'PodProxyOptions', services: 'ServiceProxyOptions', nodes: 'NodeProxyOptions' };

function resourceEntries(r: ResourceDef): Array<Record<string, unknown>> {
  const main: Record<string, unknown> = {
    name: r.plural,
    singularName: r.singular,
    namespaced: r.namespaced,
    kind: r.kind,
    verbs: r.verbs,
  };
  if (r.shortNames.length) main['shortNames'] = r.shortNames;
  if (r.categories.length) main['categories'] = r.categories;
  const out = [main];
  for (const s of r.subresources) {
    const spec = SUB_VERBS[s];
    if (!spec) continue;
    const e: Record<string, unknown> = { name: `${r.plural}/${s}`, singularName: '', namespaced: r.namespaced };
    if (spec.group !== undefined) {
      e['group'] = spec.group;
      e['version'] = spec.version;
    }
    e['kind'] = s === 'proxy' ? PROXY_KIND[r.plural] ?? r.kind : s === 'portforward' ? 'PodPortForwardOptions' : spec.kind ?? r.kind;
    e['verbs'] = spec.verbs;
    out.push(e);
  }
  return out;
}

export function apiVersions(serverAddress: string) {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

export function resourceList(reg: Registry, group: string, version: string): Record<string, unknown> | undefined {
  const rs = reg.inGroupVersion(group, version);
  if (rs.length === 0) return undefined;
  const doc: Record<string, unknown> = { kind: 'APIResourceList' };
  if (group) doc['apiVersion'] = 'v1';
  doc['groupVersion'] = apiVersionOf(group, version);
  doc['resources'] = rs.flatMap(resourceEntries);
  return doc;
}

function groupDoc(name: string, versions: string[]) {
  const vs = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
  return { name, versions: vs, preferredVersion: vs[0] };
}

export function groupList(reg: Registry) {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: reg.groups().map((g) => groupDoc(g.name, g.versions)) };
}

export function apiGroup(reg: Registry, name: string): Record<string, unknown> | undefined {
  const g = reg.groups().find((x) => x.name === name);
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...groupDoc(g.name, g.versions) } : undefined;
}

export const VERSION_INFO = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0+gatescope-sandbox',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2025-01-01T00:00:00Z',
  goVersion: 'go1.23.4',
  compiler: 'gc',
  platform: 'linux/amd64',
};
