/**
 * /config_dump as Envoy's ConfigDumpHandler builds it: one dump per config tracker (Bootstrap,
 * Clusters, Endpoints with ?include_eds, Listeners, ScopedRoutes, Routes, Secrets), `?resource=`
 * (elements of one repeated field, each packed with its own @type), `?mask=` (FieldMask trimming,
 * inside the Any for resources), `?name_regex=` and private keys redacted.
 */
import { TYPE } from '../constants';
import type { AppliedConfig } from '../proxy/config-state';
import { compileRegex } from '../proxy/regex';
import type { Cluster, ClusterLoadAssignment, Listener } from '../types';
import { staticClusters, staticListeners } from './bootstrap';

const ADMIN = 'type.googleapis.com/envoy.admin.v3.';
const REDACTED = Buffer.from('[redacted]').toString('base64');

export interface DumpInput {
  config?: AppliedConfig;
  bootstrap: Record<string, unknown>;
  startedAt: Date;
  /** Listener name → last rejected config and error (error_state). */
  listenerErrors: Map<string, { listener: unknown; at: Date; details: string }>;
  staticListenerNames: string[];
}

type Obj = Record<string, unknown>;

/** Fields of each dump message (for ?mask= validation) and the message type of its repeated resources. */
const DUMP_FIELDS: Record<string, Record<string, string | null>> = {
  BootstrapConfigDump: { bootstrap: null, last_updated: null },
  ClustersConfigDump: { version_info: null, static_clusters: 'ClustersConfigDump.StaticCluster', dynamic_active_clusters: 'ClustersConfigDump.DynamicCluster', dynamic_warming_clusters: 'ClustersConfigDump.DynamicCluster' },
  EndpointsConfigDump: { static_endpoint_configs: 'EndpointsConfigDump.StaticEndpointConfig', dynamic_endpoint_configs: 'EndpointsConfigDump.DynamicEndpointConfig' },
  ListenersConfigDump: { version_info: null, static_listeners: 'ListenersConfigDump.StaticListener', dynamic_listeners: 'ListenersConfigDump.DynamicListener' },
  ScopedRoutesConfigDump: { inline_scoped_route_configs: 'ScopedRoutesConfigDump.InlineScopedRouteConfigs', dynamic_scoped_route_configs: 'ScopedRoutesConfigDump.DynamicScopedRouteConfigs' },
  RoutesConfigDump: { static_route_configs: 'RoutesConfigDump.StaticRouteConfig', dynamic_route_configs: 'RoutesConfigDump.DynamicRouteConfig' },
  SecretsConfigDump: { static_secrets: 'SecretsConfigDump.StaticSecret', dynamic_active_secrets: 'SecretsConfigDump.DynamicSecret', dynamic_warming_secrets: 'SecretsConfigDump.DynamicSecret' },
};

/** Fields of resource messages, and which one is the embedded Any. */
const RESOURCE_FIELDS: Record<string, { fields: string[]; any?: string }> = {
  'ClustersConfigDump.StaticCluster': { fields: ['cluster', 'last_updated'], any: 'cluster' },
  'ClustersConfigDump.DynamicCluster': { fields: ['version_info', 'cluster', 'last_updated', 'error_state', 'client_status'], any: 'cluster' },
  'EndpointsConfigDump.StaticEndpointConfig': { fields: ['endpoint_config', 'last_updated'], any: 'endpoint_config' },
  'EndpointsConfigDump.DynamicEndpointConfig': { fields: ['version_info', 'endpoint_config', 'last_updated', 'error_state', 'client_status'], any: 'endpoint_config' },
  'ListenersConfigDump.StaticListener': { fields: ['listener', 'last_updated'], any: 'listener' },
  'ListenersConfigDump.DynamicListener': { fields: ['name', 'active_state', 'warming_state', 'draining_state', 'error_state', 'client_status'] },
  'RoutesConfigDump.StaticRouteConfig': { fields: ['route_config', 'last_updated'], any: 'route_config' },
  'RoutesConfigDump.DynamicRouteConfig': { fields: ['version_info', 'route_config', 'last_updated', 'error_state', 'client_status'], any: 'route_config' },
  'SecretsConfigDump.StaticSecret': { fields: ['name', 'last_updated', 'secret'], any: 'secret' },
  'SecretsConfigDump.DynamicSecret': { fields: ['name', 'version_info', 'last_updated', 'secret', 'error_state', 'client_status'], any: 'secret' },
  'ScopedRoutesConfigDump.InlineScopedRouteConfigs': { fields: ['name', 'scoped_route_configs', 'last_updated'] },
  'ScopedRoutesConfigDump.DynamicScopedRouteConfigs': { fields: ['name', 'version_info', 'scoped_route_configs', 'last_updated'] },
};

const iso = (d: Date) => d.toISOString();

function endpointDump(cla: ClusterLoadAssignment | undefined, name: string): Obj {
  const endpoints = (cla?.endpoints ?? [])
    .filter((l) => (l.lb_endpoints?.length ?? 0) > 0)
    .map((l) => ({
      locality: l.locality ?? {},
      lb_endpoints: (l.lb_endpoints ?? []).map((e) => ({
        endpoint: { address: e.endpoint.address, health_check_config: {} },
        health_status: e.health_status ?? 'UNKNOWN',
        ...(e.metadata ? { metadata: e.metadata } : {}),
        load_balancing_weight: e.load_balancing_weight ?? 1,
      })),
      load_balancing_weight: l.load_balancing_weight ?? 0,
    }));
  return { '@type': TYPE.clusterLoadAssignment, cluster_name: name, endpoints, policy: { overprovisioning_factor: 140 } };
}

function redactSecret(s: Obj): Obj {
  const out = structuredClone(s) as { tls_certificate?: { private_key?: Obj } };
  if (out.tls_certificate?.private_key) out.tls_certificate.private_key = { inline_bytes: REDACTED };
  return out as Obj;
}

function referencedSecrets(cfg: AppliedConfig): Set<string> {
  const names = new Set<string>();
  for (const l of cfg.listeners.values()) {
    for (const fc of l.config.filter_chains) {
      const common = fc.transport_socket?.typed_config.common_tls_context;
      for (const c of common?.tls_certificate_sds_secret_configs ?? []) names.add(c.name);
      const v = common?.combined_validation_context?.validation_context_sds_secret_config;
      if (v) names.add(v.name);
    }
  }
  return names;
}

/** The full set of tracked dumps, in Envoy's order. */
export function buildDumps(input: DumpInput, includeEds: boolean, nameOk: (n: string) => boolean): Array<{ type: string; body: Obj }> {
  const cfg = input.config;
  const started = iso(input.startedAt);
  const statics = staticClusters();
  const out: Array<{ type: string; body: Obj }> = [];
  out.push({ type: 'BootstrapConfigDump', body: { bootstrap: input.bootstrap, last_updated: started } });

  const clusters: Obj = {};
  if (cfg) clusters.version_info = cfg.typeVersions.CDS;
  clusters.static_clusters = statics.filter((c) => nameOk(c.name)).map((c) => ({ cluster: c, last_updated: started }));
  if (cfg) {
    clusters.dynamic_active_clusters = [...cfg.clusters.values()]
      .filter((c) => nameOk(c.name))
      .map((c) => {
        const m = cfg.meta.clusters.get(c.name)!;
        return { version_info: m.versionInfo, cluster: c, last_updated: iso(m.lastUpdated) };
      });
  }
  out.push({ type: 'ClustersConfigDump', body: clusters });

  if (includeEds) {
    const eds: Obj = {
      static_endpoint_configs: statics.filter((c) => nameOk(c.name)).map((c) => ({ endpoint_config: endpointDump(c.load_assignment, c.name) })),
    };
    if (cfg) {
      eds.dynamic_endpoint_configs = [...cfg.clusters.values()]
        .filter((c: Cluster) => nameOk(c.name))
        .map((c) => {
          const name = c.type === 'EDS' ? c.eds_cluster_config?.service_name ?? c.name : c.name;
          return { endpoint_config: endpointDump(c.type === 'EDS' ? cfg.endpoints.get(name) : c.load_assignment, name) };
        });
    }
    out.push({ type: 'EndpointsConfigDump', body: eds });
  }

  const listeners: Obj = {};
  if (cfg) listeners.version_info = cfg.typeVersions.LDS;
  listeners.static_listeners = staticListeners()
    .map((l, i) => ({ l, name: input.staticListenerNames[i] ?? '' }))
    .filter(({ name }) => nameOk(name))
    .map(({ l }) => ({ listener: l, last_updated: started }));
  const dyn: Obj[] = [];
  const names = new Set<string>([...(cfg?.listeners.keys() ?? []), ...input.listenerErrors.keys()]);
  for (const name of [...names].sort()) {
    if (!nameOk(name)) continue;
    const entry: Obj = { name };
    const l = cfg?.listeners.get(name);
    if (l) {
      const m = cfg!.meta.listeners.get(name)!;
      entry.active_state = { version_info: m.versionInfo, listener: l.config as Listener, last_updated: iso(m.lastUpdated) };
    }
    const err = input.listenerErrors.get(name);
    if (err) entry.error_state = { failed_configuration: err.listener, last_update_attempt: iso(err.at), details: err.details };
    dyn.push(entry);
  }
  if (cfg || dyn.length) listeners.dynamic_listeners = dyn;
  out.push({ type: 'ListenersConfigDump', body: listeners });

  out.push({ type: 'ScopedRoutesConfigDump', body: {} });

  const routes: Obj = {
    static_route_configs: staticListeners().map((l) => ({
      route_config: { '@type': TYPE.routeConfiguration, ...((l.filter_chains[0]!.filters[0]!.typed_config as unknown as { route_config: Obj }).route_config) },
      last_updated: started,
    })),
  };
  if (cfg) {
    routes.dynamic_route_configs = [...cfg.routes.values()]
      .filter((r) => nameOk(r.config.name))
      .map((r) => {
        const m = cfg.meta.routes.get(r.config.name)!;
        return { version_info: m.versionInfo, route_config: r.config, last_updated: iso(m.lastUpdated) };
      });
  }
  out.push({ type: 'RoutesConfigDump', body: routes });

  const secrets: Obj = {};
  if (cfg) {
    const used = referencedSecrets(cfg);
    const active = [...cfg.secrets.values()].filter((s) => used.has(s.name) && nameOk(s.name));
    if (active.length) {
      secrets.dynamic_active_secrets = active
        .sort((a, b) => (a.name < b.name ? -1 : 1))
        .map((s) => ({ name: s.name, version_info: s.versionInfo, last_updated: iso(s.lastUpdated), secret: redactSecret(s.secret as unknown as Obj) }));
    }
  }
  out.push({ type: 'SecretsConfigDump', body: secrets });
  return out;
}

function isIdent(s: string): boolean {
  return /^[a-z_][a-z0-9_]*$/.test(s);
}

/** FieldMask trim: keep only the listed (dotted) paths. */
function trim(obj: Obj, paths: string[][]): Obj {
  const out: Obj = {};
  if (obj['@type'] !== undefined) out['@type'] = obj['@type'];
  for (const p of paths) {
    const [head, ...rest] = p;
    if (!head || !(head in obj)) continue;
    const v = obj[head];
    if (rest.length === 0 || v === null || typeof v !== 'object' || Array.isArray(v)) {
      out[head] = v;
      continue;
    }
    const sub = trim(v as Obj, [rest]);
    const prev = out[head] as Obj | undefined;
    out[head] = prev ? { ...prev, ...sub } : sub;
  }
  return out;
}

function parseMask(mask: string): string[][] {
  return mask
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => s.split('.'));
}

export interface DumpResponse {
  status: number;
  contentType: string;
  body: string;
}

export function configDump(input: DumpInput, query: URLSearchParams): DumpResponse {
  const resource = query.get('resource') ?? undefined;
  const mask = query.get('mask') ?? undefined;
  const includeEds = query.has('include_eds');
  let nameOk: (n: string) => boolean = () => true;
  const nr = query.get('name_regex');
  if (nr) {
    try {
      const re = compileRegex(nr);
      nameOk = (n) => re.fullMatch(n);
    } catch (err) {
      return { status: 400, contentType: 'text/plain', body: `INVALID_ARGUMENT: Error while parsing name_regex from ${nr}: ${(err as Error).message}` };
    }
  }
  const dumps = buildDumps(input, includeEds, nameOk);
  const configs: Obj[] = [];
  const paths = mask !== undefined ? parseMask(mask) : undefined;
  if (resource !== undefined) {
    for (const d of dumps) {
      const fields = DUMP_FIELDS[d.type]!;
      if (!(resource in fields)) continue;
      const elemType = fields[resource];
      if (!elemType) {
        return { status: 400, contentType: 'text/plain', body: `${resource} is not a repeated field. Use ?mask=${resource} to get only this field` };
      }
      const spec = RESOURCE_FIELDS[elemType]!;
      for (const el of (d.body[resource] as Obj[] | undefined) ?? []) {
        let item = el;
        if (paths) {
          const outer: string[][] = [];
          const inner: string[][] = [];
          for (const p of paths) {
            if (!spec.fields.includes(p[0]!) || !p.every(isIdent)) {
              return { status: 400, contentType: 'text/plain', body: `FieldMask paths: "${mask}"\n could not be successfully used.` };
            }
            if (spec.any && p[0] === spec.any && p.length > 1) inner.push(p.slice(1));
            else outer.push(p);
          }
          if (inner.length) outer.push([spec.any!]);
          item = trim(el, outer);
          if (inner.length && el[spec.any!]) item[spec.any!] = trim(el[spec.any!] as Obj, inner);
          if (inner.length && !outer.some((p) => p.length === 1 && p[0] === spec.any) && !el[spec.any!]) delete item[spec.any!];
        }
        configs.push({ '@type': ADMIN + elemType, ...item });
      }
      return ok(configs);
    }
    return { status: 404, contentType: 'text/plain', body: `${resource} not found in config dump` };
  }
  for (const d of dumps) {
    let body = d.body;
    if (paths) {
      const fields = DUMP_FIELDS[d.type]!;
      const valid = paths.every((p) => p[0]! in fields && p.every(isIdent) && (p.length === 1 || fields[p[0]!] === null));
      if (!valid) continue;
      body = trim(body, paths);
    }
    configs.push({ '@type': ADMIN + d.type, ...body });
  }
  if (configs.length === 0 && mask !== undefined) {
    return { status: 400, contentType: 'text/plain', body: `FieldMask ${mask} could not be successfully applied to any configs.` };
  }
  return ok(configs);
}

function ok(configs: Obj[]): DumpResponse {
  return { status: 200, contentType: 'application/json', body: JSON.stringify({ configs }, null, 1) };
}
